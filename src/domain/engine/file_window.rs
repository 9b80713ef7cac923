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

    /// Where the bytes held end: where the next span read ahead starts (`extend`).
    pub fn end(&self) -> u64 {
        self.start + self.bytes.len() as u64
    }

    /// Whether `range` starts among the bytes held and goes on after them: what `extend` can cover.
    pub fn continues(&self, range: &Range<u64>) -> bool {
        range.start >= self.start && range.start <= self.end() && range.end > self.end()
    }

    /// Lets go of the bytes held before `from` (they are scanned), keeps the rest and makes room for `len` more
    /// after them: the file's bytes from `end()`, which the caller copies into the slice given (one copy, straight
    /// from the browser's buffer). So a range across two spans read one after the other is covered.
    pub fn extend(&mut self, from: u64, len: usize) -> &mut [u8] {
        let keep_from = (from.saturating_sub(self.start) as usize).min(self.bytes.len());
        self.bytes.drain(..keep_from);
        self.start += keep_from as u64;
        let held = self.bytes.len();
        self.bytes.resize(held + len, 0);
        &mut self.bytes[held..]
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

    #[test]
    fn a_window_extended_by_the_next_span_keeps_what_is_not_scanned_yet() {
        let file: Vec<u8> = (0..100u8).collect();
        let mut window = FileWindow::default();
        window.fill(0, file[..30].to_vec());
        assert!(window.continues(&(25..40)) && !window.continues(&(10..20)) && !window.continues(&(31..40)));
        window.extend(25, 30).copy_from_slice(&file[30..60]);
        assert_eq!(window.end(), 60);
        assert_eq!(window.get(25..40), &file[25..40]);
        assert_eq!(window.get(20..30), b"", "the bytes before the range are let go");
        // A range that starts exactly at the end keeps nothing.
        window.extend(60, 40).copy_from_slice(&file[60..]);
        assert_eq!(window.get(60..100), &file[60..]);
        assert_eq!(window.get(59..61), b"");
    }
}
