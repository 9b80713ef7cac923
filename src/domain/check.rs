//! Per-type value checks: is one cell a valid CSM email, URL, number, boolean, phone or date, and what to write.
//!
//! Owns [`Checked`], the shared trimming and verdict, the TEXT check, and the contract every per-type check keeps;
//! each other type's rule and fix live in a child file (`email`, `url`, `number`, `boolean`, `phone`, `date`) and
//! are re-exported here. Does not know rows, columns or select options (that is `prepare`), and detects no date
//! formats (that is `dates`). Invariants: every check trims first and answers `Empty` for a blank cell; a `Valid`
//! value is exactly what to write to CSM; a suggested `fix` always checks as `Valid` itself (and is given in its
//! normalised form).

use std::borrow::Cow;

use super::report::Problem;

mod boolean;
mod date;
mod email;
mod number;
mod phone;
mod url;

pub use self::url::check_url;
pub use boolean::check_boolean;
pub use date::check_date;
pub use email::check_email;
pub use number::check_number;
pub use phone::check_phone;

/// The result of checking one cell (`'a`: the cell's text, which a value kept as written borrows).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Checked<'a> {
    Empty,
    /// The normalised value to write to CSM: the cell's own text when it is kept as written (no copy of it for
    /// every cell of a big file), a new string when normalising changed it.
    Valid(Cow<'a, str>),
    /// What is wrong, and a replacement the admin can accept when one can be worked out.
    Invalid {
        problem: Problem,
        fix: Option<String>,
    },
}

/// The cell without surrounding whitespace (including non-breaking spaces), byte-order marks and zero-width spaces.
pub fn trim_cell(raw: &str) -> &str {
    // Most cells start and end with a printable ASCII character: nothing to trim, no look at characters.
    let printable = |b: Option<&u8>| b.is_some_and(|b| (b'!'..=b'~').contains(b));
    if printable(raw.as_bytes().first()) && printable(raw.as_bytes().last()) {
        return raw;
    }
    raw.trim_matches(|c: char| c.is_whitespace() || matches!(c, '\u{feff}' | '\u{200b}'))
}

/// Trims, then answers `Empty`, `Valid(valid(s))` or `Invalid` with `fix(s)`.
fn verdict<'a>(
    raw: &'a str,
    problem: Problem,
    valid: fn(&str) -> Option<Cow<'_, str>>,
    fix: fn(&str) -> Option<String>,
) -> Checked<'a> {
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

pub fn check_text(raw: &str) -> Checked<'_> {
    match trim_cell(raw) {
        "" => Checked::Empty,
        s => Checked::Valid(Cow::Borrowed(s)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::{DateFormat, DateSep, YearDigits};

    pub(super) fn valid(v: &str) -> Checked<'_> {
        Checked::Valid(v.into())
    }

    pub(super) fn fixed(problem: Problem, fix: &str) -> Checked<'static> {
        Checked::Invalid { problem, fix: Some(fix.into()) }
    }

    pub(super) fn unfixable(problem: Problem) -> Checked<'static> {
        Checked::Invalid { problem, fix: None }
    }

    pub(super) const DMY: DateFormat = DateFormat::DayMonthYear { sep: DateSep::Slash, year: YearDigits::Four };

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
    fn every_fix_checks_as_valid_in_its_normalised_form() {
        type Check = fn(&str) -> Checked<'_>;
        let checks: [(Check, &[&str]); 4] = [
            (check_email, &["MAILTO:A@B.CO", "x <Y@Z.io>", "a at b dot io", "a@b.io;"]),
            (check_url, &["example.com", "http:/example.com", "'www.x.org/a b'"]),
            (check_number, &["$1,200", "12,5", "(3)", "1 234,5", ".5"]),
            (check_phone, &["tel: 555 0100", "555 0100 (work)"]),
        ];
        for (check, inputs) in checks {
            for input in inputs {
                let Checked::Invalid { fix: Some(fix), .. } = check(input) else { panic!("{input} has no fix") };
                assert_eq!(check(&fix), Checked::Valid(fix.as_str().into()), "{input} → {fix}");
            }
        }
        let Checked::Invalid { fix: Some(fix), .. } = check_date("13/01/2024", DateFormat::Iso) else { panic!() };
        assert_eq!(check_date(&fix, DateFormat::Iso), Checked::Valid(fix.as_str().into()));
    }
}
