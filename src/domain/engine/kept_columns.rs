//! Which columns of a record a reader reads: the checking worker's check and count read a few (`ScanChecks::
//! columns_read`), so the scanning worker sends it the others' values left empty (`SlimBlocks`, `RowBlock::keeping`).
//!
//! Owns only the set: some columns by index, and every column from an index on (the values past the header's
//! width, which tell whether reading rejects a row).

/// Columns read: those marked, and every one at or past `from`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeptColumns {
    columns: Vec<bool>,
    from: Option<usize>,
}

impl KeptColumns {
    /// No column at all.
    pub fn none() -> KeptColumns {
        KeptColumns::default()
    }

    /// The `columns` given.
    pub fn of(columns: impl IntoIterator<Item = usize>) -> KeptColumns {
        let mut kept = KeptColumns::none();
        for column in columns {
            if kept.columns.len() <= column {
                kept.columns.resize(column + 1, false);
            }
            kept.columns[column] = true;
        }
        kept
    }

    /// These, and every column at or past `from`.
    pub fn and_from(self, from: usize) -> KeptColumns {
        let from = Some(self.from.map_or(from, |f| f.min(from)));
        KeptColumns { from, ..self }
    }

    /// The columns of both.
    pub fn and(self, other: KeptColumns) -> KeptColumns {
        let (mut longer, shorter) = if self.columns.len() >= other.columns.len() {
            (self.columns, other.columns)
        } else {
            (other.columns, self.columns)
        };
        for (kept, also) in longer.iter_mut().zip(shorter) {
            *kept |= also;
        }
        let from = match (self.from, other.from) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        KeptColumns { columns: longer, from }
    }

    /// Whether column `column` is read.
    pub fn keeps(&self, column: usize) -> bool {
        self.from.is_some_and(|from| column >= from) || self.columns.get(column).copied().unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_kept_as_marked_and_from_an_index_on() {
        let kept = KeptColumns::of([1, 4]).and(KeptColumns::of([2]).and_from(9)).and(KeptColumns::none().and_from(7));
        let keeps: Vec<usize> = (0..12).filter(|c| kept.keeps(*c)).collect();
        assert_eq!(keeps, vec![1, 2, 4, 7, 8, 9, 10, 11]);
        assert!(!KeptColumns::none().keeps(0));
        assert_eq!(KeptColumns::of([3]).and(KeptColumns::none()), KeptColumns::of([3]));
    }
}
