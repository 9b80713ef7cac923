//! Detecting a column's date format: the format that reads the most values, or an honest "ambiguous".
//!
//! Owns [`DateDetection`], [`detect_date_format`] and the per-format tally behind it. Does not read values itself
//! (every candidate's `DateFormat::parse` does) and does not ask the admin (the UI shows `Ambiguous`). Invariants:
//! day-first versus month-first is never guessed: when the best format and its swap read as many values as each
//! other the answer is `Ambiguous`; detection is one pass in constant memory; blank cells are ignored.

use serde::{Deserialize, Serialize};

use super::format::DateFormat;
use crate::domain::check::trim_cell;

/// What a column's dates look like.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DateDetection {
    /// No value reads as a date in any format.
    NoDates,
    Known(DateFormat),
    /// Every value reads both ways: the admin must choose. `example` is one such value, to show.
    Ambiguous {
        day_first: DateFormat,
        month_first: DateFormat,
        example: String,
    },
}

/// Picks the format that reads the most non-empty values of one column. When the best format and its day/month
/// swap read as many values as each other, the answer is `Ambiguous`, never a guess. One pass, constant memory.
pub fn detect_date_format<'a>(values: impl IntoIterator<Item = &'a str>) -> DateDetection {
    let mut tally = DateTally::default();
    for raw in values {
        tally.add(raw);
    }
    tally.verdict()
}

const N: usize = DateFormat::ALL.len();

/// `detect_date_format` a value at a time, for a pass that looks at several columns at once.
/// Per candidate format: how many values it reads and the first one it reads, and the first value that reads in
/// both this format and its swap.
#[derive(Clone, Default)]
pub struct DateTally {
    count: [usize; N],
    first: [Option<String>; N],
    first_both: [Option<String>; N],
}

impl DateTally {
    /// Counts one raw value (blank ones are ignored).
    pub fn add(&mut self, raw: &str) {
        let value = trim_cell(raw);
        if value.is_empty() {
            return;
        }
        let read = DateFormat::ALL.map(|f| f.parse(value).is_some());
        for (i, format) in DateFormat::ALL.iter().enumerate() {
            if !read[i] {
                continue;
            }
            self.count[i] += 1;
            self.first[i].get_or_insert_with(|| value.to_string());
            if format.swapped().and_then(index_of).is_some_and(|j| read[j]) {
                self.first_both[i].get_or_insert_with(|| value.to_string());
            }
        }
    }

    /// What the values counted so far look like.
    pub fn verdict(self) -> DateDetection {
        let best = (0..N).fold(0, |best, i| if self.count[i] > self.count[best] { i } else { best });
        if self.count[best] == 0 {
            return DateDetection::NoDates;
        }
        let format = DateFormat::ALL[best];
        let Some(swap) = format.swapped().and_then(index_of).filter(|&j| self.count[j] == self.count[best]) else {
            return DateDetection::Known(format);
        };
        let (day_first, month_first) =
            if matches!(format, DateFormat::DayMonthYear { .. }) { (best, swap) } else { (swap, best) };
        let example = [&self.first_both[best], &self.first[day_first], &self.first[month_first]]
            .into_iter()
            .find_map(Clone::clone)
            .unwrap_or_default();
        DateDetection::Ambiguous {
            day_first: DateFormat::ALL[day_first],
            month_first: DateFormat::ALL[month_first],
            example,
        }
    }
}

fn index_of(format: DateFormat) -> Option<usize> {
    DateFormat::ALL.iter().position(|&f| f == format)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::tests::{DMY, MDY};
    use crate::domain::dates::DateFormat::{DayMonthNameYear, DayMonthYear, Iso, MonthDayYear, MonthNameDayYear};
    use crate::domain::dates::DateSep::{Dash, Dot};
    use crate::domain::dates::YearDigits::{Four, Two};

    #[test]
    fn dates_with_a_day_above_twelve_settle_the_order() {
        let d = detect_date_format(["01/02/2024", "25/12/2023", "03/04/2024"]);
        assert_eq!(d, DateDetection::Known(DMY));
        let d = detect_date_format(["01/02/2024", "12/25/2023"]);
        assert_eq!(d, DateDetection::Known(MDY));
    }

    #[test]
    fn all_small_days_are_ambiguous_and_never_guessed() {
        let d = detect_date_format(["", "01/02/2024", "03/04/2024", "  "]);
        assert_eq!(d, DateDetection::Ambiguous { day_first: DMY, month_first: MDY, example: "01/02/2024".into() });
    }

    #[test]
    fn contradicting_days_above_twelve_stay_ambiguous() {
        let d = detect_date_format(["13/01/2024", "01/13/2024"]);
        assert!(matches!(d, DateDetection::Ambiguous { day_first: DMY, month_first: MDY, .. }), "{d:?}");
    }

    #[test]
    fn a_few_bad_values_do_not_undo_a_settled_order() {
        let d = detect_date_format(["31/01/2024", "05/02/2024", "n/a", "31/02/2024", "2024"]);
        assert_eq!(d, DateDetection::Known(DMY));
    }

    #[test]
    fn dotted_dates_are_read_day_first() {
        let d = detect_date_format(["01.02.2024", "03.04.2024"]);
        assert_eq!(d, DateDetection::Known(DayMonthYear { sep: Dot, year: Four }));
    }

    #[test]
    fn iso_and_named_columns_are_known() {
        assert_eq!(detect_date_format(["2024-01-31T10:00:00Z", "2024-02-01"]), DateDetection::Known(Iso));
        assert_eq!(detect_date_format(["5 Jan 2024", "6 Feb 2024"]), DateDetection::Known(DayMonthNameYear));
        assert_eq!(detect_date_format(["Jan 5, 2024"]), DateDetection::Known(MonthNameDayYear));
    }

    #[test]
    fn two_digit_years_are_detected_separately_and_can_be_ambiguous() {
        let d = detect_date_format(["01-02-24", "03-04-24"]);
        let (day_first, month_first) = (DayMonthYear { sep: Dash, year: Two }, MonthDayYear { sep: Dash, year: Two });
        assert_eq!(d, DateDetection::Ambiguous { day_first, month_first, example: "01-02-24".into() });
    }

    #[test]
    fn text_columns_have_no_dates() {
        assert_eq!(detect_date_format(["hello", "42", ""]), DateDetection::NoDates);
        assert_eq!(detect_date_format([]), DateDetection::NoDates);
    }
}
