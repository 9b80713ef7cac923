//! Report exports: a Salesforce contacts report saved as Unicode text (UTF-16LE without a BOM, tab-separated),
//! with title rows above the header and "Grand Totals" and copyright rows below the data, through the whole path.

use csm_import::domain::read::{read, ReadOptions};
use csm_import::domain::schema::{Entity, Schema};

use crate::golden::{fixture, Run};

const REPORT: &str = "pipeline/salesforce-report-utf16le.txt";

fn customer_schema() -> Schema {
    let text = String::from_utf8(fixture("pipeline/customer-schema.json")).expect("utf-8");
    Schema::from_json(&text, Entity::Customers).expect("schema loads")
}

#[test]
fn a_utf16le_salesforce_report_skips_its_title_rows_and_leaves_out_its_footer() {
    let run = Run::new(&fixture(REPORT), customer_schema(), |_, _| {});
    run.check_reading("report-salesforce-utf16le");
    let o = &run.outcome;
    assert_eq!((o.encoding.name(), o.delimiter), ("UTF-16LE", b'\t'));
    assert_eq!((o.structure.header_row, o.structure.title_rows.len(), o.structure.footer_rows.len()), (5, 3, 5));
    assert!(o.issues.is_empty(), "footer rows left out make no ragged-row issue: {:?}", o.issues);
    let rows: Vec<u64> = run.prepared.rows().map(|r| r.row).collect();
    assert_eq!(rows, vec![6, 7, 8, 9, 10], "row numbers count the title rows, as a spreadsheet does");
}

#[test]
fn keeping_the_footer_brings_its_rows_back_as_data() {
    let options = ReadOptions { keep_footer: true, ..ReadOptions::default() };
    let o = read(&fixture(REPORT), &options).expect("reads");
    assert_eq!(o.table.records.len(), 10);
    assert_eq!(o.table.cell(5, 0), "Grand Totals (5 records)");
    assert_eq!(o.table.records.to_vec()[5].pos.row, 12);
}
