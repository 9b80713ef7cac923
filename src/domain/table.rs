//! The table read from a file: headers and records, each record with the position the admin can find it at.
//!
//! Owns only the in-memory shape. Reading lives in `read`; meaning (fields, validation) lives elsewhere.
//! Invariant: every record has exactly `headers.len()` cells (short rows are padded, long rows truncated by the
//! reader, which reports both).

use serde::{Deserialize, Serialize};

mod block_text;
mod cells;
mod row_block;
mod rows;
mod varint;

pub use cells::Cells;
pub use row_block::{CheckedBlock, RecordValues, RowBlock};
pub use rows::{pack_block, Rows, RowsIter, AHEAD_ROWS, BLOCK_ROWS, LOADED_BLOCKS, MISSING_BLOCKS};

/// Where a record is: the row number a spreadsheet shows (the header is row 1, the first data row is row 2)
/// and the physical line in the file it starts on. A quoted newline makes the two differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Position {
    pub row: u64,
    pub line: u64,
}

/// One data record of the source file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub pos: Position,
    pub cells: Cells,
}

/// A whole source file as headers and records.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    pub headers: Vec<String>,
    pub records: Rows,
}

impl Table {
    /// The index of the column with exactly this header.
    pub fn column(&self, header: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == header)
    }

    /// The cell at `record`, `column`, or "" when out of range.
    pub fn cell(&self, record: usize, column: usize) -> String {
        self.records.get(record).and_then(|r| r.cells.get(column).map(str::to_owned)).unwrap_or_default()
    }
}
