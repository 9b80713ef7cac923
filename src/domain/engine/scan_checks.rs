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
use super::kept_columns::KeptColumns;
use super::scan_wire::{ScanMessage, ScanRequest};
use super::table_facts::TableFacts;
use crate::domain::edits::Edits;
use crate::domain::mapping::Mapping;
use crate::domain::read::ReadOptions;
use crate::domain::report::Issue;
use crate::domain::schema::Schema;
use crate::domain::table::CheckedBlock;
use crate::domain::value_counts::ValueCounter;

/// The check and the count of one scan.
pub struct ScanChecks {
    /// None for a check with the admin's inputs (`given`): the values are counted already.
    count: Option<EarlyCount>,
    check: EarlyCheck,
}

/// Findings per `ScanMessage::Findings`: the page reads one such message in a few milliseconds, so a file with
/// tens of thousands of findings never holds the page's thread for long (20,000 findings in one message took
/// 66 ms, a long task).
pub const FINDINGS_PER_MESSAGE: usize = 2_000;

/// What the check and the count made while reading found, when their guesses held for the table.
#[derive(Serialize, Deserialize)]
pub struct Found {
    pub check: Option<CheckFound>,
    pub count: Option<ValueCounter>,
    /// The `Findings` messages that follow this one (`into_messages`).
    #[serde(default)]
    parts: usize,
}

impl ScanChecks {
    /// Checking and counting for `schema` (its suggested mapping), the file read with `options` (its header row).
    pub fn new(schema: Schema, options: &ReadOptions) -> ScanChecks {
        ScanChecks { count: Some(EarlyCount::new(schema.clone(), options)), check: EarlyCheck::new(schema, options) }
    }

    /// Checking only, for `schema` with the admin's `mapping` and `edits` (`EarlyCheck::given`).
    pub fn given(schema: Schema, options: &ReadOptions, mapping: Mapping, edits: Edits) -> ScanChecks {
        ScanChecks { count: None, check: EarlyCheck::given(schema, options, mapping, edits) }
    }

    /// The check and the count `request` asks for (`ScanRequest::checked_for`, `checked_with`), if it asks.
    pub fn for_request(request: &ScanRequest) -> Option<ScanChecks> {
        // The check needs only the header row the admin chose: the scan itself has the encoding and delimiter.
        let options = ReadOptions { header_row: request.header_row, ..ReadOptions::default() };
        request.schema.clone().map(|schema| match &request.given {
            Some(given) => ScanChecks::given(schema, &options, given.mapping.clone(), given.edits.clone()),
            None => ScanChecks::new(schema, &options),
        })
    }

    /// The columns the check and the count read of every record taken from now on, once both have started from
    /// the first records (`None` before): every other column's values may be left empty (`SlimBlocks`).
    pub fn columns_read(&self) -> Option<KeptColumns> {
        let counted = match &self.count {
            Some(count) => count.columns_read()?,
            None => KeptColumns::none(),
        };
        Some(counted.and(self.check.columns_read()?))
    }

    /// Counts the records of `block`, the next block of the file, and checks all of them that are surely data.
    pub fn take(&mut self, block: &CheckedBlock<'_>) {
        if let Some(count) = self.count.as_mut() {
            count.take(block);
        }
        self.check.take(block);
        self.check.work();
    }

    /// The records taken so far are void (the scan starts again).
    pub fn restart(&mut self) {
        if let Some(count) = self.count.as_mut() {
            count.restart();
        }
        self.check.restart();
    }

    /// Both finished over the table the page put together.
    pub fn complete(self, facts: &TableFacts) -> Found {
        let count = self.count.and_then(|count| count.resume(facts));
        Found { check: self.check.complete(facts), count, parts: 0 }
    }
}

impl Found {
    /// Nothing found: no check or count was asked for.
    pub fn nothing() -> Found {
        Found { check: None, count: None, parts: 0 }
    }

    /// The messages that carry it, in order: its head (`ScanMessage::Found`, the findings left out), then the
    /// findings, `FINDINGS_PER_MESSAGE` a message (`ScanMessage::Findings`).
    pub fn into_messages(mut self) -> Vec<Vec<u8>> {
        let issues = self.check.as_mut().map(CheckFound::take_issues).unwrap_or_default();
        let parts: Vec<Vec<u8>> = issues
            .chunks(FINDINGS_PER_MESSAGE)
            .map(|part| ScanMessage::Findings(&serde_json::to_vec(part).unwrap_or_default()).encode())
            .collect();
        self.parts = parts.len();
        let mut messages = vec![ScanMessage::Found(&serde_json::to_vec(&self).unwrap_or_default()).encode()];
        messages.extend(parts);
        messages
    }

    /// The head (a `Found` message's JSON), and how many `Findings` messages follow it.
    pub fn from_head(json: &[u8]) -> Option<(Found, usize)> {
        let found: Found = serde_json::from_slice(json).ok()?;
        let parts = found.parts;
        Some((found, parts))
    }

    /// Adds the findings of the next `Findings` message (its JSON). `None` when they cannot be read, or there is no
    /// check to add them to.
    pub fn add_findings(&mut self, json: &[u8]) -> Option<()> {
        let issues: Vec<Issue> = serde_json::from_slice(json).ok()?;
        self.check.as_mut()?.extend_issues(issues);
        Some(())
    }

    /// What `into_messages` carries, from all of them (tests and tools; the page reads the findings a message a
    /// turn).
    pub fn from_messages(messages: &[Vec<u8>]) -> Option<Found> {
        let (head, parts) = messages.split_first()?;
        let ScanMessage::Found(json) = ScanMessage::decode(head).ok()? else { return None };
        let (mut found, count) = Found::from_head(json)?;
        if count != parts.len() {
            return None;
        }
        for part in parts {
            let ScanMessage::Findings(json) = ScanMessage::decode(part).ok()? else { return None };
            found.add_findings(json)?;
        }
        Some(found)
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
        let request = ScanRequest::of(options).checked_for(schema.clone());
        let request = if in_file { request.in_file() } else { request };
        read_and_find_for(bytes, options, &request, at_end, chunk)
    }

    /// `read_and_find` for any `request` (`ScanRequest::checked_with`: the admin's mapping and edits).
    pub(crate) fn read_and_find_for(
        bytes: &[u8],
        options: &ReadOptions,
        request: &ScanRequest,
        at_end: &Schema,
        chunk: u64,
    ) -> (ReadOutcome, Found) {
        let (size, in_file) = (bytes.len() as u64, request.in_file);
        let request = ScanRequest::from_json(&request.to_json()).expect("the request travels");
        let mut scan = RemoteScan::new(size, &request).expect("request").with_chunk(chunk);
        let mut relay = CheckRelay::new(&request);
        // A scan whose rows are checked never packs: the check reads each block as it lies.
        scan.set_packing(true);
        assert!(!scan.packs());
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
        (outcome, Found::from_messages(&relay.complete(&facts)).expect("found travels"))
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
        // The findings travel in parts (their head, then 4,316 findings 2,000 a message), put together in order.
        let messages = found.into_messages();
        assert_eq!(messages.len(), 1 + 3);
        assert!(Found::from_messages(&messages[..3]).is_none(), "a part missing");
        let found = Found::from_messages(&messages).expect("found travels");
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
