//! Writing import rows as CSV lines into one reused buffer, for exports of many rows.
//!
//! Owns the CSV form of a line (CRLF-terminated, quoted only where needed: what `csv::Writer` writes, through the
//! same `csv_core` writer), and nothing about which values a line holds. A `csv::Writer` made for each row zeroed
//! its 8 KiB buffer each time: with a million rows, that was most of writing the lines. Invariant: a line written
//! here is byte for byte the one `export::csv_line` gives for the same values.

/// One CSV writer for every line of an export, and the line last written.
#[derive(Debug)]
pub struct RecordWriter {
    writer: csv_core::Writer,
    line: Vec<u8>,
    /// Values written in the line so far.
    values: usize,
}

impl Default for RecordWriter {
    fn default() -> RecordWriter {
        let writer = csv_core::WriterBuilder::new().terminator(csv_core::Terminator::CRLF).build();
        RecordWriter { writer, line: Vec::new(), values: 0 }
    }
}

impl RecordWriter {
    /// Starts a new line (the last one is dropped).
    pub fn start(&mut self) {
        self.line.clear();
        self.values = 0;
    }

    /// Adds the next value of the line.
    pub fn value(&mut self, value: &str) {
        if self.values > 0 {
            // A closing quote and the delimiter.
            append(&mut self.line, 2, |out| self.writer.delimiter(out).1);
        }
        // At most every byte doubled (quotes) and two quotes around.
        append(&mut self.line, 2 + 2 * value.len(), |out| self.writer.field(value.as_bytes(), out).2);
        self.values += 1;
    }

    /// Ends the line, and gives it whole.
    pub fn end(&mut self) -> &[u8] {
        // `""` for a line of one empty value, a closing quote, CRLF.
        append(&mut self.line, 5, |out| self.writer.terminator(out).1);
        &self.line
    }
}

/// Appends to `out` what `write` puts in `room` bytes (it says how many it wrote).
fn append(out: &mut Vec<u8>, room: usize, write: impl FnOnce(&mut [u8]) -> usize) {
    let start = out.len();
    out.resize(start + room, 0);
    let written = write(&mut out[start..]);
    out.truncate(start + written);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::export::csv_line;

    #[test]
    fn lines_are_the_ones_csv_writer_writes() {
        let rows: &[&[&str]] = &[
            &["a@x.com", "Ann Lee", "", "+1 555"],
            &["", "", ""],
            &[""],
            &["x"],
            &["comma, inside", "quote \" inside", "line\nbreak", "\r"],
            &["\"\"\"", " lead and trail ", "Zoë Ångström", "#1"],
            &["", "after an empty first"],
        ];
        let mut writer = RecordWriter::default();
        for row in rows {
            writer.start();
            for value in *row {
                writer.value(value);
            }
            assert_eq!(writer.end(), csv_line(row.iter()).expect("writes").as_slice(), "{row:?}");
        }
    }
}
