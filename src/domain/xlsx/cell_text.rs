//! One workbook cell as the text a CSV export of it would hold.
//!
//! Owns how each kind of cell is written: dates as ISO `YYYY-MM-DD` (with ` HH:MM:SS` when there is a time part),
//! never as Excel serial numbers; whole numbers without a trailing ".0" and other numbers to Excel's 15
//! significant digits; text exactly as stored (so ids, phones and postcodes kept as text keep their leading
//! zeros); booleans as `true`/`false`; error cells apart, so the caller can report them. Does not read the
//! workbook or know rows (`xlsx`). Invariant: every cell gives one answer and none panics, whatever its value
//! (NaN, negative or far-future serials included).

use calamine::{DataRef, ExcelDateTime};

/// A cell's text, or the Excel error it shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum CellText {
    Text(String),
    /// The error as Excel shows it, e.g. `#N/A`.
    Error(String),
    Empty,
}

pub(super) fn cell_text(value: &DataRef<'_>) -> CellText {
    let text = match value {
        DataRef::Empty => return CellText::Empty,
        DataRef::Error(error) => return CellText::Error(error.to_string()),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number(*f),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(date) => date_time(date),
    };
    CellText::Text(text)
}

/// Whole numbers without ".0"; others rounded to 15 significant digits, as Excel shows them (0.1 + 0.2 is 0.3).
fn number(value: f64) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    if value.fract() == 0.0 && value.abs() < 1e15 {
        return format!("{}", value as i64);
    }
    let rounded: f64 = format!("{value:.14e}").parse().unwrap_or(value);
    rounded.to_string()
}

/// `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS`, a time of day `HH:MM:SS` (serial below 1), or a duration `H:MM:SS`.
fn date_time(date: &ExcelDateTime) -> String {
    let serial = date.as_f64();
    if !serial.is_finite() || serial < 0.0 {
        return number(serial);
    }
    if date.is_duration() {
        let seconds = (serial * 86_400.0).round() as u64;
        return format!("{}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }
    let (year, month, day, hour, minute, second, _) = date.to_ymd_hms_milli();
    if serial < 1.0 {
        return format!("{hour:02}:{minute:02}:{second:02}");
    }
    if (hour, minute, second) == (0, 0, 0) {
        format!("{year:04}-{month:02}-{day:02}")
    } else {
        format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{CellErrorType, ExcelDateTimeType};

    fn text(value: DataRef<'_>) -> String {
        match cell_text(&value) {
            CellText::Text(t) => t,
            other => panic!("not text: {other:?}"),
        }
    }

    fn date(serial: f64) -> String {
        text(DataRef::DateTime(ExcelDateTime::new(serial, ExcelDateTimeType::DateTime, false)))
    }

    #[test]
    fn whole_numbers_have_no_trailing_zero() {
        assert_eq!(text(DataRef::Float(42.0)), "42");
        assert_eq!(text(DataRef::Float(-7.0)), "-7");
        assert_eq!(text(DataRef::Float(-0.0)), "0");
        assert_eq!(text(DataRef::Float(4_915_112_345_678.0)), "4915112345678");
        assert_eq!(text(DataRef::Int(12)), "12");
    }

    #[test]
    fn fractions_are_shown_to_fifteen_significant_digits_like_excel() {
        assert_eq!(text(DataRef::Float(0.1 + 0.2)), "0.3");
        assert_eq!(text(DataRef::Float(12.5)), "12.5");
        assert_eq!(text(DataRef::Float(1e20)), "100000000000000000000");
    }

    #[test]
    fn text_keeps_leading_zeros() {
        assert_eq!(text(DataRef::SharedString("01234")), "01234");
        assert_eq!(text(DataRef::String("007".into())), "007");
    }

    #[test]
    fn booleans_are_true_and_false() {
        assert_eq!(text(DataRef::Bool(true)), "true");
        assert_eq!(text(DataRef::Bool(false)), "false");
    }

    #[test]
    fn dates_are_iso_with_a_time_only_when_there_is_one() {
        assert_eq!(date(45_306.0), "2024-01-15");
        assert_eq!(date(45_306.5), "2024-01-15 12:00:00");
        assert_eq!(date(0.75), "18:00:00");
        assert_eq!(date(60.0), "1900-02-29");
    }

    #[test]
    fn dates_in_the_1904_system_are_shifted() {
        let d = ExcelDateTime::new(43_844.0, ExcelDateTimeType::DateTime, true);
        assert_eq!(text(DataRef::DateTime(d)), "2024-01-15");
    }

    #[test]
    fn durations_are_hours_minutes_seconds() {
        let d = ExcelDateTime::new(1.5, ExcelDateTimeType::TimeDelta, false);
        assert_eq!(text(DataRef::DateTime(d)), "36:00:00");
    }

    #[test]
    fn impossible_serials_do_not_panic() {
        assert_eq!(date(f64::NAN), "NaN");
        assert_eq!(date(-3.0), "-3");
        assert_eq!(date(1e300), "9999-12-31");
    }

    #[test]
    fn errors_are_set_apart_and_empty_is_empty() {
        assert_eq!(cell_text(&DataRef::Error(CellErrorType::NA)), CellText::Error("#N/A".into()));
        assert_eq!(cell_text(&DataRef::Empty), CellText::Empty);
    }
}
