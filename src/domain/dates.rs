//! Date formats: which way a column writes its dates, read value by value and detected for a whole column.
//!
//! Owns the date vocabulary as a whole and CSM's output form, [`iso`]; the parts live in child files: `format`
//! (the [`DateFormat`] vocabulary, its labels and `parse`), `numeric` and `named` (reading the date part),
//! `time_of_day` (dropping a trailing time) and `detect` ([`detect_date_format`]). Does not decide what to do with
//! a bad cell (that is `check::check_date`) and never writes dates in any other form (CSM wants `YYYY-MM-DD`).
//! Invariant: day-first versus month-first is never guessed. When every value of a column reads both ways,
//! detection answers [`DateDetection::Ambiguous`] and the admin must choose.
//!
//! Recognised formats (day and month may have one or two digits; English month names, full or short, any case):
//! - ISO `2024-01-31`, also with a time as Salesforce writes it (`2024-01-31T10:00:00.000Z`, `2024-01-31 10:00:00`);
//! - ISO with slashes `2024/01/31`;
//! - day/month/year with `/`, `.` or `-` (`31/01/2024`, `31.01.2024`, `31-01-2024`);
//! - month/day/year with `/` or `-` (`01/31/2024`, `01-31-2024`); `.` is read as day-first only (chosen: dotted
//!   dates are a day-first convention), though `DateFormat::MonthDayYear` can still be given a dot explicitly;
//! - each of those with a two-digit year (`31/01/24`): 00–69 is 20xx, 70–99 is 19xx;
//! - a month name after the day (`31 Jan 2024`, `31-Jan-2024`, `31st January 2024`) or before it
//!   (`Jan 31, 2024`, `January 31 2024`), with a four- or two-digit year and an optional leading weekday.
//!
//! Every format also accepts a trailing time of day (`10:00`, `10:00:00.000Z`, `9:05 PM`), which is dropped:
//! CSM dates have no time.

use chrono::{Datelike, NaiveDate};

mod detect;
mod format;
mod named;
mod numeric;
mod time_of_day;

pub use detect::{detect_date_format, DateDetection, DateTally};
pub use format::{DateFormat, DateSep, YearDigits};

/// CSM's date form, `YYYY-MM-DD`.
pub fn iso(date: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    pub(super) const DMY: DateFormat = DateFormat::DayMonthYear { sep: DateSep::Slash, year: YearDigits::Four };
    pub(super) const MDY: DateFormat = DateFormat::MonthDayYear { sep: DateSep::Slash, year: YearDigits::Four };

    #[test]
    fn iso_output_pads_month_and_day() {
        assert_eq!(date(2024, 1, 5).map(iso).as_deref(), Some("2024-01-05"));
    }
}
