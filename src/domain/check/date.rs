//! The DATE check: one value read in its column's format and written as CSM's `YYYY-MM-DD`.
//!
//! Owns what to answer for one date cell and which fix to suggest when it does not read in the column's format.
//! Does not know or detect formats (that is `dates`). Invariant: a fix never guesses day-first versus
//! month-first; it is offered only for a reading that needs no guess (ISO, a month name, or a day above 12), and
//! when both numeric orders read the same value differently there is no fix.

use chrono::NaiveDate;

use super::{trim_cell, Checked};
use crate::domain::dates::{iso, DateFormat, DateSep, YearDigits};
use crate::domain::report::Problem;

/// Reads the value in the column's format and writes it as `YYYY-MM-DD`.
pub fn check_date(raw: &str, format: DateFormat) -> Checked<'_> {
    let s = trim_cell(raw);
    if s.is_empty() {
        return Checked::Empty;
    }
    match format.parse(s) {
        Some(date) => Checked::Valid(iso(date).into()),
        None => Checked::Invalid { problem: Problem::InvalidDate, fix: unambiguous_date(s).map(iso) },
    }
}

/// A reading that needs no guess: ISO (with or without time), a month name, or day/month settled by a part > 12.
fn unambiguous_date(s: &str) -> Option<NaiveDate> {
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
    use crate::domain::check::tests::{fixed, unfixable, valid, DMY};

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
}
