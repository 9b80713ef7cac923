//! Physical line numbers of byte offsets in the decoded text, and where a record's content starts and ends.
//!
//! Owns what a line break is: `\r\n` is one break, a lone `\r` or `\n` one each. Does not know records, quotes or
//! spreadsheet rows (`records` turns lines into rows). Invariant: counting only goes forwards, in one pass over the
//! text; an earlier target answers with the last line counted.

/// Physical line numbers of byte offsets, counted forwards only. `\r\n` is one break, a lone `\r` or `\n` one each.
pub(super) struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Self {
        LineCounter { bytes, offset: 0, line: 1 }
    }

    /// The 1-based line of `target`; targets must not go backwards (earlier ones answer with the last line).
    pub(super) fn line_at(&mut self, target: usize) -> u64 {
        let target = target.min(self.bytes.len());
        while self.offset < target {
            self.line += u64::from(self.is_break(self.offset));
            self.offset += 1;
        }
        self.line
    }

    fn is_break(&self, i: usize) -> bool {
        match self.bytes[i] {
            b'\n' => true,
            b'\r' => self.bytes.get(i + 1) != Some(&b'\n'),
            _ => false,
        }
    }

    /// The first byte at or after `byte` that is not a line break: where a record really starts
    /// (the reader's position sits before skipped blank lines and before the `\n` of a `\r\n`).
    pub(super) fn content_start(&self, byte: u64) -> usize {
        let mut i = usize::try_from(byte).unwrap_or(usize::MAX).min(self.bytes.len());
        while matches!(self.bytes.get(i), Some(b'\r' | b'\n')) {
            i += 1;
        }
        i
    }

    /// The byte just after the last non-break byte before `byte`: where a record's content ends.
    pub(super) fn content_end(&self, byte: u64) -> usize {
        let mut i = usize::try_from(byte).unwrap_or(usize::MAX).min(self.bytes.len());
        while i > 0 && matches!(self.bytes[i - 1], b'\r' | b'\n') {
            i -= 1;
        }
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_counter_counts_each_kind_of_break_once() {
        let mut lines = LineCounter::new(b"a\r\nb\rc\nd");
        assert_eq!(lines.line_at(1), 1);
        assert_eq!(lines.line_at(2), 1);
        assert_eq!(lines.line_at(3), 2);
        assert_eq!(lines.line_at(5), 3);
        assert_eq!(lines.line_at(7), 4);
        assert_eq!(lines.line_at(99), 4);
    }
}
