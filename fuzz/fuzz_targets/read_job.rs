//! Differential: the big-file reader (`engine::ReadJob`, handed the slices it asks for) must give exactly what the whole-file
//! reader (`read::read`) gives, for any bytes and choices. Bytes 0 and 1 choose (`options.rs`); byte 2 sets the
//! chunk size (1 to 256 bytes, so every character and record boundary gets cut somewhere). Unlike `read_csv`, a
//! delimiter byte outside ASCII is not passed on (detection is used instead): the app only ever passes one of
//! `DELIMITERS`, and a non-ASCII byte cuts characters in two, which `read` reports as malformed text while the
//! streaming parser writes U+FFFD (the first finding of this target; `read_csv` still fuzzes such bytes for crashes).
//! The same file is also scanned as the reading worker scans it (`RemoteScan`) and read from its messages as the
//! page reads them (`ReadJob::remote`), with full blocks packed by the worker on every other step: that must equal
//! `read` too. Meanwhile the page counts choice values as it takes the blocks (`EarlyCount`, for a schema with a
//! select field named as the table's first header, so there is something to count): when it says its counts hold,
//! they must equal one pass over the table. The page also checks the rows as they come (`EarlyCheck`, with a date
//! field named as the second header, so a day/month order is guessed): when it says its guess held, the suggested
//! mapping must be the one it checked with, and its result must equal checking the table (`prepare`).
#![no_main]

use csm_import::domain::edits::Edits;
use csm_import::domain::engine::{EarlyCheck, EarlyCount, ReadJob, RemoteScan, ScanRequest};
use csm_import::domain::prepare::prepare;
use csm_import::domain::read::read;
use csm_import::domain::schema::{Entity, Field, FieldType, Schema};
use csm_import::domain::suggest::{counted_sources, suggest, suggest_sources};
use csm_import::domain::value_counts::ValueCounter;
use libfuzzer_sys::fuzz_target;

#[path = "options.rs"]
mod options;

fuzz_target!(|data: &[u8]| {
    let [choice, structure, chunk, bytes @ ..] = data else { return };
    let mut options = options::options(*choice, *structure);
    options.delimiter = options.delimiter.filter(u8::is_ascii);
    let whole = read(bytes, &options);
    // The job asks for each slice it reads, as the page reads them from disk.
    let size = bytes.len() as u64;
    let streamed = ReadJob::new(size, options.clone()).with_chunk(u64::from(*chunk) + 1).run(bytes);
    assert_eq!(streamed, whole);
    let mut scan =
        RemoteScan::new(size, &ScanRequest::of(&options)).expect("request").with_chunk(u64::from(*chunk) + 1);
    let mut schema = Schema::defaults(Entity::Customers);
    if let Some(first) = whole.as_ref().ok().and_then(|o| o.table.headers.first()) {
        schema.upsert_field(Field::with_options(first, FieldType::Select, &["a", "b"]));
    }
    if let Some(second) = whole.as_ref().ok().and_then(|o| o.table.headers.get(1)) {
        schema.upsert_field(Field::new(second, FieldType::Date));
    }
    let early = EarlyCount::new(schema.clone(), &options);
    let check = EarlyCheck::new(schema.clone(), &options);
    let mut page = ReadJob::remote(size, options).with_early_count(early).with_early_check(check);
    let mut steps = 0u32;
    while !scan.is_finished() {
        // Full blocks packed by the worker on some steps, as it does while the page is behind.
        steps += 1;
        scan.set_packing((steps + u32::from(*chunk)) % 2 == 0);
        let range = scan.wants();
        for message in scan.step(&bytes[range.start as usize..range.end as usize]) {
            page.receive(&message).expect("a message the page reads");
            // Some rows checked between messages, as the page does; the rest when the check completes.
            if page.checks_waiting() {
                page.check_waiting(usize::from(*chunk % 64));
            }
        }
    }
    let early = page.take_early_count().expect("asked for");
    let check = page.take_early_check().expect("asked for");
    assert_eq!(page.run(bytes), whole);
    let Ok(outcome) = whole else { return };
    if let Some(checked) = check.complete(&outcome) {
        let mapping = suggest(&schema, &outcome.table);
        assert!(checked.fits(&outcome.table, &schema, &mapping, &Edits::new()), "checked with the suggested mapping");
        assert_eq!(checked.into_prepared(), prepare(&outcome.table, &schema, &mapping, &Edits::new(), &outcome.issues));
    }
    let Some(mut counter) = early.resume(&outcome, &schema) else { return };
    let sources = counted_sources(&suggest_sources(&schema, &outcome.table.headers), &schema);
    let mut fresh = ValueCounter::new(sources.clone());
    while !counter.step(&outcome.table, 1000) {}
    while !fresh.step(&outcome.table, 1000) {}
    let (mut counted, mut fresh) = (counter.finish(), fresh.finish());
    for source in &sources {
        assert_eq!(counted.of(&outcome.table, source), fresh.of(&outcome.table, source), "{source:?}");
    }
});
