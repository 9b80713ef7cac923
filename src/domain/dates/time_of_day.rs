//! Dropping a trailing time of day from a date value: `2024-01-31T10:00:00.000Z`, `1/31/2024 9:05 PM`.
//!
//! Owns what a well-formed time is (24-hour or 12-hour clock, optional seconds and fraction, optional zone) and
//! where the date part ends. Does not read the date part itself (`numeric`, `named`) and keeps nothing of the time:
//! CSM dates have none. Invariant: a value with a malformed time (`25:00`, trailing words) does not read at all,
//! rather than reading as its date part.

/// The date part of a value, with a valid trailing time of day removed; `None` when the time part is malformed.
pub(super) fn without_time(s: &str) -> Option<&str> {
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

#[cfg(test)]
mod tests {
    use crate::domain::dates::tests::{date, MDY};
    use crate::domain::dates::DateFormat::{Iso, MonthNameDayYear};

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
}
