//! The EMAIL check: one address per cell, as written, and the fix for addresses pasted from mail clients.
//!
//! Owns what a valid address is (local part, domain) and how a near miss is cleaned up ("mailto:", display names,
//! "at"/"dot" spelled out, stray spaces and punctuation). Does not trim or decide `Empty` (that is `check`), and
//! never tries to split two addresses in one cell. Invariant: a fix is only offered when it passes `valid_email`.
//! The domain rule is shared with the URL check through [`is_domain`].

use std::borrow::Cow;

use super::{verdict, Checked};
use crate::domain::report::Problem;

pub fn check_email(raw: &str) -> Checked<'_> {
    verdict(raw, Problem::InvalidEmail, valid_email, email_fix)
}

fn valid_email(s: &str) -> Option<Cow<'_, str>> {
    // `@` is one byte in UTF-8, never part of another character: a byte search finds it.
    let at = s.bytes().position(|b| b == b'@')?;
    let (local, domain) = (&s[..at], &s[at + 1..]);
    // A character takes at least a byte: a short address needs no count of its characters.
    let short = s.len() <= 254 || s.chars().count() <= 254;
    let ok = short && is_local_part(local) && is_domain(domain);
    ok.then_some(Cow::Borrowed(s))
}

fn is_local_part(local: &str) -> bool {
    if !(1..=64).contains(&local.len()) || local.starts_with('.') || local.ends_with('.') {
        return false;
    }
    // One look at each character: allowed, and no two dots in a row (no string search per address). An ASCII
    // part (nearly all) is looked at byte by byte.
    let mut after_dot = false;
    let mut allowed = |c: char, ok: bool| {
        let dot = c == '.';
        let ok = ok && !(dot && after_dot);
        after_dot = dot;
        ok
    };
    if local.is_ascii() {
        local.bytes().all(|b| allowed(char::from(b), b.is_ascii_alphanumeric() || SPECIALS.contains(&b)))
    } else {
        local.chars().all(|c| allowed(c, is_letter_or_digit(c) || is_special(c)))
    }
}

/// `char::is_alphanumeric`, with the Latin letters of European names (U+00C0 to U+024F: all letters but `×` and
/// `÷`) told without a look in Unicode's tables.
fn is_letter_or_digit(c: char) -> bool {
    match c {
        '\u{C0}'..='\u{24F}' => c != '×' && c != '÷',
        _ => c.is_alphanumeric(),
    }
}

/// The punctuation a local part may hold besides letters and digits.
const SPECIALS: &[u8] = b"!#$%&'*+-/=?^_`{|}~.";

/// One of `SPECIALS` (a look at 20 bytes, not a search of a string for a character).
fn is_special(c: char) -> bool {
    u8::try_from(c).is_ok_and(|b| SPECIALS.contains(&b))
}

/// At least two dot-separated labels of letters, digits and inner hyphens; the last one is a TLD of 2+ letters.
pub(super) fn is_domain(domain: &str) -> bool {
    // An ASCII label (nearly all) is looked at byte by byte; `.` is one byte, never part of another character.
    let is_label = |l: &str| {
        (1..=63).contains(&l.len())
            && !l.starts_with('-')
            && !l.ends_with('-')
            && if l.is_ascii() {
                l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            } else {
                l.chars().all(|c| is_letter_or_digit(c) || c == '-')
            }
    };
    let is_tld = |t: &str| {
        let letters = if t.is_ascii() {
            t.len() >= 2 && t.bytes().all(|b| b.is_ascii_alphabetic())
        } else {
            t.chars().nth(1).is_some() && t.chars().all(char::is_alphabetic)
        };
        letters || t.starts_with("xn--")
    };
    let mut labels = 0;
    let mut last = "";
    for label in domain.split('.') {
        if !is_label(label) {
            return false;
        }
        labels += 1;
        last = label;
    }
    labels >= 2 && is_tld(last)
}

/// "mailto:", "Name <a@b.co>", "a (at) b dot co", inner spaces and trailing punctuation cleaned, lower-cased.
fn email_fix(s: &str) -> Option<String> {
    let mut v = s.to_lowercase();
    if let Some(inner) = inside_angle_brackets(&v) {
        v = inner.to_string();
    }
    let v = v.trim().trim_start_matches("mailto:");
    let mut v = [("(at)", "@"), ("[at]", "@"), ("{at}", "@"), (" at ", "@")]
        .into_iter()
        .chain([("(dot)", "."), ("[dot]", "."), ("{dot}", "."), (" dot ", ".")])
        .fold(v.to_string(), |v, (from, to)| v.replace(from, to));
    v.retain(|c| !c.is_whitespace());
    let v = v.trim_matches(['"', '\'']).trim_end_matches(['.', ',', ';', ':']);
    valid_email(v).map(Cow::into_owned)
}

fn inside_angle_brackets(s: &str) -> Option<&str> {
    let start = s.rfind('<')? + 1;
    let end = start + s[start..].find('>')?;
    Some(&s[start..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::check::tests::{fixed, unfixable, valid};

    #[test]
    fn plain_email_is_valid_as_written() {
        assert_eq!(check_email(" Jane.Doe+crm@Example.co.uk "), valid("Jane.Doe+crm@Example.co.uk"));
        assert_eq!(check_email("o'brien@sub-domain.example.io"), valid("o'brien@sub-domain.example.io"));
    }

    #[test]
    fn email_with_mailto_and_capitals_gets_a_lowercase_fix() {
        assert_eq!(check_email("mailto:Jane@Example.COM"), fixed(Problem::InvalidEmail, "jane@example.com"));
    }

    #[test]
    fn display_name_form_gets_the_address_inside_the_brackets_as_fix() {
        assert_eq!(check_email("Jane Doe <jane@x.com>"), fixed(Problem::InvalidEmail, "jane@x.com"));
        assert_eq!(check_email("\"Doe, Jane\" <Jane@X.com>;"), fixed(Problem::InvalidEmail, "jane@x.com"));
    }

    #[test]
    fn obfuscated_at_and_dot_get_a_fix() {
        assert_eq!(check_email("jane at example dot com"), fixed(Problem::InvalidEmail, "jane@example.com"));
        assert_eq!(check_email("jane(at)example.com"), fixed(Problem::InvalidEmail, "jane@example.com"));
        assert_eq!(check_email("jane [at] example [dot] com"), fixed(Problem::InvalidEmail, "jane@example.com"));
    }

    #[test]
    fn email_with_inner_spaces_or_trailing_punctuation_gets_a_fix() {
        assert_eq!(check_email("jane @ example.com"), fixed(Problem::InvalidEmail, "jane@example.com"));
        assert_eq!(check_email("jane@example.com."), fixed(Problem::InvalidEmail, "jane@example.com"));
        assert_eq!(check_email("jane@example.com,"), fixed(Problem::InvalidEmail, "jane@example.com"));
    }

    #[test]
    fn email_without_a_real_domain_has_no_fix() {
        for bad in ["jane", "jane@", "@example.com", "jane@localhost", "jane@example.c", "jane@exa_mple.com"] {
            assert_eq!(check_email(bad), unfixable(Problem::InvalidEmail), "{bad}");
        }
    }

    #[test]
    fn consecutive_dots_and_two_at_signs_are_invalid() {
        assert_eq!(check_email("jane..doe@example.com"), unfixable(Problem::InvalidEmail));
        assert_eq!(check_email("jane@example..com"), unfixable(Problem::InvalidEmail));
        assert_eq!(check_email("jane@doe@example.com"), unfixable(Problem::InvalidEmail));
        assert_eq!(check_email("jane@-example.com"), unfixable(Problem::InvalidEmail));
    }

    #[test]
    fn latin_letters_are_told_as_unicode_tells_them() {
        for c in ('\u{80}'..='\u{2FF}').chain(['\u{0}', '7', 'z', 'Ω', '日', '٣', '\u{10FFFF}']) {
            assert_eq!(is_letter_or_digit(c), c.is_alphanumeric(), "{c:?}");
        }
        assert_eq!(check_email("jürgen.müller@exämple.de"), valid("jürgen.müller@exämple.de"));
        assert_eq!(check_email("a×b@example.com"), unfixable(Problem::InvalidEmail));
    }

    #[test]
    fn two_addresses_in_one_cell_get_no_fix() {
        assert_eq!(check_email("a@x.com; b@x.com"), unfixable(Problem::InvalidEmail));
    }
}
