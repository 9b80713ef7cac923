//! Telling UTF-16 without a BOM from its NUL bytes.
//!
//! Owns the pattern test only; `decode` decides when to ask (no BOM, nothing forced) and decodes the whole file.
//! Invariant: the answer is UTF-16LE or UTF-16BE only when NULs sit almost all on one side of the byte pairs and the
//! start of the file decodes to text without control characters, so binary files stay binary.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE};

use super::BINARY_SNIFF_BYTES;

/// UTF-16 without a BOM (Excel "Unicode Text" saved by other tools): text in Latin scripts has a NUL as the high
/// byte of most characters, so NULs cluster on odd offsets (little-endian) or even ones (big-endian) and almost
/// never on the other. The start of the file must then decode to text without control characters.
pub(super) fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(BINARY_SNIFF_BYTES) & !1];
    let units = head.len() / 2;
    if units == 0 {
        return None;
    }
    let (mut even, mut odd) = (0, 0);
    for pair in head.chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    let encoding = if odd * 4 >= units && even * 20 <= odd {
        UTF_16LE
    } else if even * 4 >= units && odd * 20 <= even {
        UTF_16BE
    } else {
        return None;
    };
    let (text, _) = encoding.decode_without_bom_handling(head);
    let control = text.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'));
    // A surrogate pair cut at the end of the sniffed head decodes to one replacement character.
    let replaced = text.chars().filter(|&c| c == '\u{FFFD}').count();
    (!control && replaced <= 1).then_some(encoding)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::decode::decode;
    use crate::domain::read::ReadError;

    fn utf16(s: &str, little: bool) -> Vec<u8> {
        s.encode_utf16().flat_map(|u| if little { u.to_le_bytes() } else { u.to_be_bytes() }).collect()
    }

    #[test]
    fn utf16le_without_bom_is_told_from_its_nul_bytes() {
        let source = "Name\tCity\r\nJosé\tKöln\r\nZoë 🙂\tMalmö\r\n";
        let d = decode(&utf16(source, true), None).expect("decodes");
        assert_eq!((d.encoding, d.guessed, d.had_bom), (UTF_16LE, true, false));
        assert_eq!(d.text, source);
    }

    #[test]
    fn utf16be_without_bom_is_told_from_its_nul_bytes() {
        let source = "Name,City\nZoë,Zürich\n";
        let d = decode(&utf16(source, false), None).expect("decodes");
        assert_eq!((d.encoding, d.guessed), (UTF_16BE, true));
        assert_eq!(d.text, source);
    }

    #[test]
    fn a_surrogate_pair_across_the_sniffed_head_still_decodes_whole() {
        // The 8 KiB head ends in the middle of the emoji's surrogate pair; the whole file still decodes it.
        let mut source = "a".repeat(BINARY_SNIFF_BYTES / 2 - 1);
        source.push_str("🙂\n");
        let d = decode(&utf16(&source, true), None).expect("decodes");
        assert_eq!(d.encoding, UTF_16LE);
        assert!(d.text.ends_with("a🙂\n"));
    }

    #[test]
    fn an_odd_trailing_byte_in_utf16_becomes_one_replacement_character() {
        let mut bytes = utf16("Name\nAda\n", true);
        bytes.push(b'x');
        let d = decode(&bytes, None).expect("decodes");
        assert_eq!(d.text, "Name\nAda\n\u{FFFD}");
    }

    #[test]
    fn nul_bytes_on_both_offsets_are_still_binary() {
        assert_eq!(decode(b"A,B\n\x00\x01", None), Err(ReadError::Binary));
        assert_eq!(decode(b"\x00\x00\x00\x00ab", None), Err(ReadError::Binary));
    }

    #[test]
    fn nul_bytes_on_one_side_that_decode_to_control_characters_are_binary() {
        assert_eq!(decode(b"\x01\x00\x02\x00\x03\x00", None), Err(ReadError::Binary));
    }
}
