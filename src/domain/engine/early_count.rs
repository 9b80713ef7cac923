//! Counting the values of choice fields block by block as the reading worker parses a big file (`ScanChecks`, in
//! the worker; the values read where they lie): the pass over every row after the read (`ValueCounter`) then has
//! nothing left to do, and no block is read again for it.
//!
//! Owns the guess and its check. Once the first `HEAD_ROWS` records are in, the header is found as `Assembler`
//! will find it (`find_header`, or the row the admin chose), its names cleaned as the table's will be, and the
//! sources the suggested mapping counts (`counted_sources`) worked out. Rows are counted in file order as they
//! arrive, but for the last `FOOTER_ROWS_MAX + 1` records so far, which may turn out to be a footer: their values
//! are held until more records come, or until the table's facts (`TableFacts`) say which of them are data. Invariant (tested): the
//! counts given on (`resume`) are only ever used when the finished table starts after the same header row and the
//! suggested mapping counts the same sources, so they equal what a pass over the table counts; otherwise the
//! caller counts from the start. A restarted scan starts the guess again.

use std::collections::VecDeque;

use super::kept_columns::KeptColumns;
use super::table_facts::TableFacts;
use crate::domain::read::headers::clean_headers;
use crate::domain::read::ReadOptions;
use crate::domain::schema::Schema;
use crate::domain::structure::{find_header, record_at_row, FOOTER_ROWS_MAX, HEAD_ROWS};
use crate::domain::suggest::{counted_sources, suggest_sources};
use crate::domain::table::{CheckedBlock, Record};
use crate::domain::value_counts::ValueCounter;

/// The counting of one read, from its first records on.
pub struct EarlyCount {
    schema: Schema,
    header_row: Option<u64>,
    /// Records taken so far.
    seen: usize,
    stage: Stage,
}

enum Stage {
    /// Keeping the first `HEAD_ROWS` records, to find the header in.
    Looking(Vec<Record>),
    Counting(Box<Counting>),
    /// No guess can be made (the admin chose a header further down): the pass after the read counts.
    Off,
}

struct Counting {
    /// The header's index among the records, and its spreadsheet row.
    header: usize,
    header_row: u64,
    counter: ValueCounter,
    /// The last records' values (index, values by source), not counted yet: they may be a footer.
    held: VecDeque<(usize, Vec<String>)>,
}

impl EarlyCount {
    /// Counting for `schema` (the suggested mapping's choice fields), the file read with `options`.
    pub fn new(schema: Schema, options: &ReadOptions) -> EarlyCount {
        EarlyCount { schema, header_row: options.header_row, seen: 0, stage: Stage::Looking(Vec::new()) }
    }

    /// Counts the records of `block`, the next block of the file.
    pub fn take(&mut self, block: &CheckedBlock<'_>) {
        let first = self.seen;
        self.seen += block.rows();
        // The last records so far are only held: they may be a footer.
        let surely_data = self.seen.saturating_sub(FOOTER_ROWS_MAX + 1);
        if let Stage::Looking(head) = &mut self.stage {
            if head.len() < HEAD_ROWS {
                head.extend(block.to_block().records().into_iter().take(HEAD_ROWS - head.len()));
            }
            if head.len() < HEAD_ROWS {
                return;
            }
            let head = std::mem::take(head);
            self.stage = self.start(&head).map_or(Stage::Off, |mut counting| {
                // The records before this block were passed by while looking: they are among those kept.
                for (index, record) in head.iter().enumerate().take(first) {
                    counting.add(index, |c| record.cells.get(c).unwrap_or_default(), surely_data);
                }
                Stage::Counting(Box::new(counting))
            });
        }
        let Stage::Counting(counting) = &mut self.stage else {
            return;
        };
        counting.count_held(surely_data);
        let mut index = first;
        block.for_each_record(|values| {
            counting.add(index, |c| values.get(c), surely_data);
            index += 1;
        });
    }

    /// The header and what to count, from the first records (a header the admin chose further down: nothing).
    fn start(&self, head: &[Record]) -> Option<Counting> {
        let (header, header_row, headers) = guess_header(head, self.header_row)?;
        let sources = counted_sources(&suggest_sources(&self.schema, &headers), &self.schema);
        let counter = ValueCounter::new(sources);
        Some(Counting { header, header_row, counter, held: VecDeque::new() })
    }

    /// The columns counted in every record taken from now on, once the count has started (`None` before): those of
    /// the sources counted. None at all when no guess can be made.
    pub fn columns_read(&self) -> Option<KeptColumns> {
        match &self.stage {
            Stage::Looking(_) => None,
            Stage::Counting(counting) => {
                Some(KeptColumns::of(counting.counter.sources().iter().flat_map(|source| source.columns())))
            }
            Stage::Off => Some(KeptColumns::none()),
        }
    }

    /// The records taken so far are void (the scan starts again).
    pub fn restart(&mut self) {
        (self.seen, self.stage) = (0, Stage::Looking(Vec::new()));
    }

    /// The count finished over the table put together (`facts`): the rows counted so far and those held back that
    /// are data (every row, when the whole file was taken) when the guess holds (the same header row, and the
    /// suggested mapping counts the same sources), else `None`.
    pub fn resume(self, facts: &TableFacts) -> Option<ValueCounter> {
        let Stage::Counting(counting) = self.stage else {
            return None;
        };
        let Counting { header, header_row, mut counter, held } = *counting;
        if header_row != facts.header_row
            || counter.sources() != facts.sources.as_slice()
            || counter.done() > facts.rows
        {
            return None;
        }
        // The rows held back are data up to the table's last row; after it, the footer left out.
        for (index, values) in held {
            if index - header - 1 < facts.rows {
                counter.count_values(&values);
            }
        }
        Some(counter)
    }
}

/// The header the table will have, from its first records (`head`), found as `Assembler` finds it (the row the
/// admin chose, else `find_header`): its index among them, its spreadsheet row, and its names cleaned as the
/// table's will be. `None` when the row the admin chose is not among them.
pub(super) fn guess_header(head: &[Record], chosen: Option<u64>) -> Option<(usize, u64, Vec<String>)> {
    let header = match chosen {
        Some(row) => record_at_row(head.iter(), row)?,
        None => find_header(head),
    };
    let header_record = head.get(header)?;
    let (headers, _) = clean_headers(header_record.cells.to_vec());
    Some((header, header_record.pos.row, headers))
}

impl Counting {
    /// Record `index` (its values by column): counted now when before `surely_data`, else held; records up to
    /// the header are not data.
    fn add<'a>(&mut self, index: usize, cell: impl Fn(usize) -> &'a str, surely_data: usize) {
        if index <= self.header || self.counter.sources().is_empty() {
            return;
        }
        if index < surely_data {
            self.counter.count_row(cell);
        } else {
            self.held.push_back((index, self.counter.values(cell)));
        }
    }

    /// Counts the held records before `surely_data`.
    fn count_held(&mut self, surely_data: usize) {
        while self.held.front().is_some_and(|(index, _)| *index < surely_data) {
            if let Some((_, values)) = self.held.pop_front() {
                self.counter.count_values(&values);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::engine::scan_checks::tests::read_and_find;
    use crate::domain::schema::{Entity, Field, FieldType};
    use crate::domain::table::Table;
    use crate::domain::value_counts::ValueCache;

    fn schema() -> Schema {
        let mut schema = Schema::defaults(Entity::Customers);
        schema.upsert_field(Field::with_options("Type", FieldType::Select, &["Customer", "Partner"]));
        schema.upsert_field(Field::with_options("Tags", FieldType::Multiselect, &["Gold", "Silver"]));
        schema
    }

    /// A report of `rows` contacts: title rows above the header, a footer below, ragged and blank rows.
    fn report(rows: usize) -> String {
        let mut text = "Contacts report\nFiltered By: Owner\n\nName,Email,Type,Tags\n".to_owned();
        for i in 0..rows {
            let kind = ["Customer", "partner", "", " Vendor "][i % 4];
            match i % 97 {
                5 => text.push_str(&format!("Short {i}\n")),
                6 => text.push_str(&format!("Long {i},l{i}@example.com,{kind},Gold;Silver,extra\n")),
                7 => text.push('\n'),
                _ => text.push_str(&format!("P{i},p{i}@example.com,{kind},\"Gold{}\"\n", ["", ";Silver"][i % 2])),
            }
        }
        text.push_str("Grand Totals (all rows)\nCopyright (c) Example\n");
        text
    }

    /// Reads `bytes` as the page does from a worker that counts the rows as it parses them (`chunk` bytes a
    /// step), then finishes the count over the table with the page's schema at the end. The counts, and whether
    /// the early count was used (and how many rows it had counted).
    fn read_and_count(bytes: &[u8], options: &ReadOptions, at_start: &Schema, at_end: &Schema, chunk: u64) -> Counted {
        let (outcome, found) =
            read_and_find(bytes, options, (at_start, at_end), chunk, matches!(chunk, 7_000 | 1_048_576));
        let sources = counted_sources(&suggest_sources(at_end, &outcome.table.headers), at_end);
        let early_rows = found.count.as_ref().map(ValueCounter::done);
        let mut counter = found.count.unwrap_or_else(|| ValueCounter::new(sources.clone()));
        while !counter.step(&outcome.table, 333) {}
        Counted { table: outcome.table.as_ref().clone(), sources, cache: counter.finish(), early_rows }
    }

    struct Counted {
        table: Table,
        sources: Vec<crate::domain::mapping::Source>,
        cache: ValueCache,
        early_rows: Option<usize>,
    }

    /// The counts equal those of one pass over the finished table.
    fn assert_as_one_pass(counted: &mut Counted) {
        let mut fresh = ValueCounter::new(counted.sources.clone());
        while !fresh.step(&counted.table, 1000) {}
        let mut fresh = fresh.finish();
        for source in &counted.sources {
            assert_eq!(counted.cache.of(&counted.table, source), fresh.of(&counted.table, source), "{source:?}");
        }
    }

    #[test]
    fn counts_while_reading_equal_one_pass_over_the_table() {
        let bytes = report(5000).into_bytes();
        let schema = schema();
        for chunk in [100, 7_000, 20_000, 1 << 20] {
            for options in [ReadOptions::default(), ReadOptions { keep_footer: true, ..ReadOptions::default() }] {
                let mut counted = read_and_count(&bytes, &options, &schema, &schema, chunk);
                assert_eq!(counted.sources.len(), 2, "Type and Tags are counted");
                let early = counted.early_rows.expect("the guess holds");
                assert_eq!(early, counted.table.records.len(), "every row counted as it came (chunk {chunk})");
                assert_as_one_pass(&mut counted);
            }
        }
        let chosen = ReadOptions { header_row: Some(4), ..ReadOptions::default() };
        let mut counted = read_and_count(&bytes, &chosen, &schema, &schema, 7_000);
        assert!(counted.early_rows.is_some(), "a header row the admin chose near the top");
        assert_as_one_pass(&mut counted);
    }

    #[test]
    fn a_wrong_guess_or_a_changed_schema_counts_from_the_start() {
        let text = report(3000);
        let schema = schema();
        // The admin chose a header far down: no guess is made.
        let far = ReadOptions { header_row: Some(200), ..ReadOptions::default() };
        let mut counted = read_and_count(text.as_bytes(), &far, &schema, &schema, 7_000);
        assert_eq!(counted.early_rows, None);
        assert_as_one_pass(&mut counted);
        // The schema changed while the file was read: what the mapping counts changed too.
        let mut fewer = schema.clone();
        fewer.fields.retain(|f| f.name != "Tags");
        let mut counted = read_and_count(text.as_bytes(), &ReadOptions::default(), &schema, &fewer, 7_000);
        assert_eq!((counted.early_rows, counted.sources.len()), (None, 1));
        assert_as_one_pass(&mut counted);
        // Too few rows to guess from.
        let mut counted = read_and_count(report(30).as_bytes(), &ReadOptions::default(), &schema, &schema, 7_000);
        assert_eq!(counted.early_rows, None);
        assert_as_one_pass(&mut counted);
        // Just enough: the header and every row among the first records, the footer among the last.
        let mut counted = read_and_count(report(40).as_bytes(), &ReadOptions::default(), &schema, &schema, 100);
        assert_eq!(counted.early_rows, Some(counted.table.records.len()));
        assert_as_one_pass(&mut counted);
    }

    #[test]
    fn a_scan_that_starts_again_counts_again() {
        let mut bytes = report(20_000).into_bytes();
        bytes.extend_from_slice(b"Last,l@example.com,Customer,G\xFCld\n");
        let schema = schema();
        let mut counted = read_and_count(&bytes, &ReadOptions::default(), &schema, &schema, 20_000);
        assert!(counted.early_rows.is_some());
        let last = counted.table.records.last().expect("rows");
        assert_eq!(last.cells.get(3), Some("Güld"), "read again as Windows-1252, to the end");
        assert_as_one_pass(&mut counted);
    }
}
