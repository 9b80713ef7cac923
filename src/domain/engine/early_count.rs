//! Counting the values of choice fields while a big file is still arriving from the reading worker, in the time
//! the page would otherwise wait for it: the pass over every row after the read (`ValueCounter`) then has little
//! or nothing left to do.
//!
//! Owns the guess and its check. Once the first `HEAD_ROWS` records are in, the header is found as `Assembler`
//! will find it (`find_header`, or the row the admin chose), its names cleaned as the table's will be, and the
//! sources the suggested mapping counts (`counted_sources`) worked out. Rows are counted in file order, never the
//! last `FOOTER_ROWS_MAX + 1` records read so far (they may turn out to be a footer). Invariant (tested): the counts
//! given on (`resume`) are only ever used when the finished table starts after the same header row and the
//! suggested mapping counts the same sources, so they equal what a pass over the table counts; otherwise the
//! caller counts from the start. A restarted scan starts the guess again.

use crate::domain::read::headers::clean_headers;
use crate::domain::read::{ReadOptions, ReadOutcome};
use crate::domain::schema::Schema;
use crate::domain::structure::{find_header, record_at_row, FOOTER_ROWS_MAX, HEAD_ROWS};
use crate::domain::suggest::{counted_sources, suggest_sources};
use crate::domain::table::{Record, Rows};
use crate::domain::value_counts::ValueCounter;

/// The counting of one read, from its first records on.
pub struct EarlyCount {
    schema: Schema,
    header_row: Option<u64>,
    /// Once the header is known: its index among the records, its spreadsheet row, and the count so far.
    counting: Option<(usize, u64, ValueCounter)>,
    /// Whether the header was looked for (once enough records are in; not again when it was not found).
    looked: bool,
}

impl EarlyCount {
    /// Counting for `schema` (the suggested mapping's choice fields), the file read with `options`.
    pub fn new(schema: Schema, options: &ReadOptions) -> EarlyCount {
        EarlyCount { schema, header_row: options.header_row, counting: None, looked: false }
    }

    /// Counts at most `batch` more rows of `records` (every record read so far, in order). `false` when there is
    /// nothing to count yet.
    pub fn step(&mut self, records: &Rows, batch: usize) -> bool {
        if !self.looked && records.len() > HEAD_ROWS + FOOTER_ROWS_MAX {
            self.looked = true;
            self.counting = self.start(records);
        }
        let Some((header, _, counter)) = self.counting.as_mut() else {
            return false;
        };
        let until = records.len().saturating_sub(FOOTER_ROWS_MAX + 1);
        counter.step_early(records, *header + 1, until, batch)
    }

    /// The header and what to count, from the first records (a header the admin chose further down: nothing).
    fn start(&self, records: &Rows) -> Option<(usize, u64, ValueCounter)> {
        let header = match self.header_row {
            Some(row) => record_at_row(records.range(0..HEAD_ROWS), row)?,
            None => find_header(&records.range(0..HEAD_ROWS).collect::<Vec<Record>>()),
        };
        let header_record = records.get(header)?;
        let (headers, _) = clean_headers(header_record.cells.to_vec());
        let sources = counted_sources(&suggest_sources(&self.schema, &headers), &self.schema);
        Some((header, header_record.pos.row, ValueCounter::new(sources)))
    }

    /// The records read so far are void (the scan starts again).
    pub fn restart(&mut self) {
        (self.counting, self.looked) = (None, false);
    }

    /// The count to finish over `outcome`'s table, whose choice fields the suggested mapping of `schema` counts:
    /// the rows counted so far when the guess holds, else `None`.
    pub fn resume(self, outcome: &ReadOutcome, schema: &Schema) -> Option<ValueCounter> {
        let (_, header_row, counter) = self.counting?;
        let sources = counted_sources(&suggest_sources(schema, &outcome.table.headers), schema);
        let holds = header_row == outcome.structure.header_row
            && counter.sources() == sources.as_slice()
            && counter.done() <= outcome.table.records.len();
        holds.then_some(counter)
    }
}

#[cfg(test)]
mod tests {
    use std::ops::Range;

    use super::*;
    use crate::domain::engine::{ReadJob, RemoteScan, ScanRequest};
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

    /// Reads `bytes` as the page does from the worker's messages, counting `batch` rows between two messages as
    /// the page does while it waits; then finishes the count over the table. The counts, and whether the early
    /// count was used (and how many rows it had counted).
    fn read_and_count(
        bytes: &[u8],
        options: &ReadOptions,
        at_start: &Schema,
        at_end: &Schema,
        batch: usize,
    ) -> Counted {
        let size = bytes.len() as u64;
        let mut scan = RemoteScan::new(size, &ScanRequest::of(options)).expect("request").with_chunk(20_000);
        let mut job =
            ReadJob::remote(size, options.clone()).with_early_count(EarlyCount::new(at_start.clone(), options));
        while !scan.is_finished() {
            let Range { start, end } = scan.wants();
            for message in scan.step(&bytes[start as usize..end as usize]) {
                job.receive(&message).expect("readable message");
                job.count_some(batch);
            }
        }
        let early = job.take_early_count().expect("asked for");
        let outcome = job.run(bytes).expect("reads");
        let sources = counted_sources(&suggest_sources(at_end, &outcome.table.headers), at_end);
        let resumed = early.resume(&outcome, at_end);
        let early_rows = resumed.as_ref().map(ValueCounter::done);
        let mut counter = resumed.unwrap_or_else(|| ValueCounter::new(sources.clone()));
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
        for batch in [1, 64, 10_000] {
            for options in [ReadOptions::default(), ReadOptions { keep_footer: true, ..ReadOptions::default() }] {
                let mut counted = read_and_count(&bytes, &options, &schema, &schema, batch);
                assert_eq!(counted.sources.len(), 2, "Type and Tags are counted");
                let early = counted.early_rows.expect("the guess holds");
                assert!(early > 0 && early < counted.table.records.len(), "{early} rows counted early");
                assert_as_one_pass(&mut counted);
            }
        }
        let chosen = ReadOptions { header_row: Some(4), ..ReadOptions::default() };
        let mut counted = read_and_count(&bytes, &chosen, &schema, &schema, 64);
        assert!(counted.early_rows.is_some(), "a header row the admin chose near the top");
        assert_as_one_pass(&mut counted);
    }

    #[test]
    fn a_wrong_guess_or_a_changed_schema_counts_from_the_start() {
        let text = report(3000);
        let schema = schema();
        // The admin chose a header far down: no guess is made.
        let far = ReadOptions { header_row: Some(200), ..ReadOptions::default() };
        let mut counted = read_and_count(text.as_bytes(), &far, &schema, &schema, 64);
        assert_eq!(counted.early_rows, None);
        assert_as_one_pass(&mut counted);
        // The schema changed while the file was read: what the mapping counts changed too.
        let mut fewer = schema.clone();
        fewer.fields.retain(|f| f.name != "Tags");
        let mut counted = read_and_count(text.as_bytes(), &ReadOptions::default(), &schema, &fewer, 64);
        assert_eq!((counted.early_rows, counted.sources.len()), (None, 1));
        assert_as_one_pass(&mut counted);
        // Too few rows to guess from.
        let mut counted = read_and_count(report(30).as_bytes(), &ReadOptions::default(), &schema, &schema, 64);
        assert_eq!(counted.early_rows, None);
        assert_as_one_pass(&mut counted);
    }

    #[test]
    fn a_scan_that_starts_again_counts_again() {
        let mut bytes = report(20_000).into_bytes();
        bytes.extend_from_slice(b"Last,l@example.com,Customer,G\xFCld\n");
        let schema = schema();
        let mut counted = read_and_count(&bytes, &ReadOptions::default(), &schema, &schema, 1000);
        assert!(counted.early_rows.is_some());
        let last = counted.table.records.last().expect("rows");
        assert_eq!(last.cells.get(3), Some("Güld"), "read again as Windows-1252, to the end");
        assert_as_one_pass(&mut counted);
    }
}
