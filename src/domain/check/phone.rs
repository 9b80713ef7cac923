//! The PHONE check: a dialable number with an optional extension, kept as written, and the fix for labelled ones.
//!
//! Owns what a valid phone value is (5–20 digits, the usual punctuation, a leading `+`, balanced parentheses, an
//! extension such as "x12" or "ext. 12") and how a labelled or annotated value is cleaned ("tel:", "Phone:",
//! "(mobile)", Excel's leading `'`). Does not trim or decide `Empty` (that is `check`), and does not reformat
//! numbers to E.164. Invariant: a valid phone is returned as written; letters are never turned into digits, so
//! vanity numbers get no fix.

use std::borrow::Cow;

use super::{verdict, Checked};
use crate::domain::report::Problem;

pub fn check_phone(raw: &str) -> Checked<'_> {
    verdict(raw, Problem::InvalidPhone, valid_phone, phone_fix)
}

/// 5–20 digits with spaces, `-` `.` `/` `(` `)`, a leading `+` and an optional extension. Returned as written.
fn valid_phone(s: &str) -> Option<Cow<'_, str>> {
    let (number, _extension) = split_extension(s);
    let allowed = |(i, c): (usize, char)| {
        c.is_ascii_digit() || c.is_whitespace() || matches!(c, '-' | '.' | '/' | '(' | ')') || (c == '+' && i == 0)
    };
    let digits = number.bytes().filter(u8::is_ascii_digit).count();
    let ok = number.char_indices().all(allowed) && (5..=20).contains(&digits) && balanced_parentheses(number);
    ok.then_some(Cow::Borrowed(s))
}

fn balanced_parentheses(s: &str) -> bool {
    let mut open = false;
    for c in s.chars() {
        match c {
            '(' if open => return false,
            ')' if !open => return false,
            '(' | ')' => open = !open,
            _ => {}
        }
    }
    !open
}

/// "555-0100 x12", "555-0100 ext. 12", "555-0100 #12" → ("555-0100", Some("12")).
fn split_extension(s: &str) -> (&str, Option<&str>) {
    let start = s.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let head = s[..start].trim_end().trim_end_matches(['.', ':']).trim_end();
    let lower = head.to_ascii_lowercase();
    let marker = ["extension", "ext", "x", "#"].into_iter().find(|m| lower.ends_with(m));
    match marker {
        Some(m) if start < s.len() => (head[..head.len() - m.len()].trim_end(), Some(&s[start..])),
        _ => (s, None),
    }
}

/// A label ("tel:", "Phone:", "Mobile") and trailing words ("(mobile)", "home") removed; Excel's leading `'` too.
fn phone_fix(s: &str) -> Option<String> {
    valid_phone(without_trailing_text(without_label(s.trim_start_matches('\'')))).map(Cow::into_owned)
}

fn without_label(s: &str) -> &str {
    let start = s.find(|c: char| c.is_ascii_digit() || c == '+' || c == '(').unwrap_or(0);
    let label = &s[..start];
    let is_label = label.chars().all(|c| c.is_alphabetic() || c.is_whitespace() || matches!(c, '.' | ':' | '-'));
    if is_label {
        &s[start..]
    } else {
        s
    }
}

/// Cut at the first letter that does not start an extension.
fn without_trailing_text(s: &str) -> &str {
    let cut = s.char_indices().find(|&(i, c)| c.is_alphabetic() && !is_extension(&s[i..]));
    match cut {
        Some((i, _)) => {
            s[..i].trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '(' | ',' | ';' | '/' | ':'))
        }
        None => s,
    }
}

fn is_extension(rest: &str) -> bool {
    let lower = rest.to_ascii_lowercase();
    ["extension", "ext", "x"].iter().any(|word| {
        let digits = lower.strip_prefix(word).map(|a| a.trim_start_matches(['.', ':']).trim_start());
        digits.is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::check::tests::{fixed, unfixable, valid};

    #[test]
    fn us_phone_with_parentheses_is_valid() {
        assert_eq!(check_phone("+1 (415) 555-0100"), valid("+1 (415) 555-0100"));
        assert_eq!(check_phone("(415) 555.0100"), valid("(415) 555.0100"));
    }

    #[test]
    fn international_phones_with_extensions_are_valid() {
        assert_eq!(check_phone("+44 20 7946 0958"), valid("+44 20 7946 0958"));
        assert_eq!(check_phone("030/1234567"), valid("030/1234567"));
        assert_eq!(check_phone("555-0100 x123"), valid("555-0100 x123"));
        assert_eq!(check_phone("555-0100 ext. 123"), valid("555-0100 ext. 123"));
    }

    #[test]
    fn phone_with_too_few_or_too_many_digits_is_invalid() {
        assert_eq!(check_phone("1234"), unfixable(Problem::InvalidPhone));
        assert_eq!(check_phone("123456789012345678901"), unfixable(Problem::InvalidPhone));
        assert_eq!(check_phone("555+0100"), unfixable(Problem::InvalidPhone));
        assert_eq!(check_phone("(415 555-0100"), unfixable(Problem::InvalidPhone));
    }

    #[test]
    fn phone_label_and_trailing_text_get_a_fix() {
        assert_eq!(check_phone("tel:+14155550100"), fixed(Problem::InvalidPhone, "+14155550100"));
        assert_eq!(check_phone("Phone: (415) 555-0100"), fixed(Problem::InvalidPhone, "(415) 555-0100"));
        assert_eq!(check_phone("+1 415 555 0100 (mobile)"), fixed(Problem::InvalidPhone, "+1 415 555 0100"));
        assert_eq!(check_phone("555-0100 home x12"), fixed(Problem::InvalidPhone, "555-0100"));
        assert_eq!(check_phone("'+44 20 7946 0958"), fixed(Problem::InvalidPhone, "+44 20 7946 0958"));
    }

    #[test]
    fn vanity_phone_numbers_get_no_fix() {
        assert_eq!(check_phone("1-800-FLOWERS"), unfixable(Problem::InvalidPhone));
        assert_eq!(check_phone("call me"), unfixable(Problem::InvalidPhone));
    }
}
