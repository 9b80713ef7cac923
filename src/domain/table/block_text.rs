//! An unpacked block of a packed table: all its records' text back to back, and where each cell ends, shared by
//! the block's records (`Cells::in_block`) so unpacking a block allocates three lists, not two per record.
//!
//! Owns only the layout and the lookup of one value. Invariants: the ends of a row are non-decreasing, lie
//! within `text` and on character boundaries (they are where the packed values ended), and a row's first value
//! starts at its `start`. A block's text is checked as UTF-8 once, whole, when it is unpacked (`Text::of`, with
//! simdutf8: 16 bytes at a time with wasm SIMD), and kept as a `String`, so no value is checked again when read.
//! Checking each value read instead (std's check, as before) was most of an export's unpacking, which reads every
//! value. Text that does not check, which cannot happen (it was checked when laid out or taken from the worker),
//! is kept as bytes and each value is read as UTF-8 when asked for; a value that would not read reads as nothing.

/// Where one row's values are.
#[derive(Clone, Copy, Debug)]
struct Span {
    /// Where its first value starts in the text.
    start: u32,
    /// Its first cell end in `ends`.
    first: u32,
    /// How many values.
    count: u32,
}

/// A block's text: checked UTF-8 (`Text::of`, or a block checked where it lies: `CheckedBlock::records`), else
/// bytes that did not check (each value read as UTF-8 when asked for).
#[derive(Debug)]
pub(super) enum Text {
    Checked(String),
    Bytes(Vec<u8>),
}

impl Text {
    /// `bytes` copied, checked whole as UTF-8.
    pub(super) fn of(bytes: &[u8]) -> Text {
        match simdutf8::basic::from_utf8(bytes) {
            Ok(text) => Text::Checked(text.to_owned()),
            Err(_) => Text::Bytes(bytes.to_vec()),
        }
    }

    pub(super) fn bytes(&self) -> &[u8] {
        match self {
            Text::Checked(text) => text.as_bytes(),
            Text::Bytes(bytes) => bytes,
        }
    }
}

impl Default for Text {
    fn default() -> Text {
        Text::Bytes(Vec::new())
    }
}

/// Where each value of a block's rows ends in its text, built a row at a time (`push_row`): what reading a block's
/// layout gives, kept so that it is read once (`RowBlock::check` builds it for a block from the worker).
#[derive(Clone, Debug, Default)]
pub(super) struct Layout {
    ends: Vec<u32>,
    spans: Vec<Span>,
}

impl Layout {
    /// Room for `rows` rows of `cells` values in all.
    pub(super) fn with_capacity(rows: usize, cells: usize) -> Layout {
        Layout { ends: Vec::with_capacity(cells), spans: Vec::with_capacity(rows) }
    }

    /// Adds the next row of `text`: its values' lengths, in order, from where the row before ended. `None` when
    /// they run past the text or cut a character.
    pub(super) fn push_row(&mut self, text: &[u8], lengths: impl Iterator<Item = u64>) -> Option<()> {
        let start = self.ends.last().copied().unwrap_or(0);
        let first = u32::try_from(self.ends.len()).ok()?;
        let mut end = u64::from(start);
        for length in lengths {
            end = end.checked_add(length)?;
            let end = u32::try_from(end).ok().filter(|e| is_char_boundary(text, *e as usize))?;
            self.ends.push(end);
        }
        let count = u32::try_from(self.ends.len()).ok()? - first;
        self.spans.push(Span { start, first, count });
        Some(())
    }

    /// Rows laid out.
    pub(super) fn rows(&self) -> usize {
        self.spans.len()
    }

    /// Where the text ends (the last value's end).
    pub(super) fn text_end(&self) -> usize {
        self.ends.last().map_or(0, |e| *e as usize)
    }

    /// Row `row`: where its first value starts, and where each of its values ends.
    pub(super) fn row(&self, row: usize) -> (usize, &[u32]) {
        match self.spans.get(row) {
            Some(span) => {
                let (first, count) = (span.first as usize, span.count as usize);
                (span.start as usize, self.ends.get(first..first + count).unwrap_or_default())
            }
            None => (0, &[]),
        }
    }
}

/// The text and cell ends of an unpacked block.
#[derive(Debug, Default)]
pub struct BlockText {
    text: Text,
    layout: Layout,
}

impl BlockText {
    /// A block of `text` laid out (`Layout::push_row` over that text).
    pub(super) fn laid_out(text: Text, layout: Layout) -> BlockText {
        BlockText { text, layout }
    }

    /// How many values row `row` has.
    pub(super) fn cells(&self, row: usize) -> usize {
        self.layout.spans.get(row).map_or(0, |s| s.count as usize)
    }

    /// Value `i` of row `row`, if there is one.
    pub(super) fn value(&self, row: usize, i: usize) -> Option<&str> {
        let span = self.layout.spans.get(row)?;
        if i >= span.count as usize {
            return None;
        }
        let at = span.first as usize + i;
        let start = if i == 0 { span.start } else { *self.layout.ends.get(at - 1)? };
        let range = start as usize..*self.layout.ends.get(at)? as usize;
        match &self.text {
            Text::Checked(text) => text.get(range),
            Text::Bytes(bytes) => std::str::from_utf8(bytes.get(range)?).ok(),
        }
    }
}

/// Whether `at` is the start or end of a character in the UTF-8 `text` (`str::is_char_boundary`).
fn is_char_boundary(text: &[u8], at: usize) -> bool {
    match text.get(at) {
        Some(byte) => (*byte as i8) >= -0x40, // not a continuation byte (0b10xx_xxxx)
        None => at == text.len(),
    }
}
