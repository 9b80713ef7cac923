//! The second reading worker's part: it takes the scanning worker's messages (`RemoteScan`), counts and checks
//! their records (`ScanChecks`), and passes on to the page what the page keeps. The page then only keeps blocks and
//! puts the table together; the scan and the check run on two threads at once, neither of them the page's.
//!
//! When the page asks for the import download instead (`ScanRequest::exported`), the records are written into it
//! here (`ExportStream`) and the page gets its bytes, not the records.
//!
//! Owns only the relaying. Every message goes on as it came, but for the full blocks of a table kept in the file
//! (`ScanRequest::in_file`): the first two go on whole, and every later one is held until the next one comes,
//! then goes on as `Gone` (the row of its first record and its records' fewest and most cells: what the page keeps
//! of a block it lets go). Only the scan's last message with records holds fewer than a block (`RemoteScan`), so
//! that one, and any message that is not records, first sends the held block on whole: the page gets the last full
//! block whole, where the footer is found. Invariant (tested): the page's table is the one it would get from the
//! scan's own messages, and what the check and the count found is what the page would find taking them itself.

use super::export_stream::ExportStream;
use super::scan_checks::{Found, ScanChecks};
use super::scan_wire::{ScanMessage, ScanRequest};
use super::table_facts::TableFacts;
use crate::domain::table::BLOCK_ROWS;

/// The full blocks after a scan's start that go to a page keeping the table in the file whole, before the relay
/// holds each one until the next comes: the header and the rows under it are among them.
pub(crate) const WHOLE_BLOCKS: usize = 2;

/// The relay of one scan.
pub struct CheckRelay {
    checks: Option<ScanChecks>,
    /// The import download written from the records instead (`ScanRequest::exported`): the page gets its bytes.
    export: Option<ExportStream>,
    in_file: bool,
    /// Full blocks relayed since the scan (last) started.
    blocks: usize,
    /// The latest full block (its message, first row, and fewest and most cells), held until the next one comes.
    held: Option<(Vec<u8>, u64, (usize, usize))>,
}

impl CheckRelay {
    /// The relay for a scan asked with `request`: it counts and checks when the request has a schema
    /// (`ScanRequest::checked_for`), else it only passes the messages on.
    pub fn new(request: &ScanRequest) -> CheckRelay {
        let checks = ScanChecks::for_request(request);
        let export = request.export.clone().map(ExportStream::new);
        CheckRelay { checks, export, in_file: request.in_file, blocks: 0, held: None }
    }

    /// Whether the page will send the table's facts at the end (`complete`): not for an export.
    pub fn wants_facts(&self) -> bool {
        self.export.is_none()
    }

    /// The messages to send the page for one `message` of the scan, in order.
    pub fn relay(&mut self, message: Vec<u8>) -> Vec<Vec<u8>> {
        if let Some(export) = self.export.as_mut() {
            return export.relay(&message);
        }
        let (progress, block) = match ScanMessage::decode(&message) {
            Ok(ScanMessage::Records { progress, batch }) => (progress, batch.block().ok()),
            Ok(ScanMessage::Restart) => {
                let mut out = self.release();
                (self.blocks, self.held) = (0, None);
                if let Some(checks) = self.checks.as_mut() {
                    checks.restart();
                }
                out.push(message);
                return out;
            }
            // The ending, the index, a packed block (a scan checked never packs), an unreadable file.
            _ => {
                let mut out = self.release();
                out.push(message);
                return out;
            }
        };
        let Some(block) = block else {
            // Garbled: the page says so.
            return vec![message];
        };
        if let Some(checks) = self.checks.as_mut() {
            checks.take(&block);
        }
        if block.rows() < BLOCK_ROWS {
            // The progress alone, or the scan's last records: the held block goes first.
            let mut out = if block.rows() > 0 { self.release() } else { Vec::new() };
            out.push(message);
            return out;
        }
        self.blocks += 1;
        let (Some(first_row), true) =
            (block.first_row(), self.in_file && self.checks.is_some() && self.blocks > WHOLE_BLOCKS)
        else {
            return vec![message];
        };
        let cells = block.cells();
        match self.held.replace((message, first_row, cells)) {
            Some((_, first_row, cells)) => vec![ScanMessage::Gone { progress, first_row, cells }.encode()],
            None => Vec::new(),
        }
    }

    /// The held block, whole, if there is one.
    fn release(&mut self) -> Vec<Vec<u8>> {
        self.held.take().map(|(message, ..)| message).into_iter().collect()
    }

    /// Finishes the check and the count over the table the page put together (`facts`): the messages to send
    /// (`Found::into_messages`). They find nothing when the page did not ask for them, or their guesses did not hold.
    pub fn complete(self, facts: &TableFacts) -> Vec<Vec<u8>> {
        let found = match self.checks {
            Some(checks) => checks.complete(facts),
            None => Found::nothing(),
        };
        found.into_messages()
    }
}
