//! Records laid out as a packed block holds them once unpacked: for each record its row and line (as steps from
//! the record before), its number of cells and each cell's length (the layout, LEB128 numbers); then all the text.
//!
//! Owns that layout, building it a record at a time, and its byte form for a message (`encode`, `check`). It is
//! the open block of a `Rows` and what the reading worker sends the page: the worker lays records out, the page
//! only checks and compresses them. Invariants: a block built here or checked describes its text exactly (every
//! length within it, on character boundaries, all of it used); `check` refuses any bytes that do not, so a
//! damaged message is an error, never a wrong record.

use std::sync::Arc;

use super::block_text::{BlockText, Layout, Text};
use super::{varint, Cells, Position, Record};

/// Records in layout-and-text form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowBlock {
    layout: Vec<u8>,
    text: Vec<u8>,
    rows: usize,
    /// The last record's position (the next one's steps are from it).
    before: Position,
    /// The fewest and the most cells of a record (`(usize::MAX, 0)` when empty).
    cells: (usize, usize),
}

impl Default for RowBlock {
    fn default() -> RowBlock {
        RowBlock {
            layout: Vec::new(),
            text: Vec::new(),
            rows: 0,
            before: Position { row: 0, line: 0 },
            cells: (usize::MAX, 0),
        }
    }
}

impl RowBlock {
    pub fn new() -> RowBlock {
        RowBlock::default()
    }

    /// Records in the block.
    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// The fewest and the most cells of a record.
    pub(super) fn cells(&self) -> (usize, usize) {
        self.cells
    }

    /// Bytes of layout and text.
    pub(super) fn size(&self) -> usize {
        self.layout.len() + self.text.len()
    }

    /// Adds a record.
    pub fn push(&mut self, record: &Record) {
        self.push_values(record.pos, record.cells.len(), record.cells.iter());
    }

    /// Adds a record given as its `text` and where each cell ends in it (the reader's shape). `false`, and
    /// nothing added, unless the ends are in order, on character boundaries, the last one at the text's end.
    pub fn push_text(&mut self, pos: Position, text: &str, ends: &[usize]) -> bool {
        if !Cells::fits(text, ends) {
            return false;
        }
        // The values are back to back in `text` already: it is copied in one piece.
        self.start(pos, ends.len());
        let mut start = 0;
        for end in ends {
            varint::write(&mut self.layout, (end - start) as u64);
            start = *end;
        }
        self.text.extend_from_slice(text.as_bytes());
        self.end(pos, ends.len());
        true
    }

    /// Adds a record given as the reader's bytes and cell ends: laid out as they are when they are UTF-8 cut at
    /// character boundaries (`push_text`), else as the record of `cells()` (the reader's own reading of them).
    pub fn push_bytes(&mut self, pos: Position, text: &[u8], ends: &[usize], cells: impl FnOnce() -> Cells) {
        // simdutf8 (16 bytes at a time with wasm SIMD): std's check of every record took a tenth of the worker's
        // parsing.
        let laid_out = simdutf8::basic::from_utf8(text).is_ok_and(|text| self.push_text(pos, text, ends));
        if !laid_out {
            self.push(&Record { pos, cells: cells() });
        }
    }

    /// The same records with the values of every column `keeps` refuses left empty: the same positions and numbers
    /// of values, so a reader of the other columns sees the records as they are (a reading worker sends the
    /// checking one only the columns it reads: `engine::SlimBlocks`).
    pub fn keeping(&self, keeps: impl Fn(usize) -> bool) -> RowBlock {
        // The layout is this module's own: it always reads.
        self.keep_only(keeps).unwrap_or_else(|| self.clone())
    }

    fn keep_only(&self, keeps: impl Fn(usize) -> bool) -> Option<RowBlock> {
        let (layout, text) = (Vec::with_capacity(self.layout.len()), Vec::new());
        let mut kept = RowBlock { layout, text, rows: self.rows, before: self.before, cells: self.cells };
        let (mut at, mut text_at) = (0, 0usize);
        while at < self.layout.len() {
            for _ in 0..2 {
                varint::write(&mut kept.layout, varint::read(&self.layout, &mut at)?);
            }
            let count = varint::read(&self.layout, &mut at)?;
            varint::write(&mut kept.layout, count);
            for column in 0..usize::try_from(count).ok()? {
                let length = usize::try_from(varint::read(&self.layout, &mut at)?).ok()?;
                let value = self.text.get(text_at..text_at.checked_add(length)?)?;
                if keeps(column) {
                    varint::write(&mut kept.layout, length as u64);
                    kept.text.extend_from_slice(value);
                } else {
                    varint::write(&mut kept.layout, 0);
                }
                text_at += length;
            }
        }
        Some(kept)
    }

    /// Adds a record of `count` values (all of them in `values`).
    fn push_values<'a>(&mut self, pos: Position, count: usize, values: impl Iterator<Item = &'a str>) {
        self.start(pos, count);
        for value in values.take(count) {
            varint::write(&mut self.layout, value.len() as u64);
            self.text.extend_from_slice(value.as_bytes());
        }
        self.end(pos, count);
    }

    /// A record's position and number of values, before its lengths.
    fn start(&mut self, pos: Position, count: usize) {
        // Room for the whole entry at once: most numbers take one byte.
        self.layout.reserve(3 * 10 + 2 * count);
        varint::write(&mut self.layout, pos.row.wrapping_sub(self.before.row));
        varint::write(&mut self.layout, pos.line.wrapping_sub(self.before.line));
        varint::write(&mut self.layout, count as u64);
    }

    /// A record's entry is complete.
    fn end(&mut self, pos: Position, count: usize) {
        self.before = pos;
        self.cells = (self.cells.0.min(count), self.cells.1.max(count));
        self.rows += 1;
    }

    /// The layout followed by the text (what is compressed), and where the text starts.
    pub(super) fn into_bytes(self) -> (Vec<u8>, usize) {
        let RowBlock { mut layout, text, .. } = self;
        let text_at = layout.len();
        layout.extend_from_slice(&text);
        (layout, text_at)
    }

    /// The records, sharing one copy of the text.
    pub fn records(&self) -> Vec<Record> {
        records(&self.layout, Text::of(&self.text))
    }

    /// The block as bytes for a message: records, layout length, layout, text.
    pub fn encode(&self) -> Vec<u8> {
        self.encode_after(Vec::new())
    }

    /// `encode`'s bytes appended to `out` (a message's head, so the text is copied once, straight into the message).
    pub fn encode_after(&self, mut out: Vec<u8>) -> Vec<u8> {
        out.reserve_exact(16 + self.layout.len() + self.text.len());
        out.extend_from_slice(&(self.rows as u64).to_le_bytes());
        out.extend_from_slice(&(self.layout.len() as u64).to_le_bytes());
        out.extend_from_slice(&self.layout);
        out.extend_from_slice(&self.text);
        out
    }

    /// `encode`'s bytes checked whole where they lie, without copying them: `None` for bytes that do not describe
    /// their text exactly. The layout is read once, here: the checked block keeps where each value ends.
    pub fn check(bytes: &[u8]) -> Option<CheckedBlock<'_>> {
        let (rows, layout_len) = (le_number(bytes, 0)?, le_number(bytes, 8)?);
        let body = bytes.get(16..)?;
        let layout = body.get(..layout_len)?;
        let text = simdutf8::basic::from_utf8(body.get(layout_len..)?).ok()?;
        let (laid, positions, cells) = read_layout(layout, text.as_bytes())?;
        (laid.rows() == rows && laid.text_end() == text.len()).then_some(CheckedBlock {
            body,
            layout: layout_len,
            text,
            cells,
            laid,
            positions,
        })
    }
}

/// The little-endian `u64` at `at` in `bytes` (the sizes before a block in a message), if it is there.
pub(super) fn le_number(bytes: &[u8], at: usize) -> Option<usize> {
    Some(u64::from_le_bytes(bytes.get(at..at.checked_add(8)?)?.try_into().ok()?) as usize)
}

/// One record's values in a checked block's text (`CheckedBlock::for_each_record`).
pub struct RecordValues<'a, 'b> {
    text: &'a str,
    /// Where the first value starts in `text`, and where each ends.
    start: usize,
    ends: &'b [u32],
}

impl<'a> RecordValues<'a, '_> {
    /// Column `c`'s value; empty past the record's last value.
    pub fn get(&self, c: usize) -> &'a str {
        let Some(end) = self.ends.get(c) else { return "" };
        let start = match c.checked_sub(1) {
            Some(before) => self.ends.get(before).map_or(self.start, |e| *e as usize),
            None => self.start,
        };
        self.text.get(start..*end as usize).unwrap_or_default()
    }

    /// How many values the record has.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

/// A block in a message, checked (`RowBlock::check`): its layout and then its text, as they lie in the message,
/// and where each value ends.
#[derive(Clone, Debug)]
pub struct CheckedBlock<'a> {
    body: &'a [u8],
    layout: usize,
    /// The text after the layout (checked UTF-8).
    text: &'a str,
    cells: (usize, usize),
    /// The layout as read by `check`, and each record's position.
    laid: Layout,
    positions: Vec<Position>,
}

impl<'a> CheckedBlock<'a> {
    /// Each record's values, read where they lie (no copy, no record made, only the values asked for sliced):
    /// for a look at a few columns of every row as it arrives (`engine::EarlyCount`).
    pub fn for_each_record(&self, mut visit: impl FnMut(&RecordValues<'a, '_>)) {
        for row in 0..self.laid.rows() {
            let (start, ends) = self.laid.row(row);
            visit(&RecordValues { text: self.text, start, ends });
        }
    }

    /// Records in the block.
    pub fn rows(&self) -> usize {
        self.positions.len()
    }

    /// The layout followed by the text (what is compressed), and where the text starts.
    pub(super) fn bytes(&self) -> (&[u8], usize) {
        (self.body, self.layout)
    }

    /// The fewest and the most cells of a record.
    pub fn cells(&self) -> (usize, usize) {
        self.cells
    }

    /// The spreadsheet row of the first record.
    pub fn first_row(&self) -> Option<u64> {
        self.positions.first().map(|p| p.row)
    }

    /// The records, sharing one copy of the text (kept as the checked text it is).
    pub fn records(&self) -> Vec<Record> {
        records_of(Text::Checked(self.text.to_owned()), self.laid.clone(), &self.positions)
    }

    /// The block, copied out of the message.
    pub fn to_block(&self) -> RowBlock {
        let (layout, text) = self.body.split_at(self.layout);
        RowBlock {
            layout: layout.to_vec(),
            text: text.to_vec(),
            rows: self.positions.len(),
            before: self.positions.last().copied().unwrap_or(Position { row: 0, line: 0 }),
            cells: self.cells,
        }
    }
}

/// The spreadsheet row of a block's first record, from its layout (one this module built or checked): the layout's
/// first number, the first record's row as a step from row 0. Only that number is read, not the whole layout.
pub(super) fn first_row(layout: &[u8]) -> Option<u64> {
    varint::read(layout, &mut 0)
}

/// The records of a block from its layout and text, sharing one copy of the text. The layout and text are ones
/// this module built or checked (`check`): reading them cannot fail.
pub(super) fn records(layout: &[u8], text: Text) -> Vec<Record> {
    let (laid, positions, _) = read_layout(layout, text.bytes()).expect("a block's layout reads as written");
    records_of(text, laid, &positions)
}

/// The records at `positions`, laid out in `text` as `laid` says, sharing the text.
fn records_of(text: Text, laid: Layout, positions: &[Position]) -> Vec<Record> {
    let block = Arc::new(BlockText::laid_out(text, laid));
    let records = positions.iter().enumerate();
    records.map(|(row, pos)| Record { pos: *pos, cells: Cells::in_block(&block, row) }).collect()
}

/// A block's layout read whole against its `text`: where each value ends, each record's position, and the fewest
/// and the most values of a record. `None` when a number does not read, or a value runs past the text or cuts a
/// character. The one reader of the layout's numbers, for a block from the worker (`check`) and one unpacked.
fn read_layout(layout: &[u8], text: &[u8]) -> Option<(Layout, Vec<Position>, (usize, usize))> {
    // A record takes at least three bytes of layout, a value at least one.
    let mut laid = Layout::with_capacity(layout.len() / 3, layout.len());
    let mut positions = Vec::with_capacity(layout.len() / 3);
    let (mut at, mut before, mut cells) = (0, Position { row: 0, line: 0 }, (usize::MAX, 0));
    while at < layout.len() {
        let row = varint::read(layout, &mut at)?;
        let line = varint::read(layout, &mut at)?;
        let count = usize::try_from(varint::read(layout, &mut at)?).ok()?;
        let mut failed = false;
        let lengths = (0..count).map_while(|_| {
            let length = varint::read(layout, &mut at);
            failed |= length.is_none();
            length
        });
        laid.push_row(text, lengths)?;
        if failed {
            return None;
        }
        before = Position { row: before.row.wrapping_add(row), line: before.line.wrapping_add(line) };
        positions.push(before);
        cells = (cells.0.min(count), cells.1.max(count));
    }
    Some((laid, positions, cells))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block() -> RowBlock {
        let mut block = RowBlock::new();
        block.push(&Record { pos: Position { row: 2, line: 2 }, cells: vec!["Ada", "", "São Paulo"].into() });
        assert!(block.push_text(Position { row: 4, line: 5 }, "aデータc", &[1, 1, 10, 11]));
        assert!(!block.push_text(Position { row: 5, line: 6 }, "aデc", &[2, 4]), "inside a character");
        block.push(&Record { pos: Position { row: 5, line: 7 }, cells: Cells::default() });
        block
    }

    #[test]
    fn records_come_back_as_pushed_and_through_a_message() {
        let block = block();
        let records = block.records();
        assert_eq!(records.len(), 3);
        assert_eq!(records[1].cells, vec!["a", "", "データ", "c"]);
        assert_eq!((records[1].pos, records[2].pos), (Position { row: 4, line: 5 }, Position { row: 5, line: 7 }));
        assert_eq!((block.rows(), block.cells()), (3, (0, 4)));
        assert_eq!(RowBlock::check(&block.encode()).map(|c| c.to_block()), Some(block.clone()));
        let encoded = block.encode();
        let mut seen: Vec<Vec<String>> = Vec::new();
        RowBlock::check(&encoded)
            .expect("checks")
            .for_each_record(|values| seen.push((0..=values.len()).map(|c| values.get(c).to_owned()).collect()));
        assert_eq!(RowBlock::check(&encoded).expect("checks").records(), records, "from the checked text");
        // One more value asked for than each record has: empty.
        let records: Vec<Vec<String>> =
            records.iter().map(|r| r.cells.iter().chain([""]).map(str::to_owned).collect()).collect();
        assert_eq!(seen, records, "every record's values, where they lie");
    }

    #[test]
    fn a_cut_or_damaged_message_is_refused() {
        let bytes = block().encode();
        for cut in 0..bytes.len() {
            assert!(RowBlock::check(&bytes[..cut]).is_none(), "cut at {cut}");
        }
        let mut more_rows = bytes.clone();
        more_rows[0] = 4;
        assert!(RowBlock::check(&more_rows).is_none());
        let mut split_character = bytes.clone();
        let at = bytes.len() - 3;
        split_character[at] = b'x';
        assert!(RowBlock::check(&split_character).is_none(), "a byte of 'データ' replaced");
    }
}
