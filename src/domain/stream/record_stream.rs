//! Incremental CSV records: UTF-8 text arrives in chunks of any size and every complete record comes out with
//! its cells and position, exactly as the whole-file reader (`read::records`) gives them.
//!
//! Owns driving `csv_core` (the push parser under the `csv` crate), with a fast path for the usual record
//! (`plain_record`, the same cells), and counting positions on the fly: `line` is the
//! physical line a record's content starts on (`\r\n`, a lone `\r` or `\n` each end a line) and `row` the row a
//! spreadsheet shows (the line minus the line breaks inside quoted fields of earlier records). Records whose cells
//! are all blank are skipped but still count as rows. Memory: one record's bytes, whatever the file size.

use csv_core::{ReadRecordResult, Reader, ReaderBuilder};

use super::plain_record::plain_record;
use crate::domain::table::{Cells, Position};

/// Records left to `csv_core` after one the fast path (`plain_record`) could not split: a file of records it
/// cannot split costs a wasted try every this many records, not every record.
const SLOW_AFTER_MISS: u32 = 16;

/// One record, borrowed until the next one is read.
pub struct StreamRecord<'a> {
    pub pos: Position,
    output: &'a [u8],
    ends: &'a [usize],
}

impl<'a> StreamRecord<'a> {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The cells' text back to back (UTF-8 for the text the readers give) and where each cell ends in it.
    pub fn text_and_ends(&self) -> (&'a [u8], &'a [usize]) {
        (&self.output[..self.ends.last().copied().unwrap_or(0)], self.ends)
    }

    /// The cells as a table keeps them: copied once, in one piece.
    pub fn to_cells(&self) -> Cells {
        let text = self.ends.last().map_or(Some(""), |end| std::str::from_utf8(&self.output[..*end]).ok());
        text.and_then(|t| Cells::from_text(t, self.ends)).unwrap_or_else(|| self.cells().collect())
    }

    /// The cells, unquoted and unescaped.
    pub fn cells(&self) -> impl Iterator<Item = &'a str> + 'a {
        let (output, ends) = (self.output, self.ends);
        ends.iter().enumerate().map(move |(i, end)| {
            let start = if i == 0 { 0 } else { ends[i - 1] };
            // Delimiters and quotes are ASCII, so a cell of UTF-8 input is UTF-8.
            std::str::from_utf8(&output[start..*end]).unwrap_or("\u{FFFD}")
        })
    }
}

/// Where a stream stands between two records, at a line break: enough for another stream to start there
/// (`RecordStream::resume`) and give the records after it with the same positions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StreamMark {
    /// Line breaks before the next record's content.
    pub breaks: u64,
    /// Line breaks inside quoted fields of the records before.
    pub inner_breaks: u64,
    /// Records read before, blank ones included.
    pub records: u64,
}

/// Line breaks seen so far and where the current record stands.
#[derive(Default)]
struct Lines {
    /// Line breaks before the current record's content.
    before: u64,
    /// The previous byte was `\r` (so a `\n` now completes `\r\n`, one break).
    after_cr: bool,
    /// The current record has content (a byte that is not a line break).
    started: bool,
    /// Breaks inside the current record's content so far, and breaks since its last content byte.
    inner: u64,
    trailing: u64,
}

impl Lines {
    /// Takes `bytes` in: only line breaks are looked at one by one (found with `memchr`); a run of other bytes
    /// between two breaks counts as content once.
    fn feed(&mut self, bytes: &[u8]) {
        let mut from = 0;
        for at in memchr::memchr2_iter(b'\r', b'\n', bytes) {
            if at > from {
                self.content();
            }
            let cr = bytes[at] == b'\r';
            let is_break = cr || !self.after_cr;
            self.after_cr = cr;
            if is_break {
                if self.started {
                    self.trailing += 1;
                } else {
                    self.before += 1;
                }
            }
            from = at + 1;
        }
        if bytes.len() > from {
            self.content();
        }
    }

    /// A byte that is not a line break.
    fn content(&mut self) {
        self.after_cr = false;
        if self.started {
            self.inner += self.trailing;
            self.trailing = 0;
        } else {
            self.started = true;
        }
    }

    /// Ends the current record: (its first line, breaks inside it); its trailing breaks move before the next one.
    fn end_record(&mut self) -> (u64, u64) {
        let line = self.before + 1;
        let inner = self.inner;
        self.before += self.inner + self.trailing;
        self.inner = 0;
        self.trailing = 0;
        self.started = false;
        (line, inner)
    }
}

/// Drives `csv_core` over the text, record by record, and splits the usual record itself (`plain_record`) when the
/// parser stands between two records.
pub struct RecordStream {
    parser: Reader,
    delimiter: u8,
    /// `csv_core` stands between two records (so the fast path may take the next one).
    between: bool,
    /// Records still to leave to `csv_core` after the fast path missed one.
    slow: u32,
    /// The fast path's record: its cells' text and ends.
    plain_output: Vec<u8>,
    plain_ends: Vec<usize>,
    output: Vec<u8>,
    out_len: usize,
    ends: Vec<usize>,
    ends_len: usize,
    lines: Lines,
    /// Breaks inside quoted fields of the records so far (row = line − this).
    inner_breaks: u64,
    records: u64,
    /// The text so far ended with `\n` (or there was none).
    at_line_end: bool,
}

impl RecordStream {
    pub fn new(delimiter: u8) -> RecordStream {
        RecordStream::resume(delimiter, StreamMark::default())
    }

    /// A stream that starts where another one stood at `mark` (`mark`): given the text after that point, it gives
    /// the records the other one gave after it, at the same positions.
    pub fn resume(delimiter: u8, mark: StreamMark) -> RecordStream {
        RecordStream {
            parser: ReaderBuilder::new().delimiter(delimiter).quoting(true).double_quote(true).build(),
            delimiter,
            between: true,
            slow: 0,
            plain_output: Vec::new(),
            plain_ends: Vec::new(),
            output: vec![0; 4096],
            out_len: 0,
            ends: vec![0; 64],
            ends_len: 0,
            lines: Lines { before: mark.breaks, ..Lines::default() },
            inner_breaks: mark.inner_breaks,
            records: mark.records,
            at_line_end: true,
        }
    }

    /// Where the stream stands, if it stands between two records just after a line break (so another stream can
    /// start there: `resume`); `None` inside a record or a quoted field, or after text that did not end with `\n`.
    /// csv_core takes a `\n` either into a quoted field (as output) or as the end of a record or of a blank line,
    /// so after one, no output pending means the parser is at the start of a record.
    pub fn mark(&self) -> Option<StreamMark> {
        let lines = &self.lines;
        let inside = lines.started || lines.after_cr || lines.inner > 0 || lines.trailing > 0;
        (self.at_line_end && self.out_len == 0 && self.ends_len == 0 && !inside).then_some(StreamMark {
            breaks: lines.before,
            inner_breaks: self.inner_breaks,
            records: self.records,
        })
    }

    /// Records read so far, blank ones included.
    pub fn records_seen(&self) -> u64 {
        self.records
    }

    /// Parses `text` (the next piece of the file) and calls `on_record` for every complete non-blank record.
    pub fn push(&mut self, text: &[u8], on_record: impl FnMut(&StreamRecord<'_>)) {
        if let Some(last) = text.last() {
            self.at_line_end = *last == b'\n';
        }
        self.run(text, false, on_record);
    }

    /// Ends the file: a last record without a line break is completed.
    pub fn finish(&mut self, on_record: impl FnMut(&StreamRecord<'_>)) {
        self.run(&[], true, on_record);
    }

    fn run(&mut self, mut input: &[u8], end: bool, mut on_record: impl FnMut(&StreamRecord<'_>)) {
        loop {
            if self.between && self.slow == 0 {
                self.plain_output.clear();
                self.plain_ends.clear();
                if let Some(used) = plain_record(input, self.delimiter, &mut self.plain_output, &mut self.plain_ends) {
                    self.lines.feed(&input[..used]);
                    input = &input[used..];
                    let pos = self.end_record();
                    give(pos, &self.plain_output, &self.plain_ends, &mut on_record);
                    continue;
                }
                // Only worth a miss when a record starts here (not at the end of this piece of text).
                if !input.is_empty() {
                    self.slow = SLOW_AFTER_MISS;
                }
            }
            let (result, nin, nout, nend) =
                self.parser.read_record(input, &mut self.output[self.out_len..], &mut self.ends[self.ends_len..]);
            self.lines.feed(&input[..nin]);
            input = &input[nin..];
            if nin > 0 {
                self.between = false;
            }
            // csv_core counts `ends` from the start of the record's output, across calls.
            self.out_len += nout;
            self.ends_len += nend;
            match result {
                // All of this piece is parsed; at the end, keep calling until the parser says End.
                ReadRecordResult::InputEmpty if !end => return,
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => {
                    let grown = self.output.len() * 2;
                    self.output.resize(grown, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let grown = self.ends.len() * 2;
                    self.ends.resize(grown, 0);
                }
                ReadRecordResult::Record => {
                    let pos = self.end_record();
                    give(pos, &self.output[..self.out_len], &self.ends[..self.ends_len], &mut on_record);
                    self.out_len = 0;
                    self.ends_len = 0;
                    self.between = true;
                    self.slow = self.slow.saturating_sub(1);
                }
                ReadRecordResult::End => return,
            }
        }
    }

    /// Counts a record read (blank or not) and gives its position.
    fn end_record(&mut self) -> Position {
        self.records += 1;
        let (line, inner) = self.lines.end_record();
        let pos = Position { row: line - self.inner_breaks, line };
        self.inner_breaks += inner;
        pos
    }
}

/// Gives the record at `pos` (its cells' text in `output`, ending at `ends`) to `on_record`, unless every cell is
/// blank.
fn give(pos: Position, output: &[u8], ends: &[usize], on_record: &mut impl FnMut(&StreamRecord<'_>)) {
    let record = StreamRecord { pos, output, ends };
    // A printable ASCII byte is never white space: the usual record is judged by its first byte.
    let printable = record.output.iter().any(u8::is_ascii_graphic);
    if printable || record.cells().any(|c| !c.trim().is_empty()) {
        on_record(&record);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::decode::decode;
    use crate::domain::read::records::Records;
    use crate::domain::sniff::sniff_delimiter;
    use crate::domain::stream::ChunkDecoder;
    use crate::domain::table::Record;

    fn stream(text: &str, delimiter: u8, size: usize) -> Vec<Record> {
        let mut s = RecordStream::new(delimiter);
        let mut out = Vec::new();
        let mut keep = |r: &StreamRecord<'_>| out.push(Record { pos: r.pos, cells: r.to_cells() });
        for chunk in text.as_bytes().chunks(size.max(1)) {
            s.push(chunk, &mut keep);
        }
        s.finish(&mut keep);
        out
    }

    fn whole(text: &str, delimiter: u8) -> Vec<Record> {
        let mut records = Records::new(text, delimiter);
        let mut out = Vec::new();
        while let Ok(Some(r)) = records.next_record() {
            out.push(r);
        }
        out
    }

    #[test]
    fn positions_match_the_whole_file_reader_for_every_kind_of_line_break() {
        for text in [
            "Name,Address\nAda,\"1 Main St\nFlat 2\"\nGrace,\"5 \"\"Oak\"\" Rd\"\n",
            "Name,Address\r\nAda,\"1 Main St\r\nFlat 2\r\nLondon\"\r\nGrace,Boston\r\n",
            "A,B\r\n1,2\r\n3,4\r\n",
            "A,B\r1,2\r3,4\r",
            "A,B\n1,2\r\n3,4",
            "A,B\n1,2\n\n , \n,\n3,4\n",
            "\r\n\r\nA,B\r\n1,2\r\n",
            "a,\"\"\"quoted\"\"\r\n\r\nstill\",b\n\n\nlast",
        ] {
            for size in [1, 2, 3, 5, 16, 4096] {
                assert_eq!(stream(text, b',', size), whole(text, b','), "{text:?} in chunks of {size}");
            }
        }
    }

    #[test]
    fn every_read_fixture_streams_to_the_same_records_through_the_chunk_decoder() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/domain/fixtures/read");
        let mut checked = 0;
        for entry in std::fs::read_dir(dir).expect("fixtures") {
            let path = entry.expect("entry").path();
            let bytes = std::fs::read(&path).expect("read");
            let Ok(decoded) = decode(&bytes, None) else { continue };
            let delimiter = sniff_delimiter(&decoded.text);
            let expected = whole(&decoded.text, delimiter);
            for size in [1, 7, 64, 1000] {
                let mut text = String::new();
                let mut d = ChunkDecoder::new(decoded.encoding);
                let chunks: Vec<&[u8]> = bytes.chunks(size).collect();
                for (i, c) in chunks.iter().enumerate() {
                    d.push(c, i + 1 == chunks.len(), &mut text);
                }
                assert_eq!(text, decoded.text, "{path:?} decoded in chunks of {size}");
                assert_eq!(stream(&text, delimiter, size), expected, "{path:?} parsed in chunks of {size}");
            }
            checked += 1;
        }
        assert!(checked >= 6, "only {checked} fixtures checked");
    }

    /// Random files of the bytes that matter to a CSV parser (so records the fast path takes and records it leaves
    /// to csv_core alternate, at every chunk boundary): the same records as the whole-file reader.
    #[test]
    fn random_text_streams_to_the_same_records_with_or_without_the_fast_path() {
        let pieces: [&str; 12] = ["a", "bc", ",", ",", ";", "\"", "\"\"", "\n", "\r\n", "\r", " ", "é"];
        let mut next = crate::domain::stream::xorshift(0x2545_F491_4F6C_DD1D);
        for _ in 0..3000 {
            let len = (next() % 60) as usize;
            let text: String = (0..len).map(|_| pieces[(next() % pieces.len() as u64) as usize]).collect();
            let delimiter = if next().is_multiple_of(4) { b';' } else { b',' };
            let expected = whole(&text, delimiter);
            for size in [1, 3, 8, 64] {
                assert_eq!(stream(&text, delimiter, size), expected, "{text:?} in chunks of {size}");
            }
        }
    }

    /// At every line break of random text: where the stream gives a mark, a stream resumed there on the rest of
    /// the text gives exactly the records after it; and a line break between two plain records always gives one.
    #[test]
    fn a_stream_resumed_at_a_mark_gives_the_same_records_after_it() {
        let pieces: [&str; 11] = ["a", "bc", ",", ";", "\"", "\"\"", "\n", "\r\n", "\r", " ", "é"];
        let mut next = crate::domain::stream::xorshift(0x9E37_79B9_7F4A_7C15);
        let (mut marks, mut breaks) = (0, 0);
        for _ in 0..1500 {
            let len = (next() % 40) as usize;
            let text: String = (0..len).map(|_| pieces[(next() % pieces.len() as u64) as usize]).collect();
            let delimiter = if next().is_multiple_of(4) { b';' } else { b',' };
            let expected = whole(&text, delimiter);
            for (at, _) in text.match_indices('\n') {
                let (head, tail) = text.split_at(at + 1);
                let mut first = RecordStream::new(delimiter);
                let mut given = 0;
                for chunk in head.as_bytes().chunks(1 + (next() % 5) as usize) {
                    first.push(chunk, |_| given += 1);
                }
                breaks += 1;
                let Some(mark) = first.mark() else { continue };
                marks += 1;
                let mut resumed = RecordStream::resume(delimiter, mark);
                let mut out = Vec::new();
                let mut keep = |r: &StreamRecord<'_>| out.push(Record { pos: r.pos, cells: r.to_cells() });
                resumed.push(tail.as_bytes(), &mut keep);
                resumed.finish(&mut keep);
                assert_eq!(out, expected[given..], "{text:?} resumed after byte {at}");
            }
        }
        assert!(marks * 2 > breaks, "only {marks} of {breaks} line breaks were places to start again");
        let mut plain = RecordStream::new(b',');
        plain.push(b"Name,City\r\nAda,\"London\nUK\"\r\n\r\n", |_| {});
        assert_eq!(plain.mark(), Some(StreamMark { breaks: 4, inner_breaks: 1, records: 2 }));
        plain.push(b"Grace,\"New\n", |_| {});
        assert_eq!(plain.mark(), None, "inside a quoted field");
    }

    #[test]
    fn a_record_longer_than_the_buffers_grows_them() {
        let long = "x".repeat(10_000);
        let cells: Vec<String> = (0..200).map(|i| i.to_string()).collect();
        let text = format!("A,B\n{long},1\n{}\n", cells.join(","));
        let records = stream(&text, b',', 333);
        assert_eq!(records[1].cells[0].len(), 10_000);
        assert_eq!(records[2].cells.len(), 200);
    }
}
