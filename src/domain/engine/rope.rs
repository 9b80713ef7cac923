//! A file written in pieces of `PIECE` bytes instead of one growing buffer: the .zip of a big import is written
//! into it, so memory never holds a half-copied 80 MB buffer (growing one copies it whole, twice the size at once)
//! and each piece goes to the browser as it is (`FileBytes`). Pieces the writer is done with can be handed over
//! while it writes on (`take_before`), so a .zip of hundreds of MB never sits whole in memory.
//!
//! Owns only writing and seeking over the pieces (the zip writer goes back to a header it wrote). A `Rope` is a
//! handle: clones share the same bytes, so the zip writer writes through one while its owner hands pieces over
//! through another. Invariant: every piece but the last is exactly `PIECE` bytes and pieces are handed over whole
//! from the front, so a position is found by division; the bytes handed over, then the rest, joined, are exactly
//! what was written where it was written. Going back before the bytes handed over is an error, never a silent loss.

use std::io::{self, Seek, SeekFrom, Write};
use std::sync::{Arc, Mutex, PoisonError};

use crate::domain::export::FileBytes;

/// Bytes per piece.
const PIECE: usize = 1 << 20;

/// A handle on bytes written in pieces (see the header).
#[derive(Clone, Debug, Default)]
pub struct Rope(Arc<Mutex<Pieces>>);

/// The bytes of a `Rope`: those not handed over yet, from position `base`, and where the next write goes.
#[derive(Debug, Default)]
struct Pieces {
    pieces: Vec<Vec<u8>>,
    base: u64,
    len: u64,
    pos: u64,
}

impl Rope {
    /// The bytes written and not handed over, in pieces.
    pub fn into_bytes(self) -> FileBytes {
        FileBytes::from_pieces(std::mem::take(&mut self.lock().pieces))
    }

    /// Bytes written so far (those handed over included).
    pub fn written(&self) -> u64 {
        self.lock().len
    }

    /// Hands over the whole pieces before position `end`, in order: the writer must never go back before `end`.
    pub fn take_before(&self, end: u64) -> Vec<Vec<u8>> {
        let mut p = self.lock();
        let whole = ((end.min(p.len).saturating_sub(p.base)) / PIECE as u64) as usize;
        let whole = whole.min(p.pieces.len());
        let taken: Vec<Vec<u8>> = p.pieces.drain(..whole).collect();
        p.base += (taken.len() * PIECE) as u64;
        taken
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Pieces> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Write for Rope {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let p = &mut *self.lock();
        if p.pos > p.len {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "a write past the end"));
        }
        if p.pos < p.base {
            return Err(io::Error::other("a write over bytes already handed over"));
        }
        let n = if p.pos < p.len {
            // Over bytes written before: within the piece that holds `pos`.
            let at = p.pos - p.base;
            let (piece, at) = ((at / PIECE as u64) as usize, (at % PIECE as u64) as usize);
            let piece = &mut p.pieces[piece];
            let n = buf.len().min(piece.len() - at);
            piece[at..at + n].copy_from_slice(&buf[..n]);
            n
        } else {
            if p.pieces.last().is_none_or(|piece| piece.len() == PIECE) {
                p.pieces.push(Vec::with_capacity(PIECE));
            }
            let last = p.pieces.last_mut().ok_or_else(|| io::Error::other("no piece"))?;
            let n = buf.len().min(PIECE - last.len());
            last.extend_from_slice(&buf[..n]);
            p.len += n as u64;
            n
        };
        p.pos += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Seek for Rope {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let p = &mut *self.lock();
        let pos = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => p.len.checked_add_signed(d),
            SeekFrom::Current(d) => p.pos.checked_add_signed(d),
        };
        p.pos = pos.ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "a seek before the start"))?;
        Ok(p.pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    #[test]
    fn writes_and_seeks_land_where_a_buffer_s_would() {
        let (mut rope, mut plain) = (Rope::default(), Cursor::new(Vec::new()));
        let big: Vec<u8> = (0..PIECE * 2 + 10).map(|i| (i % 251) as u8).collect();
        for (w, s) in [(&big[..], None), (&b"header"[..], Some(SeekFrom::Start(PIECE as u64 - 3))), (b"x", None)] {
            for out in [&mut rope as &mut dyn WriteSeek, &mut plain] {
                if let Some(s) = s {
                    out.seek(s).expect("seeks");
                }
                out.write_all(w).expect("writes");
            }
        }
        for out in [&mut rope as &mut dyn WriteSeek, &mut plain] {
            out.seek(SeekFrom::End(0)).expect("seeks");
            out.write_all(b"tail").expect("writes");
        }
        assert!(rope.seek(SeekFrom::Current(-(3 * PIECE as i64))).is_err());
        let pieces = rope.into_bytes();
        assert_eq!(pieces.to_vec(), plain.into_inner());
        assert!(pieces.pieces().iter().rev().skip(1).all(|p| p.len() == PIECE));
    }

    #[test]
    fn pieces_handed_over_and_the_rest_join_into_what_was_written() {
        let (mut rope, mut plain) = (Rope::default(), Cursor::new(Vec::new()));
        let handle = rope.clone();
        let mut handed = Vec::new();
        for i in 0..7u8 {
            let chunk = vec![i; PIECE / 2 + 17];
            rope.write_all(&chunk).expect("writes");
            plain.write_all(&chunk).expect("writes");
            // Keep the last 100 bytes open, as the zip writer keeps the header of the file it writes.
            handed.extend(handle.take_before(handle.written().saturating_sub(100)).concat());
        }
        assert!(handed.len() >= 2 * PIECE, "{} bytes handed over", handed.len());
        assert_eq!(handed.len() % PIECE, 0, "only whole pieces");
        // Going back into the bytes still held works; before them it is refused.
        let back = handle.written() - 50;
        for out in [&mut rope as &mut dyn WriteSeek, &mut plain] {
            out.seek(SeekFrom::Start(back)).expect("seeks");
            out.write_all(b"patched").expect("writes");
        }
        rope.seek(SeekFrom::Start(0)).expect("seeks");
        assert!(rope.write_all(b"x").is_err(), "the first bytes were handed over");
        assert_eq!(handle.take_before(0), Vec::<Vec<u8>>::new());
        handed.extend(rope.into_bytes().to_vec());
        assert_eq!(handed, plain.into_inner());
    }

    trait WriteSeek: Write + Seek {}
    impl<T: Write + Seek> WriteSeek for T {}
}
