//! The non-blank records of a decoded text, each with its spreadsheet row and physical line.
//!
//! Owns driving the `csv` reader (flexible widths, double quotes), skipping blank records, placing each record and
//! turning a `csv` error into [`ReadError::Malformed`] with plain words. Does not clean headers or square rows
//! (`read` does) and counts lines through `lines`. Invariants: positions are computed from byte offsets rather
//! than taken from `csv::Position::line()`, which counts only `\n` and points before the terminator of a CRLF
//! record: `line` is the physical line the record starts on (`\n`, `\r\n` and a lone `\r` each end a line) and
//! `row` is the row a spreadsheet shows, that is the line minus the line breaks inside quoted fields of earlier
//! records (blank lines are rows too, so with no blank lines the first data record is row 2).

use csv::{Reader, ReaderBuilder, StringRecord};

use super::lines::LineCounter;
use super::ReadError;
use crate::domain::table::{Position, Record};

/// The non-blank records of the text, with spreadsheet rows and physical lines.
pub(crate) struct Records<'a> {
    reader: Reader<&'a [u8]>,
    lines: LineCounter<'a>,
    record: StringRecord,
    /// Line breaks inside quoted fields of the records read so far.
    inner_breaks: u64,
}

impl<'a> Records<'a> {
    pub(crate) fn new(text: &'a str, delimiter: u8) -> Self {
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
    pub(crate) fn next_record(&mut self) -> Result<Option<Record>, ReadError> {
        loop {
            let start_byte = self.reader.position().byte();
            match self.reader.read_record(&mut self.record) {
                Ok(true) => {}
                Ok(false) => return Ok(None),
                Err(error) => return Err(self.malformed(start_byte, &error)),
            }
            let pos = self.locate(start_byte);
            if self.record.iter().any(|cell| !cell.trim().is_empty()) {
                return Ok(Some(Record { pos, cells: self.record.iter().collect() }));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::read::tests::{positions, read_str};

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
}
