//! Tests: every pass over a table whose blocks are kept in the file (`Rows::keep_in_file`), asking what is
//! `missing` and filling it before each step, gives exactly what the same pass gives over the table in memory: the
//! check, the import file, the rejected rows, the import plan and the value counts. The
//! table has more blocks than are ever loaded at once (`LOADED_BLOCKS`), so blocks are let go and read again.

use std::ops::Range;
use std::sync::Arc;

use super::export_job::tests::contents;
use super::{ExportJob, ReadJob, Refill, RejectsJob, RemoteScan, ScanMessage, ScanRequest, ValidateJob};
use crate::domain::api::payload::Operation;
use crate::domain::api::send_plan::SendPlanJob;
use crate::domain::edits::Edits;
use crate::domain::export::{import_file, rejects_file, ExportFile, Limits};
use crate::domain::prepare::prepare;
use crate::domain::read::{read, ReadOptions, ReadOutcome};
use crate::domain::schema::{Entity, Field, FieldType, Schema};
use crate::domain::suggest::{counted_sources, suggest, suggest_sources};
use crate::domain::table::{Rows, BLOCK_ROWS, LOADED_BLOCKS};
use crate::domain::value_counts::{ValueCache, ValueCounter};

/// Read as the page reads a big file: through the worker's messages, the table's blocks kept in the file.
fn in_file(bytes: &[u8]) -> ReadOutcome {
    let size = bytes.len() as u64;
    let mut scan = RemoteScan::new(size, &ScanRequest::default().in_file()).expect("request");
    let mut job = ReadJob::remote(size, ReadOptions::default()).in_file();
    while !scan.is_finished() {
        let Range { start, end } = scan.wants();
        for message in scan.step(&bytes[start as usize..end as usize]) {
            job.receive(&message).expect("readable message");
            assert!(!matches!(ScanMessage::decode(&message), Ok(ScanMessage::Packed { .. })));
        }
    }
    job.run(bytes).expect("reads")
}

/// Fills what a step is about to read, as the page's drivers do.
fn fill(rows: &Rows, missing: Option<Range<usize>>, bytes: &[u8]) {
    if let Some(range) = missing {
        Refill::all(rows, range, bytes);
    }
}

/// A contacts export of `rows` rows: broken and repeated emails, ragged rows, a quoted line break in every row.
pub(crate) fn file_of(rows: usize) -> Vec<u8> {
    let mut text = String::from("Email,First Name,Last Name,Signed up,Customer type\n");
    for i in 0..rows {
        let email = match i % 101 {
            0 => format!("broken{i}"),
            1 => "twice@example.com".to_owned(),
            _ => format!("p{i}@example.com"),
        };
        let kind = ["Customer", "partner", "Vendor", ""][i % 4];
        let ragged = if i % 2003 == 0 { ",extra" } else { "" };
        text.push_str(&format!("{email},Zoë,\"Müller\n{i}\",{:02}/03/2024,{kind}{ragged}\n", 1 + i % 28));
    }
    text.into_bytes()
}

#[test]
fn passes_over_a_table_kept_in_the_file_equal_those_in_memory() {
    let rows = (LOADED_BLOCKS + 20) * BLOCK_ROWS + 77;
    let bytes = file_of(rows);
    let kept = in_file(&bytes);
    let whole = read(&bytes, &ReadOptions::default()).expect("reads");
    assert!(kept.table.records.bytes() < bytes.len() / 20, "{} bytes kept", kept.table.records.bytes());
    assert_eq!((kept.issues.clone(), kept.table.headers.clone()), (whole.issues.clone(), whole.table.headers.clone()));

    let mut schema = Schema::defaults(Entity::Customers);
    schema.upsert_field(Field::new("Signed up", FieldType::Date));
    schema.upsert_field(Field::with_options("Customer type", FieldType::Select, &["Customer", "Partner", "Vendor"]));
    let mapping = suggest(&schema, &whole.table);
    let mut edits = Edits::new();
    edits.insert((5, "Email".into()), "fixed@example.com".into());

    let mut job = ValidateJob::new(Arc::new(kept.clone()), schema.clone(), mapping.clone(), edits.clone());
    let checked = loop {
        fill(job.rows(), job.missing(256), &bytes);
        if let Some(p) = job.step(256) {
            break Arc::new(p);
        }
    };
    let expected = Arc::new(prepare(&whole.table, &schema, &mapping, &edits, &whole.issues));
    assert!(expected.report.invalid > 900, "{:?}", expected.report.invalid);
    assert_eq!(
        (&checked.report, &checked.columns, &checked.date_questions),
        (&expected.report, &expected.columns, &expected.date_questions)
    );
    assert!((0..rows).all(|r| checked.is_rejected(r) == expected.is_rejected(r)));

    let limits = Limits { rows: 30_000, bytes: usize::MAX };
    let mut export = ExportJob::new(Arc::clone(&checked), limits, "customers").expect("starts");
    let exported: ExportFile = loop {
        if let Some(rows) = export.rows() {
            fill(rows, export.missing(512), &bytes);
        }
        if let Some(file) = export.step(512) {
            break file.expect("writes");
        }
    };
    let written = import_file(&expected, limits, "customers").expect("writes");
    assert_eq!((exported.name.as_str(), exported.parts), (written.name.as_str(), written.parts));
    assert!(exported.parts > 2);
    assert!(contents(&exported) == contents(&written), "the same files, byte for byte");

    let mut rejects = RejectsJob::new(Arc::clone(&checked), Arc::clone(&kept.table), "customers").expect("starts");
    let rejected = loop {
        fill(rejects.rows(), rejects.missing(512), &bytes);
        if let Some(file) = rejects.step(512) {
            break file.expect("writes");
        }
    };
    assert_eq!(rejected.bytes, rejects_file(&expected, &whole.table, "customers").expect("writes").bytes);

    let mut plan = SendPlanJob::new(Arc::clone(&checked), schema.clone(), Entity::Customers);
    let planned = loop {
        if let Some(rows) = plan.records() {
            fill(rows, plan.missing(128), &bytes);
        }
        if let Some(p) = plan.step(128) {
            break p;
        }
    };
    let mut fresh = SendPlanJob::new(Arc::clone(&expected), schema.clone(), Entity::Customers);
    let expected_plan = loop {
        if let Some(p) = fresh.step(100_000) {
            break p;
        }
    };
    assert_eq!(planned.rows, expected_plan.rows);
    assert_eq!(planned.fingerprint(Operation::Create), expected_plan.fingerprint(Operation::Create));

    let sources = counted_sources(&suggest_sources(&schema, &whole.table.headers), &schema);
    assert!(!sources.is_empty());
    let mut counter = ValueCounter::new(sources.clone());
    loop {
        fill(&kept.table.records, counter.missing(&kept.table, 4096), &bytes);
        if counter.step(&kept.table, 4096) {
            break;
        }
    }
    let (mut counted, mut fresh) = (counter.finish(), ValueCache::default());
    for source in &sources {
        assert_eq!(counted.of(&kept.table, source), fresh.of(&whole.table, source), "{source:?}");
    }
}

#[test]
fn scattered_rows_read_back_load_only_their_blocks() {
    let bytes = file_of((LOADED_BLOCKS + 20) * BLOCK_ROWS);
    let kept = in_file(&bytes);
    let rows = &kept.table.records;
    // One row in every second block: 42 blocks, more than one reading asks for at once, fewer than are loaded.
    let needed: Vec<usize> = (0..rows.len()).step_by(2 * BLOCK_ROWS).map(|i| i + 17).collect();
    let mut readings = 0;
    while let Some(range) = rows.missing_of(&needed) {
        readings += 1;
        assert!(readings <= needed.len(), "no progress");
        let mut refill = Refill::new(rows, range).expect("in the file").only(&needed);
        loop {
            let Range { start, end } = refill.wants();
            if refill.step(&bytes[start as usize..end as usize]) {
                break;
            }
        }
        refill.finish().expect("the same file");
    }
    assert!(readings >= 2, "{readings}");
    assert!(needed.iter().all(|i| rows.has(*i)));
    let whole = read(&bytes, &ReadOptions::default()).expect("reads");
    for i in &needed {
        assert_eq!(rows.get(*i), whole.table.records.get(*i), "row {i}");
    }
    // The blocks in between were read on the way, not kept.
    assert!(!rows.has(needed[10] + BLOCK_ROWS));
}
