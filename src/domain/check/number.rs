//! The NUMBER check: a plain decimal CSM accepts, and the fix for numbers written the way spreadsheets show them.
//!
//! Owns what a valid number is (optional sign, digits, optional decimal point) and how a formatted amount becomes
//! one: currency symbols and codes removed, accounting parentheses and Unicode minus read as a sign, thousands
//! groups (`,` `.` space apostrophe) joined and a decimal comma turned into a point. Does not trim or decide
//! `Empty` (that is `check`). Invariant: a fix is offered only when the grouping is unambiguous and well-formed;
//! "1,234" is read as a thousand (chosen, as in US exports), "12 34" and "1,23,456" get no fix.

use std::borrow::Cow;

use super::{verdict, Checked};
use crate::domain::report::Problem;

pub fn check_number(raw: &str) -> Checked<'_> {
    verdict(raw, Problem::InvalidNumber, valid_number, number_fix)
}

/// `-12`, `12.5`, `+3` (written without the `+`).
fn valid_number(s: &str) -> Option<Cow<'_, str>> {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (int, frac) = match body.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (body, None),
    };
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    let ok = digits(int) && frac.is_none_or(digits);
    ok.then(|| Cow::Borrowed(s.strip_prefix('+').unwrap_or(s)))
}

fn number_fix(s: &str) -> Option<String> {
    let (negative, amount) = signed_amount(s)?;
    let plain = ungrouped(amount)?;
    valid_number(&if negative { format!("-{plain}") } else { plain }).map(Cow::into_owned)
}

/// The sign (`-`, `−` or accounting parentheses) and currency removed: "-$1,200" and "(1,200 €)" → (true, "1,200").
fn signed_amount(s: &str) -> Option<(bool, &str)> {
    let (parens, s) = match s.strip_prefix('(').and_then(|s| s.strip_suffix(')')) {
        Some(inner) => (true, inner.trim()),
        None => (false, s),
    };
    let (outer, s) = split_sign(s);
    let (inner, s) = split_sign(without_currency(s));
    if outer.is_some() && inner.is_some() || parens && (outer.or(inner)).is_some() {
        return None;
    }
    Some((parens || outer.or(inner) == Some('-'), s))
}

fn split_sign(s: &str) -> (Option<char>, &str) {
    match s.chars().next() {
        Some('+') => (Some('+'), s[1..].trim_start()),
        Some(c @ ('-' | '−')) => (Some('-'), s[c.len_utf8()..].trim_start()),
        _ => (None, s),
    }
}

fn is_currency_symbol(c: char) -> bool {
    matches!(c, '$' | '€' | '£' | '¥' | '₹' | '₽' | '₩' | '₺' | '¢' | '₪' | '₫' | '₱' | '₴' | '₦' | '฿' | '₣')
}

const CURRENCY_CODES: [&str; 20] = [
    "USD", "EUR", "GBP", "CHF", "CAD", "AUD", "NZD", "JPY", "CNY", "INR", "SEK", "NOK", "DKK", "PLN", "BRL", "MXN",
    "ZAR", "HKD", "SGD", "KR",
];

/// Currency symbols and codes at either end ("US$1,200", "1.200,00 EUR", "1200 €") removed.
fn without_currency(mut s: &str) -> &str {
    loop {
        let before = s.len();
        s = s.trim_matches(|c: char| is_currency_symbol(c) || c.is_whitespace());
        let lead = s.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(s.len());
        let (word, rest) = s.split_at(lead);
        if is_currency_code(word) || (word.len() <= 2 && rest.starts_with(is_currency_symbol)) {
            s = rest;
        }
        let tail = s.rfind(|c: char| !c.is_ascii_alphabetic()).map_or(0, |i| i + 1);
        if is_currency_code(&s[tail..]) {
            s = &s[..tail];
        }
        if s.len() == before {
            return s;
        }
    }
}

fn is_currency_code(word: &str) -> bool {
    CURRENCY_CODES.iter().any(|c| c.eq_ignore_ascii_case(word))
}

/// "1,234,567.89" → "1234567.89", "1.234,56" → "1234.56", "12,5" → "12.5", "1 234" → "1234".
fn ungrouped(s: &str) -> Option<String> {
    let (int, frac) = match decimal_separator(s) {
        Some(sep) => s.rsplit_once(sep)?,
        None => (s, ""),
    };
    let int = without_groups(int)?;
    if !frac.bytes().all(|b| b.is_ascii_digit()) || int.is_empty() && frac.is_empty() {
        return None;
    }
    let int = if int.is_empty() { "0".to_string() } else { int };
    Some(if frac.is_empty() { int } else { format!("{int}.{frac}") })
}

/// Which of `,` and `.` is the decimal point, if any. Both present: the last one. One comma followed by exactly
/// three digits after a 1–3 digit number ("1,234") is a thousands separator (chosen, as in US exports).
fn decimal_separator(s: &str) -> Option<char> {
    let (commas, dots) = (s.matches(',').count(), s.matches('.').count());
    match (commas, dots) {
        (0, 0) => None,
        (1, 0) if comma_groups_thousands(s) => None,
        (1, 0) => Some(','),
        (0, 1) => Some('.'),
        (_, 0) | (0, _) => None,
        _ => s.rfind([',', '.']).and_then(|i| s[i..].chars().next()),
    }
}

fn comma_groups_thousands(s: &str) -> bool {
    let Some((int, frac)) = s.split_once(',') else { return false };
    frac.len() == 3 && (1..=3).contains(&int.len()) && int != "0" && int.bytes().all(|b| b.is_ascii_digit())
}

/// Which group separator a character is: `,`, `.`, a space (any width) or an apostrophe.
fn group_kind(c: char) -> Option<u8> {
    match c {
        ',' => Some(0),
        '.' => Some(1),
        ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' => Some(2),
        '\'' | '’' => Some(3),
        _ => None,
    }
}

/// Digits in groups of three after a first group of 1–3, all with the same kind of separator, joined.
fn without_groups(int: &str) -> Option<String> {
    let mut kinds = int.chars().filter_map(group_kind);
    let first_kind = kinds.next();
    if kinds.any(|k| Some(k) != first_kind) {
        return None;
    }
    let groups: Vec<&str> = int.split(|c| group_kind(c).is_some()).collect();
    let digits = |g: &&str| g.bytes().all(|b| b.is_ascii_digit());
    let well_formed =
        groups.len() == 1 || (1..=3).contains(&groups[0].len()) && groups[1..].iter().all(|g| g.len() == 3);
    (well_formed && groups.iter().all(digits)).then(|| groups.concat())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::check::tests::{fixed, unfixable, valid};

    #[test]
    fn numbers_keep_their_form_but_lose_a_plus() {
        assert_eq!(check_number("1234"), valid("1234"));
        assert_eq!(check_number("-12.50"), valid("-12.50"));
        assert_eq!(check_number("+7"), valid("7"));
        assert_eq!(check_number("1.234"), valid("1.234"));
    }

    #[test]
    fn comma_thousands_get_a_fix() {
        assert_eq!(check_number("1,234"), fixed(Problem::InvalidNumber, "1234"));
        assert_eq!(check_number("1,234,567.89"), fixed(Problem::InvalidNumber, "1234567.89"));
        assert_eq!(check_number("1,234,567"), fixed(Problem::InvalidNumber, "1234567"));
    }

    #[test]
    fn european_decimal_comma_gets_a_fix() {
        assert_eq!(check_number("12,5"), fixed(Problem::InvalidNumber, "12.5"));
        assert_eq!(check_number("0,125"), fixed(Problem::InvalidNumber, "0.125"));
        assert_eq!(check_number("-1234,56"), fixed(Problem::InvalidNumber, "-1234.56"));
    }

    #[test]
    fn european_thousands_dots_and_decimal_comma_get_a_fix() {
        assert_eq!(check_number("1.234,56"), fixed(Problem::InvalidNumber, "1234.56"));
        assert_eq!(check_number("1.234.567"), fixed(Problem::InvalidNumber, "1234567"));
    }

    #[test]
    fn space_and_apostrophe_thousands_get_a_fix() {
        assert_eq!(check_number("1 234"), fixed(Problem::InvalidNumber, "1234"));
        assert_eq!(check_number("1\u{a0}234\u{a0}567,5"), fixed(Problem::InvalidNumber, "1234567.5"));
        assert_eq!(check_number("1'234.50"), fixed(Problem::InvalidNumber, "1234.50"));
    }

    #[test]
    fn currency_symbols_and_codes_are_removed_in_the_fix() {
        assert_eq!(check_number("$1,200"), fixed(Problem::InvalidNumber, "1200"));
        assert_eq!(check_number("1200 €"), fixed(Problem::InvalidNumber, "1200"));
        assert_eq!(check_number("US$ 99.90"), fixed(Problem::InvalidNumber, "99.90"));
        assert_eq!(check_number("1.200,00 EUR"), fixed(Problem::InvalidNumber, "1200.00"));
        assert_eq!(check_number("-$5"), fixed(Problem::InvalidNumber, "-5"));
    }

    #[test]
    fn accounting_parentheses_fix_to_a_negative_number() {
        assert_eq!(check_number("(1,200.00)"), fixed(Problem::InvalidNumber, "-1200.00"));
        assert_eq!(check_number("(-5)"), unfixable(Problem::InvalidNumber));
    }

    #[test]
    fn malformed_groups_and_words_get_no_number_fix() {
        for bad in ["12 34", "1,23,456", "1.234,5.6", "1e5", "12%", "abc", "+-5", "1,000.000,5", "$", "--5"] {
            assert_eq!(check_number(bad), unfixable(Problem::InvalidNumber), "{bad}");
        }
    }

    #[test]
    fn half_written_decimals_get_a_fix() {
        assert_eq!(check_number(".5"), fixed(Problem::InvalidNumber, "0.5"));
        assert_eq!(check_number("5."), fixed(Problem::InvalidNumber, "5"));
    }
}
