//! When the encoding was guessed: the other likely encodings, and the lines of the file they would read
//! differently, so the admin can see which one spells the names right instead of trusting the guess.
//!
//! Owns the candidate list and the comparison on a sample of the file. Only single-byte (and similar) encodings
//! that read the sample without errors are offered; a line is shown only where the readings differ.

use encoding_rs::{Encoding, ISO_8859_15, MACINTOSH, WINDOWS_1250, WINDOWS_1251, WINDOWS_1252};

/// Bytes of the file compared (cut back to the last line break).
const SAMPLE_BYTES: usize = 256 * 1024;
/// Encodings shown side by side, the guess included.
const MAX_CANDIDATES: usize = 3;

/// One line, read with each candidate (in the order of `Comparison::encodings`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DifferingLine {
    /// The physical line number in the file.
    pub line: u64,
    pub readings: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    /// The guess first, then the alternatives that read the sample differently.
    pub encodings: Vec<&'static Encoding>,
    pub lines: Vec<DifferingLine>,
}

/// Compares `guess` with the usual alternatives on the start of `bytes` (no BOM expected: a BOM means no guess).
/// `None` when no alternative reads the sample differently (then there is nothing to choose).
pub fn compare_encodings(bytes: &[u8], guess: &'static Encoding, max_lines: usize) -> Option<Comparison> {
    let mut sample = &bytes[..bytes.len().min(SAMPLE_BYTES)];
    if sample.len() < bytes.len() {
        if let Some(end) = sample.iter().rposition(|b| *b == b'\n') {
            sample = &sample[..=end];
        }
    }
    let read =
        |e: &'static Encoding| e.decode_without_bom_handling_and_without_replacement(sample).map(|t| t.into_owned());
    let guessed = read(guess)?;
    let mut encodings = vec![guess];
    let mut texts = vec![guessed];
    for alternative in [WINDOWS_1252, MACINTOSH, WINDOWS_1250, WINDOWS_1251, ISO_8859_15] {
        if encodings.len() == MAX_CANDIDATES || encodings.contains(&alternative) {
            continue;
        }
        if let Some(text) = read(alternative).filter(|t| !texts.contains(t)) {
            encodings.push(alternative);
            texts.push(text);
        }
    }
    if encodings.len() < 2 {
        return None;
    }
    let split: Vec<Vec<&str>> = texts.iter().map(|t| t.split('\n').collect()).collect();
    let lines = split[0]
        .iter()
        .enumerate()
        .filter(|(i, first)| split.iter().any(|s| s.get(*i) != Some(*first)))
        .take(max_lines)
        .map(|(i, _)| DifferingLine {
            line: i as u64 + 1,
            readings: split.iter().map(|s| s.get(i).unwrap_or(&"").trim_end_matches('\r').to_owned()).collect(),
        })
        .collect();
    Some(Comparison { encodings, lines })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lines_that_read_differently_are_shown_for_each_likely_encoding() {
        let bytes = WINDOWS_1252.encode("Name;City\r\nAda;London\r\nZoë;Malmö\r\n").0.into_owned();
        let c = compare_encodings(&bytes, WINDOWS_1252, 5).expect("alternatives exist");
        assert_eq!(c.encodings[0], WINDOWS_1252);
        assert!(c.encodings.len() >= 2);
        assert_eq!(c.lines.len(), 1, "only the line with accents differs");
        assert_eq!(c.lines[0].line, 3);
        assert_eq!(c.lines[0].readings[0], "Zoë;Malmö");
        assert_ne!(c.lines[0].readings[1], "Zoë;Malmö");
    }

    #[test]
    fn plain_ascii_has_nothing_to_compare() {
        assert_eq!(compare_encodings(b"Name,City\nAda,London\n", WINDOWS_1252, 5), None);
    }
}
