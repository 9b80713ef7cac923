//! Incremental decoding: bytes arrive in chunks of any size, text comes out as UTF-8, and a character cut by a
//! chunk boundary (a UTF-8 sequence, a UTF-16 surrogate pair, a Shift_JIS pair) is completed by the next chunk.
//!
//! Owns the encoding_rs `Decoder` for one file; the encoding itself is decided beforehand from a sample. A BOM of
//! that encoding at the very start is removed; malformed bytes become U+FFFD, as in the whole-file path.

use encoding_rs::{CoderResult, Decoder, Encoding};

pub struct ChunkDecoder {
    decoder: Decoder,
}

impl ChunkDecoder {
    pub fn new(encoding: &'static Encoding) -> ChunkDecoder {
        ChunkDecoder { decoder: encoding.new_decoder_with_bom_removal() }
    }

    /// A decoder for the middle of the file (at a character boundary): no BOM is looked for.
    pub fn resume(encoding: &'static Encoding) -> ChunkDecoder {
        ChunkDecoder { decoder: encoding.new_decoder_without_bom_handling() }
    }

    /// Decodes `bytes` onto the end of `out`. `last` marks the final chunk (a cut-off character at the very end is
    /// then written as U+FFFD). Whether any malformed bytes were replaced with U+FFFD.
    pub fn push(&mut self, mut bytes: &[u8], last: bool, out: &mut String) -> bool {
        let mut replaced = false;
        loop {
            let room = self.decoder.max_utf8_buffer_length(bytes.len()).unwrap_or(bytes.len() * 3 + 16);
            out.reserve(room);
            let (result, read, had_replacements) = self.decoder.decode_to_string(bytes, out, last);
            replaced |= had_replacements;
            bytes = &bytes[read..];
            if result == CoderResult::InputEmpty {
                return replaced;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{SHIFT_JIS, UTF_16LE, UTF_8, WINDOWS_1252};

    fn in_chunks(encoding: &'static Encoding, bytes: &[u8], size: usize) -> String {
        let mut d = ChunkDecoder::new(encoding);
        let mut out = String::new();
        let chunks: Vec<&[u8]> = bytes.chunks(size).collect();
        for (i, c) in chunks.iter().enumerate() {
            d.push(c, i + 1 == chunks.len(), &mut out);
        }
        out
    }

    #[test]
    fn no_chunk_size_splits_a_character() {
        let text = "Zoë,Bjørn;日本 😀\r\nend";
        let cases: Vec<(&'static Encoding, Vec<u8>)> = vec![
            (UTF_8, [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat()),
            (UTF_16LE, [vec![0xFF, 0xFE], text.encode_utf16().flat_map(u16::to_le_bytes).collect()].concat()),
            (SHIFT_JIS, SHIFT_JIS.encode("日本,データ\r\n").0.into_owned()),
            (WINDOWS_1252, WINDOWS_1252.encode("Zoë,Bjørn").0.into_owned()),
        ];
        for (encoding, bytes) in cases {
            let whole = encoding.decode_with_bom_removal(&bytes).0.into_owned();
            for size in [1, 2, 3, 5, 7, 64] {
                assert_eq!(in_chunks(encoding, &bytes, size), whole, "{} in chunks of {size}", encoding.name());
            }
        }
    }
}
