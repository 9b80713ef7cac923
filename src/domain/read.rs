//! Bytes to a `Table`: decode, pick the delimiter, parse with the `csv` crate, find the table, clean the header,
//! square the rows. A workbook (.xlsx) takes the same road from its rows on.
//!
//! Owns `read`, its options and outcome, and `ReadError` (everything that stops reading); the steps live in child
//! files: `records` (the non-blank records and their positions, with `lines` counting physical lines), `assemble`
//! (title and footer rows out, header cleaned by `headers`, ragged rows squared by `square`). It does not guess
//! encodings (`decode`), delimiters (`sniff`) or where the table starts and ends (`structure`), does not open
//! workbooks (`xlsx`), and it gives cells no meaning (mapping and validation do). Invariants: every record has
//! exactly `headers.len()` cells, and headers are non-empty and unique; a ragged row is an `Issue`, never an
//! `Err`, and title and footer rows left out make none. A record's `line` is the physical line it starts on and
//! its `row` the row a spreadsheet shows, counting the title rows above the header (see `records` for how both are
//! counted; in a workbook both are the worksheet row).

use std::sync::Arc;

use encoding_rs::Encoding;

use super::decode::decode;
use super::report::Issue;
use super::sniff::sniff_delimiter;
use super::structure::Structure;
use super::table::{Rows, Table};
use super::xlsx::{is_workbook, read_workbook, Workbook};

mod assemble;
pub(crate) mod headers;
mod lines;
pub(crate) mod records;
pub(crate) mod square;

pub(super) use assemble::{assemble, Assembled, Assembler, RowsFrom};
use records::Records;

/// What stops reading. Messages are sentences an admin can act on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum ReadError {
    #[error(
        "The file is empty. Export it again from your CRM with a header row and at least one data row, \
         then load the new file."
    )]
    Empty,
    #[error(
        "The file has a header row but no data rows. Export it again with the records included, \
         or choose a different file."
    )]
    HeaderOnly,
    #[error(
        "This Excel workbook could not be opened: it may be damaged, or not really an .xlsx file. Open it in Excel \
         and choose File › Save As › CSV UTF-8 (Comma delimited), then load that file."
    )]
    Spreadsheet,
    #[error(
        "This is an older Excel workbook (.xls), which cannot be read here. Open it in Excel and choose \
         File › Save As › Excel Workbook (.xlsx) or CSV UTF-8 (Comma delimited), then load that file."
    )]
    OldExcel,
    #[error(
        "This workbook is protected with a password, so it cannot be read. Open it in Excel, remove the password \
         (File › Info › Protect Workbook › Encrypt with Password, then clear it) and save, or save a copy as \
         CSV UTF-8 (Comma delimited), then load that file."
    )]
    PasswordProtected,
    #[error(
        "The workbook has no sheet with any values in it. Check that you exported the right report, \
         then load the new file."
    )]
    EmptyWorkbook,
    #[error("The workbook has {count} sheets, so there is no sheet number {wanted}. Pick one of its sheets.")]
    NoSuchSheet { wanted: usize, count: usize },
    #[error("The sheet “{name}” is empty. Pick another sheet of the workbook.")]
    EmptySheet { name: String },
    #[error(
        "Row {row} is below the last row with values (row {last}), so it cannot be the header. \
         Pick a header row from 1 to {last}."
    )]
    HeaderRowPastEnd { row: u64, last: u64 },
    #[error(
        "This file is not text, so it cannot be a CSV file. Choose the CSV export from your CRM, or open the file \
         in Excel and choose File › Save As › CSV UTF-8 (Comma delimited)."
    )]
    Binary,
    #[error(
        "Reading stopped at row {row} (line {line}): {reason}. Open the file in a text editor, correct that line \
         and load the file again."
    )]
    Malformed { row: u64, line: u64, reason: String },
}

/// The admin's choices; `None` means "detect".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Text files only.
    pub encoding: Option<&'static Encoding>,
    /// Text files only.
    pub delimiter: Option<u8>,
    /// The row a spreadsheet shows for the header (1-based); rows above it are left out as title rows.
    /// `None` detects it: the first row, or the header below a report's title rows.
    pub header_row: Option<u64>,
    /// Keep the rows found after the data (totals, copyright) as data rows; by default they are left out.
    pub keep_footer: bool,
    /// Workbooks only: which sheet to read (0-based, in workbook order). `None` reads the first sheet
    /// (or, when it is empty, the first sheet with values).
    pub sheet: Option<usize>,
}

/// A read file and what was decided and found while reading it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadOutcome {
    /// Shared with every validation result made from it (`Prepared` reads its rows from here).
    pub table: Arc<Table>,
    /// For a workbook: UTF-8, not guessed (a workbook has no text encoding to choose).
    pub encoding: &'static Encoding,
    pub encoding_guessed: bool,
    /// For a workbook: a comma, not sniffed (a workbook has no delimiter to choose).
    pub delimiter: u8,
    pub delimiter_sniffed: bool,
    /// Ragged rows (one issue per record) and, in a workbook, cells holding an Excel error.
    pub issues: Vec<Issue>,
    /// One sentence per renamed header (empty or duplicate).
    pub header_notes: Vec<String>,
    /// Where the table sits: its header row, the title rows skipped above it, the footer rows found below it.
    pub structure: Structure,
    /// For a workbook: its sheet names and which one was read. `None` for a text file.
    pub workbook: Option<Workbook>,
    /// The options this was read with, so the admin can change one and read the file again.
    pub options: ReadOptions,
}

/// Reads a whole CSV (or tab-separated, or Excel) file into a table.
pub fn read(bytes: &[u8], options: &ReadOptions) -> Result<ReadOutcome, ReadError> {
    if is_workbook(bytes) {
        return read_workbook(bytes, options);
    }
    let decoded = decode(bytes, options.encoding)?;
    let (delimiter, delimiter_sniffed) = match options.delimiter {
        Some(d) => (d, false),
        None => (sniff_delimiter(&decoded.text), true),
    };
    let mut records = Records::new(&decoded.text, delimiter);
    let mut all = Rows::new();
    while let Some(record) = records.next_record()? {
        all.push(record);
    }
    let assembled = assemble(all, options, RowsFrom::Text)?;
    Ok(ReadOutcome::of_text(assembled, (decoded.encoding, decoded.guessed), (delimiter, delimiter_sniffed), options))
}

impl ReadOutcome {
    /// The outcome of a text file: its table and findings, and how its encoding and delimiter were decided
    /// (each with whether it was detected rather than chosen). Shared with the big-file `engine::ReadJob`.
    pub(crate) fn of_text(
        assembled: Assembled,
        (encoding, encoding_guessed): (&'static Encoding, bool),
        (delimiter, delimiter_sniffed): (u8, bool),
        options: &ReadOptions,
    ) -> ReadOutcome {
        let Assembled { table, issues, header_notes, structure } = assembled;
        ReadOutcome {
            table: Arc::new(table),
            encoding,
            encoding_guessed,
            delimiter,
            delimiter_sniffed,
            issues,
            header_notes,
            structure,
            workbook: None,
            options: options.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{UTF_16LE, UTF_8, WINDOWS_1252};

    pub(super) fn read_str(text: &str) -> ReadOutcome {
        read(text.as_bytes(), &ReadOptions::default()).expect("reads")
    }

    pub(super) fn positions(outcome: &ReadOutcome) -> Vec<(u64, u64)> {
        outcome.table.records.iter().map(|r| (r.pos.row, r.pos.line)).collect()
    }

    #[test]
    fn simple_comma_file_reads_headers_records_and_positions() {
        let o = read_str("FirstName,LastName\nAda,Lovelace\nGrace,Hopper\n");
        assert_eq!(o.table.headers, vec!["FirstName", "LastName"]);
        assert_eq!(o.table.cell(1, 1), "Hopper");
        assert_eq!(positions(&o), vec![(2, 2), (3, 3)]);
        assert_eq!((o.delimiter, o.delimiter_sniffed, o.encoding, o.encoding_guessed), (b',', true, UTF_8, false));
        assert!(o.issues.is_empty() && o.header_notes.is_empty());
    }

    #[test]
    fn header_only_file_is_an_error() {
        let err = read(b"FirstName,LastName,Email\r\n", &ReadOptions::default()).expect_err("refused");
        assert_eq!(err, ReadError::HeaderOnly);
        assert!(err.to_string().contains("no data rows"), "{err}");
    }

    #[test]
    fn header_with_only_blank_rows_is_header_only() {
        let err = read(b"A,B\n,\n  \n", &ReadOptions::default()).expect_err("refused");
        assert_eq!(err, ReadError::HeaderOnly);
    }

    #[test]
    fn only_blank_records_mean_empty() {
        assert_eq!(read(b",,,\n,,\n", &ReadOptions::default()), Err(ReadError::Empty));
        assert_eq!(read(b"", &ReadOptions::default()), Err(ReadError::Empty));
    }

    #[test]
    fn decode_errors_pass_through() {
        assert_eq!(read(b"PK\x03\x04junk", &ReadOptions::default()), Err(ReadError::Spreadsheet));
        assert_eq!(read(b"A,B\n\x00\x01", &ReadOptions::default()), Err(ReadError::Binary));
    }

    #[test]
    fn single_column_file_reads_as_one_column() {
        let o = read_str("Email\nada@example.com\ngrace@example.com\n");
        assert_eq!(o.table.headers, vec!["Email"]);
        assert_eq!(o.table.records.len(), 2);
        assert!(o.issues.is_empty());
    }

    #[test]
    fn forced_delimiter_is_used_and_not_sniffed() {
        let options = ReadOptions { delimiter: Some(b';'), ..ReadOptions::default() };
        let o = read(b"A,B\n1,2\n", &options).expect("reads");
        assert_eq!((o.delimiter, o.delimiter_sniffed), (b';', false));
        assert_eq!(o.table.headers, vec!["A,B"]);
    }

    #[test]
    fn semicolon_cp1252_file_reads_with_accents() {
        let source = "FirstName;LastName;MailingCity\r\nJosé;Müller;São Paulo\r\nNuño;Søren;\"Zürich; Altstadt\"\r\n";
        let bytes = WINDOWS_1252.encode(source).0.into_owned();
        let o = read(&bytes, &ReadOptions::default()).expect("reads");
        assert_eq!((o.encoding, o.encoding_guessed, o.delimiter), (WINDOWS_1252, true, b';'));
        assert_eq!(o.table.cell(0, 2), "São Paulo");
        assert_eq!(o.table.cell(1, 2), "Zürich; Altstadt");
    }

    #[test]
    fn forced_encoding_is_reported_as_not_guessed() {
        let bytes = WINDOWS_1252.encode("Name\nJosé\n").0.into_owned();
        let options = ReadOptions { encoding: Some(WINDOWS_1252), ..ReadOptions::default() };
        let o = read(&bytes, &options).expect("reads");
        assert_eq!((o.encoding, o.encoding_guessed), (WINDOWS_1252, false));
        assert_eq!(o.table.cell(0, 0), "José");
    }

    #[test]
    fn utf16le_tab_file_reads() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend("Name\tCity\r\nZoë\tKöln\r\n".encode_utf16().flat_map(u16::to_le_bytes));
        let o = read(&bytes, &ReadOptions::default()).expect("reads");
        assert_eq!((o.encoding, o.delimiter), (UTF_16LE, b'\t'));
        assert_eq!(o.table.headers, vec!["Name", "City"]);
        assert_eq!(o.table.cell(0, 1), "Köln");
    }

    #[test]
    fn cells_keep_their_spaces() {
        let o = read_str("A,B\n  x , y\n");
        assert_eq!(o.table.records.to_vec()[0].cells, vec!["  x ", " y"]);
    }
}
