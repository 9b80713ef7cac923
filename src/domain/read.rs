//! Bytes to a `Table`: decode, pick the delimiter, parse with the `csv` crate, clean the header, square the rows.
//!
//! Owns `read`, its options and outcome, and `ReadError` (everything that stops reading). It does not guess
//! encodings (`decode`) or delimiters (`sniff`), and it gives cells no meaning (mapping and validation do).
//! Invariants: every record has exactly `headers.len()` cells, and headers are non-empty and unique; a ragged row
//! is an `Issue`, never an `Err`. Positions are computed from byte offsets rather than taken from
//! `csv::Position::line()`, which counts only `\n` and points before the terminator of a CRLF record: `line` is
//! the physical line the record starts on (`\n`, `\r\n` and a lone `\r` each end a line) and `row` is the row a
//! spreadsheet shows, that is the line minus the line breaks inside quoted fields of earlier records (blank
//! lines are rows too, so with no blank lines the first data record is row 2).

use std::collections::HashSet;

use csv::{Reader, ReaderBuilder, StringRecord};
use encoding_rs::Encoding;

use super::decode::decode;
use super::report::{Issue, Problem};
use super::sniff::sniff_delimiter;
use super::table::{Position, Record, Table};

/// What stops reading. Messages are sentences an admin can act on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
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
        "This is an Excel workbook, not a CSV file. In Excel choose File › Save As › CSV UTF-8 (Comma delimited), \
         then load that file."
    )]
    Spreadsheet,
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
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    pub encoding: Option<&'static Encoding>,
    pub delimiter: Option<u8>,
}

/// A read file and what was decided and found while reading it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadOutcome {
    pub table: Table,
    pub encoding: &'static Encoding,
    pub encoding_guessed: bool,
    pub delimiter: u8,
    pub delimiter_sniffed: bool,
    /// Ragged rows, one issue per record.
    pub issues: Vec<Issue>,
    /// One sentence per renamed header (empty or duplicate).
    pub header_notes: Vec<String>,
}

/// Reads a whole CSV file into a table.
pub fn read(bytes: &[u8], options: &ReadOptions) -> Result<ReadOutcome, ReadError> {
    let decoded = decode(bytes, options.encoding)?;
    let (delimiter, delimiter_sniffed) = match options.delimiter {
        Some(d) => (d, false),
        None => (sniff_delimiter(&decoded.text), true),
    };
    let mut records = Records::new(&decoded.text, delimiter);
    let header = records.next_record()?.ok_or(ReadError::Empty)?;
    let (headers, header_notes) = clean_headers(header.cells);
    let mut table = Table { headers, records: Vec::new() };
    let mut issues = Vec::new();
    while let Some(record) = records.next_record()? {
        let index = table.records.len();
        let (record, problem) = square(record, table.headers.len());
        if let Some(problem) = problem {
            issues.push(Issue { record: index, pos: record.pos, column: None, field: None, problem, fix: None });
        }
        table.records.push(record);
    }
    if table.records.is_empty() {
        return Err(ReadError::HeaderOnly);
    }
    Ok(ReadOutcome {
        table,
        encoding: decoded.encoding,
        encoding_guessed: decoded.guessed,
        delimiter,
        delimiter_sniffed,
        issues,
        header_notes,
    })
}

/// Truncates or pads the cells to `width`, saying which when it had to.
fn square(mut record: Record, width: usize) -> (Record, Option<Problem>) {
    let found = record.cells.len();
    let problem = match found.cmp(&width) {
        // Extra cells that are all empty (a trailing delimiter) lose nothing: a warning, not a rejected row.
        std::cmp::Ordering::Greater if record.cells[width..].iter().all(|c| c.trim().is_empty()) => {
            Some(Problem::ExtraEmptyValues { found, expected: width })
        }
        std::cmp::Ordering::Greater => Some(Problem::TooManyValues { found, expected: width }),
        std::cmp::Ordering::Less => Some(Problem::TooFewValues { found, expected: width }),
        std::cmp::Ordering::Equal => None,
    };
    record.cells.resize(width, String::new());
    (record, problem)
}

/// Trimmed headers without BOM characters, empty ones named "Column N" and repeats "Name (2)", with a note for
/// each rename. Generated names never collide with a header in the file.
fn clean_headers(raw: Vec<String>) -> (Vec<String>, Vec<String>) {
    let trimmed: Vec<String> = raw.iter().map(|h| h.replace('\u{FEFF}', "").trim().to_string()).collect();
    let mut taken: HashSet<String> = trimmed.iter().filter(|h| !h.is_empty()).cloned().collect();
    let mut seen: HashSet<String> = HashSet::new();
    let mut notes = Vec::new();
    let mut headers = Vec::with_capacity(trimmed.len());
    for (i, header) in trimmed.into_iter().enumerate() {
        let column = i + 1;
        let name = if header.is_empty() {
            let name = unused(&format!("Column {column}"), &taken);
            notes.push(format!("Column {column} has no header, so it is called “{name}”."));
            name
        } else if seen.contains(&header) {
            let name = unused(&header, &taken);
            notes.push(format!("The header “{header}” appears more than once, so column {column} is called “{name}”."));
            name
        } else {
            header
        };
        taken.insert(name.clone());
        seen.insert(name.clone());
        headers.push(name);
    }
    (headers, notes)
}

/// `base` itself when free (and not already a header), else the first free "base (2)", "base (3)", ….
fn unused(base: &str, taken: &HashSet<String>) -> String {
    if !taken.contains(base) {
        return base.to_string();
    }
    (2..).map(|n| format!("{base} ({n})")).find(|name| !taken.contains(name)).unwrap_or_default()
}

/// The non-blank records of the text, with spreadsheet rows and physical lines.
struct Records<'a> {
    reader: Reader<&'a [u8]>,
    lines: LineCounter<'a>,
    record: StringRecord,
    /// Line breaks inside quoted fields of the records read so far.
    inner_breaks: u64,
}

impl<'a> Records<'a> {
    fn new(text: &'a str, delimiter: u8) -> Self {
        let reader = ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .quoting(true)
            .double_quote(true)
            .from_reader(text.as_bytes());
        Records { reader, lines: LineCounter::new(text.as_bytes()), record: StringRecord::new(), inner_breaks: 0 }
    }

    /// The next record with at least one non-blank cell, or `None` at the end.
    fn next_record(&mut self) -> Result<Option<Record>, ReadError> {
        loop {
            let start_byte = self.reader.position().byte();
            match self.reader.read_record(&mut self.record) {
                Ok(true) => {}
                Ok(false) => return Ok(None),
                Err(error) => return Err(self.malformed(start_byte, &error)),
            }
            let pos = self.locate(start_byte);
            if self.record.iter().any(|cell| !cell.trim().is_empty()) {
                return Ok(Some(Record { pos, cells: self.record.iter().map(str::to_string).collect() }));
            }
        }
    }

    /// The position of the record the reader just read from `start_byte`, and the count of its inner breaks.
    fn locate(&mut self, start_byte: u64) -> Position {
        let start = self.lines.content_start(start_byte);
        let line = self.lines.line_at(start);
        let end = self.lines.content_end(self.reader.position().byte());
        let end_line = self.lines.line_at(end.max(start));
        let pos = Position { row: line - self.inner_breaks, line };
        self.inner_breaks += end_line - line;
        pos
    }

    fn malformed(&mut self, start_byte: u64, error: &csv::Error) -> ReadError {
        let start = self.lines.content_start(start_byte);
        let line = self.lines.line_at(start);
        let reason = match error.kind() {
            csv::ErrorKind::Utf8 { .. } => "it contains characters that are not valid text in this encoding".into(),
            csv::ErrorKind::Io(_) => "the file could not be read to the end".into(),
            _ => error.to_string(),
        };
        ReadError::Malformed { row: line - self.inner_breaks, line, reason }
    }
}

/// Physical line numbers of byte offsets, counted forwards only. `\r\n` is one break, a lone `\r` or `\n` one each.
struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter { bytes, offset: 0, line: 1 }
    }

    /// The 1-based line of `target`; targets must not go backwards (earlier ones answer with the last line).
    fn line_at(&mut self, target: usize) -> u64 {
        let target = target.min(self.bytes.len());
        while self.offset < target {
            self.line += u64::from(self.is_break(self.offset));
            self.offset += 1;
        }
        self.line
    }

    fn is_break(&self, i: usize) -> bool {
        match self.bytes[i] {
            b'\n' => true,
            b'\r' => self.bytes.get(i + 1) != Some(&b'\n'),
            _ => false,
        }
    }

    /// The first byte at or after `byte` that is not a line break: where a record really starts
    /// (the reader's position sits before skipped blank lines and before the `\n` of a `\r\n`).
    fn content_start(&self, byte: u64) -> usize {
        let mut i = usize::try_from(byte).unwrap_or(usize::MAX).min(self.bytes.len());
        while matches!(self.bytes.get(i), Some(b'\r' | b'\n')) {
            i += 1;
        }
        i
    }

    /// The byte just after the last non-break byte before `byte`: where a record's content ends.
    fn content_end(&self, byte: u64) -> usize {
        let mut i = usize::try_from(byte).unwrap_or(usize::MAX).min(self.bytes.len());
        while i > 0 && matches!(self.bytes[i - 1], b'\r' | b'\n') {
            i -= 1;
        }
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{UTF_16LE, UTF_8, WINDOWS_1252};

    fn read_str(text: &str) -> ReadOutcome {
        read(text.as_bytes(), &ReadOptions::default()).expect("reads")
    }

    fn positions(outcome: &ReadOutcome) -> Vec<(u64, u64)> {
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
    fn quoted_newline_keeps_row_and_line_apart() {
        let o = read_str("Name,Address\nAda,\"1 Main St\nFlat 2\"\nGrace,\"5 \"\"Oak\"\" Rd\"\n");
        assert_eq!(o.table.cell(0, 1), "1 Main St\nFlat 2");
        assert_eq!(o.table.cell(1, 1), "5 \"Oak\" Rd");
        assert_eq!(positions(&o), vec![(2, 2), (3, 4)]);
    }

    #[test]
    fn quoted_crlf_counts_as_one_line_break() {
        let o = read_str("Name,Address\r\nAda,\"1 Main St\r\nFlat 2\r\nLondon\"\r\nGrace,Boston\r\n");
        assert_eq!(positions(&o), vec![(2, 2), (3, 5)]);
    }

    #[test]
    fn crlf_and_lone_cr_line_endings_read() {
        for text in ["A,B\r\n1,2\r\n3,4\r\n", "A,B\r1,2\r3,4\r", "A,B\n1,2\r\n3,4"] {
            let o = read_str(text);
            assert_eq!(o.table.headers, vec!["A", "B"], "{text:?}");
            assert_eq!(o.table.cell(1, 1), "4", "{text:?}");
            assert_eq!(positions(&o), vec![(2, 2), (3, 3)], "{text:?}");
        }
    }

    #[test]
    fn blank_records_are_skipped_but_still_count_as_rows() {
        let o = read_str("A,B\n1,2\n\n , \n,\n3,4\n");
        assert_eq!(o.table.records.len(), 2);
        assert_eq!(positions(&o), vec![(2, 2), (6, 6)]);
    }

    #[test]
    fn leading_blank_lines_are_skipped_before_the_header() {
        let o = read_str("\r\n\r\nA,B\r\n1,2\r\n");
        assert_eq!(o.table.headers, vec!["A", "B"]);
        assert_eq!(positions(&o), vec![(4, 4)]);
    }

    #[test]
    fn utf8_bom_is_stripped_from_first_header() {
        let o = read(b"\xEF\xBB\xBFEmail,Phone\na@example.com,1\n", &ReadOptions::default()).expect("reads");
        assert_eq!(o.table.headers, vec!["Email", "Phone"]);
    }

    #[test]
    fn stray_bom_characters_and_spaces_are_removed_from_headers() {
        let o = read_str("\u{FEFF} Email ,\u{FEFF}Phone\na,1\n");
        assert_eq!(o.table.headers, vec!["Email", "Phone"]);
        assert!(o.header_notes.is_empty());
    }

    #[test]
    fn duplicate_and_empty_headers_are_renamed() {
        let o = read_str("Email,,Email,Phone, ,Email\n1,2,3,4,5,6\n");
        assert_eq!(o.table.headers, vec!["Email", "Column 2", "Email (2)", "Phone", "Column 5", "Email (3)"]);
        assert_eq!(o.header_notes.len(), 4);
        assert_eq!(o.header_notes[0], "Column 2 has no header, so it is called “Column 2”.");
        assert_eq!(o.header_notes[1], "The header “Email” appears more than once, so column 3 is called “Email (2)”.");
    }

    #[test]
    fn generated_header_names_never_collide_with_real_ones() {
        let o = read_str("Email,Email,Email (2),,Column 4\n1,2,3,4,5\n");
        assert_eq!(o.table.headers, vec!["Email", "Email (3)", "Email (2)", "Column 4 (2)", "Column 4"]);
    }

    #[test]
    fn ragged_rows_are_reported_not_fatal() {
        let o = read_str("A,B,C\n1,2\n1,2,3\n1,2,3,4,5\n");
        assert_eq!(o.table.records.len(), 3);
        assert!(o.table.records.iter().all(|r| r.cells.len() == 3));
        assert_eq!(o.table.records[0].cells, vec!["1", "2", ""]);
        assert_eq!(o.table.records[2].cells, vec!["1", "2", "3"]);
        let found: Vec<_> = o.issues.iter().map(|i| (i.record, i.pos.row, i.problem.clone())).collect();
        assert_eq!(
            found,
            vec![
                (0, 2, Problem::TooFewValues { found: 2, expected: 3 }),
                (2, 4, Problem::TooManyValues { found: 5, expected: 3 }),
            ]
        );
        assert!(o.issues.iter().all(|i| i.column.is_none() && i.field.is_none() && i.fix.is_none()));
    }

    #[test]
    fn a_trailing_delimiter_is_a_warning_not_a_rejection() {
        let o = read(b"A,B\n1,2,\n", &ReadOptions::default()).expect("reads");
        assert_eq!(o.issues[0].problem, Problem::ExtraEmptyValues { found: 3, expected: 2 });
        assert_eq!(o.issues[0].severity(), crate::domain::report::Severity::Warning);
        assert_eq!(o.table.records[0].cells, vec!["1".to_owned(), "2".to_owned()]);
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
        assert_eq!(o.table.records[0].cells, vec!["  x ", " y"]);
    }

    #[test]
    fn malformed_errors_carry_a_position_and_plain_words() {
        let text = "A,B\n\"x\ny\",2\n3,4\n";
        let mut records = Records::new(text, b',');
        for _ in 0..2 {
            assert!(matches!(records.next_record(), Ok(Some(_))));
        }
        let io = csv::Error::from(std::io::Error::other("disk"));
        let err = records.malformed(12, &io);
        assert_eq!(
            err,
            ReadError::Malformed { row: 3, line: 4, reason: "the file could not be read to the end".into() }
        );
        assert!(err.to_string().starts_with("Reading stopped at row 3 (line 4)"), "{err}");
    }

    #[test]
    fn line_counter_counts_each_kind_of_break_once() {
        let mut lines = LineCounter::new(b"a\r\nb\rc\nd");
        assert_eq!(lines.line_at(1), 1);
        assert_eq!(lines.line_at(2), 1);
        assert_eq!(lines.line_at(3), 2);
        assert_eq!(lines.line_at(5), 3);
        assert_eq!(lines.line_at(7), 4);
        assert_eq!(lines.line_at(99), 4);
    }
}
