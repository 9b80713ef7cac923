//! Per-type value checks: is one cell a valid CSM email, URL, number, boolean, phone or date, and what to write.
//!
//! Owns the rules for one value of each CSM field type (contract §2) and the fixes we can suggest. Does not know
//! rows, columns or select options (that is `prepare`), and detects no date formats (that is `dates`).
//! Invariants: every check trims first and answers `Empty` for a blank cell; a `Valid` value is exactly what to
//! write to CSM; a suggested `fix` always checks as `Valid` itself (and is given in its normalised form).

use url::{Host, Url};

use super::dates::{iso, DateFormat, DateSep, YearDigits};
use super::report::Problem;

/// The result of checking one cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Checked {
    Empty,
    /// The normalised value to write to CSM.
    Valid(String),
    /// What is wrong, and a replacement the admin can accept when one can be worked out.
    Invalid {
        problem: Problem,
        fix: Option<String>,
    },
}

/// The cell without surrounding whitespace (including non-breaking spaces), byte-order marks and zero-width spaces.
pub fn trim_cell(raw: &str) -> &str {
    raw.trim_matches(|c: char| c.is_whitespace() || matches!(c, '\u{feff}' | '\u{200b}'))
}

/// Trims, then answers `Empty`, `Valid(valid(s))` or `Invalid` with `fix(s)`.
fn verdict(raw: &str, problem: Problem, valid: fn(&str) -> Option<String>, fix: fn(&str) -> Option<String>) -> Checked {
    let s = trim_cell(raw);
    if s.is_empty() {
        return Checked::Empty;
    }
    match valid(s) {
        Some(value) => Checked::Valid(value),
        None => Checked::Invalid { problem, fix: fix(s) },
    }
}

fn no_fix(_: &str) -> Option<String> {
    None
}

pub fn check_text(raw: &str) -> Checked {
    match trim_cell(raw) {
        "" => Checked::Empty,
        s => Checked::Valid(s.to_string()),
    }
}

// ----- email -----

pub fn check_email(raw: &str) -> Checked {
    verdict(raw, Problem::InvalidEmail, valid_email, email_fix)
}

fn valid_email(s: &str) -> Option<String> {
    let (local, domain) = s.split_once('@')?;
    let ok = s.chars().count() <= 254 && is_local_part(local) && is_domain(domain);
    ok.then(|| s.to_string())
}

fn is_local_part(local: &str) -> bool {
    const SPECIALS: &str = "!#$%&'*+-/=?^_`{|}~.";
    (1..=64).contains(&local.len())
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local.chars().all(|c| c.is_alphanumeric() || SPECIALS.contains(c))
}

/// At least two dot-separated labels of letters, digits and inner hyphens; the last one is a TLD of 2+ letters.
fn is_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    let is_label = |l: &&str| {
        (1..=63).contains(&l.len())
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    let is_tld = |t: &&str| (t.chars().count() >= 2 && t.chars().all(char::is_alphabetic)) || t.starts_with("xn--");
    labels.len() >= 2 && labels.iter().all(is_label) && labels.last().is_some_and(is_tld)
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
    valid_email(v)
}

fn inside_angle_brackets(s: &str) -> Option<&str> {
    let start = s.rfind('<')? + 1;
    let end = start + s[start..].find('>')?;
    Some(&s[start..end])
}

// ----- url -----

pub fn check_url(raw: &str) -> Checked {
    verdict(raw, Problem::InvalidUrl, valid_url, url_fix)
}

/// http(s), a host with a dot (or localhost), no credentials, no spaces. Returned as written, never re-serialised.
fn valid_url(s: &str) -> Option<String> {
    let scheme_written =
        ["http://", "https://"].iter().any(|p| s.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p)));
    let url = Url::parse(s).ok()?;
    let ok = scheme_written
        && !s.chars().any(char::is_whitespace)
        && url.username().is_empty()
        && url.password().is_none()
        && has_real_host(&url, s);
    ok.then(|| s.to_string())
}

fn has_real_host(url: &Url, written: &str) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => d == "localhost" || is_domain(d),
        // "https://1.5" parses as 1.0.0.5: only an address written out in full counts.
        Some(Host::Ipv4(ip)) => written.contains(&ip.to_string()),
        _ => false,
    }
}

/// Surrounding brackets/quotes and trailing punctuation removed; "https://" added when no scheme is written;
/// malformed schemes ("http:/x.com") and spaces repaired by the url crate when the host is a name.
fn url_fix(s: &str) -> Option<String> {
    let s = s.trim_start_matches(['<', '"', '\'']).trim_end_matches(['>', '"', '\'', '.', ',', ';']);
    let mut candidates = vec![s.to_string()];
    if !s.contains("://") && !s.contains('@') {
        candidates.push(format!("https://{}", s.trim_start_matches('/')));
    }
    candidates.iter().find_map(|c| valid_url(c).or_else(|| reserialised_url(c)))
}

fn reserialised_url(s: &str) -> Option<String> {
    let url = Url::parse(s).ok()?;
    matches!(url.host(), Some(Host::Domain(_))).then_some(())?;
    valid_url(url.as_str())
}

// ----- number -----

pub fn check_number(raw: &str) -> Checked {
    verdict(raw, Problem::InvalidNumber, valid_number, number_fix)
}

/// `-12`, `12.5`, `+3` (written without the `+`).
fn valid_number(s: &str) -> Option<String> {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (int, frac) = match body.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (body, None),
    };
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    let ok = digits(int) && frac.is_none_or(digits);
    ok.then(|| s.strip_prefix('+').unwrap_or(s).to_string())
}

fn number_fix(s: &str) -> Option<String> {
    let (negative, amount) = signed_amount(s)?;
    let plain = ungrouped(amount)?;
    valid_number(&if negative { format!("-{plain}") } else { plain })
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

// ----- boolean -----

pub fn check_boolean(raw: &str) -> Checked {
    verdict(raw, Problem::InvalidBoolean, valid_boolean, no_fix)
}

fn valid_boolean(s: &str) -> Option<String> {
    let value = match s.to_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "t" | "on" | "checked" => "true",
        "false" | "no" | "n" | "0" | "f" | "off" | "unchecked" => "false",
        _ => return None,
    };
    Some(value.to_string())
}

// ----- phone -----

pub fn check_phone(raw: &str) -> Checked {
    verdict(raw, Problem::InvalidPhone, valid_phone, phone_fix)
}

/// 5–20 digits with spaces, `-` `.` `/` `(` `)`, a leading `+` and an optional extension. Returned as written.
fn valid_phone(s: &str) -> Option<String> {
    let (number, _extension) = split_extension(s);
    let allowed = |(i, c): (usize, char)| {
        c.is_ascii_digit() || c.is_whitespace() || matches!(c, '-' | '.' | '/' | '(' | ')') || (c == '+' && i == 0)
    };
    let digits = number.bytes().filter(u8::is_ascii_digit).count();
    let ok = number.char_indices().all(allowed) && (5..=20).contains(&digits) && balanced_parentheses(number);
    ok.then(|| s.to_string())
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
    valid_phone(without_trailing_text(without_label(s.trim_start_matches('\''))))
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

// ----- date -----

/// Reads the value in the column's format and writes it as `YYYY-MM-DD`.
pub fn check_date(raw: &str, format: DateFormat) -> Checked {
    let s = trim_cell(raw);
    if s.is_empty() {
        return Checked::Empty;
    }
    match format.parse(s) {
        Some(date) => Checked::Valid(iso(date)),
        None => Checked::Invalid { problem: Problem::InvalidDate, fix: unambiguous_date(s).map(iso) },
    }
}

/// A reading that needs no guess: ISO (with or without time), a month name, or day/month settled by a part > 12.
fn unambiguous_date(s: &str) -> Option<chrono::NaiveDate> {
    let unordered = [DateFormat::Iso, DateFormat::IsoSlash, DateFormat::DayMonthNameYear, DateFormat::MonthNameDayYear];
    unordered.iter().find_map(|f| f.parse(s)).or_else(|| {
        let widths = [DateSep::Slash, DateSep::Dot, DateSep::Dash]
            .into_iter()
            .flat_map(|sep| [YearDigits::Four, YearDigits::Two].map(|year| (sep, year)));
        widths.into_iter().find_map(|(sep, year)| {
            let day_first = DateFormat::DayMonthYear { sep, year }.parse(s);
            let month_first = DateFormat::MonthDayYear { sep, year }.parse(s);
            match (day_first, month_first) {
                (Some(a), Some(b)) => (a == b).then_some(a),
                (a, b) => a.or(b),
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid(v: &str) -> Checked {
        Checked::Valid(v.into())
    }

    fn fixed(problem: Problem, fix: &str) -> Checked {
        Checked::Invalid { problem, fix: Some(fix.into()) }
    }

    fn unfixable(problem: Problem) -> Checked {
        Checked::Invalid { problem, fix: None }
    }

    const DMY: DateFormat = DateFormat::DayMonthYear { sep: DateSep::Slash, year: YearDigits::Four };

    #[test]
    fn text_is_trimmed_of_spaces_and_non_breaking_spaces() {
        assert_eq!(check_text("\u{a0} Acme Ltd \t"), valid("Acme Ltd"));
        assert_eq!(check_text("\u{feff}Acme"), valid("Acme"));
    }

    #[test]
    fn blank_values_of_every_type_are_empty() {
        let blank = " \u{a0}\t";
        assert_eq!(check_text(blank), Checked::Empty);
        assert_eq!(check_email(blank), Checked::Empty);
        assert_eq!(check_url(blank), Checked::Empty);
        assert_eq!(check_number(blank), Checked::Empty);
        assert_eq!(check_boolean(blank), Checked::Empty);
        assert_eq!(check_phone(blank), Checked::Empty);
        assert_eq!(check_date(blank, DMY), Checked::Empty);
    }

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
    fn two_addresses_in_one_cell_get_no_fix() {
        assert_eq!(check_email("a@x.com; b@x.com"), unfixable(Problem::InvalidEmail));
    }

    #[test]
    fn url_with_scheme_is_returned_as_written() {
        assert_eq!(check_url("https://example.com"), valid("https://example.com"));
        assert_eq!(check_url("HTTP://Example.com/a?b=c#d"), valid("HTTP://Example.com/a?b=c#d"));
        assert_eq!(check_url("http://localhost:8080"), valid("http://localhost:8080"));
        assert_eq!(check_url("http://192.168.1.10/admin"), valid("http://192.168.1.10/admin"));
    }

    #[test]
    fn url_without_scheme_gets_https_fix() {
        assert_eq!(check_url("example.com"), fixed(Problem::InvalidUrl, "https://example.com"));
        assert_eq!(check_url("www.example.com/path"), fixed(Problem::InvalidUrl, "https://www.example.com/path"));
        assert_eq!(check_url("<www.example.com>."), fixed(Problem::InvalidUrl, "https://www.example.com"));
    }

    #[test]
    fn url_with_a_broken_scheme_or_spaces_gets_a_repaired_fix() {
        assert_eq!(check_url("http:/example.com"), fixed(Problem::InvalidUrl, "http://example.com/"));
        assert_eq!(
            check_url("https://example.com/my page"),
            fixed(Problem::InvalidUrl, "https://example.com/my%20page")
        );
    }

    #[test]
    fn url_without_a_dot_is_invalid_except_localhost() {
        assert_eq!(check_url("https://intranet"), unfixable(Problem::InvalidUrl));
        assert_eq!(check_url("n/a"), unfixable(Problem::InvalidUrl));
        assert_eq!(check_url("https://example..com"), unfixable(Problem::InvalidUrl));
    }

    #[test]
    fn non_web_schemes_and_credentials_are_invalid() {
        assert_eq!(check_url("ftp://example.com"), unfixable(Problem::InvalidUrl));
        assert_eq!(check_url("https://user:pw@example.com"), unfixable(Problem::InvalidUrl));
        assert_eq!(check_url("jane@example.com"), unfixable(Problem::InvalidUrl));
    }

    #[test]
    fn a_decimal_number_is_not_taken_for_an_ip_address() {
        assert_eq!(check_url("1.5"), unfixable(Problem::InvalidUrl));
        assert_eq!(check_url("https://1.5"), unfixable(Problem::InvalidUrl));
    }

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

    #[test]
    fn yes_and_no_normalise_to_true_and_false() {
        for yes in ["Yes", "TRUE", "y", "1", "t", "On", "checked"] {
            assert_eq!(check_boolean(yes), valid("true"), "{yes}");
        }
        for no in ["no", "False", "N", "0", "f", "OFF", "Unchecked"] {
            assert_eq!(check_boolean(no), valid("false"), "{no}");
        }
    }

    #[test]
    fn unknown_boolean_words_are_invalid_without_fix() {
        assert_eq!(check_boolean("maybe"), unfixable(Problem::InvalidBoolean));
        assert_eq!(check_boolean("2"), unfixable(Problem::InvalidBoolean));
    }

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

    #[test]
    fn dates_normalise_to_iso() {
        assert_eq!(check_date("31/01/2024", DMY), valid("2024-01-31"));
        assert_eq!(check_date(" 5/6/2024 ", DMY), valid("2024-06-05"));
        assert_eq!(check_date("2024-01-31T10:00:00Z", DateFormat::Iso), valid("2024-01-31"));
    }

    #[test]
    fn date_in_the_wrong_order_gets_a_fix_only_when_unambiguous() {
        assert_eq!(check_date("01/31/2024", DMY), fixed(Problem::InvalidDate, "2024-01-31"));
        assert_eq!(check_date("13.01.2024", DateFormat::Iso), fixed(Problem::InvalidDate, "2024-01-13"));
        assert_eq!(check_date("05.06.2024", DMY), unfixable(Problem::InvalidDate));
        assert_eq!(check_date("07-07-2024", DMY), fixed(Problem::InvalidDate, "2024-07-07"));
        assert_eq!(check_date("31/02/2024", DMY), unfixable(Problem::InvalidDate));
        assert_eq!(check_date("soon", DMY), unfixable(Problem::InvalidDate));
    }

    #[test]
    fn named_month_and_iso_datetime_get_a_fix() {
        assert_eq!(check_date("5 Jan 2024", DMY), fixed(Problem::InvalidDate, "2024-01-05"));
        assert_eq!(check_date("January 5, 2024", DMY), fixed(Problem::InvalidDate, "2024-01-05"));
        assert_eq!(check_date("2024-01-05 10:00:00", DMY), fixed(Problem::InvalidDate, "2024-01-05"));
    }

    #[test]
    fn every_fix_checks_as_valid_in_its_normalised_form() {
        type Check = fn(&str) -> Checked;
        let checks: [(Check, &[&str]); 4] = [
            (check_email, &["MAILTO:A@B.CO", "x <Y@Z.io>", "a at b dot io", "a@b.io;"]),
            (check_url, &["example.com", "http:/example.com", "'www.x.org/a b'"]),
            (check_number, &["$1,200", "12,5", "(3)", "1 234,5", ".5"]),
            (check_phone, &["tel: 555 0100", "555 0100 (work)"]),
        ];
        for (check, inputs) in checks {
            for input in inputs {
                let Checked::Invalid { fix: Some(fix), .. } = check(input) else { panic!("{input} has no fix") };
                assert_eq!(check(&fix), Checked::Valid(fix.clone()), "{input} → {fix}");
            }
        }
        let Checked::Invalid { fix: Some(fix), .. } = check_date("13/01/2024", DateFormat::Iso) else { panic!() };
        assert_eq!(check_date(&fix, DateFormat::Iso), Checked::Valid(fix.clone()));
    }
}
