//! Reading cases: every delimiter, encodings (UTF-8 with BOM, Windows-1252, UTF-16LE), quoted newlines, ragged
//! rows, and the files that cannot be read (empty, header only, a workbook renamed to .csv).

use csm_import::domain::read::{read, ReadError, ReadOptions};
use csm_import::domain::schema::{Entity, Schema};

use crate::golden::{fixture, Run};

fn customers(file: &str, case: &str) -> Run {
    let run = Run::new(&fixture(&format!("read/{file}")), Schema::defaults(Entity::Customers), |_, _| {});
    run.check(case);
    run
}

#[test]
fn utf8_with_bom_and_commas() {
    let run = customers("contacts-utf8-bom-comma.csv", "read-utf8-bom");
    assert_eq!(run.outcome.table.headers[0], "FirstName");
}

#[test]
fn windows_1252_semicolons_keep_their_accents() {
    let run = customers("contacts-cp1252-semicolon.csv", "read-cp1252-semicolon");
    assert_eq!(run.outcome.encoding.name(), "windows-1252");
    assert!(run.import_csv().contains("São Paulo") || run.findings().contains("rows"));
    assert!(!run.import_csv().contains('\u{fffd}'), "no replacement characters");
}

#[test]
fn tab_separated() {
    assert_eq!(customers("contacts-tab.tsv", "read-tab").outcome.delimiter, b'\t');
}

#[test]
fn pipe_separated() {
    assert_eq!(customers("contacts-pipe.csv", "read-pipe").outcome.delimiter, b'|');
}

#[test]
fn quoted_newlines_keep_row_and_line_apart() {
    customers("contacts-quoted-newlines.csv", "read-quoted-newlines");
}

#[test]
fn ragged_rows_are_reported_per_row() {
    let run = customers("contacts-ragged.csv", "read-ragged");
    assert!(run.prepared.report.invalid >= 1);
}

#[test]
fn utf16le_unicode_text_from_excel() {
    let run = customers("contacts-utf16le.txt", "read-utf16le");
    assert_eq!(run.outcome.encoding.name(), "UTF-16LE");
}

#[test]
fn unreadable_files_get_a_message_that_says_what_to_do() {
    let err = |f: &str| read(&fixture(&format!("read/{f}")), &ReadOptions::default()).err().map(|e| (e.to_string(), e));
    let (msg, e) = err("empty.csv").expect("empty fails");
    assert!(matches!(e, ReadError::Empty), "{msg}");
    let (msg, e) = err("header-only.csv").expect("header-only fails");
    assert!(matches!(e, ReadError::HeaderOnly), "{msg}");
    let (msg, e) = err("workbook.xlsx.csv").expect("workbook fails");
    assert!(matches!(e, ReadError::Spreadsheet) && msg.contains("CSV"), "{msg}");
}
