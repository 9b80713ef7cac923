//! Long work as the admin sees it: what is being done, how far it is, how fast and how long is left.
//!
//! Owns the progress value the page shows (`ui::components::work_status`) and its sentence; the page's drivers
//! (`ui::jobs`) fill it in from a job's progress and the clock. Plain arithmetic, no browser calls.

/// What a quantity counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Bytes,
    Rows,
}

/// One long piece of work in progress.
#[derive(Clone, Debug, PartialEq)]
pub struct Work {
    /// "Reading “contacts.csv”", "Checking every row".
    pub title: String,
    /// What is happening now, in a few words ("Telling the text encoding").
    pub phase: String,
    pub done: f64,
    pub total: f64,
    pub unit: Unit,
    /// Data rows found (reading) or checked (checking) so far.
    pub rows: u64,
    /// When this phase started and the latest update, in milliseconds.
    pub started_ms: f64,
    pub now_ms: f64,
}

impl Work {
    /// The share done, from 0 to 1.
    pub fn fraction(&self) -> f64 {
        if self.total <= 0.0 {
            0.0
        } else {
            (self.done / self.total).clamp(0.0, 1.0)
        }
    }

    /// "12,000 rows · 3.4 of 57.0 MB · 25.1 MB/s · about 3 s left".
    pub fn sentence(&self) -> String {
        let seconds = (self.now_ms - self.started_ms) / 1000.0;
        let rate = if seconds > 0.2 { self.done / seconds } else { 0.0 };
        let mut parts = Vec::new();
        match self.unit {
            Unit::Bytes => {
                parts.push(format!("{} row{} so far", count(self.rows as usize), plural(self.rows as usize)));
                parts.push(format!("{} of {} MB", mb(self.done), mb(self.total)));
                if rate > 0.0 {
                    parts.push(format!("{} MB/s", mb(rate)));
                }
            }
            Unit::Rows => {
                parts.push(format!("{} of {} rows", count(self.done as usize), count(self.total as usize)));
                if rate > 0.0 {
                    parts.push(format!("{} rows a second", count(rate as usize)));
                }
            }
        }
        if rate > 0.0 && self.done < self.total {
            parts.push(format!("about {} left", duration((self.total - self.done) / rate)));
        }
        format!("{}: {}", self.phase, parts.join(" · "))
    }
}

/// A count with thousands separators, as people write it: 50,000.
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Megabytes (10^6 bytes) with one decimal.
fn mb(bytes: f64) -> String {
    format!("{:.1}", bytes / 1_000_000.0)
}

/// "s" when `n` is not 1.
pub fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// "3 s", "2 min 5 s", rounded up to whole seconds.
fn duration(seconds: f64) -> String {
    let s = seconds.ceil().max(1.0) as u64;
    if s < 60 {
        format!("{s} s")
    } else {
        format!("{} min {} s", s / 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn work(unit: Unit, done: f64, total: f64, seconds: f64) -> Work {
        Work {
            title: "Reading".into(),
            phase: "Reading rows".into(),
            done,
            total,
            unit,
            rows: 12_000,
            started_ms: 1000.0,
            now_ms: 1000.0 + seconds * 1000.0,
        }
    }

    #[test]
    fn sentences_give_amounts_rate_and_time_left() {
        assert_eq!(
            work(Unit::Bytes, 25_000_000.0, 100_000_000.0, 1.0).sentence(),
            "Reading rows: 12,000 rows so far · 25.0 of 100.0 MB · 25.0 MB/s · about 3 s left"
        );
        assert_eq!(
            work(Unit::Rows, 50_000.0, 200_000.0, 0.5).sentence(),
            "Reading rows: 50,000 of 200,000 rows · 100,000 rows a second · about 2 s left"
        );
        assert_eq!(work(Unit::Rows, 10.0, 100_000.0, 0.1).sentence(), "Reading rows: 10 of 100,000 rows");
        assert_eq!(duration(125.2), "2 min 6 s");
        assert_eq!(work(Unit::Rows, 5.0, 0.0, 1.0).fraction(), 0.0);
    }
}
