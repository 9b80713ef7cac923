//! The records of a table, kept packed: a block of `BLOCK_ROWS` rows at a time, LZ4-compressed, with only the
//! last unfinished block plain (a `RowBlock`: its layout and text, as a packed block holds them once unpacked).
//!
//! Owns how records are stored and handed out. A 2-million-row export is about 440 MB of cell text; plain, with a
//! record's bookkeeping, it took over 600 MB of the tab. Packed, the same rows take about a third of that, and a
//! pass over every row unpacks one block at a time (LZ4 unpacks far faster than any check reads).
//! Records come out owned (`get`, `iter`), never borrowed, and cost no allocation each: an unpacked block's
//! records share its text (`BlockText`). Records go in as a record (`push`), as the text and cell ends the reader
//! has (`push_bytes`), straight into the open block, or laid out already (`push_checked`, what the reading worker
//! sends: a full block is compressed from the message as it lies), so reading makes no record on the way.
//! A table is a view of the store: the title rows and the header left out at the front, the footer at the end,
//! and every record squared to the header's width as it comes out (`keep`, `square`), so putting the table
//! together never rewrites the rows. Invariants: `get(i)` and the `i`-th item of `iter` are the same record;
//! every record that comes out of a squared store has exactly the width's cells; every block but the open one
//! holds exactly `BLOCK_ROWS` records.
//! A store can also keep its blocks in the file (`keep_in_file`, for a big file on disk): the first two blocks and
//! the latest stay laid out (the header, the examples and the footer are there), the others are let go and only
//! the spreadsheet row of their first record is kept. A caller asks what is `missing` before reading records and
//! has it read back from the file (`engine::Refill`, by the scan's `FileIndex`) into at most `LOADED_BLOCKS`
//! loaded blocks, shared by every copy of the store (`fill`). Reading a block that was not filled gives no records:
//! a bug, caught by a debug assertion.

use std::collections::VecDeque;
use std::fmt;
use std::ops::Range;
use std::sync::{Arc, Mutex, PoisonError};

use super::block_text::Text;
use super::row_block::{first_row, le_number, records, CheckedBlock, RowBlock};
use super::{Cells, Position, Record};
use crate::domain::engine::{FileIndex, Reread};

/// Rows per packed block: about 220 KB of text in a contacts export, so unpacking one for a single row (a page
/// of the review grid) costs well under a millisecond, and LZ4 still finds the repeats between rows.
pub const BLOCK_ROWS: usize = 1024;

/// Blocks read back from the file kept at once (`Rows::fill`): about 20 MB of a contacts export, so a pass that
/// reads ahead a few batches of blocks never loses one it is about to use.
pub const LOADED_BLOCKS: usize = 64;
/// The most blocks `missing` asks for at once: half of what is kept loaded, so filling them never lets go of
/// those a step is about to read.
pub const MISSING_BLOCKS: usize = LOADED_BLOCKS / 2;
/// Records a pass in small batches asks to be read again at once (`Rows::missing_ahead`): as many as `missing`
/// gives, so each reading's start (up to a step before its first record) and end (the rest of the step its last
/// record ends in, read to check it) cost as little as they can.
pub const AHEAD_ROWS: usize = MISSING_BLOCKS * BLOCK_ROWS;

/// The records of a table, packed.
#[derive(Default)]
pub struct Rows {
    blocks: Vec<Block>,
    /// Records after the last packed block, fewer than `BLOCK_ROWS`.
    open: RowBlock,
    /// Stored records before the first one in view.
    skip: usize,
    /// Records in view.
    len: usize,
    /// The width every record is squared to as it comes out, once set.
    width: Option<usize>,
    /// The last block unpacked: a page of the grid, or a pass in batches, unpacks each block once.
    recent: Mutex<Option<(usize, Arc<[Record]>)>>,
    /// Where blocks are compressed before being copied out at their size: one buffer for every block, so reading
    /// makes no block-sized allocation that is freed at once (wasm memory never shrinks; such churn grows it).
    scratch: Vec<u8>,
    /// Full blocks are not kept but read again from the file when needed (`in_file`).
    in_file: bool,
    /// Blocks not kept, read back from the file (`fill`), the most recently used last. Shared by clones: they
    /// hold the same records.
    loaded: Arc<Mutex<Loaded>>,
    /// Where the records not kept are in the file, once known (`set_index`).
    index: Option<Arc<FileIndex>>,
}

/// Blocks read back from the file: each block's number and records, the most recently used last.
type Loaded = VecDeque<(usize, Arc<[Record]>)>;

/// `BLOCK_ROWS` records, kept one way or another.
#[derive(Clone)]
struct Block {
    kept: Kept,
    /// The fewest and the most cells of a record in the block.
    cells: (usize, usize),
}

#[derive(Clone)]
enum Kept {
    Packed {
        packed: Arc<[u8]>,
        /// Bytes once unpacked: the layout first, then the text.
        unpacked: usize,
        /// Bytes of the layout.
        layout: usize,
    },
    /// Laid out, not compressed: the first two blocks and the latest one of a store whose blocks are in the file
    /// (the header, the examples and the footer are found there).
    Plain { bytes: Arc<[u8]>, layout: usize },
    /// Not kept: read again from the file (`Rows::fill`). The spreadsheet row of its first record, to find a row.
    InFile { first_row: u64 },
}

impl Rows {
    pub fn new() -> Rows {
        Rows::default()
    }

    /// Records in view.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Adds a record at the end of the store; the view then reaches to it.
    pub fn push(&mut self, record: Record) {
        self.open.push(&record);
        self.pushed();
    }

    /// Adds a record given as the reader's bytes and cell ends (`RowBlock::push_bytes`).
    pub fn push_bytes(&mut self, pos: Position, text: &[u8], ends: &[usize], cells: impl FnOnce() -> Cells) {
        self.open.push_bytes(pos, text, ends, cells);
        self.pushed();
    }

    /// Adds the records of a block checked where it lies in a message (`RowBlock::check`): a full block that
    /// starts a block here (what the reading worker sends) is compressed from the message, never copied first.
    pub fn push_checked(&mut self, block: CheckedBlock<'_>) {
        if self.open.is_empty() && block.rows() == BLOCK_ROWS {
            let (bytes, layout) = block.bytes();
            self.push_full(bytes, layout, block.cells());
            self.pushed();
        } else {
            for record in block.records() {
                self.push(record);
            }
        }
    }

    /// Adds a full block packed elsewhere (`pack_block`, what the reading worker sends when this page is behind):
    /// unpacked into this store's scratch buffer and checked whole (`RowBlock::check`), then kept as it came, never
    /// compressed again. `None`, and nothing added, for bytes that do not unpack to a checked block.
    pub fn push_packed(&mut self, bytes: &[u8]) -> Option<()> {
        let number = |at| le_number(bytes, at);
        let (rows, layout, unpacked) = (number(0)?, number(8)?, number(16)?);
        let packed = bytes.get(24..)?;
        // LZ4 never makes a byte more than 255: a larger size is a garbled message, not memory to set aside.
        if unpacked > packed.len().saturating_mul(255).saturating_add(64) {
            return None;
        }
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        scratch.extend_from_slice(&(rows as u64).to_le_bytes());
        scratch.extend_from_slice(&(layout as u64).to_le_bytes());
        scratch.resize(16 + unpacked, 0);
        let unpacked_whole = lz4_flex::block::decompress_into(packed, &mut scratch[16..]).ok() == Some(unpacked);
        let checked = RowBlock::check(&scratch).filter(|_| unpacked_whole);
        let added = match checked {
            Some(block) if self.open.is_empty() && block.rows() == BLOCK_ROWS && !self.in_file => {
                let kept = Kept::Packed { packed: packed.into(), unpacked, layout };
                self.blocks.push(Block { kept, cells: block.cells() });
                self.pushed();
                Some(())
            }
            Some(block) => {
                self.push_checked(block);
                Some(())
            }
            None => None,
        };
        self.scratch = scratch;
        added
    }

    /// Adds a full block of a store whose blocks are in the file, let go of at once: sent without its records
    /// (`ScanMessage::Gone`, by a reading worker that checked them itself), only the spreadsheet row of its first
    /// record and the fewest and most cells of its records. `None`, and nothing added, unless the store keeps its
    /// blocks in the file, its first two blocks are in (those stay) and no block is open.
    pub fn push_gone(&mut self, first_row: u64, cells: (usize, usize)) -> Option<()> {
        if !self.in_file || !self.open.is_empty() || self.blocks.len() < 2 {
            return None;
        }
        if self.blocks.len() >= 3 {
            if let Some(latest) = self.blocks.last_mut() {
                latest.let_go();
            }
        }
        self.blocks.push(Block { kept: Kept::InFile { first_row }, cells });
        self.pushed();
        Some(())
    }

    /// After records were added to the open block: packs it once full, and forgets an unpacked copy of it.
    fn pushed(&mut self) {
        if self.open.rows() == BLOCK_ROWS {
            let full = std::mem::take(&mut self.open);
            let cells = full.cells();
            let (bytes, layout) = full.into_bytes();
            self.push_full(&bytes, layout, cells);
        }
        let recent = self.recent.get_mut().unwrap_or_else(PoisonError::into_inner);
        if recent.as_ref().is_some_and(|(b, _)| *b >= self.blocks.len().saturating_sub(1)) {
            *recent = None;
        }
        self.len = self.stored() - self.skip;
    }

    /// Adds a full block (its layout and text, the text from `layout` on): packed; or, in a store whose blocks are
    /// in the file, kept plain until the next one comes (the block before is then let go, but for the first).
    fn push_full(&mut self, bytes: &[u8], layout: usize, cells: (usize, usize)) {
        if !self.in_file {
            self.blocks.push(Block::pack(bytes, layout, cells, &mut self.scratch));
            return;
        }
        // The first two blocks stay: the header, the title rows and the first rows shown as examples are there.
        if self.blocks.len() >= 3 {
            if let Some(latest) = self.blocks.last_mut() {
                latest.let_go();
            }
        }
        self.blocks.push(Block { kept: Kept::Plain { bytes: bytes.into(), layout }, cells });
    }

    /// From now on, full blocks are not kept (but the first two and the latest): their records are read again from
    /// the file when needed, through `missing` and `fill`. Only for a store whose records all come from one text
    /// file, in order, so a block's stored records are the file's records at the same numbers (`FileIndex`).
    pub fn keep_in_file(&mut self) {
        self.in_file = true;
    }

    /// Whether some records are not kept but read again from the file when needed.
    pub fn is_in_file(&self) -> bool {
        self.in_file
    }

    /// Where the file's records can be read again (the scan's index, once it ended).
    pub fn set_index(&mut self, index: FileIndex) {
        self.index = Some(Arc::new(index));
    }

    /// The scan's index of the file the records were read from, once known (kept in the file or not).
    pub fn index(&self) -> Option<&FileIndex> {
        self.index.as_deref()
    }

    /// A reading of the file's records from number `first` on (counted from the file's first record, as `missing`
    /// gives them), to `fill` with. `None` when the records are not in a file or its index is not known.
    pub fn reread(&self, first: usize) -> Option<Reread> {
        self.index.as_ref().filter(|_| self.in_file).map(|index| index.reread(first as u64))
    }

    /// `missing` for the records in view at `needed` (in order): the blocks of those that are neither kept nor
    /// loaded, from the first such block to the last one within `MISSING_BLOCKS` of it. Filling what it gives
    /// until it gives nothing reads each needed block once, however far apart they are, as long as they are at
    /// most `LOADED_BLOCKS` (a page of the grid filtered to rows with problems).
    pub fn missing_of(&self, needed: &[usize]) -> Option<Range<usize>> {
        let mut found: Option<Range<usize>> = None;
        for &index in needed {
            let Some(missing) = self.missing(index..index + 1) else { continue };
            match &mut found {
                None => found = Some(missing),
                Some(f) if missing.end - f.start <= MISSING_BLOCKS * BLOCK_ROWS => f.end = f.end.max(missing.end),
                Some(_) => break,
            }
        }
        found
    }

    /// `missing` for `range`, or, when something is, for `ahead` records from its start: a pass in small batches
    /// then reads the file again in long runs (each costs a part of a step before its first record).
    pub fn missing_ahead(&self, range: Range<usize>, ahead: usize) -> Option<Range<usize>> {
        self.missing(range.clone())?;
        self.missing(range.start..range.start.saturating_add(ahead.max(range.len())))
    }

    /// `missing` for the records of `range` whose number of cells is not `width` (`uneven` reads only those): from
    /// the first such block to the last (at most `MISSING_BLOCKS`).
    pub fn missing_uneven(&self, range: Range<usize>, width: usize) -> Option<Range<usize>> {
        let end = range.end.min(self.len);
        let mut next = range.start.min(end);
        let mut found: Option<Range<usize>> = None;
        while next < end {
            let block = (self.skip + next) / BLOCK_ROWS;
            let block_end = ((block + 1) * BLOCK_ROWS - self.skip).min(end);
            let cells = self.blocks.get(block).map_or(self.open.cells(), |b| b.cells);
            if cells != (width, width) {
                if let Some(missing) = self.missing(next..block_end) {
                    match &mut found {
                        Some(f) if missing.end - f.start <= MISSING_BLOCKS * BLOCK_ROWS => f.end = missing.end,
                        Some(_) => break,
                        None => found = Some(missing),
                    }
                }
            }
            next = block_end;
        }
        found
    }

    /// The records of the file (counted from its first, at 0) to read again before the records in view at `range`
    /// can be had (`fill` them): every block of `range` that is neither kept nor loaded, and those between. `None`
    /// when all of them can be had now.
    pub fn missing(&self, range: Range<usize>) -> Option<Range<usize>> {
        let end = range.end.min(self.len);
        if range.start >= end {
            return None;
        }
        let (first, last) = ((self.skip + range.start) / BLOCK_ROWS, (self.skip + end - 1) / BLOCK_ROWS);
        let loaded = self.loaded.lock().unwrap_or_else(PoisonError::into_inner);
        let absent = |b: &usize| {
            self.blocks.get(*b).is_some_and(|block| matches!(block.kept, Kept::InFile { .. }))
                && !loaded.iter().any(|(l, _)| l == b)
        };
        let from = (first..=last).find(absent)?;
        let last = last.min(from + MISSING_BLOCKS - 1);
        let to = (from..=last).rev().find(absent).unwrap_or(from);
        Some(from * BLOCK_ROWS..(to + 1) * BLOCK_ROWS)
    }

    /// Takes records read again from the file: `records` are the file's records from number `first` on (as a
    /// `FileIndex::reread` gives them). Every block they hold whole that is not kept is loaded; the least recently
    /// used loaded ones are let go beyond `LOADED_BLOCKS`.
    pub fn fill(&self, first: usize, records: Vec<Record>) {
        self.fill_blocks(first, records, |_| true);
    }

    /// The block (as `fill_blocks` numbers them) of the record at `index` in view.
    pub fn block_of(&self, index: usize) -> usize {
        (self.skip + index) / BLOCK_ROWS
    }

    /// `fill`, loading only the blocks `keep` says (by number, `block_of`): the blocks read on the way to them are
    /// not kept, so they never push out one that is wanted.
    pub fn fill_blocks(&self, first: usize, records: Vec<Record>, keep: impl Fn(usize) -> bool) {
        let mut loaded = self.loaded.lock().unwrap_or_else(PoisonError::into_inner);
        let mut records = records.into_iter();
        let mut at = first;
        if !at.is_multiple_of(BLOCK_ROWS) {
            let skip = BLOCK_ROWS - at % BLOCK_ROWS;
            records.by_ref().take(skip).for_each(drop);
            at += skip;
        }
        loop {
            let block: Vec<Record> = records.by_ref().take(BLOCK_ROWS).collect();
            if block.len() < BLOCK_ROWS {
                return;
            }
            let b = at / BLOCK_ROWS;
            at += BLOCK_ROWS;
            let wanted = keep(b) && self.blocks.get(b).is_some_and(|block| matches!(block.kept, Kept::InFile { .. }));
            if wanted && !loaded.iter().any(|(l, _)| *l == b) {
                if loaded.len() >= LOADED_BLOCKS {
                    loaded.pop_front();
                }
                loaded.push_back((b, block.into()));
            }
        }
    }

    /// The record at `index` in view.
    pub fn get(&self, index: usize) -> Option<Record> {
        if index >= self.len {
            return None;
        }
        let at = self.skip + index;
        let record = self.unpacked(at / BLOCK_ROWS).get(at % BLOCK_ROWS).cloned();
        record.map(|r| self.squared(r))
    }

    /// The last record in view.
    pub fn last(&self) -> Option<Record> {
        self.len.checked_sub(1).and_then(|i| self.get(i))
    }

    /// Every record in view, in order.
    pub fn iter(&self) -> RowsIter<'_> {
        self.range(0..self.len)
    }

    /// The records in view at `range` (cut to the view), in order.
    pub fn range(&self, range: Range<usize>) -> RowsIter<'_> {
        let end = range.end.min(self.len);
        RowsIter { rows: self, next: range.start.min(end), end, block: None }
    }

    /// The index in view of the record at spreadsheet row `row`, if there is one (records are in row order).
    pub fn binary_search_by_row(&self, row: u64) -> Option<usize> {
        let (mut low, mut high) = self.rows_around(row);
        while low < high {
            let middle = low + (high - low) / 2;
            match self.get(middle).map(|r| r.pos.row.cmp(&row))? {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => return Some(middle),
            }
        }
        None
    }

    /// The records in view where spreadsheet row `row` can be: all of them, or, in a store whose blocks are in the
    /// file, those of the block where it would be (found by the blocks' first rows, without reading the file).
    pub fn rows_around(&self, row: u64) -> (usize, usize) {
        let first_rows: Vec<(usize, u64)> = (self.blocks.iter().enumerate())
            .filter_map(|(b, block)| match block.kept {
                Kept::InFile { first_row } => Some((b, first_row)),
                _ => None,
            })
            .collect();
        let in_view = |stored: usize| stored.saturating_sub(self.skip).min(self.len);
        let after = first_rows.partition_point(|(_, first)| *first <= row);
        let low = after.checked_sub(1).map_or(0, |i| in_view(first_rows[i].0 * BLOCK_ROWS));
        let high = first_rows.get(after).map_or(self.len, |(b, _)| in_view(b * BLOCK_ROWS));
        (low, high)
    }

    /// The index in view of the first record at spreadsheet row `row` or after it (`len()` when none is): by the
    /// rows around it (`rows_around`), which a caller of a store whose blocks are in the file fills first.
    pub fn first_at_or_after_row(&self, row: u64) -> usize {
        let (mut low, mut high) = self.rows_around(row);
        while low < high {
            let middle = low + (high - low) / 2;
            match self.get(middle) {
                Some(r) if r.pos.row < row => low = middle + 1,
                _ => high = middle,
            }
        }
        low
    }

    /// Whether the record at `index` in view can be had now (kept, or loaded from the file).
    pub fn has(&self, index: usize) -> bool {
        index < self.len && self.missing(index..index + 1).is_none()
    }

    /// Every record in view as a plain list.
    pub fn to_vec(&self) -> Vec<Record> {
        self.iter().collect()
    }

    /// Records stored before the first one in view (the title rows and the header of a table): a record's index in
    /// view plus this is its index among the file's records.
    pub fn skipped(&self) -> usize {
        self.skip
    }

    /// Narrows the view to `range` of what is in view now (cut to it).
    pub fn keep(&mut self, range: Range<usize>) {
        let end = range.end.min(self.len);
        let start = range.start.min(end);
        self.skip += start;
        self.len = end - start;
    }

    /// Squares every record to `width` cells as it comes out: the last ones dropped, or empty ones added.
    pub fn square(&mut self, width: usize) {
        self.width = Some(width);
    }

    /// The records in view at `range` whose stored number of cells is not `width`, with their index in view.
    /// Blocks whose records all have `width` cells are passed over without unpacking them.
    pub fn uneven(&self, range: Range<usize>, width: usize) -> impl Iterator<Item = (usize, Record)> + '_ {
        let end = range.end.min(self.len);
        let mut next = range.start.min(end);
        let mut found: std::vec::IntoIter<(usize, Record)> = Vec::new().into_iter();
        std::iter::from_fn(move || loop {
            if let Some(item) = found.next() {
                return Some(item);
            }
            if next >= end {
                return None;
            }
            let block = (self.skip + next) / BLOCK_ROWS;
            let block_end = ((block + 1) * BLOCK_ROWS - self.skip).min(end);
            let cells = self.blocks.get(block).map_or(self.open.cells(), |b| b.cells);
            if cells != (width, width) && self.missing(next..block_end).is_some() {
                // Not in memory: a caller that reads uneven records first has them `fill`ed (`missing`).
                debug_assert!(false, "block {block} read before it was filled");
            }
            found = if cells == (width, width) {
                Vec::new().into_iter()
            } else {
                let records = self.unpacked(block);
                let first = block * BLOCK_ROWS;
                (next..block_end)
                    .filter_map(|i| Some((i, records.get(self.skip + i - first)?)))
                    .filter(|(_, r)| r.cells.len() != width)
                    .map(|(i, r)| (i, r.clone()))
                    .collect::<Vec<_>>()
                    .into_iter()
            };
            next = block_end;
        })
    }

    /// Bytes the records take: the packed blocks and the open one.
    pub fn bytes(&self) -> usize {
        let kept: usize = self.blocks.iter().map(Block::bytes).sum();
        kept + self.open.size()
    }

    fn stored(&self) -> usize {
        self.blocks.len() * BLOCK_ROWS + self.open.rows()
    }

    fn squared(&self, mut record: Record) -> Record {
        if let Some(width) = self.width {
            record.cells.resize(width);
        }
        record
    }

    /// Block `block` unpacked (the open block after the packed ones), from the last one kept when it is that block.
    fn unpacked(&self, block: usize) -> Arc<[Record]> {
        let mut recent = self.recent.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((b, records)) = recent.as_ref() {
            if *b == block {
                return Arc::clone(records);
            }
        }
        let records: Arc<[Record]> = match self.blocks.get(block) {
            Some(Block { kept: Kept::InFile { .. }, .. }) => {
                let mut loaded = self.loaded.lock().unwrap_or_else(PoisonError::into_inner);
                let Some(at) = loaded.iter().position(|(b, _)| *b == block) else {
                    // A caller reads records it did not have `fill`ed (`missing`): none come out, which is a bug.
                    debug_assert!(false, "block {block} read before it was filled");
                    return Arc::from(Vec::new());
                };
                // The most recently used last.
                let entry = loaded.remove(at).unwrap_or_else(|| (block, Arc::from(Vec::new())));
                let records = Arc::clone(&entry.1);
                loaded.push_back(entry);
                records
            }
            Some(kept) => kept.unpack().into(),
            None if block == self.blocks.len() => self.open.records().into(),
            None => Arc::from(Vec::new()),
        };
        *recent = Some((block, Arc::clone(&records)));
        records
    }
}

/// A block packed as a `Rows` keeps it, for sending (`Rows::push_packed` takes it): its number of records, where its
/// text starts and its size unpacked, then the LZ4 bytes of its layout and text.
pub fn pack_block(block: RowBlock) -> Vec<u8> {
    let rows = block.rows();
    let (bytes, layout) = block.into_bytes();
    let mut out = Vec::with_capacity(24 + lz4_flex::block::get_maximum_output_size(bytes.len()));
    for number in [rows, layout, bytes.len()] {
        out.extend_from_slice(&(number as u64).to_le_bytes());
    }
    compress_onto(&bytes, &mut out);
    out
}

/// Appends the LZ4 block of `bytes` to `out`, compressed in place (no buffer of its own).
fn compress_onto(bytes: &[u8], out: &mut Vec<u8>) {
    let start = out.len();
    out.resize(start + lz4_flex::block::get_maximum_output_size(bytes.len()), 0);
    match lz4_flex::block::compress_into(bytes, &mut out[start..]) {
        Ok(n) => out.truncate(start + n),
        // Only a buffer too small fails, and this one has the most LZ4 can need: compressed anew all the same.
        Err(_) => {
            out.truncate(start);
            out.extend_from_slice(&lz4_flex::block::compress(bytes));
        }
    }
}

impl Block {
    /// Packs a full block's records: its layout and text (`bytes`, the text from `layout` on), compressed
    /// together in `scratch` and copied out at their size.
    fn pack(bytes: &[u8], layout: usize, cells: (usize, usize), scratch: &mut Vec<u8>) -> Block {
        scratch.clear();
        compress_onto(bytes, scratch);
        Block { kept: Kept::Packed { packed: scratch.as_slice().into(), unpacked: bytes.len(), layout }, cells }
    }

    /// The records back, exactly as kept (none for a block in the file: `Rows::unpacked` loads those).
    fn unpack(&self) -> Vec<Record> {
        match &self.kept {
            Kept::Packed { packed, unpacked, layout } => {
                // The bytes were packed here from a checked block and never left memory: failing to unpack them
                // is a broken invariant, not a file problem, so it is not turned into a finding.
                let bytes = lz4_flex::block::decompress(packed, *unpacked).expect("a block unpacks as packed");
                let (layout, text) = bytes.split_at((*layout).min(bytes.len()));
                records(layout, Text::of(text))
            }
            Kept::Plain { bytes, layout } => {
                let (layout, text) = bytes.split_at((*layout).min(bytes.len()));
                records(layout, Text::of(text))
            }
            Kept::InFile { .. } => Vec::new(),
        }
    }

    /// Lets a plain block go: from now on it is read again from the file.
    fn let_go(&mut self) {
        if let Kept::Plain { bytes, layout } = &self.kept {
            let layout = bytes.get(..*layout).unwrap_or_default();
            // A block laid out here always has a first record.
            let first_row = first_row(layout).unwrap_or(0);
            self.kept = Kept::InFile { first_row };
        }
    }

    /// Bytes kept in memory.
    fn bytes(&self) -> usize {
        match &self.kept {
            Kept::Packed { packed, .. } => packed.len(),
            Kept::Plain { bytes, .. } => bytes.len(),
            Kept::InFile { .. } => 0,
        }
    }
}

/// The records of a `Rows` in order, a block unpacked at a time (through the store's last-block cache, so a
/// pass in batches that start and stop inside blocks unpacks each block once).
pub struct RowsIter<'a> {
    rows: &'a Rows,
    next: usize,
    end: usize,
    /// The block in hand, unpacked.
    block: Option<(usize, Arc<[Record]>)>,
}

impl Iterator for RowsIter<'_> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        if self.next >= self.end {
            return None;
        }
        let rows = self.rows;
        let at = rows.skip + self.next;
        self.next += 1;
        let block = at / BLOCK_ROWS;
        if self.block.as_ref().is_none_or(|(b, _)| *b != block) {
            self.block = Some((block, rows.unpacked(block)));
        }
        let record = self.block.as_ref().and_then(|(_, records)| records.get(at % BLOCK_ROWS).cloned());
        record.map(|r| rows.squared(r))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.end - self.next;
        (left, Some(left))
    }
}

impl ExactSizeIterator for RowsIter<'_> {}

impl Clone for Rows {
    fn clone(&self) -> Rows {
        Rows {
            blocks: self.blocks.clone(),
            open: self.open.clone(),
            skip: self.skip,
            len: self.len,
            width: self.width,
            recent: Mutex::new(None),
            scratch: Vec::new(),
            in_file: self.in_file,
            loaded: Arc::clone(&self.loaded),
            index: self.index.clone(),
        }
    }
}

impl PartialEq for Rows {
    /// The same records in view, however they are stored.
    fn eq(&self, other: &Rows) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl Eq for Rows {}

impl fmt::Debug for Rows {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl FromIterator<Record> for Rows {
    fn from_iter<I: IntoIterator<Item = Record>>(records: I) -> Rows {
        let mut rows = Rows::new();
        for record in records {
            rows.push(record);
        }
        rows
    }
}

impl From<Vec<Record>> for Rows {
    fn from(records: Vec<Record>) -> Rows {
        records.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(i: usize) -> Record {
        let cells: Cells = match i % 5 {
            0 => vec![format!("Ada {i}"), String::new(), "São Paulo; \"x\"\n".into()].into(),
            1 => vec![format!("{i}")].into(),
            2 => Cells::default(),
            _ => vec![format!("Grace {i}"), "データ".into(), "c".repeat(i % 300), "d".into()].into(),
        };
        Record { pos: Position { row: i as u64 * 2 + 2, line: i as u64 * 3 + 2 }, cells }
    }

    fn records(n: usize) -> Vec<Record> {
        (0..n).map(record).collect()
    }

    #[test]
    fn records_come_back_as_pushed_whether_packed_or_not() {
        for n in [0, 1, BLOCK_ROWS - 1, BLOCK_ROWS, BLOCK_ROWS + 1, 3 * BLOCK_ROWS + 17] {
            let plain = records(n);
            let rows = Rows::from(plain.clone());
            assert_eq!(rows.len(), n);
            assert_eq!(rows.to_vec(), plain, "{n} rows");
            for i in [0, n / 2, n.saturating_sub(1), n] {
                assert_eq!(rows.get(i), plain.get(i).cloned(), "row {i} of {n}");
            }
            assert_eq!(rows.last(), plain.last().cloned());
            assert_eq!(rows.iter().len(), n);
        }
    }

    #[test]
    fn a_range_from_inside_a_block_and_a_narrowed_view_give_the_same_records_as_a_list() {
        let n = 2 * BLOCK_ROWS + 40;
        let plain = records(n);
        let mut rows = Rows::from(plain.clone());
        for range in [3..10, BLOCK_ROWS - 1..BLOCK_ROWS + 2, 5..n, n - 3..n + 5, 7..7] {
            let expected: Vec<Record> = plain[range.start.min(n)..range.end.min(n)].to_vec();
            assert_eq!(rows.range(range.clone()).collect::<Vec<_>>(), expected, "{range:?}");
        }
        rows.keep(BLOCK_ROWS - 2..n - 5);
        let kept = &plain[BLOCK_ROWS - 2..n - 5];
        assert_eq!(rows.to_vec(), kept);
        assert_eq!((rows.get(0), rows.get(kept.len())), (Some(kept[0].clone()), None));
        rows.keep(1..3);
        assert_eq!(rows.to_vec(), &kept[1..3]);
    }

    #[test]
    fn a_squared_view_gives_every_record_the_width_and_uneven_finds_the_rows_stored_otherwise() {
        let n = 2 * BLOCK_ROWS + 10;
        let plain = records(n);
        let mut rows = Rows::from(plain.clone());
        rows.keep(2..n);
        rows.square(3);
        assert!(rows.iter().all(|r| r.cells.len() == 3));
        let mut third = plain[5].cells.clone();
        third.resize(3);
        assert_eq!(rows.get(3).map(|r| r.cells), Some(third));
        let uneven: Vec<usize> = rows.uneven(0..rows.len(), 3).map(|(i, _)| i).collect();
        let expected: Vec<usize> = (0..n - 2).filter(|i| plain[i + 2].cells.len() != 3).collect();
        assert_eq!(uneven, expected);
        let some: Vec<(usize, Record)> = rows.uneven(BLOCK_ROWS..BLOCK_ROWS + 6, 3).collect();
        assert!(some.iter().all(|(i, r)| plain[i + 2] == *r && (BLOCK_ROWS..BLOCK_ROWS + 6).contains(i)));
        assert_eq!(some.len(), expected.iter().filter(|i| (BLOCK_ROWS..BLOCK_ROWS + 6).contains(*i)).count());
    }

    #[test]
    fn a_record_given_as_bytes_and_ends_is_the_record_of_its_values_and_bad_ends_add_only_the_readers_cells() {
        let mut rows = Rows::new();
        let pos = Position { row: 2, line: 2 };
        rows.push_bytes(pos, "aデータc".as_bytes(), &[1, 1, 10, 11], || panic!("the bytes fit their ends"));
        assert_eq!(rows.get(0).map(|r| r.cells), Some(Cells::from(vec!["a", "", "データ", "c"])));
        let mut other = Rows::new();
        for ends in [&[2, 4][..], &[2, 1, 3], &[1, 2]] {
            other.push_bytes(pos, "aデc".as_bytes(), ends, || Cells::from(vec!["as read"]));
            assert_eq!(other.last().map(|r| r.cells), Some(Cells::from(vec!["as read"])), "{ends:?}");
        }
        other.push_bytes(pos, b"\xff", &[1], || Cells::from(vec!["\u{FFFD}"]));
        assert_eq!(other.last().map(|r| r.cells), Some(Cells::from(vec!["\u{FFFD}"])), "not UTF-8");
        assert_eq!((rows.len(), other.len()), (1, 4));
        // A record looked at, then more added to its (open) block: the block is not served from before.
        rows.push(Record { pos: Position { row: 3, line: 3 }, cells: vec!["b"].into() });
        assert_eq!(rows.last().map(|r| r.pos.row), Some(3));
        for i in 0..BLOCK_ROWS {
            rows.push(record(i));
        }
        assert_eq!((rows.len(), rows.last()), (BLOCK_ROWS + 2, Some(record(BLOCK_ROWS - 1))));
        assert_eq!(rows.get(BLOCK_ROWS - 1), Some(record(BLOCK_ROWS - 3)), "the last record of the first block");
    }

    #[test]
    fn a_block_of_uniform_records_is_passed_over_and_packing_saves_memory() {
        let wide: Vec<Record> = (0..BLOCK_ROWS * 2)
            .map(|i| Record {
                pos: Position { row: i as u64 + 2, line: i as u64 + 2 },
                cells: vec![format!("00300000000{i:07}"), "Nguyen".into(), "Partner".into()].into(),
            })
            .collect();
        let rows = Rows::from(wide.clone());
        assert_eq!(rows.uneven(0..rows.len(), 3).count(), 0);
        let plain: usize = wide.iter().map(|r| r.cells.iter().map(str::len).sum::<usize>()).sum();
        assert!(rows.bytes() * 2 < plain, "{} packed of {plain}", rows.bytes());
        assert_eq!(rows.clone(), rows);
    }
}
