//! The scanning worker's part in sending the checking worker less. The check and the count there read a few columns
//! of each record (`ScanChecks::columns_read`: the key, the choice fields, the dates, ...); of the blocks the page
//! lets go of (`CheckRelay`: a table kept in the file gets them as `Gone`), the checking worker needs only those. So
//! once the scan's own check and count have started from the file's first block, exactly as they start in the
//! checking worker, every such block goes with the other columns' values left empty (`RowBlock::keeping`): the same
//! records, positions and numbers of values. A million rows of a CRM export then send about an eighth of the text.
//!
//! Owns which blocks go whole. The relay passes the first `WHOLE_BLOCKS` full blocks whole, then holds each full
//! block until the next one comes (it goes as `Gone`), and passes the last one whole before anything else. So the
//! first `WHOLE_BLOCKS` go whole here too, and each later one is held until the next full block is made: it then
//! goes slimmed; anything else (the last records, a restart, the ending) sends it whole first. Invariant (tested):
//! the page gets the same messages, and the check and the count find the same, as when every block goes whole.

use super::check_relay::WHOLE_BLOCKS;
use super::kept_columns::KeptColumns;
use super::scan_checks::ScanChecks;
use super::scan_wire::{RecordBatch, ScanRequest};
use crate::domain::table::RowBlock;

/// The full blocks of one scan on their way to the checking worker.
pub struct SlimBlocks {
    request: ScanRequest,
    /// The check and the count as the checking worker makes them, fed the first blocks until they have started.
    deciding: Option<ScanChecks>,
    /// The columns they read, once known.
    kept: Option<KeptColumns>,
    /// Full blocks since the scan (last) started.
    blocks: usize,
    /// The latest full block, whole, until it is known whether it is the last.
    held: Option<RecordBatch>,
}

impl SlimBlocks {
    /// For a scan asked with `request`, when the blocks it sends may be slimmed: the page keeps the table in the file
    /// and the rows are checked as they are relayed (not written into a download).
    pub fn for_request(request: &ScanRequest) -> Option<SlimBlocks> {
        if !request.in_file || request.export.is_some() {
            return None;
        }
        let deciding = Some(ScanChecks::for_request(request)?);
        Some(SlimBlocks { request: request.clone(), deciding, kept: None, blocks: 0, held: None })
    }

    /// The next full block of the scan: what to send now (the block before it, slimmed; or this one, whole), if
    /// anything.
    pub fn pass(&mut self, block: RecordBatch) -> Option<RecordBatch> {
        self.blocks += 1;
        if self.blocks <= WHOLE_BLOCKS {
            self.learn(&block);
            return Some(block);
        }
        // Not known from the first blocks: every block goes whole.
        self.deciding = None;
        let Some(kept) = &self.kept else {
            return Some(block);
        };
        let before = self.held.replace(block)?;
        Some(before.keeping(kept))
    }

    /// The block held, whole: to send before anything but a full block.
    pub fn release(&mut self) -> Option<RecordBatch> {
        self.held.take()
    }

    /// The scan starts again (the file is not UTF-8 after all): so does the count of blocks, and what is read is
    /// learned again from the new first blocks.
    pub fn restart(&mut self) {
        self.blocks = 0;
        self.held = None;
        self.kept = None;
        self.deciding = ScanChecks::for_request(&self.request);
    }

    /// Feeds one of the first blocks to the check and the count, until they know the columns they read.
    fn learn(&mut self, block: &RecordBatch) {
        let Some(checks) = self.deciding.as_mut() else {
            return;
        };
        let bytes = block.to_bytes();
        if let Some(checked) = RowBlock::check(&bytes) {
            checks.take(&checked);
        }
        self.kept = checks.columns_read();
        if self.kept.is_some() {
            self.deciding = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::ops::Range;

    use super::*;
    use crate::domain::edits::Edits;
    use crate::domain::engine::scan_checks::tests::read_and_find_for;
    use crate::domain::engine::{RemoteScan, ScanMessage};
    use crate::domain::read::ReadOptions;
    use crate::domain::schema::{Entity, Field, FieldType, Schema};
    use crate::domain::suggest::suggest;
    use crate::domain::table::{Record, BLOCK_ROWS};

    fn schema() -> Schema {
        let mut schema = Schema::defaults(Entity::Customers);
        schema.upsert_field(Field::with_options("Type", FieldType::Select, &["Customer", "Partner"]));
        schema.upsert_field(Field::new("Signed up", FieldType::Date));
        schema
    }

    /// A report whose `Note` column no check reads: long values, a repeated email now and then, values that are not
    /// options, rows with extra values (blank or not), and a footer.
    fn report() -> Vec<u8> {
        let mut text = String::from("Contacts\n\nName,Email,Note,Type,Signed up\n");
        for i in 0..9 * BLOCK_ROWS + 300 {
            let note = format!("a long note about contact {i} that nobody checks, with \"quotes\"");
            let kind = ["Customer", "partner", "Nonsense", ""][i % 4];
            let extra = match i % 101 {
                7 => ",,",
                8 => ",spill",
                _ => "",
            };
            text.push_str(&format!(
                "P{i},p{}@example.com,\"{}\",{kind},2024-0{}-1{}{extra}\n",
                i % 7000,
                note.replace('"', "\"\""),
                i % 9 + 1,
                i % 10
            ));
        }
        text.push_str("Grand Totals (all rows)\n");
        text.into_bytes()
    }

    /// The full blocks of the scanning worker's messages for `request`, in order.
    fn blocks_sent(bytes: &[u8], request: &ScanRequest) -> (Vec<Vec<Record>>, usize) {
        let mut scan = RemoteScan::new(bytes.len() as u64, request).expect("request").with_chunk(30_000);
        let (mut blocks, mut sent) = (Vec::new(), 0);
        while !scan.is_finished() {
            let Range { start, end } = scan.wants();
            for message in scan.step(&bytes[start as usize..end as usize]) {
                sent += message.len();
                if let Ok(ScanMessage::Records { batch, .. }) = ScanMessage::decode(&message) {
                    let records = batch.block().expect("a block").records();
                    if records.len() == BLOCK_ROWS {
                        blocks.push(records);
                    }
                }
            }
        }
        (blocks, sent)
    }

    #[test]
    fn the_blocks_the_page_lets_go_of_carry_only_the_columns_the_check_reads() {
        let bytes = report();
        let request = ScanRequest::default().checked_for(schema());
        let (whole, whole_bytes) = blocks_sent(&bytes, &request);
        let (slim, slim_bytes) = blocks_sent(&bytes, &request.clone().in_file());
        assert_eq!(whole.len(), 9);
        assert_eq!(slim.len(), whole.len());
        // The first two and the last whole, as the page keeps them.
        for b in [0, 1, 8] {
            assert_eq!(slim[b], whole[b], "block {b}");
        }
        // The others: the same records, with Name and Note left empty (Email, Type, Signed up and the values past
        // the header's width as they are).
        for b in 2..8 {
            for (s, w) in slim[b].iter().zip(&whole[b]) {
                assert_eq!((s.pos, s.cells.len()), (w.pos, w.cells.len()));
                for (c, (s, w)) in s.cells.iter().zip(w.cells.iter()).enumerate() {
                    assert_eq!(s, if matches!(c, 0 | 2) { "" } else { w }, "block {b}, row {}, column {c}", s.len());
                }
            }
        }
        // Three blocks of nine go whole: the six others carry less than a third of their text.
        assert!(slim_bytes * 3 < whole_bytes * 2, "{slim_bytes} bytes sent against {whole_bytes}");
    }

    #[test]
    fn what_is_found_is_what_whole_blocks_give() {
        let bytes = report();
        let options = ReadOptions::default();
        let schema = schema();
        let (outcome, _) =
            read_and_find_for(&bytes, &options, &ScanRequest::default().checked_for(schema.clone()), &schema, 1 << 20);
        let mut edits = Edits::new();
        edits.insert((5, "Email".into()), "p1@example.com".into());
        edits.insert((4000, "Type".into()), "Partner".into());
        let given = ScanRequest::default().checked_with(schema.clone(), suggest(&schema, &outcome.table), &edits);
        for request in [ScanRequest::default().checked_for(schema.clone()), given] {
            for chunk in [30_000, 1 << 20] {
                let (outcome, whole) = read_and_find_for(&bytes, &options, &request, &schema, chunk);
                let (in_file, slim) = read_and_find_for(&bytes, &options, &request.clone().in_file(), &schema, chunk);
                assert_eq!(in_file, outcome);
                let counts = |found: &crate::domain::engine::Found| serde_json::to_string(&found.count).ok();
                assert_eq!(counts(&slim), counts(&whole), "chunk {chunk}");
                let (mut whole, slim) = (whole.check.expect("checked"), slim.check.expect("checked"));
                assert_eq!(slim, whole, "chunk {chunk}");
                assert!(whole.take_issues().len() > 1000, "the check finds what it should");
            }
        }
    }

    #[test]
    fn person_accounts_left_out_are_told_from_the_column_the_check_reads() {
        let mut text = String::from("Name,Website,IsPersonAccount,Industry,Description\n");
        for i in 0..6 * BLOCK_ROWS + 10 {
            let person = ["false", "true", "0", "TRUE"][i % 4];
            let site = if i % 13 == 0 { "not a site".to_owned() } else { format!("https://example{i}.com") };
            text.push_str(&format!("Org {},{site},{person},Retail,\"about org {i}\"\n", i % 5000));
        }
        let bytes = text.into_bytes();
        let schema = Schema::defaults(Entity::Organizations);
        let options = ReadOptions::default();
        let plain = ScanRequest::default().checked_for(schema.clone());
        let (outcome, _) = read_and_find_for(&bytes, &options, &plain, &schema, 1 << 20);
        let mut mapping = suggest(&schema, &outcome.table);
        mapping.leave_out_person_accounts = true;
        let request = ScanRequest::default().checked_with(schema.clone(), mapping, &Edits::new());
        let (_, whole) = read_and_find_for(&bytes, &options, &request, &schema, 40_000);
        let (_, slim) = read_and_find_for(&bytes, &options, &request.clone().in_file(), &schema, 40_000);
        let (mut whole, slim) = (whole.check.expect("checked"), slim.check.expect("checked"));
        assert_eq!(slim, whole);
        let issues = whole.take_issues();
        let left_out = issues.iter().filter(|i| i.problem == crate::domain::report::Problem::PersonAccountLeftOut);
        assert_eq!(left_out.count(), (6 * BLOCK_ROWS + 10) / 2, "every person account");
    }
}
