//! The date-format vocabulary: [`DateFormat`] and its parts, how each is shown to the admin, and `parse`.
//!
//! Owns the list of formats detection tries (and its order of preference), the plain-words labels, the day/month
//! swap, and the dispatch of `parse` to the readers. Does not read digits or month names itself (`numeric`,
//! `named`), strip times (`time_of_day`) or pick a format for a column (`detect`). Invariants: every label's example
//! parses in its own format as 31 December 2024; only numeric day/month formats have a swap.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::named::named;
use super::numeric::{numeric, ymd};
use super::time_of_day::without_time;
use crate::domain::check::trim_cell;

/// The character between the numbers of a numeric date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DateSep {
    Slash,
    Dot,
    Dash,
}

impl DateSep {
    pub fn char(self) -> char {
        match self {
            DateSep::Slash => '/',
            DateSep::Dot => '.',
            DateSep::Dash => '-',
        }
    }
}

/// How many digits the year has. Two-digit years pivot at 70: 00–69 → 20xx, 70–99 → 19xx.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum YearDigits {
    Four,
    Two,
}

/// One way of writing a date. `Copy`, so it can sit in a mapping and a signal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DateFormat {
    /// `2024-01-31`, optionally followed by a time (`T10:00:00Z`, ` 10:00:00`).
    Iso,
    /// `2024/01/31`.
    IsoSlash,
    /// `31/01/2024`, `31.01.24`.
    DayMonthYear { sep: DateSep, year: YearDigits },
    /// `01/31/2024`, `01-31-24`.
    MonthDayYear { sep: DateSep, year: YearDigits },
    /// `31 Jan 2024`, `31-Jan-2024`, `31 January 2024`.
    DayMonthNameYear,
    /// `Jan 31, 2024`, `January 31, 2024`.
    MonthNameDayYear,
}

use DateFormat::{DayMonthNameYear, DayMonthYear, Iso, IsoSlash, MonthDayYear, MonthNameDayYear};
use DateSep::{Dash, Dot, Slash};
use YearDigits::{Four, Two};

impl DateFormat {
    /// The formats detection tries, in order of preference when two read the same number of values.
    pub const ALL: [DateFormat; 14] = [
        Iso,
        IsoSlash,
        DayMonthYear { sep: Slash, year: Four },
        MonthDayYear { sep: Slash, year: Four },
        DayMonthYear { sep: Dash, year: Four },
        MonthDayYear { sep: Dash, year: Four },
        DayMonthYear { sep: Dot, year: Four },
        DayMonthYear { sep: Slash, year: Two },
        MonthDayYear { sep: Slash, year: Two },
        DayMonthYear { sep: Dash, year: Two },
        MonthDayYear { sep: Dash, year: Two },
        DayMonthYear { sep: Dot, year: Two },
        DayMonthNameYear,
        MonthNameDayYear,
    ];

    /// An example of the pattern and its order in plain words: "31/12/2024 (day/month/year)".
    pub fn label(self) -> String {
        match self {
            Iso => "2024-12-31 (year-month-day)".into(),
            IsoSlash => "2024/12/31 (year/month/day)".into(),
            DayMonthYear { sep, year } => numeric_label(["31", "12"], ["day", "month"], sep, year),
            MonthDayYear { sep, year } => numeric_label(["12", "31"], ["month", "day"], sep, year),
            DayMonthNameYear => "31 Dec 2024 (day, month name, year)".into(),
            MonthNameDayYear => "Dec 31, 2024 (month name, day, year)".into(),
        }
    }

    /// Reads one value in this format. Calendar-correct: `31/02/2024` is `None`.
    pub fn parse(self, raw: &str) -> Option<NaiveDate> {
        let date = without_time(trim_cell(raw))?;
        match self {
            Iso => ymd(date, '-'),
            IsoSlash => ymd(date, '/'),
            DayMonthYear { sep, year } => numeric(date, sep, year, false),
            MonthDayYear { sep, year } => numeric(date, sep, year, true),
            DayMonthNameYear => named(date, false),
            MonthNameDayYear => named(date, true),
        }
    }

    /// The same separator and year width with day and month swapped (named and ISO formats have none).
    pub fn swapped(self) -> Option<DateFormat> {
        match self {
            DayMonthYear { sep, year } => Some(MonthDayYear { sep, year }),
            MonthDayYear { sep, year } => Some(DayMonthYear { sep, year }),
            _ => None,
        }
    }
}

fn numeric_label(values: [&str; 2], words: [&str; 2], sep: DateSep, year: YearDigits) -> String {
    let s = sep.char();
    let (example, year_word) = match year {
        Four => ("2024", "year"),
        Two => ("24", "2-digit year"),
    };
    format!("{}{s}{}{s}{example} ({}{s}{}{s}{year_word})", values[0], values[1], words[0], words[1])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::tests::{date, DMY};

    #[test]
    fn surrounding_spaces_are_ignored() {
        assert_eq!(Iso.parse(" \u{a0}2024-01-31 "), date(2024, 1, 31));
    }

    #[test]
    fn labels_show_an_example_and_the_order_in_words() {
        assert_eq!(DMY.label(), "31/12/2024 (day/month/year)");
        assert_eq!(MonthDayYear { sep: Dash, year: Two }.label(), "12-31-24 (month-day-2-digit year)");
        assert_eq!(DayMonthYear { sep: Dot, year: Four }.label(), "31.12.2024 (day.month.year)");
        assert!(Iso.label().starts_with("2024-12-31"));
        for format in DateFormat::ALL {
            let example = format.label();
            let example = example.split(" (").next().unwrap_or_default();
            assert_eq!(format.parse(example), date(2024, 12, 31), "{format:?}");
        }
    }
}
