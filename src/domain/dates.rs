//! Date formats: which way a column writes its dates, read value by value and detected for a whole column.
//!
//! Owns the [`DateFormat`] vocabulary, parsing one value in a given format, and [`detect_date_format`]. Does not
//! decide what to do with a bad cell (that is `check::check_date`) and never writes dates (CSM wants `YYYY-MM-DD`,
//! see [`iso`]). Invariant: day-first versus month-first is never guessed. When every value of a column reads
//! both ways, detection answers [`DateDetection::Ambiguous`] and the admin must choose.
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

use super::check::trim_cell;

/// The character between the numbers of a numeric date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum YearDigits {
    Four,
    Two,
}

/// One way of writing a date. `Copy`, so it can sit in a mapping and a signal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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

/// CSM's date form, `YYYY-MM-DD`.
pub fn iso(date: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

/// What a column's dates look like.
#[derive(Clone, Debug, PartialEq, Eq)]
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
    let mut tally = Tally::default();
    for raw in values {
        let value = trim_cell(raw);
        if !value.is_empty() {
            tally.add(value);
        }
    }
    tally.verdict()
}

const N: usize = DateFormat::ALL.len();

/// Per candidate format: how many values it reads and the first one it reads, and the first value that reads in
/// both this format and its swap.
#[derive(Default)]
struct Tally {
    count: [usize; N],
    first: [Option<String>; N],
    first_both: [Option<String>; N],
}

impl Tally {
    fn add(&mut self, value: &str) {
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

    fn verdict(self) -> DateDetection {
        let best = (0..N).fold(0, |best, i| if self.count[i] > self.count[best] { i } else { best });
        if self.count[best] == 0 {
            return DateDetection::NoDates;
        }
        let format = DateFormat::ALL[best];
        let Some(swap) = format.swapped().and_then(index_of).filter(|&j| self.count[j] == self.count[best]) else {
            return DateDetection::Known(format);
        };
        let (day_first, month_first) = if matches!(format, DayMonthYear { .. }) { (best, swap) } else { (swap, best) };
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

/// The date part of a value, with a valid trailing time of day removed; `None` when the time part is malformed.
fn without_time(s: &str) -> Option<&str> {
    let Some(colon) = s.find(':') else { return Some(s) };
    let hour_start = s[..colon].trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let date = s[..hour_start].strip_suffix(['T', 't', ' '])?;
    is_time(&s[hour_start..]).then(|| date.trim_end_matches([' ', ',']))
}

/// `10:00`, `10:00:00`, `10:00:00.000`, then an optional AM/PM and zone (`Z`, `+0000`, `-05:00`, `UTC`, `GMT`).
fn is_time(s: &str) -> bool {
    let (clock, rest) = s.split_at(s.find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.')).unwrap_or(s.len()));
    let rest = rest.trim_start();
    let (twelve_hour, rest) = match rest.get(..2).map(str::to_ascii_uppercase).as_deref() {
        Some("AM" | "PM") => (true, rest[2..].trim_start()),
        _ => (false, rest),
    };
    is_clock(clock, twelve_hour) && is_zone(rest)
}

fn is_clock(clock: &str, twelve_hour: bool) -> bool {
    let (hms, fraction) = clock.split_once('.').unwrap_or((clock, "0"));
    let parts: Vec<&str> = hms.split(':').collect();
    let number = |p: &str, max: u32| p.len() == 2 && p.parse::<u32>().is_ok_and(|n| n <= max);
    let hour_ok = match parts.first().map(|h| (h.len(), h.parse::<u32>())) {
        Some((1..=2, Ok(h))) => (!twelve_hour && h <= 23) || (twelve_hour && (1..=12).contains(&h)),
        _ => false,
    };
    hour_ok
        && (2..=3).contains(&parts.len())
        && parts[1..].iter().all(|p| number(p, 59))
        && !fraction.is_empty()
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

fn is_zone(s: &str) -> bool {
    match s {
        "" | "Z" | "z" | "UTC" | "GMT" => true,
        _ => {
            let Some(offset) = s.strip_prefix(['+', '-']) else { return false };
            let digits: String = offset.chars().filter(|&c| c != ':').collect();
            matches!(digits.len(), 2 | 4) && digits.bytes().all(|b| b.is_ascii_digit())
        }
    }
}

/// `2024-01-31` (year first, exactly four digits).
fn ymd(s: &str, sep: char) -> Option<NaiveDate> {
    let [y, m, d] = three_numbers(s, sep)?;
    (y.len() == 4).then_some(())?;
    calendar(y.parse().ok()?, m, d)
}

/// Day and month in either order, then the year with the given number of digits.
fn numeric(s: &str, sep: DateSep, year: YearDigits, month_first: bool) -> Option<NaiveDate> {
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

fn year_of(y: &str, width: YearDigits) -> Option<i32> {
    let n: i32 = y.parse().ok()?;
    match (width, y.len()) {
        (Four, 4) => Some(n),
        (Two, 2) if n < 70 => Some(2000 + n),
        (Two, 2) => Some(1900 + n),
        _ => None,
    }
}

/// Day and month as written (one or two digits) checked against the calendar.
fn calendar(year: i32, month: &str, day: &str) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, day_or_month(month)?, day_or_month(day)?)
}

/// One or two ASCII digits.
fn day_or_month(p: &str) -> Option<u32> {
    ((1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse().ok())?
}

/// `31 Jan 2024` (month second) or `Jan 31, 2024` (month first); separators are spaces, commas, `-`, `/`, `.`.
fn named(s: &str, month_first: bool) -> Option<NaiveDate> {
    if !s.contains(|c: char| c.is_alphabetic()) {
        return None;
    }
    let mut tokens: Vec<&str> = s.split([' ', ',', '-', '/', '.']).filter(|t| !t.is_empty()).collect();
    if tokens.len() == 4 && is_weekday(tokens[0]) {
        tokens.remove(0);
    }
    let [a, b, y] = <[&str; 3]>::try_from(tokens).ok()?;
    let (day, month) = if month_first { (b, a) } else { (a, b) };
    let year = year_of(y, Four).or_else(|| year_of(y, Two))?;
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
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    const DMY: DateFormat = DayMonthYear { sep: Slash, year: Four };
    const MDY: DateFormat = MonthDayYear { sep: Slash, year: Four };

    #[test]
    fn iso_dates_read_with_one_or_two_digit_parts() {
        assert_eq!(Iso.parse("2024-01-31"), date(2024, 1, 31));
        assert_eq!(Iso.parse("2024-1-5"), date(2024, 1, 5));
        assert_eq!(IsoSlash.parse("2024/12/31"), date(2024, 12, 31));
        assert_eq!(Iso.parse("24-01-31"), None);
    }

    #[test]
    fn salesforce_created_date_with_time_reads_as_iso() {
        assert_eq!(Iso.parse("2024-01-31T10:00:00Z"), date(2024, 1, 31));
        assert_eq!(Iso.parse("2024-01-31T10:00:00.000+0000"), date(2024, 1, 31));
        assert_eq!(Iso.parse("2024-01-31 10:00:00"), date(2024, 1, 31));
        assert_eq!(Iso.parse("2024-01-31T23:59:59-05:00"), date(2024, 1, 31));
    }

    #[test]
    fn a_malformed_time_part_makes_the_value_unreadable() {
        assert_eq!(Iso.parse("2024-01-31T25:00:00Z"), None);
        assert_eq!(Iso.parse("2024-01-31T10:00 tomorrow"), None);
        assert_eq!(Iso.parse("2024-01-31X10:00"), None);
    }

    #[test]
    fn us_report_dates_with_am_pm_times_read_month_first() {
        assert_eq!(MDY.parse("1/31/2024 10:05 AM"), date(2024, 1, 31));
        assert_eq!(MonthNameDayYear.parse("Jan 31, 2024, 9:05 pm"), date(2024, 1, 31));
        assert_eq!(MDY.parse("1/31/2024 13:05 PM"), None);
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

    #[test]
    fn iso_output_pads_month_and_day() {
        assert_eq!(date(2024, 1, 5).map(iso).as_deref(), Some("2024-01-05"));
    }

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
