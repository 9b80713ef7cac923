//! Splitting: more valid rows than one file may hold gives a .zip of numbered files, each with the header, and
//! every row exactly once.

use std::io::{Cursor, Read};

use csm_import::domain::edits::Edits;
use csm_import::domain::export::{import_file, Limits};
use csm_import::domain::prepare::prepare;
use csm_import::domain::read::{read, ReadOptions};
use csm_import::domain::schema::{Entity, Schema};
use csm_import::domain::suggest::suggest;

#[test]
fn legacy_limit_splits_2500_rows_into_three_files_with_every_row_once() {
    let mut csv = String::from("Email,Title\n");
    for i in 0..2_500 {
        csv.push_str(&format!("person{i}@example.com,Engineer\n"));
    }
    let outcome = read(csv.as_bytes(), &ReadOptions::default()).expect("reads");
    let schema = Schema::defaults(Entity::Customers);
    let prepared = prepare(&outcome.table, &schema, &suggest(&schema, &outcome.table), &Edits::new(), &[]);
    let file = import_file(&prepared, Limits::for_site(true), "customers-import").expect("zip");
    assert_eq!((file.name.as_str(), file.parts, file.rows), ("customers-import.zip", 3, 2_500));
    let mut zip = zip::ZipArchive::new(Cursor::new(file.bytes.to_vec())).expect("zip reads");
    let mut seen = Vec::new();
    for i in 0..zip.len() {
        let mut text = String::new();
        zip.by_index(i).expect("entry").read_to_string(&mut text).expect("utf-8");
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("Email,Title"));
        let rows: Vec<&str> = lines.collect();
        assert!(rows.len() <= 1_000);
        seen.extend(rows.iter().map(|r| r.to_string()));
    }
    assert_eq!(seen.len(), 2_500);
    assert_eq!(seen[1_234], "person1234@example.com,Engineer");
}
