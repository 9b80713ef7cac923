//! A file written in pieces of `PIECE` bytes instead of one growing buffer: the .zip of a big import is written
//! into it, so memory never holds a half-copied 80 MB buffer (growing one copies it whole, twice the size at once)
//! and each piece goes to the browser as it is (`FileBytes`).
//!
//! Owns only writing and seeking over the pieces (the zip writer goes back to a header it wrote). Invariant:
//! every piece but the last is exactly `PIECE` bytes, so a position is found by division; the bytes, joined, are
//! exactly what was written where it was written.

use std::io::{self, Seek, SeekFrom, Write};

use crate::domain::export::FileBytes;

/// Bytes per piece.
const PIECE: usize = 1 << 20;

/// Bytes written so far, in pieces, and where the next write goes.
#[derive(Debug, Default)]
pub struct Rope {
    pieces: Vec<Vec<u8>>,
    len: u64,
    pos: u64,
}

impl Rope {
    /// The bytes written, in pieces.
    pub fn into_bytes(self) -> FileBytes {
        FileBytes::from_pieces(self.pieces)
    }
}

impl Write for Rope {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.pos > self.len {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "a write past the end"));
        }
        let n = if self.pos < self.len {
            // Over bytes written before: within the piece that holds `pos`.
            let (piece, at) = ((self.pos / PIECE as u64) as usize, (self.pos % PIECE as u64) as usize);
            let piece = &mut self.pieces[piece];
            let n = buf.len().min(piece.len() - at);
            piece[at..at + n].copy_from_slice(&buf[..n]);
            n
        } else {
            if self.pieces.last().is_none_or(|p| p.len() == PIECE) {
                self.pieces.push(Vec::with_capacity(PIECE));
            }
            let last = self.pieces.last_mut().ok_or_else(|| io::Error::other("no piece"))?;
            let n = buf.len().min(PIECE - last.len());
            last.extend_from_slice(&buf[..n]);
            self.len += n as u64;
            n
        };
        self.pos += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Seek for Rope {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let pos = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = pos.ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "a seek before the start"))?;
        Ok(self.pos)
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

    trait WriteSeek: Write + Seek {}
    impl<T: Write + Seek> WriteSeek for T {}
}
