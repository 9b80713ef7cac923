//! Excel workbooks (.xlsx) to the same `ReadOutcome` as a CSV file, through calamine.
//!
//! Owns recognising a workbook by its first bytes, opening it, choosing the sheet, turning its cells into rows of
//! text (via `cell_text`) and Excel error cells into findings; the rows then take the CSV road (`read::assemble`:
//! title and footer rows, header, squaring). Does not decode text or sniff delimiters (there are none) and gives
//! cells no meaning beyond their text. Invariants: a record's `row` and `line` are both the worksheet row, so row
//! numbers are those Excel shows; memory grows with the cells present, never with the sheet's declared size
//! (cells are streamed from the sheet, never loaded as a dense range); a legacy .xls, a password-protected
//! workbook or a damaged one is an `Err` that says what to do. Legacy .xls is refused rather than read with
//! calamine's `Xls`, which builds a dense grid of every sheet on opening: a small damaged file could ask for
//! hundreds of megabytes, breaking the memory invariant (Excel saves any .xls as .xlsx in two clicks).

use std::collections::BTreeMap;
use std::io::Cursor;
use std::sync::Arc;

use calamine::{Reader, Xlsx, XlsxError};
use encoding_rs::UTF_8;

use super::read::{assemble, Assembled, ReadError, ReadOptions, ReadOutcome, RowsFrom};
use super::report::{Issue, Problem};
use super::table::{Position, Record, Table};

mod cell_text;
#[cfg(test)]
mod test_workbook;

use cell_text::{cell_text, CellText};

/// Every .xlsx (and .docx, .zip) file starts with this.
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// Legacy Excel (.xls), and password-protected .xlsx files, are OLE compound documents and start with this.
const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
/// Excel's grid: rows 1 to 1,048,576 and columns A to XFD. A cell outside it means a damaged file (calamine wraps
/// an absurd reference such as "AAAAAAAAAAAAAAA1" around to any number).
const MAX_ROWS: u32 = 1_048_576;
const MAX_COLUMNS: u32 = 16_384;

/// The sheets of a workbook and the one that was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workbook {
    /// Sheet names in workbook order.
    pub sheets: Vec<String>,
    /// Index into `sheets` of the sheet read.
    pub sheet: usize,
}

/// A workbook rather than text: an .xlsx (zip) or an OLE document (.xls, or an encrypted .xlsx).
pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(ZIP_MAGIC) || bytes.starts_with(OLE_MAGIC)
}

/// Reads one sheet of a workbook: `options.sheet`, or the first sheet with values.
pub fn read_workbook(bytes: &[u8], options: &ReadOptions) -> Result<ReadOutcome, ReadError> {
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(|e| open_error(bytes, &e))?;
    let sheets = workbook.sheet_names();
    let (sheet, cells) = match options.sheet {
        Some(wanted) => {
            let name = sheets.get(wanted).ok_or(ReadError::NoSuchSheet { wanted: wanted + 1, count: sheets.len() })?;
            let cells = sheet_cells(&mut workbook, name)?;
            if cells.records.is_empty() {
                return Err(ReadError::EmptySheet { name: name.clone() });
            }
            (wanted, cells)
        }
        None => first_with_values(&mut workbook, &sheets)?,
    };
    let Assembled { table, mut issues, header_notes, structure } =
        assemble(cells.records.into(), options, RowsFrom::Worksheet)?;
    issues.extend(error_issues(&table, &cells.errors));
    issues.sort_by_key(|i| i.record);
    Ok(ReadOutcome {
        table: Arc::new(table),
        encoding: UTF_8,
        encoding_guessed: false,
        delimiter: b',',
        delimiter_sniffed: false,
        issues,
        header_notes,
        structure,
        workbook: Some(Workbook { sheets, sheet }),
        options: options.clone(),
    })
}

/// The non-blank rows of one sheet, and where its error cells are.
struct SheetCells {
    records: Vec<Record>,
    /// (worksheet row, 0-based column, the error as Excel shows it).
    errors: Vec<(u64, usize, String)>,
}

fn first_with_values(workbook: &mut Xlsx<Cursor<&[u8]>>, sheets: &[String]) -> Result<(usize, SheetCells), ReadError> {
    for (index, name) in sheets.iter().enumerate() {
        let cells = sheet_cells(workbook, name)?;
        if !cells.records.is_empty() {
            return Ok((index, cells));
        }
    }
    Err(ReadError::EmptyWorkbook)
}

/// Streams the cells of sheet `name` into rows; a row is as wide as its last non-empty cell.
fn sheet_cells(workbook: &mut Xlsx<Cursor<&[u8]>>, name: &str) -> Result<SheetCells, ReadError> {
    let mut reader = workbook.worksheet_cells_reader(name).map_err(|_| ReadError::Spreadsheet)?;
    let mut rows: BTreeMap<u32, BTreeMap<u32, String>> = BTreeMap::new();
    let mut errors = Vec::new();
    while let Some(cell) = reader.next_cell().map_err(|_| ReadError::Spreadsheet)? {
        let (row, column) = cell.get_position();
        if row >= MAX_ROWS || column >= MAX_COLUMNS {
            return Err(ReadError::Spreadsheet);
        }
        match cell_text(cell.get_value()) {
            CellText::Text(text) if !text.trim().is_empty() => {
                rows.entry(row).or_default().insert(column, text);
            }
            CellText::Error(error) => errors.push((u64::from(row) + 1, column as usize, error)),
            CellText::Text(_) | CellText::Empty => {}
        }
    }
    let records = rows
        .into_iter()
        .map(|(row, cells)| {
            let width = cells.keys().next_back().map_or(0, |&c| c as usize + 1);
            let mut line = vec![String::new(); width];
            for (column, text) in cells {
                line[column as usize] = text;
            }
            let row = u64::from(row) + 1;
            Record { pos: Position { row, line: row }, cells: line.into() }
        })
        .collect();
    Ok(SheetCells { records, errors })
}

/// One warning per error cell that landed in a data row, under a column with a header.
fn error_issues(table: &Table, errors: &[(u64, usize, String)]) -> Vec<Issue> {
    errors
        .iter()
        .filter_map(|(row, column, value)| {
            let record = table.records.binary_search_by_row(*row)?;
            Some(Issue {
                record,
                pos: table.records.get(record)?.pos,
                column: Some(table.headers.get(*column)?.clone()),
                field: None,
                problem: Problem::ExcelError { value: value.clone() },
                fix: None,
            })
        })
        .collect()
}

/// What opening the workbook failed on, in the admin's terms.
fn open_error(bytes: &[u8], error: &XlsxError) -> ReadError {
    match error {
        XlsxError::Password => ReadError::PasswordProtected,
        _ if bytes.starts_with(OLE_MAGIC) => ReadError::OldExcel,
        _ => ReadError::Spreadsheet,
    }
}

#[cfg(test)]
mod tests {
    use super::test_workbook::workbook;
    use super::*;
    use crate::domain::read::read;
    use crate::domain::report::Severity;

    const CONTACTS: &str = r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row><row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2"><v>7</v></c><c r="C2" t="e"><v>#N/A</v></c></row><row r="4"><c r="A4" t="inlineStr"><is><t>Grace</t></is></c><c r="C4" t="b"><v>1</v></c></row>"#;

    fn read_book(bytes: &[u8], options: &ReadOptions) -> ReadOutcome {
        read(bytes, options).expect("reads")
    }

    #[test]
    fn a_workbook_reads_into_rows_with_worksheet_row_numbers() {
        let o = read_book(
            &workbook(&[("Contacts", CONTACTS)], &["Name", "Score", "Active", "Ada"]),
            &ReadOptions::default(),
        );
        assert_eq!(o.table.headers, vec!["Name", "Score", "Active"]);
        assert_eq!(o.table.records.to_vec()[0].cells, vec!["Ada", "7", ""]);
        assert_eq!(o.table.records.to_vec()[1].cells, vec!["Grace", "", "true"]);
        let rows: Vec<(u64, u64)> = o.table.records.iter().map(|r| (r.pos.row, r.pos.line)).collect();
        assert_eq!(rows, vec![(2, 2), (4, 4)]);
        assert_eq!(o.workbook, Some(Workbook { sheets: vec!["Contacts".into()], sheet: 0 }));
    }

    #[test]
    fn an_error_cell_is_empty_with_a_warning_on_its_row_and_column() {
        let o = read_book(
            &workbook(&[("Contacts", CONTACTS)], &["Name", "Score", "Active", "Ada"]),
            &ReadOptions::default(),
        );
        assert_eq!(o.issues.len(), 1);
        let issue = &o.issues[0];
        assert_eq!((issue.record, issue.pos.row, issue.column.as_deref()), (0, 2, Some("Active")));
        assert_eq!(issue.problem, Problem::ExcelError { value: "#N/A".into() });
        assert_eq!(issue.severity(), Severity::Warning);
        assert!(issue.message().contains("#N/A"));
    }

    #[test]
    fn the_first_sheet_with_values_is_read_unless_another_is_chosen() {
        let other = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Company</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>Acme</t></is></c></row>"#;
        let bytes = workbook(
            &[("Empty", ""), ("Contacts", CONTACTS), ("Companies", other)],
            &["Name", "Score", "Active", "Ada"],
        );
        let o = read_book(&bytes, &ReadOptions::default());
        assert_eq!(o.workbook.as_ref().map(|w| w.sheet), Some(1));
        let o = read_book(&bytes, &ReadOptions { sheet: Some(2), ..ReadOptions::default() });
        assert_eq!(o.table.headers, vec!["Company"]);
        assert_eq!(o.workbook.map(|w| w.sheets.len()), Some(3));
        let empty = read(&bytes, &ReadOptions { sheet: Some(0), ..ReadOptions::default() });
        assert_eq!(empty, Err(ReadError::EmptySheet { name: "Empty".into() }));
        let missing = read(&bytes, &ReadOptions { sheet: Some(3), ..ReadOptions::default() });
        assert_eq!(missing, Err(ReadError::NoSuchSheet { wanted: 4, count: 3 }));
    }

    #[test]
    fn a_workbook_without_values_is_an_error() {
        assert_eq!(read(&workbook(&[("Sheet1", "")], &[]), &ReadOptions::default()), Err(ReadError::EmptyWorkbook));
    }

    #[test]
    fn a_damaged_workbook_says_to_save_it_as_csv() {
        let err = read(b"PK\x03\x04junk", &ReadOptions::default()).expect_err("refused");
        assert_eq!(err, ReadError::Spreadsheet);
        assert!(err.to_string().contains("CSV UTF-8"), "{err}");
    }

    #[test]
    fn a_legacy_xls_says_to_save_it_as_xlsx_or_csv() {
        let err = read(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00rest", &ReadOptions::default()).expect_err("refused");
        assert_eq!(err, ReadError::OldExcel);
        assert!(err.to_string().contains(".xlsx"), "{err}");
    }

    fn one_cell_at(reference: &str) -> Result<ReadOutcome, ReadError> {
        let rows = format!(
            r#"<row r="1"><c r="A1" t="inlineStr"><is><t>A</t></is></c></row><row r="2"><c r="{reference}" t="inlineStr"><is><t>x</t></is></c></row>"#
        );
        read(&workbook(&[("S", &rows)], &[]), &ReadOptions::default())
    }

    #[test]
    fn a_cell_reference_beyond_excels_grid_means_a_damaged_workbook() {
        assert_eq!(one_cell_at("XFE2").err(), Some(ReadError::Spreadsheet));
        assert_eq!(one_cell_at("A1048577").err(), Some(ReadError::Spreadsheet));
        assert!(one_cell_at("XFD1048576").is_ok());
    }

    #[test]
    fn an_absurdly_long_cell_reference_does_not_panic() {
        // Fuzzing found calamine's reference parser overflowing here; the dev profile wraps like release.
        let long = format!("{}1", "Z".repeat(40));
        assert!(matches!(one_cell_at(&long), Ok(_) | Err(ReadError::Spreadsheet)));
        assert!(matches!(one_cell_at("A99999999999999999999"), Ok(_) | Err(ReadError::Spreadsheet)));
    }

    #[test]
    fn a_cell_far_to_the_right_widens_only_its_own_row() {
        let rows = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>A</t></is></c><c r="B1" t="inlineStr"><is><t>B</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c><c r="XFD2" t="inlineStr"><is><t>far</t></is></c></row>"#;
        let o = read_book(&workbook(&[("S", rows)], &[]), &ReadOptions::default());
        assert_eq!(o.table.records.to_vec()[0].cells, vec!["x", ""]);
        assert!(matches!(o.issues[0].problem, Problem::TooManyValues { found: 16384, .. }));
    }
}
