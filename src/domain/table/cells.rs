//! A record's values in two allocations, whatever the number of columns: the text of every cell back to back, and
//! where each cell ends (two bytes per cell); or, for a record of a packed table (`Rows`), no allocation at all: a
//! share of its unpacked block (`BlockText`) and its row in it.
//!
//! Owns only the compact shape. A 2-million-row file of 21 columns would otherwise be 42 million strings, each with
//! its own header and allocation: most of the memory a big file took, and most of the time spent reading it.
//! Invariant: `ends` is non-decreasing, every end is a character boundary of `text`, and the last end is
//! `text.len()` (or there are no values and no text). Two `Cells` are equal when their values are, whatever
//! their shape.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Index;
use std::sync::Arc;

use super::block_text::BlockText;

/// The values of one record, in column order.
#[derive(Clone)]
pub struct Cells(Shape);

#[derive(Clone)]
enum Shape {
    Own {
        text: Box<str>,
        ends: Ends,
    },
    /// Row `row` of an unpacked block.
    InBlock {
        block: Arc<BlockText>,
        row: u32,
    },
}

impl Default for Cells {
    fn default() -> Cells {
        Cells(Shape::Own { text: Box::default(), ends: Ends::default() })
    }
}

impl PartialEq for Cells {
    fn eq(&self, other: &Cells) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for Cells {}

impl Hash for Cells {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.len().hash(state);
        for value in self.iter() {
            value.hash(state);
        }
    }
}

/// Where each value ends in the text: two bytes each when the record's text is under 64 KiB (always, in practice).
#[derive(Clone, PartialEq, Eq, Hash)]
enum Ends {
    Narrow(Box<[u16]>),
    Wide(Box<[u32]>),
}

impl Default for Ends {
    fn default() -> Ends {
        Ends::Narrow(Box::default())
    }
}

impl Ends {
    fn of(ends: &[usize], text_len: usize) -> Ends {
        if text_len <= usize::from(u16::MAX) {
            Ends::Narrow(ends.iter().map(|e| *e as u16).collect())
        } else {
            // A record is far below 4 GiB: the reader never holds more than a chunk of text at once.
            Ends::Wide(ends.iter().map(|e| u32::try_from(*e).unwrap_or(u32::MAX)).collect())
        }
    }

    fn len(&self) -> usize {
        match self {
            Ends::Narrow(e) => e.len(),
            Ends::Wide(e) => e.len(),
        }
    }

    fn get(&self, i: usize) -> Option<usize> {
        match self {
            Ends::Narrow(e) => e.get(i).map(|e| usize::from(*e)),
            Ends::Wide(e) => e.get(i).map(|e| *e as usize),
        }
    }
}

impl Cells {
    /// Values from `text` cut at `ends` (each value's end, in order), in one allocation of exactly the text.
    /// `None` unless every end is a character boundary, in order, and the last one is the text's end.
    pub fn from_text(text: &str, ends: &[usize]) -> Option<Cells> {
        if !Cells::fits(text, ends) {
            return None;
        }
        Some(Cells(Shape::Own { text: text.into(), ends: Ends::of(ends, text.len()) }))
    }

    /// Whether `ends` cut `text` into values: in order, on character boundaries, the last one at the text's end.
    pub fn fits(text: &str, ends: &[usize]) -> bool {
        let ordered = ends.windows(2).all(|w| w[0] <= w[1]);
        let whole = ends.last().map_or(text.is_empty(), |last| *last == text.len());
        ordered && whole && ends.iter().all(|e| text.is_char_boundary(*e))
    }

    /// Row `row` of an unpacked block, sharing the block's text.
    pub(super) fn in_block(block: &Arc<BlockText>, row: usize) -> Cells {
        Cells(Shape::InBlock { block: Arc::clone(block), row: u32::try_from(row).unwrap_or(u32::MAX) })
    }

    /// How many values.
    pub fn len(&self) -> usize {
        match &self.0 {
            Shape::Own { ends, .. } => ends.len(),
            Shape::InBlock { block, row } => block.cells(*row as usize),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Value `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<&str> {
        match &self.0 {
            Shape::Own { text, ends } => {
                let end = ends.get(i)?;
                let start = if i == 0 { 0 } else { ends.get(i - 1)? };
                text.get(start..end)
            }
            Shape::InBlock { block, row } => block.value(*row as usize, i),
        }
    }

    /// Every value in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &str> + ExactSizeIterator + '_ {
        (0..self.len()).map(|i| self.get(i).unwrap_or(""))
    }

    /// Exactly `width` values: the last ones dropped, or empty ones added.
    pub fn resize(&mut self, width: usize) {
        if width == self.len() {
            return;
        }
        let kept = self.iter().take(width).chain(std::iter::repeat(""));
        *self = kept.take(width).collect();
    }

    /// Every value as its own string.
    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_owned).collect()
    }
}

impl<S: AsRef<str>> FromIterator<S> for Cells {
    fn from_iter<I: IntoIterator<Item = S>>(values: I) -> Cells {
        let mut text = String::new();
        let mut ends = Vec::new();
        for value in values {
            text.push_str(value.as_ref());
            ends.push(text.len());
        }
        let ends = Ends::of(&ends, text.len());
        Cells(Shape::Own { text: text.into_boxed_str(), ends })
    }
}

impl From<Vec<String>> for Cells {
    fn from(values: Vec<String>) -> Cells {
        values.iter().collect()
    }
}

impl From<Vec<&str>> for Cells {
    fn from(values: Vec<&str>) -> Cells {
        values.iter().collect()
    }
}

impl Index<usize> for Cells {
    type Output = str;

    /// Value `i`; panics when there is none, as a slice does.
    fn index(&self, i: usize) -> &str {
        match self.get(i) {
            Some(value) => value,
            None => panic!("value {i} of a record with {} values", self.len()),
        }
    }
}

impl<S: AsRef<str>> PartialEq<Vec<S>> for Cells {
    fn eq(&self, other: &Vec<S>) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|(a, b)| a == b.as_ref())
    }
}

impl fmt::Debug for Cells {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_come_back_as_they_went_in_including_empty_and_multibyte_ones() {
        let cells: Cells = ["a", "", "データ, \"x\"\n", ""].into_iter().collect();
        assert_eq!(cells.len(), 4);
        assert_eq!(cells, vec!["a", "", "データ, \"x\"\n", ""]);
        assert_eq!((cells.get(2), cells.get(4)), (Some("データ, \"x\"\n"), None));
        assert_eq!(&cells[0], "a");
        assert_eq!(cells.iter().rev().nth(1), Some("データ, \"x\"\n"));
        assert_eq!(format!("{cells:?}"), r#"["a", "", "データ, \"x\"\n", ""]"#);
    }

    #[test]
    fn from_text_takes_the_parser_s_ends_and_refuses_bad_ones() {
        let cells = Cells::from_text("aデータc", &[1, 1, 10, 11]).expect("valid ends");
        assert_eq!(cells, vec!["a", "", "データ", "c"]);
        assert_eq!(Cells::from_text("", &[]).map(|c| c.len()), Some(0));
        assert_eq!(Cells::from_text("", &[0, 0]), Some(Cells::from(vec!["", ""])));
        assert!(Cells::from_text("aデ", &[2, 4]).is_none(), "inside a character");
        assert!(Cells::from_text("abc", &[2, 1, 3]).is_none(), "out of order");
        assert!(Cells::from_text("abc", &[1, 2]).is_none(), "text left over");
    }

    #[test]
    fn a_record_of_more_than_64_kib_keeps_every_value() {
        let long = "x".repeat(70_000);
        let cells: Cells = ["a", long.as_str(), "b"].into_iter().collect();
        assert_eq!((cells.get(1).map(str::len), cells.get(2)), (Some(70_000), Some("b")));
        let mut cut = cells.clone();
        cut.resize(1);
        assert_eq!(cut, vec!["a"]);
    }

    #[test]
    fn resize_drops_the_last_values_or_adds_empty_ones() {
        let mut cells = Cells::from(vec!["1", "22", "333"]);
        cells.resize(5);
        assert_eq!(cells, vec!["1", "22", "333", "", ""]);
        cells.resize(2);
        assert_eq!(cells, vec!["1", "22"]);
        cells.resize(0);
        assert!(cells.is_empty());
        cells.resize(2);
        assert_eq!(cells, vec!["", ""]);
        assert_eq!(Cells::default().iter().count(), 0);
    }
}
