//! Unsigned LEB128 integers: seven bits a byte, low bits first, the top bit set on every byte but the last.
//!
//! Owns only the byte format `Rows` packs a block's row layout in (positions and cell lengths are mostly one
//! byte). Invariant: `read` gives back exactly what `write` wrote, and `None` (never a wrong number) for bytes
//! that end early or run past 64 bits.

/// Appends `value` to `out`.
#[inline]
pub(super) fn write(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// The number at `*at` in `bytes`, moving `*at` past it. Most of a layout's numbers take one byte: read at once.
#[inline]
pub(super) fn read(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let byte = *bytes.get(*at)?;
    if byte < 0x80 {
        *at += 1;
        return Some(u64::from(byte));
    }
    read_long(bytes, at)
}

/// `read` for a number of two bytes or more.
#[cold]
fn read_long(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *bytes.get(*at)?;
        *at += 1;
        value |= u64::from(byte & 0x7f).checked_shl(shift)?;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_come_back_as_written_and_cut_bytes_are_refused() {
        let values = [0, 1, 127, 128, 300, 16_383, 16_384, u64::from(u32::MAX), u64::MAX];
        let mut out = Vec::new();
        for v in values {
            write(&mut out, v);
        }
        assert_eq!(out[..4], [0, 1, 127, 0x80]);
        let mut at = 0;
        let back: Vec<u64> = values.iter().map(|_| read(&out, &mut at).expect("whole")).collect();
        assert_eq!((back.as_slice(), at), (values.as_slice(), out.len()));
        assert_eq!(read(&[0x80, 0x80], &mut 0), None, "ends early");
        assert_eq!(read(&[0xff; 11], &mut 0), None, "past 64 bits");
    }
}
