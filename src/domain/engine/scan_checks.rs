//! The check and the count a reading worker makes of a big file's rows as it parses them (`EarlyCheck`,
//! `EarlyCount`), so the page gets what they found, not the rows: both threads then do work the other needs, and
//! the page's thread stays free.
//!
//! Owns only feeding both from each block of records and finishing both once the page has put the table together
//! (`complete`, with its `TableFacts`): what they found goes back to the page (`Found`), which uses it only when
//! the guesses are proved (`CheckedWhileReading::fits`, and the count's own proof), as when the page checked.

use serde::{Deserialize, Serialize};

use super::early_check::{CheckFound, EarlyCheck};
use super::early_count::EarlyCount;
use super::table_facts::TableFacts;
use crate::domain::read::ReadOptions;
use crate::domain::schema::Schema;
use crate::domain::table::CheckedBlock;
use crate::domain::value_counts::ValueCounter;

/// The check and the count of one scan.
pub struct ScanChecks {
    count: EarlyCount,
    check: EarlyCheck,
}

/// What the check and the count made while reading found, when their guesses held for the table.
#[derive(Serialize, Deserialize)]
pub struct Found {
    pub check: Option<CheckFound>,
    pub count: Option<ValueCounter>,
}

impl ScanChecks {
    /// Checking and counting for `schema` (its suggested mapping), the file read with `options` (its header row).
    pub fn new(schema: Schema, options: &ReadOptions) -> ScanChecks {
        ScanChecks { count: EarlyCount::new(schema.clone(), options), check: EarlyCheck::new(schema, options) }
    }

    /// Counts the records of `block`, the next block of the file, and checks all of them that are surely data.
    pub fn take(&mut self, block: &CheckedBlock<'_>) {
        self.count.take(block);
        self.check.take(block);
        while self.check.has_work() {
            self.check.work(usize::MAX);
        }
    }

    /// The records taken so far are void (the scan starts again).
    pub fn restart(&mut self) {
        self.count.restart();
        self.check.restart();
    }

    /// Both finished over the table the page put together.
    pub fn complete(self, facts: &TableFacts) -> Found {
        Found { check: self.check.complete(facts), count: self.count.resume(facts) }
    }
}

impl Found {
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    pub fn from_json(json: &[u8]) -> Option<Found> {
        serde_json::from_slice(json).ok()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::ops::Range;

    use super::*;
    use crate::domain::engine::{CheckRelay, ReadJob, RemoteScan, ScanMessage, ScanRequest};
    use crate::domain::read::ReadOutcome;

    /// Reads `bytes` as the page does from the scanning worker's messages (parsed `chunk` bytes a step) relayed by
    /// the checking worker, which checks and counts the rows for `schema` (with the table kept in the file when
    /// `in_file`, so most blocks come as `Gone`); then finishes the check and the count over the table, with the
    /// facts of `at_end` (the page's schema then), through the messages the page and the relay send.
    pub(crate) fn read_and_find(
        bytes: &[u8],
        options: &ReadOptions,
        (schema, at_end): (&Schema, &Schema),
        chunk: u64,
        in_file: bool,
    ) -> (ReadOutcome, Found) {
        let size = bytes.len() as u64;
        let request = ScanRequest::of(options).checked_for(schema.clone());
        let request = if in_file { request.in_file() } else { request };
        let mut scan = RemoteScan::new(size, &request).expect("request").with_chunk(chunk);
        let mut relay = CheckRelay::new(&request);
        let mut job = ReadJob::remote(size, options.clone());
        if in_file {
            job = job.in_file();
        }
        while !scan.is_finished() {
            let Range { start, end } = scan.wants();
            for message in scan.step(&bytes[start as usize..end as usize]).into_iter().flat_map(|m| relay.relay(m)) {
                job.receive(&message).expect("readable message");
            }
        }
        let outcome = job.run(bytes).expect("reads");
        if in_file {
            // Every record read back from the file, to compare.
            let rows = &outcome.table.records;
            crate::domain::engine::Refill::all(rows, 0..rows.len(), bytes);
        }
        let facts = TableFacts::from_json(&TableFacts::of(&outcome, at_end).to_json()).expect("facts travel");
        let message = relay.complete(&facts);
        let Ok(ScanMessage::Found(json)) = ScanMessage::decode(&message) else {
            panic!("a Found message");
        };
        (outcome, Found::from_json(json).expect("found travels"))
    }

    #[test]
    fn a_page_that_keeps_the_table_in_the_file_gets_the_blocks_it_keeps_and_what_was_found() {
        use crate::domain::read::read;
        use crate::domain::schema::Entity;
        use crate::domain::table::BLOCK_ROWS;
        let mut text = String::from("Report\n\nName,Email,Note\n");
        for i in 0..9 * BLOCK_ROWS + 100 {
            text.push_str(&format!("P{i},p{}@example.com,x\n", i % 5000));
        }
        text.push_str("Grand Totals\n");
        let bytes = text.into_bytes();
        let schema = Schema::defaults(Entity::Customers);
        let size = bytes.len() as u64;
        let request = ScanRequest::default().checked_for(schema.clone()).in_file();
        let mut scan = RemoteScan::new(size, &request).expect("request").with_chunk(50_000);
        let mut relay = CheckRelay::new(&request);
        let (mut whole, mut gone) = (0, 0);
        while !scan.is_finished() {
            let Range { start, end } = scan.wants();
            for message in scan.step(&bytes[start as usize..end as usize]).into_iter().flat_map(|m| relay.relay(m)) {
                match ScanMessage::decode(&message) {
                    Ok(ScanMessage::Records { batch, .. }) => whole += batch.block().expect("block").rows(),
                    Ok(ScanMessage::Gone { .. }) => gone += 1,
                    _ => {}
                }
            }
        }
        // The title row, the header, the first two blocks and the last full one whole, the rest let go.
        // 9,319 records: 9 full blocks and 103 records.
        assert_eq!((gone, whole), (6, 3 * BLOCK_ROWS + 103));
        let (outcome, found) = read_and_find(&bytes, &ReadOptions::default(), (&schema, &schema), 50_000, true);
        assert_eq!(Ok(&outcome), read(&bytes, &ReadOptions::default()).as_ref());
        let check = found.check.expect("the guess holds");
        let checked = crate::domain::engine::CheckedWhileReading::new(check, &outcome, schema.clone());
        let prepared = checked.into_prepared();
        assert_eq!(prepared.report.invalid, 9 * BLOCK_ROWS + 100 - 5000, "every repeated email");
        // A Windows-1252 byte in the last row: the scan starts again, and so do the check and the relay.
        let mut legacy = bytes.clone();
        legacy.extend_from_slice(b"M\xFCller,mueller@example.com,x\n");
        let (outcome, found) = read_and_find(&legacy, &ReadOptions::default(), (&schema, &schema), 50_000, true);
        assert_eq!(Ok(&outcome), read(&legacy, &ReadOptions::default()).as_ref());
        assert_eq!(outcome.encoding, encoding_rs::WINDOWS_1252);
        let check = found.check.expect("the guess holds");
        let prepared = crate::domain::engine::CheckedWhileReading::new(check, &outcome, schema).into_prepared();
        // "Grand Totals" is no longer last: a row without an email now.
        assert_eq!(prepared.report.invalid, 9 * BLOCK_ROWS + 100 - 5000 + 1);
    }
}
