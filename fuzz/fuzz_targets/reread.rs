//! Differential: records read again from the file (`engine::FileIndex::reread`, from the index a scan leaves) must
//! be exactly the records the scan gave from that one on, at the same positions, for any bytes and choices. Bytes
//! 0 and 1 choose (`options.rs`); byte 2 sets the scan's chunk size (1 to 256 bytes, so steps end inside quoted
//! fields, characters and line breaks) and byte 3 the reading's; byte 4 picks the record to start from.
#![no_main]

use std::ops::Range;

use csm_import::domain::engine::read_scan::ScanStep;
use csm_import::domain::engine::ReadScan;
use csm_import::domain::table::{Position, Record};
use libfuzzer_sys::fuzz_target;

#[path = "options.rs"]
mod options;

fn record(pos: Position, cells: Vec<String>) -> Record {
    Record { pos, cells: cells.into_iter().collect() }
}

fuzz_target!(|data: &[u8]| {
    let [choice, structure, chunk, again, from, bytes @ ..] = data else { return };
    let mut options = options::options(*choice, *structure);
    options.delimiter = options.delimiter.filter(u8::is_ascii);
    let mut scan = ReadScan::new(bytes.len() as u64, &options).with_chunk(u64::from(*chunk) + 1);
    let mut records = Vec::new();
    loop {
        let Range { start, end } = scan.wants();
        let step = scan.step(&bytes[start as usize..end as usize], |r| {
            records.push(record(r.pos, r.cells().map(str::to_owned).collect()))
        });
        match step {
            ScanStep::Going => {}
            ScanStep::Restart => records.clear(),
            ScanStep::Done(_) => break,
        }
    }
    let Some(index) = scan.index() else { return };
    let first = u64::from(*from) % (records.len() as u64 + 1);
    let mut reread = index.reread(first).with_chunk(u64::from(*again) + 1);
    let mut out = Vec::new();
    while !reread.is_done() {
        let Range { start, end } = reread.wants();
        reread.step(&bytes[start as usize..end as usize], |r| {
            out.push(record(r.pos, r.cells().map(str::to_owned).collect()))
        });
    }
    assert_eq!(out, records[first as usize..]);
});
