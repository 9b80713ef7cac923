//! Excel workbooks: a contacts sheet with dates, text postcodes, numeric ids, booleans and an error cell, and a
//! second sheet holding a Salesforce-style formatted report (title rows above the header, a footer below); and the
//! workbooks that cannot be read (password-protected, legacy .xls).

use csm_import::domain::read::{read, ReadError, ReadOptions};
use csm_import::domain::report::Problem;
use csm_import::domain::schema::{Entity, Schema};

use crate::golden::{fixture, Run};

const WORKBOOK: &str = "xlsx/crm-workbook.xlsx";

fn customer_schema() -> Schema {
    let text = String::from_utf8(fixture("pipeline/customer-schema.json")).expect("utf-8");
    Schema::from_json(&text, Entity::Customers).expect("schema loads")
}

#[test]
fn the_first_sheet_reads_dates_as_iso_ids_as_whole_numbers_and_postcodes_with_their_zeros() {
    let run = Run::new(&fixture(WORKBOOK), customer_schema(), |_, _| {});
    run.check_reading("xlsx-contacts");
    let t = &run.outcome.table;
    let cell = |record: usize, header: &str| t.cell(record, t.column(header).expect("column")).to_owned();
    assert_eq!(cell(0, "Id"), "1001");
    assert_eq!(cell(0, "MailingPostalCode"), "01234");
    assert_eq!(cell(0, "Birthdate"), "1980-12-31");
    assert_eq!(cell(0, "LastActivity"), "2026-05-01 14:30:00");
    assert_eq!(cell(1, "LastActivity"), "2026-04-30");
    assert_eq!(cell(0, "Newsletter__c"), "true");
    assert_eq!(cell(2, "Score__c"), "0.3");
    assert_eq!(cell(0, "MobilePhone"), "34600111222");
}

#[test]
fn an_excel_error_cell_is_read_as_empty_with_a_warning_that_names_its_row() {
    let run = Run::new(&fixture(WORKBOOK), customer_schema(), |_, _| {});
    let error = run.outcome.issues.iter().find(|i| matches!(i.problem, Problem::ExcelError { .. }));
    let error = error.expect("an issue for #N/A");
    assert_eq!((error.pos.row, error.column.as_deref()), (4, Some("Region__c")));
    assert_eq!(run.outcome.table.cell(2, 11), "");
}

#[test]
fn the_second_sheet_is_a_report_whose_title_and_footer_rows_are_left_out() {
    let options = ReadOptions { sheet: Some(1), ..ReadOptions::default() };
    let run = Run::with_options(&fixture(WORKBOOK), &options, Schema::defaults(Entity::Organizations), |_, _| {});
    run.check_reading("xlsx-accounts-report");
    let s = &run.outcome.structure;
    assert_eq!((s.header_row, s.title_rows.len(), s.footer_rows.len()), (5, 3, 4));
    let rows: Vec<u64> = run.outcome.table.records.iter().map(|r| r.pos.row).collect();
    assert_eq!(rows, vec![6, 7, 8]);
    assert!(run.outcome.issues.is_empty(), "{:?}", run.outcome.issues);
}

#[test]
fn both_sheet_names_are_listed_for_the_picker() {
    let o = read(&fixture(WORKBOOK), &ReadOptions::default()).expect("reads");
    let w = o.workbook.expect("a workbook");
    assert_eq!((w.sheets, w.sheet), (vec!["Contacts".to_owned(), "Accounts report".to_owned()], 0));
}

#[test]
fn a_password_protected_workbook_says_how_to_remove_the_password() {
    let err = read(&fixture("xlsx/password-protected.xlsx"), &ReadOptions::default()).expect_err("refused");
    assert_eq!(err, ReadError::PasswordProtected);
    assert!(err.to_string().contains("password"), "{err}");
}

#[test]
fn a_legacy_xls_workbook_says_to_save_it_as_xlsx_or_csv() {
    let err = read(&fixture("xlsx/legacy.xls"), &ReadOptions::default()).expect_err("refused");
    assert_eq!(err, ReadError::OldExcel);
    assert!(err.to_string().contains("Excel Workbook (.xlsx)"), "{err}");
}
