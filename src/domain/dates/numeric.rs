//! Reading an all-digit date part: year first (`2024-01-31`) or day and month in a given order, then the year.
//!
//! Owns splitting on the separator, the two-digit-year pivot and the calendar check; the year width and day/month
//! rules are shared with `named`. Does not strip a time of day (`time_of_day`) or choose the order (the caller's
//! `DateFormat` does). Invariants: only ASCII digits are read; day and month have one or two digits; the result
//! is a real calendar date, so `31/02/2024` is `None`.

use chrono::NaiveDate;

use super::format::{DateSep, YearDigits};

/// `2024-01-31` (year first, exactly four digits).
pub(super) fn ymd(s: &str, sep: char) -> Option<NaiveDate> {
    let [y, m, d] = three_numbers(s, sep)?;
    (y.len() == 4).then_some(())?;
    calendar(y.parse().ok()?, m, d)
}

/// Day and month in either order, then the year with the given number of digits.
pub(super) fn numeric(s: &str, sep: DateSep, year: YearDigits, month_first: bool) -> Option<NaiveDate> {
    let [a, b, y] = three_numbers(s, sep.char())?;
    let (d, m) = if month_first { (b, a) } else { (a, b) };
    calendar(year_of(y, year)?, m, d)
}

/// Three runs of ASCII digits around `sep`; the first two hold at most two digits unless the first is a year.
fn three_numbers(s: &str, sep: char) -> Option<[&str; 3]> {
    let mut parts = s.split(sep);
    let three = [parts.next()?, parts.next()?, parts.next()?];
    let digits = |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    (parts.next().is_none() && three.iter().all(digits)).then_some(three)
}

pub(super) fn year_of(y: &str, width: YearDigits) -> Option<i32> {
    let n: i32 = y.parse().ok()?;
    match (width, y.len()) {
        (YearDigits::Four, 4) => Some(n),
        (YearDigits::Two, 2) if n < 70 => Some(2000 + n),
        (YearDigits::Two, 2) => Some(1900 + n),
        _ => None,
    }
}

/// Day and month as written (one or two digits) checked against the calendar.
fn calendar(year: i32, month: &str, day: &str) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, day_or_month(month)?, day_or_month(day)?)
}

/// One or two ASCII digits.
pub(super) fn day_or_month(p: &str) -> Option<u32> {
    ((1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse().ok())?
}

#[cfg(test)]
mod tests {
    use crate::domain::dates::tests::{date, DMY, MDY};
    use crate::domain::dates::DateFormat::{DayMonthYear, Iso, IsoSlash, MonthDayYear};
    use crate::domain::dates::DateSep::{Dash, Dot, Slash};
    use crate::domain::dates::YearDigits::{Four, Two};

    #[test]
    fn iso_dates_read_with_one_or_two_digit_parts() {
        assert_eq!(Iso.parse("2024-01-31"), date(2024, 1, 31));
        assert_eq!(Iso.parse("2024-1-5"), date(2024, 1, 5));
        assert_eq!(IsoSlash.parse("2024/12/31"), date(2024, 12, 31));
        assert_eq!(Iso.parse("24-01-31"), None);
    }

    #[test]
    fn february_thirtieth_is_rejected() {
        assert_eq!(DMY.parse("30/02/2024"), None);
        assert_eq!(DMY.parse("31/02/2024"), None);
        assert_eq!(DMY.parse("29/02/2024"), date(2024, 2, 29));
        assert_eq!(DMY.parse("29/02/2023"), None);
    }

    #[test]
    fn day_first_and_month_first_read_the_same_digits_differently() {
        assert_eq!(DMY.parse("05/06/2024"), date(2024, 6, 5));
        assert_eq!(MDY.parse("05/06/2024"), date(2024, 5, 6));
        assert_eq!(DMY.parse("5/6/2024"), date(2024, 6, 5));
        assert_eq!(MDY.parse("31/01/2024"), None);
    }

    #[test]
    fn separators_must_match_the_format() {
        let dotted = DayMonthYear { sep: Dot, year: Four };
        assert_eq!(dotted.parse("31.01.2024"), date(2024, 1, 31));
        assert_eq!(dotted.parse("31/01/2024"), None);
        assert_eq!(DayMonthYear { sep: Dash, year: Four }.parse("31-01-2024"), date(2024, 1, 31));
        assert_eq!(MonthDayYear { sep: Dash, year: Four }.parse("01-31-2024"), date(2024, 1, 31));
    }

    #[test]
    fn two_digit_years_pivot_at_seventy() {
        let f = DayMonthYear { sep: Slash, year: Two };
        assert_eq!(f.parse("31/01/24"), date(2024, 1, 31));
        assert_eq!(f.parse("31/01/69"), date(2069, 1, 31));
        assert_eq!(f.parse("31/01/70"), date(1970, 1, 31));
        assert_eq!(f.parse("31/01/2024"), None);
        assert_eq!(DMY.parse("31/01/24"), None);
    }

    #[test]
    fn three_digit_days_and_missing_parts_are_rejected() {
        assert_eq!(DMY.parse("031/01/2024"), None);
        assert_eq!(DMY.parse("31/01"), None);
        assert_eq!(DMY.parse("31/01/2024/1"), None);
        assert_eq!(DMY.parse("aa/01/2024"), None);
    }
}
