//! A reading worker's warm-up: the scan and the check run once over a small made-up export, so the browser has
//! compiled their busiest code fully (WebAssembly starts in a quick first tier and recompiles what runs often)
//! before the admin's file comes.
//!
//! Measured in headless Chromium, a million-row read had each worker's browser compile about 50 functions
//! (440 KB of machine code) again while reading: a few hundred milliseconds of the processor, on a machine of two,
//! taken from the read. A spare worker (started when the app starts, `web::read_worker`) warms up instead while the
//! admin is choosing the file. Owns only the made-up file and running the same steps a real read runs (the
//! scanning worker's and the checking worker's) over it; nothing it makes is kept.

use super::check_relay::CheckRelay;
use super::remote_scan::RemoteScan;
use super::scan_wire::ScanRequest;
use crate::domain::schema::{Entity, Schema};

/// Records of the made-up export: a dozen blocks, enough runs of every busy function for the browser to recompile
/// it.
pub const WARM_UP_ROWS: usize = 12_000;

/// Bytes scanned per step, as the reading worker does.
const STEP_BYTES: u64 = 1 << 20;

/// Runs a scan and a check of a big file's read (in the file, checked for the default customer fields) over a
/// made-up export of `rows` contacts; how many messages the check would send the page, as a sign of the work done.
pub fn warm_up(rows: usize) -> usize {
    scan_and_check(&made_up_export(rows), &request()).0.len()
}

/// What a big file's read asks: its rows kept in the file, checked for the default customer fields.
fn request() -> ScanRequest {
    ScanRequest::default().in_file().checked_for(Schema::defaults(Entity::Customers))
}

/// The scanning worker's steps over `text` and the checking worker's relay of their messages: the messages for the
/// page, and the relay (to finish the check).
fn scan_and_check(text: &str, request: &ScanRequest) -> (Vec<Vec<u8>>, CheckRelay) {
    let mut relay = CheckRelay::new(request);
    let Ok(scan) = RemoteScan::new(text.len() as u64, request) else { return (Vec::new(), relay) };
    let mut scan = scan.with_chunk(STEP_BYTES);
    let mut sent = Vec::new();
    while !scan.is_finished() {
        let range = scan.wants();
        let bytes = text.as_bytes().get(range.start as usize..range.end as usize).unwrap_or_default();
        for message in scan.step(bytes) {
            sent.extend(relay.relay(message));
        }
    }
    (sent, relay)
}

/// A CRM export of `rows` contacts, its values quoted as Salesforce writes them: plain and accented names and
/// emails, choice values, dates, phones.
fn made_up_export(rows: usize) -> String {
    const FIRST: [&str; 6] = ["Ada", "Zoë", "Jürgen", "Wen", "Amélie", "Omar"];
    const LAST: [&str; 5] = ["Lovelace", "Müller", "Nguyen", "Østergaard", "Smith"];
    const TYPES: [&str; 5] = ["Customer", "Partner", "Supplier/Vendor", "", "customer"];
    let mut text = String::from("\"Id\",\"FirstName\",\"LastName\",\"Email\",\"Phone\",\"Type__c\",\"Title\",\"MailingCity\",\"Birthdate\",\"Description\"\n");
    for i in 0..rows {
        let (first, last) = (FIRST[i % FIRST.len()], LAST[i % LAST.len()]);
        let email = format!("{}.{}{i}@example{}.com", first.to_lowercase(), last.to_lowercase(), i % 7);
        text.push_str(&format!(
            "\"003{i:015}\",\"{first}\",\"{last}\",\"{email}\",\"+1 (206) 555-{:04}\",\"{}\",\"Manager\",\"Berlin\",\"19{:02}-0{}-1{}\",\"Met at a fair; call back\"\n",
            i % 10_000,
            TYPES[i % TYPES.len()],
            i % 100,
            1 + i % 9,
            i % 10,
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::engine::{CheckedWhileReading, Found, ReadJob, TableFacts};
    use crate::domain::read::ReadOptions;

    #[test]
    fn the_warm_up_reads_and_checks_every_made_up_row_as_a_real_read_does() {
        let (rows, text) = (3_000, made_up_export(3_000));
        let (messages, relay) = scan_and_check(&text, &request());
        let mut job = ReadJob::remote(text.len() as u64, ReadOptions::default());
        for message in &messages {
            job.receive(message).expect("a message the page takes");
        }
        let outcome = job.run(&[]).expect("the table");
        assert_eq!((outcome.table.records.len(), outcome.table.headers.len()), (rows, 10));
        let schema = Schema::defaults(Entity::Customers);
        let found = Found::from_messages(&relay.complete(&TableFacts::of(&outcome, &schema))).expect("found");
        let check = found.check.expect("checked while read");
        let prepared = CheckedWhileReading::new(check, &outcome, schema).into_prepared();
        // Every made-up contact is valid: the check ran the usual way, nothing in the made-up file is rejected.
        assert_eq!((prepared.len(), prepared.report.valid, prepared.report.invalid), (rows, rows, 0));
        assert_eq!(warm_up(rows), messages.len());
    }
}
