//! A record's values in two allocations, whatever the number of columns: the text of every cell back to back, and
//! where each cell ends.
//!
//! Owns only the compact shape. A 2-million-row file of 21 columns would otherwise be 42 million strings, each with
//! its own header and allocation: most of the memory a big file took, and most of the time spent reading it.
//! Invariant: `ends` is non-decreasing, every end is a character boundary of `text`, and the last end is
//! `text.len()`.

use std::fmt;
use std::ops::Index;

/// The values of one record, in column order.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Cells {
    text: Box<str>,
    ends: Box<[u32]>,
}

impl Cells {
    /// How many values.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Value `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        self.text.get(start..end)
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
        let kept = width.min(self.len());
        let text_end = if kept == 0 { 0 } else { self.ends[kept - 1] as usize };
        let mut ends = self.ends[..kept].to_vec();
        ends.resize(width, text_end as u32);
        self.text = self.text[..text_end].into();
        self.ends = ends.into_boxed_slice();
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
            // A record is far below 4 GiB: the whole file is read into memory first.
            ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
        }
        Cells { text: text.into_boxed_str(), ends: ends.into_boxed_slice() }
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
