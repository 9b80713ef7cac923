//! Differential: the big-file reader (`engine::ReadJob`, handed the slices it asks for) must give exactly what the whole-file
//! reader (`read::read`) gives, for any bytes and choices. Bytes 0 and 1 choose (`options.rs`); byte 2 sets the
//! chunk size (1 to 256 bytes, so every character and record boundary gets cut somewhere). Unlike `read_csv`, a
//! delimiter byte outside ASCII is not passed on (detection is used instead): the app only ever passes one of
//! `DELIMITERS`, and a non-ASCII byte cuts characters in two, which `read` reports as malformed text while the
//! streaming parser writes U+FFFD (the first finding of this target; `read_csv` still fuzzes such bytes for crashes).
//! The same file is also scanned as the scanning worker scans it (`RemoteScan`), its messages relayed as the
//! checking worker relays them (`CheckRelay`), and read as the page reads them (`ReadJob::remote`): that must equal
//! `read` too. On one chunk byte in three the relay only passes the messages on, and the scan packs full blocks on
//! every other step (as it does while the page is behind); otherwise the relay also counts choice values and
//! checks the rows (`ScanChecks`, for a schema with a select field named as the
//! table's first header, so there is something to count, and a date field named as the second, so a day/month
//! order is guessed), with the table kept in the file on even chunk bytes (blocks let go come as `Gone`). Once the
//! table is put together, its facts go to the relay, and what it found comes back through the wire: counts that it
//! says hold must equal one pass over the table; a check that it says held must have been made with the suggested
//! mapping, and its result must equal checking the table (`prepare`). On one chunk byte in five, the relay checks
//! instead with a mapping and an edit it is given (as after the admin's change, `ScanRequest::checked_with`): its
//! result must equal checking the table with them.
//! Then the import download is written as the reading workers write it (`ScanRequest::exported`: the file scanned
//! again, `ExportStream` in the relay, with limits of a few rows or bytes a part from the chunk byte): its bytes must
//! be those `ExportJob` writes on the page, or it must fail as that job does; when the size limit cuts a part more,
//! it asks again (`ExportNews::Again`) and the later way must equal the page's. The rejected-rows file written
//! there (every row checked again for the reasons) must equal `rejects_file`. The file never counts as changed.
#![no_main]

use csm_import::domain::edits::Edits;
use csm_import::domain::engine::{
    CheckRelay, CheckedWhileReading, ExportJob, ExportNews, ExportOrder, Found, ReadJob, Refill, RemoteScan,
    ScanMessage, ScanRequest, TableFacts, Written,
};
use csm_import::domain::export::{rejects_file, ExportError, Limits};
use csm_import::domain::prepare::prepare;
use csm_import::domain::prepare::Prepared;
use csm_import::domain::read::read;
use csm_import::domain::read::ReadOutcome;
use csm_import::domain::schema::{Entity, Field, FieldType, Schema};
use csm_import::domain::suggest::{counted_sources, suggest, suggest_sources, suggest_with};
use csm_import::domain::value_counts::ValueCounter;
use libfuzzer_sys::fuzz_target;
use std::sync::Arc;

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
    let mut schema = Schema::defaults(Entity::Customers);
    if let Some(first) = whole.as_ref().ok().and_then(|o| o.table.headers.first()) {
        schema.upsert_field(Field::with_options(first, FieldType::Select, &["a", "b"]));
    }
    if let Some(second) = whole.as_ref().ok().and_then(|o| o.table.headers.get(1)) {
        schema.upsert_field(Field::new(second, FieldType::Date));
    }
    let (checked, in_file) = (*chunk % 3 != 0, *chunk % 2 == 0);
    // The admin's mapping (suggested from the whole table) and an edit of the first row's email, when given.
    let given = whole.as_ref().ok().filter(|_| checked && *chunk % 5 == 1).map(|outcome| {
        let edits = Edits::from([((0, "Email".to_owned()), "edited@example.com".to_owned())]);
        (suggest(&schema, &outcome.table), edits)
    });
    // The page asks for the file's index, which proves it unchanged when the workers write the download.
    let mut request = ScanRequest::of(&options).indexed();
    if let Some((mapping, edits)) = &given {
        request = request.checked_with(schema.clone(), mapping.clone(), edits);
    } else if checked {
        request = request.checked_for(schema.clone());
    }
    if in_file {
        request = request.in_file();
    }
    let mut scan = RemoteScan::new(size, &request).expect("request").with_chunk(u64::from(*chunk) + 1);
    // The checking worker relays the scan's messages (it only passes them on when it does not check).
    let mut relay = CheckRelay::new(&request);
    let mut page = ReadJob::remote(size, options);
    if in_file {
        page = page.in_file();
    }
    let mut steps = 0u32;
    while !scan.is_finished() {
        // Full blocks packed by the worker on some steps, as it does while the page is behind (not when checked).
        steps += 1;
        scan.set_packing((steps + u32::from(*chunk)) % 2 == 0);
        let range = scan.wants();
        let messages = scan.step(&bytes[range.start as usize..range.end as usize]);
        for message in messages.into_iter().flat_map(|m| relay.relay(m)) {
            page.receive(&message).expect("a message the page reads");
        }
    }
    let page = page.run(bytes);
    if let Ok(outcome) = &page {
        // Every record read back from the file, to compare.
        let rows = &outcome.table.records;
        Refill::all(rows, 0..rows.len(), bytes);
    }
    assert_eq!(page, whole);
    if let Ok(read) = &page {
        let (mapping, edits) = given.clone().unwrap_or_else(|| (suggest(&schema, &read.table), Edits::new()));
        let prepared = Arc::new(prepare(&read.table, &schema, &mapping, &edits, &read.issues));
        let limits = Limits { rows: usize::from(*chunk % 7) + 1, bytes: 40 + usize::from(*choice) * 8 };
        export_in_workers(bytes, read, &prepared, limits, u64::from(*chunk) + 1);
    }
    let Ok(outcome) = whole else { return };
    let found = Found::from_messages(&relay.complete(&TableFacts::of(&outcome, &schema))).expect("found travels");
    assert!(checked || (found.check.is_none() && found.count.is_none()), "nothing found when not asked");
    if let (Some(check), Some((mapping, edits))) = (&found.check, &given) {
        let checked =
            CheckedWhileReading::given(check.clone(), &outcome, schema.clone(), mapping.clone(), edits.clone());
        assert_eq!(checked.into_prepared(), prepare(&outcome.table, &schema, mapping, edits, &outcome.issues));
    } else if let Some(check) = found.check {
        let checked = CheckedWhileReading::new(check, &outcome, schema.clone());
        // The value maps from counts of one pass, as the page makes them for a table kept in the file.
        let mut counts = ValueCounter::new(counted_sources(&suggest_sources(&schema, &outcome.table.headers), &schema));
        while !counts.step(&outcome.table, 1000) {}
        let mapping = suggest_with(&schema, &outcome.table, &mut counts.finish());
        assert!(checked.fits(&outcome.table, &schema, &mapping, &Edits::new()), "checked with the suggested mapping");
        assert_eq!(checked.into_prepared(), prepare(&outcome.table, &schema, &mapping, &Edits::new(), &outcome.issues));
    }
    let Some(mut counter) = found.count else { return };
    let sources = counted_sources(&suggest_sources(&schema, &outcome.table.headers), &schema);
    let mut fresh = ValueCounter::new(sources.clone());
    while !counter.step(&outcome.table, 1000) {}
    while !fresh.step(&outcome.table, 1000) {}
    let (mut counted, mut fresh) = (counter.finish(), fresh.finish());
    for source in &sources {
        assert_eq!(counted.of(&outcome.table, source), fresh.of(&outcome.table, source), "{source:?}");
    }
});

/// The download the page writes (`ExportJob`, taking the bytes it is done with), and whether it started again the
/// later way.
fn written_here(prepared: &Arc<Prepared>, limits: Limits) -> (Result<Vec<u8>, ExportError>, bool) {
    let mut job = match ExportJob::new(Arc::clone(prepared), limits, "x") {
        Ok(job) => job,
        Err(e) => return (Err(e), false),
    };
    let (mut taken, mut again) = (Vec::new(), false);
    loop {
        let result = job.step(3);
        match job.take_written() {
            Written::Pieces(pieces) => pieces.iter().for_each(|p| taken.extend_from_slice(p)),
            Written::Restarted => (taken, again) = (Vec::new(), true),
        }
        match result {
            Some(Ok(file)) => {
                taken.extend(file.bytes.to_vec());
                return (Ok(taken), again);
            }
            Some(Err(e)) => return (Err(e), again),
            None => {}
        }
    }
}

/// Writes the download as the workers do (the file scanned again, `chunk` bytes a step as it was read) and checks
/// it against the page's.
fn export_in_workers(bytes: &[u8], read: &ReadOutcome, prepared: &Arc<Prepared>, limits: Limits, chunk: u64) {
    let Some(order) = ExportOrder::of(prepared, limits, "x") else { panic!("a file read by the workers has an index") };
    let (expected, again) = written_here(prepared, limits);
    let run = |order: ExportOrder| {
        let request = ScanRequest::of(&read.options).in_file().exported(order);
        let request = ScanRequest::from_json(&request.to_json()).expect("the request travels");
        let mut scan = RemoteScan::new(bytes.len() as u64, &request).expect("request").with_chunk(chunk);
        let mut relay = CheckRelay::new(&request);
        let (mut written, mut news) = (Vec::new(), Vec::new());
        while !scan.is_finished() {
            let range = scan.wants();
            let messages = scan.step(&bytes[range.start as usize..range.end as usize]);
            for message in messages.into_iter().flat_map(|m| relay.relay(m)) {
                match ScanMessage::decode(&message).expect("readable") {
                    ScanMessage::Piece(piece) => written.extend_from_slice(piece),
                    ScanMessage::Export(json) => match ExportNews::from_json(json).expect("news") {
                        ExportNews::Progress { .. } => {}
                        ExportNews::Dropped => written.clear(),
                        told => news.push(told),
                    },
                    other => panic!("the page gets only the download: {other:?}"),
                }
            }
        }
        assert_eq!(news.len(), 1, "one ending: {news:?}");
        (written, news.remove(0))
    };
    let (written, news) = run(order.clone());
    let (written, news) = match news {
        ExportNews::Again => {
            assert!(again, "asked again only when the page's job starts again");
            run(order.later())
        }
        news => (written, news),
    };
    match (news, expected) {
        (ExportNews::Saved { .. }, Ok(expected)) => assert!(written == expected, "the same bytes"),
        (ExportNews::Failed(e), Err(expected)) => assert_eq!(e, expected),
        (news, expected) => panic!("{news:?} where the page gives {expected:?}"),
    }
    // The rejected rows, checked again in the workers for their reasons.
    let order = ExportOrder::rejected_rows(prepared, &read.issues, "x").expect("an order");
    let (written, news) = run(order);
    match (news, rejects_file(prepared, &read.table, "x")) {
        (ExportNews::Saved { .. }, Ok(expected)) => assert!(written == expected.bytes.to_vec(), "the same rejects"),
        (ExportNews::Failed(e), Err(expected)) => assert_eq!(e, expected),
        (news, expected) => panic!("{news:?} where the page gives {expected:?}"),
    }
}
