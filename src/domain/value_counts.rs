//! How often each raw value of a column source occurs: counted once per table, and every value-mapping question
//! answered from the counts (the distinct values after any split, the separator worth offering, a field's first
//! value map) instead of another pass over millions of rows.
//!
//! Owns the counting (at once, or a batch of rows at a time with `ValueCounter`) and the cache of counts per
//! source. Invariant: answers from counts equal what a pass over the rows gives (`values::distinct_values`,
//! `values::detect_split`), because a raw value's parts and separators depend on the value alone.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::Arc;

use rustc_hash::FxHasher;
use serde::{Deserialize, Serialize};

use super::mapping::Source;
use super::schema::{Field, FieldType};
use super::table::Table;
use super::values::{split_cell, suggest_option, DistinctValue, SPLIT_CANDIDATES};

/// Each raw value of one source (as read: untrimmed, empty included) and how many rows hold it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueCounts {
    /// Fx hashing: a look per row, with keys from the admin's own file.
    counts: HashMap<String, usize, BuildHasherDefault<FxHasher>>,
}

impl ValueCounts {
    /// Counts `source` over every row of `table`.
    pub fn of(table: &Table, source: &Source) -> ValueCounts {
        let mut counts = ValueCounts::default();
        for record in table.records.iter() {
            counts.add(&source.value_in(&record.cells));
        }
        counts
    }

    /// Rows whose value `holds`.
    pub fn rows_where(&self, holds: impl Fn(&str) -> bool) -> usize {
        self.counts.iter().filter(|(value, _)| holds(value)).map(|(_, n)| n).sum()
    }

    fn add(&mut self, value: &str) {
        // A value is copied only the first time it is seen.
        match self.counts.get_mut(value) {
            Some(n) => *n += 1,
            None => {
                self.counts.insert(value.to_owned(), 1);
            }
        }
    }

    /// The distinct values after splitting on `split` (trimmed, empty parts dropped), most frequent first, each
    /// with the option of `field` it most likely stands for.
    pub fn distinct(&self, field: &Field, split: Option<char>) -> Vec<DistinctValue> {
        let mut parts: HashMap<&str, usize> = HashMap::new();
        for (raw, n) in &self.counts {
            for part in split_cell(raw, split) {
                *parts.entry(part).or_default() += n;
            }
        }
        let mut out: Vec<DistinctValue> = parts
            .into_iter()
            .map(|(value, count)| DistinctValue {
                value: value.to_owned(),
                count,
                suggestion: suggest_option(value, &field.options),
            })
            .collect();
        out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        out
    }

    /// A separator worth offering for a multi-select field: the candidate found in the most cells, where splitting
    /// on it yields at least one part that is an option. `None` when no cell holds one.
    pub fn split_offer(&self, field: &Field) -> Option<char> {
        if field.kind != FieldType::Multiselect {
            return None;
        }
        let mut found = [(0usize, false); SPLIT_CANDIDATES.len()];
        for (raw, n) in &self.counts {
            for (sep, (cells, helps)) in SPLIT_CANDIDATES.into_iter().zip(found.iter_mut()) {
                if raw.contains(sep) {
                    *cells += n;
                    *helps = *helps || split_cell(raw, Some(sep)).any(|p| suggest_option(p, &field.options).is_some());
                }
            }
        }
        SPLIT_CANDIDATES
            .into_iter()
            .zip(found)
            .filter(|(_, (cells, helps))| *cells > 0 && *helps)
            .max_by_key(|(_, (cells, _))| *cells)
            .map(|(sep, _)| sep)
    }
}

/// Counts of several sources over one table, a batch of rows at a time (all sources in the same pass).
#[derive(Serialize, Deserialize)]
pub struct ValueCounter {
    sources: Vec<Source>,
    counts: Vec<ValueCounts>,
    next: usize,
}

impl ValueCounter {
    pub fn new(sources: Vec<Source>) -> ValueCounter {
        let counts = vec![ValueCounts::default(); sources.len()];
        ValueCounter { sources, counts, next: 0 }
    }

    /// Rows counted so far.
    pub fn done(&self) -> usize {
        self.next
    }

    /// The records of the file to read again (`Rows::fill`) before `step(table, batch)` when the table's blocks are
    /// in the file.
    pub fn missing(&self, table: &Table, batch: usize) -> Option<std::ops::Range<usize>> {
        if self.sources.is_empty() {
            return None;
        }
        table.records.missing_ahead(self.next..self.next + batch.max(1), crate::domain::table::AHEAD_ROWS)
    }

    /// Counts at most `batch` more rows of `table` (the same table at every step); `true` once every row is.
    pub fn step(&mut self, table: &Table, batch: usize) -> bool {
        if self.sources.is_empty() {
            // Nothing to count: no pass over the rows (unpacking every block of a big table for nothing).
            self.next = table.records.len();
            return true;
        }
        let end = (self.next + batch.max(1)).min(table.records.len());
        for record in table.records.range(self.next..end) {
            for (source, counts) in self.sources.iter().zip(self.counts.iter_mut()) {
                counts.add(&source.value_in(&record.cells));
            }
        }
        self.next = end;
        end == table.records.len()
    }

    /// Counts the next row of the table, given as its values by column (`Source::value_by_column`), while the
    /// table is still being read (`engine::EarlyCount`); `step` goes on from the row after it.
    pub fn count_row<'a>(&mut self, cell: impl Fn(usize) -> &'a str) {
        for (source, counts) in self.sources.iter().zip(self.counts.iter_mut()) {
            counts.add(&source.value_by_column(&cell));
        }
        self.next += 1;
    }

    /// The values of the sources in a row, in the order of `sources()` (to count later with `count_values`).
    pub fn values<'a>(&self, cell: impl Fn(usize) -> &'a str) -> Vec<String> {
        self.sources.iter().map(|source| source.value_by_column(&cell).into_owned()).collect()
    }

    /// Counts the next row given as its `values`.
    pub fn count_values(&mut self, values: &[String]) {
        for (value, counts) in values.iter().zip(self.counts.iter_mut()) {
            counts.add(value);
        }
        self.next += 1;
    }

    /// The sources counted.
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// The counts, each with its source.
    pub fn finish(self) -> ValueCache {
        let counts = self.sources.into_iter().zip(self.counts.into_iter().map(Arc::new)).collect();
        ValueCache { counts, wanted: Vec::new() }
    }
}

/// Counts per source, for one table.
#[derive(Clone, Debug, Default)]
pub struct ValueCache {
    counts: HashMap<Source, Arc<ValueCounts>>,
    /// Sources asked for that a table kept in the file could not count at once (`try_of`), for a pass in slices.
    wanted: Vec<Source>,
}

impl ValueCache {
    /// The counts of `source`, counted over `table` now unless they already are.
    pub fn of(&mut self, table: &Table, source: &Source) -> Arc<ValueCounts> {
        self.try_of(table, source).unwrap_or_default()
    }

    /// `of`, but `None` for a table whose blocks are in the file (`Rows::keep_in_file`) and a source not counted
    /// yet: counting it reads the whole file, so it is only noted (`take_wanted`) for a pass in slices.
    pub fn try_of(&mut self, table: &Table, source: &Source) -> Option<Arc<ValueCounts>> {
        if let Some(counts) = self.counts.get(source) {
            return Some(Arc::clone(counts));
        }
        if table.records.is_in_file() {
            if !self.wanted.contains(source) {
                self.wanted.push(source.clone());
            }
            return None;
        }
        let counts = Arc::new(ValueCounts::of(table, source));
        self.counts.insert(source.clone(), Arc::clone(&counts));
        Some(counts)
    }

    /// The counts of `source`, if counted.
    pub fn get(&self, source: &Source) -> Option<Arc<ValueCounts>> {
        self.counts.get(source).cloned()
    }

    /// The sources `try_of` could not count, each once.
    pub fn take_wanted(&mut self) -> Vec<Source> {
        std::mem::take(&mut self.wanted)
    }

    /// Adds the counts of `other` (a pass over the same table).
    pub fn extend(&mut self, other: ValueCache) {
        self.counts.extend(other.counts);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::table::{Position, Record};

    /// The answers from a pass over every row, as the review of each question would make it.
    fn distinct_values(t: &Table, source: &Source, field: &Field, split: Option<char>) -> Vec<DistinctValue> {
        let mut counts: HashMap<String, usize> = HashMap::new();
        for r in 0..t.records.len() {
            for part in split_cell(&source.value(t, r), split) {
                *counts.entry(part.to_owned()).or_default() += 1;
            }
        }
        let mut out: Vec<DistinctValue> = counts
            .into_iter()
            .map(|(value, count)| {
                let suggestion = suggest_option(&value, &field.options);
                DistinctValue { value, count, suggestion }
            })
            .collect();
        out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        out
    }

    fn detect_split(t: &Table, source: &Source, field: &Field) -> Option<char> {
        if field.kind != FieldType::Multiselect {
            return None;
        }
        let values: Vec<String> = (0..t.records.len()).map(|r| source.value(t, r)).collect();
        SPLIT_CANDIDATES
            .into_iter()
            .map(|sep| {
                let with: Vec<&String> = values.iter().filter(|v| v.contains(sep)).collect();
                let helps =
                    with.iter().any(|v| split_cell(v, Some(sep)).any(|p| suggest_option(p, &field.options).is_some()));
                (sep, with.len(), helps)
            })
            .filter(|(_, cells, helps)| *cells > 0 && *helps)
            .max_by_key(|(_, cells, _)| *cells)
            .map(|(sep, _, _)| sep)
    }

    fn table(rows: &[[&str; 2]]) -> Table {
        Table {
            headers: vec!["Type".into(), "Tags".into()],
            records: rows
                .iter()
                .enumerate()
                .map(|(i, r)| Record {
                    pos: Position { row: i as u64 + 2, line: i as u64 + 2 },
                    cells: r.to_vec().into(),
                })
                .collect(),
        }
    }

    #[test]
    fn answers_from_counts_equal_a_pass_over_the_rows() {
        let t = table(&[
            ["customer", "Customer; Partner"],
            [" Partner ", "Partner|Other"],
            ["customer", ""],
            ["", "a, b; Customer"],
            ["Vendor", "Partner; Partner"],
        ]);
        let select = Field::with_options("Type", FieldType::Select, &["Customer", "Partner", "Supplier/Vendor"]);
        let multi = Field::with_options("Tags", FieldType::Multiselect, &["Customer", "Partner", "Other"]);
        let sources =
            [Source::Column(0), Source::Column(1), Source::Combine { columns: vec![0, 1], separator: " ".into() }];
        for source in &sources {
            let counts = ValueCounts::of(&t, source);
            for field in [&select, &multi] {
                for split in [None, Some(';'), Some('|'), Some(',')] {
                    assert_eq!(counts.distinct(field, split), distinct_values(&t, source, field, split), "{source:?}");
                }
                assert_eq!(counts.split_offer(field), detect_split(&t, source, field), "{source:?}");
            }
        }
        assert_eq!(ValueCounts::of(&t, &Source::Column(1)).split_offer(&multi), Some(';'));
    }

    #[test]
    fn counted_in_batches_or_at_once_alike_and_cached_per_source() {
        let rows: Vec<[&str; 2]> = (0..1000).map(|i| if i % 3 == 0 { ["a", "x;y"] } else { ["b", "y"] }).collect();
        let t = table(&rows);
        let sources = vec![Source::Column(0), Source::Column(1)];
        let mut counter = ValueCounter::new(sources.clone());
        let mut steps = 0;
        while !counter.step(&t, 7) {
            steps += 1;
        }
        assert_eq!((steps, counter.done()), (142, 1000));
        let mut cache = counter.finish();
        for s in &sources {
            assert_eq!(*cache.of(&t, s), ValueCounts::of(&t, s));
        }
        let empty = Table { headers: t.headers.clone(), records: Default::default() };
        assert_eq!(cache.of(&empty, &Source::Column(1)).counts.len(), 2, "from the cache, not counted again");
    }

    #[test]
    fn with_nothing_to_count_one_step_ends_it() {
        let rows: Vec<[&str; 2]> = (0..1000).map(|_| ["a", "b"]).collect();
        let mut counter = ValueCounter::new(Vec::new());
        assert!(counter.step(&table(&rows), 7));
        assert_eq!(counter.done(), 1000);
        assert!(counter.finish().counts.is_empty());
    }
}
