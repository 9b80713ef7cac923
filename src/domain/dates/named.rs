//! Reading a date part with an English month name: `31 Jan 2024`, `31st January 2024`, `Wed, Jan 31, 2024`.
//!
//! Owns the month and weekday names, ordinal suffixes and the loose separators such dates use. Does not strip a
//! time of day (`time_of_day`), and borrows the year-width and day rules from `numeric`. Invariants: a month name
//! is full or cut to three or more letters, in any case; a leading weekday is skipped, never checked against the
//! date; the result is a real calendar date.

use chrono::NaiveDate;

use super::format::YearDigits;
use super::numeric::{day_or_month, year_of};

/// `31 Jan 2024` (month second) or `Jan 31, 2024` (month first); separators are spaces, commas, `-`, `/`, `.`.
pub(super) fn named(s: &str, month_first: bool) -> Option<NaiveDate> {
    if !s.contains(|c: char| c.is_alphabetic()) {
        return None;
    }
    let mut tokens: Vec<&str> = s.split([' ', ',', '-', '/', '.']).filter(|t| !t.is_empty()).collect();
    if tokens.len() == 4 && is_weekday(tokens[0]) {
        tokens.remove(0);
    }
    let [a, b, y] = <[&str; 3]>::try_from(tokens).ok()?;
    let (day, month) = if month_first { (b, a) } else { (a, b) };
    let year = year_of(y, YearDigits::Four).or_else(|| year_of(y, YearDigits::Two))?;
    NaiveDate::from_ymd_opt(year, month_number(month)?, day_or_month(without_ordinal(day))?)
}

/// "1st" → "1", "22nd" → "22"; anything else unchanged.
fn without_ordinal(day: &str) -> &str {
    let lower = day.to_ascii_lowercase();
    match ["st", "nd", "rd", "th"].iter().find(|suffix| lower.ends_with(*suffix)) {
        Some(suffix) => &day[..day.len() - suffix.len()],
        None => day,
    }
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// 1–12 for an English month name, full or cut to three or more letters ("Jan", "Sept").
fn month_number(word: &str) -> Option<u32> {
    let word = word.to_lowercase();
    let position = MONTHS.iter().position(|m| word.len() >= 3 && m.starts_with(&word))?;
    u32::try_from(position + 1).ok()
}

fn is_weekday(word: &str) -> bool {
    let word = word.to_lowercase();
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
        .iter()
        .any(|d| word.len() >= 3 && d.starts_with(&word))
}

#[cfg(test)]
mod tests {
    use crate::domain::dates::tests::date;
    use crate::domain::dates::DateFormat::{DayMonthNameYear, MonthNameDayYear};

    #[test]
    fn named_months_read_in_both_orders() {
        assert_eq!(DayMonthNameYear.parse("31 Jan 2024"), date(2024, 1, 31));
        assert_eq!(DayMonthNameYear.parse("31-Jan-2024"), date(2024, 1, 31));
        assert_eq!(DayMonthNameYear.parse("5 january 2024"), date(2024, 1, 5));
        assert_eq!(DayMonthNameYear.parse("1st Sept 2024"), date(2024, 9, 1));
        assert_eq!(DayMonthNameYear.parse("31-Jan-24"), date(2024, 1, 31));
        assert_eq!(MonthNameDayYear.parse("Jan 31, 2024"), date(2024, 1, 31));
        assert_eq!(MonthNameDayYear.parse("January 31, 2024"), date(2024, 1, 31));
        assert_eq!(MonthNameDayYear.parse("Wednesday, January 31, 2024"), date(2024, 1, 31));
        assert_eq!(MonthNameDayYear.parse("31 Jan 2024"), None);
        assert_eq!(DayMonthNameYear.parse("31 Ja 2024"), None);
        assert_eq!(DayMonthNameYear.parse("31 Feb 2024"), None);
    }
}
