//! The part of a file in memory while it is read from start to end: one span of bytes, read (by the caller, from
//! disk) at least a few MB at a time, so the browser's cost per read does not show and the file is never whole in
//! memory. Shared by the page's reader (`ui::file_source::Window`) and the reading worker (`web::read_worker`).
//!
//! Owns only the arithmetic: whether a range is in memory, which span to read next, and the bytes of a range.
//! Invariant: `get` gives exactly the file's bytes of a covered range, and nothing outside what is held.

use std::ops::Range;

#[derive(Debug, Default)]
pub struct FileWindow {
    start: u64,
    bytes: Vec<u8>,
}

impl FileWindow {
    /// Whether the bytes of `range` are held.
    pub fn covers(&self, range: &Range<u64>) -> bool {
        range.start >= self.start && range.end <= self.start + self.bytes.len() as u64
    }

    /// What to read so that `range` is covered: from its start, at least `at_least` bytes, up to the file's `size`.
    pub fn span(range: &Range<u64>, at_least: u64, size: u64) -> Range<u64> {
        range.start..range.end.max(range.start + at_least).min(size)
    }

    /// Lets go of the bytes held (before the next span is read, so two are never in memory at once).
    pub fn clear(&mut self) {
        self.bytes = Vec::new();
    }

    /// Holds `bytes`, the file's bytes from `start`.
    pub fn fill(&mut self, start: u64, bytes: Vec<u8>) {
        (self.start, self.bytes) = (start, bytes);
    }

    /// The bytes of `range` when it is held, else none.
    pub fn get(&self, range: Range<u64>) -> &[u8] {
        if !self.covers(&range) {
            return &[];
        }
        let (from, to) = ((range.start - self.start) as usize, (range.end - self.start) as usize);
        self.bytes.get(from..to).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_read_from_a_range_start_covers_it_and_gives_the_files_bytes() {
        let file: Vec<u8> = (0..100u8).collect();
        let mut window = FileWindow::default();
        assert!(!window.covers(&(0..1)) && window.covers(&(0..0)));
        for range in [0..10, 5..30, 40..41, 95..100, 99..100] {
            if !window.covers(&range) {
                let span = FileWindow::span(&range, 16, file.len() as u64);
                assert!(span.start == range.start && span.end >= range.end && span.end <= 100, "{span:?}");
                window.clear();
                window.fill(span.start, file[span.start as usize..span.end as usize].to_vec());
            }
            assert!(window.covers(&range));
            assert_eq!(window.get(range.clone()), &file[range.start as usize..range.end as usize]);
        }
        assert_eq!(FileWindow::span(&(10..50), 16, 100), 10..50);
        assert_eq!(window.get(0..10), b"", "nothing outside what is held");
        assert_eq!(window.get(90..97), b"", "nor a range only partly held");
    }
}
