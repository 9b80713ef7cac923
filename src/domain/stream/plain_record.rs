//! A fast path for the usual record: one that starts at the head of the text in hand, ends with a line break in
//! it, and whose every field is either unquoted or quoted with nothing after its closing quote. Such a record is
//! split by jumping from one delimiter, quote or line break to the next (`memchr`), where `csv_core` steps through
//! its state machine a byte at a time (half of the reading worker's time on a big export).
//!
//! Owns only that split. Anything else — a blank line before the record, a byte after a closing quote
//! (`"ab"cd`), a record the text in hand does not finish, a lone `\r` as the last byte — is left to `csv_core`:
//! `plain_record` then says `None` and consumes nothing. Invariant (tested against `csv_core` on random text, and
//! fuzzed through the whole read): when it gives a record, it is exactly the cells `csv_core` gives for the same
//! bytes with `quoting`, `double_quote` and the `\r`/`\n`/`\r\n` terminator, and the bytes it consumes are those
//! `csv_core` consumes for that record, its line break included (csv_core takes the `\n` of a `\r\n` at the start of
//! the next call, where it means nothing).

/// Splits the record at the start of `input` (a record's first byte: `csv_core` is between records) with
/// `delimiter`. On success, the cells' text is appended to `output` back to back, each cell's end (counted from
/// `output`'s length at the call) pushed on `ends`, and the bytes consumed are returned. On `None`, `output` and
/// `ends` may hold part of the record: the caller clears them.
pub fn plain_record(input: &[u8], delimiter: u8, output: &mut Vec<u8>, ends: &mut Vec<usize>) -> Option<usize> {
    if matches!(delimiter, b'"' | b'\r' | b'\n') || matches!(input.first(), None | Some(b'\r' | b'\n')) {
        return None;
    }
    let base = output.len();
    let mut at = 0;
    loop {
        // `at` is the first byte of a field.
        if input.get(at) == Some(&b'"') {
            at += 1;
            loop {
                let quote = at + memchr::memchr(b'"', &input[at..])?;
                output.extend_from_slice(&input[at..quote]);
                match input.get(quote + 1) {
                    // `""` inside quotes is one quote.
                    Some(b'"') => {
                        output.push(b'"');
                        at = quote + 2;
                    }
                    Some(_) => {
                        at = quote + 1;
                        break;
                    }
                    None => return None,
                }
            }
            // After the closing quote, only a delimiter or a line break keeps the record plain.
            ends.push(output.len() - base);
            match input[at] {
                b if b == delimiter => at += 1,
                b'\r' | b'\n' => return line_break(input, at),
                _ => return None,
            }
        } else {
            // Unquoted: up to the next delimiter or line break; a quote inside is an ordinary byte.
            let stop = at + memchr::memchr3(delimiter, b'\r', b'\n', &input[at..])?;
            output.extend_from_slice(&input[at..stop]);
            ends.push(output.len() - base);
            if input[stop] == delimiter {
                at = stop + 1;
            } else {
                return line_break(input, stop);
            }
        }
    }
}

/// The bytes consumed by a record whose line break is at `at`: `\r\n` and `\n` whole; a lone `\r` only when the
/// byte after it is in hand and is not `\n` (else a later chunk could make it `\r\n`).
fn line_break(input: &[u8], at: usize) -> Option<usize> {
    match (input[at], input.get(at + 1)) {
        (b'\n', _) => Some(at + 1),
        (b'\r', Some(b'\n')) => Some(at + 2),
        (b'\r', Some(_)) => Some(at + 1),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use csv_core::{ReadRecordResult, ReaderBuilder};

    /// The first record csv_core reads from `input` (fed whole, without the end of the file): its cells and the
    /// bytes it consumed (and the `\n` of a `\r\n` after it, which it takes at the next call), or `None` when
    /// `input` does not finish it.
    fn csv_core_first(input: &[u8], delimiter: u8) -> Option<(Vec<Vec<u8>>, usize)> {
        let mut reader = ReaderBuilder::new().delimiter(delimiter).quoting(true).double_quote(true).build();
        let (mut output, mut ends) = (vec![0; 4 * input.len() + 16], vec![0; input.len() + 16]);
        let (result, nin, _, nend) = reader.read_record(input, &mut output, &mut ends);
        if result != ReadRecordResult::Record {
            return None;
        }
        let mut cells = Vec::new();
        let mut start = 0;
        for end in &ends[..nend] {
            cells.push(output[start..*end].to_vec());
            start = *end;
        }
        let nin = if input[..nin].ends_with(b"\r") && input.get(nin) == Some(&b'\n') { nin + 1 } else { nin };
        Some((cells, nin))
    }

    fn split(input: &[u8], delimiter: u8) -> Option<(Vec<Vec<u8>>, usize)> {
        let (mut output, mut ends) = (b"before".to_vec(), Vec::new());
        let used = plain_record(input, delimiter, &mut output, &mut ends)?;
        let mut cells = Vec::new();
        let mut start = 0;
        for end in ends {
            cells.push(output[6 + start..6 + end].to_vec());
            start = end;
        }
        Some((cells, used))
    }

    fn cells(list: &[&str]) -> Vec<Vec<u8>> {
        list.iter().map(|c| c.as_bytes().to_vec()).collect()
    }

    #[test]
    fn usual_records_are_split_as_csv_core_splits_them() {
        for (input, expected, used) in [
            (&b"a,b,c\nnext"[..], cells(&["a", "b", "c"]), 6),
            (b"\"a\",\"b,c\",\"say \"\"hi\"\"\"\r\nnext", cells(&["a", "b,c", "say \"hi\""]), 24),
            (b"\"two\nlines\",x\n", cells(&["two\nlines", "x"]), 14),
            (b"a,,\"\",\n", cells(&["a", "", "", ""]), 7),
            (b"5 \"inch\",b\rc", cells(&["5 \"inch\"", "b"]), 11),
            (b"x\n", cells(&["x"]), 2),
        ] {
            assert_eq!(split(input, b','), Some((expected.clone(), used)), "{:?}", String::from_utf8_lossy(input));
            assert_eq!(csv_core_first(input, b','), Some((expected, used)), "{:?}", String::from_utf8_lossy(input));
        }
    }

    #[test]
    fn what_is_not_plain_or_not_finished_is_left_to_csv_core() {
        for input in [
            &b""[..],
            b"\na,b\n",
            b"\r\na,b\n",
            b"a,b",
            b"a,b\r",
            b"\"ab\"cd,e\n",
            b"\"open,quote\n",
            b"\"ends in a quote\"",
            b"\"a\"\"",
            b"a,\"b\" ,c\n",
        ] {
            assert_eq!(split(input, b','), None, "{:?}", String::from_utf8_lossy(input));
        }
        assert_eq!(split(b"a\"b\n", b'"'), None, "a quote as the delimiter");
    }

    /// Random text from the bytes that matter to a CSV parser, each split both ways: wherever the fast path gives
    /// a record, csv_core gives the same one.
    #[test]
    fn on_random_text_every_record_given_is_csv_core_s() {
        let alphabet = b"ab ,;\"\"\r\n\t\xc3\xa9";
        let mut next = crate::domain::stream::xorshift(0x9E37_79B9_7F4A_7C15);
        let (mut given, mut left) = (0, 0);
        for _ in 0..200_000 {
            let len = (next() % 24) as usize;
            let input: Vec<u8> = (0..len).map(|_| alphabet[(next() % alphabet.len() as u64) as usize]).collect();
            let delimiter = [b',', b';', b'\t'][(next() % 3) as usize];
            match split(&input, delimiter) {
                Some(record) => {
                    given += 1;
                    assert_eq!(
                        Some(record),
                        csv_core_first(&input, delimiter),
                        "{:?}",
                        String::from_utf8_lossy(&input)
                    );
                }
                None => left += 1,
            }
        }
        assert!(given > 20_000 && left > 20_000, "both ways exercised: {given} given, {left} left");
    }
}
