//! Bytes to text: refuses what is not a text file, finds the encoding and decodes without mojibake.
//!
//! Owns the encoding decision (BOM, then the NUL-byte pattern of UTF-16 without a BOM, then valid UTF-8, then a
//! chardetng guess, unless the admin forced one) and the picker's list of encodings with plain-words labels. It does
//! not split text into records or columns (`read`, `sniff`) and does not open workbooks (`xlsx`). Invariants: a
//! returned `Decoded` holds non-blank text with no leading BOM, and `encoding` is the one that produced it;
//! `guessed` is true only when the encoding was told from the content (chardetng, or UTF-16 from its NUL bytes).
//! The whole file is decoded in one call, so no character is ever split across two pieces (a UTF-16 surrogate pair
//! or a multi-byte sequence stays whole); a future chunked reader must keep that by using encoding_rs's streaming
//! `Decoder`, never by decoding chunks on their own.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{
    Encoding, BIG5, EUC_JP, EUC_KR, GBK, ISO_8859_15, ISO_8859_2, KOI8_R, MACINTOSH, SHIFT_JIS, UTF_16BE, UTF_16LE,
    UTF_8, WINDOWS_1250, WINDOWS_1251, WINDOWS_1252, WINDOWS_1253, WINDOWS_1254, WINDOWS_1255, WINDOWS_1256,
    WINDOWS_1257, WINDOWS_1258, WINDOWS_874,
};

use super::read::ReadError;

pub mod candidates;
mod utf16;

use utf16::utf16_without_bom;

/// Text decoded from a file, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static Encoding,
    /// The encoding came from chardetng (not from a BOM, not valid UTF-8, not forced by the admin).
    pub guessed: bool,
    pub had_bom: bool,
}

/// The encodings offered in the picker, most common first.
pub const ENCODING_CHOICES: &[&Encoding] = &[
    UTF_8,
    WINDOWS_1252,
    ISO_8859_15,
    MACINTOSH,
    WINDOWS_1250,
    ISO_8859_2,
    WINDOWS_1251,
    KOI8_R,
    WINDOWS_1253,
    WINDOWS_1254,
    WINDOWS_1255,
    WINDOWS_1256,
    WINDOWS_1257,
    WINDOWS_1258,
    WINDOWS_874,
    UTF_16LE,
    UTF_16BE,
    SHIFT_JIS,
    EUC_JP,
    GBK,
    BIG5,
    EUC_KR,
];

/// How far into the file NUL bytes mean "not text" (or, in a pattern, UTF-16 without a BOM).
pub(crate) const BINARY_SNIFF_BYTES: usize = 8 * 1024;
/// Every .xlsx, .docx and .zip file starts with this.
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// Old Excel (.xls) and other OLE compound documents start with this.
const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Decodes a whole file. `forced` (the admin's choice) overrides detection; a BOM is stripped either way.
pub fn decode(bytes: &[u8], forced: Option<&'static Encoding>) -> Result<Decoded, ReadError> {
    let first = first_look(bytes, forced)?;
    let body = &bytes[first.bom_len..];
    let (encoding, guessed) = first.encoding.unwrap_or_else(|| detect(body));
    let text = decode_body(body, encoding);
    if is_blank(&text) {
        return Err(ReadError::Empty);
    }
    Ok(Decoded { text, encoding, guessed, had_bom: first.bom_len > 0 })
}

/// What the first bytes of a file tell: the BOM's length, and the encoding when it is decided without reading the
/// whole body (forced, a BOM, or UTF-16's NUL-byte pattern). `None` means: valid UTF-8, else chardetng's guess.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FirstLook {
    pub bom_len: usize,
    pub encoding: Option<(&'static Encoding, bool)>,
}

/// Looks at the head of a file, refusing workbooks and binary files (the first step of `decode`, shared with the
/// big-file reader, which then tells UTF-8 from a legacy encoding a slice at a time).
pub(crate) fn first_look(bytes: &[u8], forced: Option<&'static Encoding>) -> Result<FirstLook, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    let bom = Encoding::for_bom(bytes);
    let utf16_seen = if forced.is_none() && bom.is_none() { utf16_without_bom(bytes) } else { None };
    let utf16_declared =
        [bom.map(|(e, _)| e), forced, utf16_seen].into_iter().flatten().any(|e| e == UTF_16LE || e == UTF_16BE);
    refuse_non_text(bytes, utf16_declared)?;
    let encoding = match (forced, bom, utf16_seen) {
        (Some(e), _, _) | (None, Some((e, _)), _) => Some((e, false)),
        (None, None, Some(e)) => Some((e, true)),
        (None, None, None) => None,
    };
    Ok(FirstLook { bom_len: bom.map_or(0, |(_, len)| len), encoding })
}

/// A picker label in plain words, e.g. "Windows-1252 (Western European, Excel on Windows)".
pub fn encoding_label(e: &'static Encoding) -> String {
    let described = match e.name() {
        "UTF-8" => "UTF-8 (Unicode, the usual choice)",
        "windows-1252" => "Windows-1252 (Western European, Excel on Windows)",
        "ISO-8859-15" => "ISO-8859-15 (Western European, with €)",
        "macintosh" => "Mac Roman (Western European, older Mac Excel)",
        "windows-1250" => "Windows-1250 (Central European)",
        "ISO-8859-2" => "ISO-8859-2 (Central European)",
        "windows-1251" => "Windows-1251 (Cyrillic)",
        "KOI8-R" => "KOI8-R (Russian)",
        "KOI8-U" => "KOI8-U (Ukrainian)",
        "IBM866" => "DOS 866 (Cyrillic)",
        "ISO-8859-5" => "ISO-8859-5 (Cyrillic)",
        "windows-1253" => "Windows-1253 (Greek)",
        "ISO-8859-7" => "ISO-8859-7 (Greek)",
        "windows-1254" => "Windows-1254 (Turkish)",
        "windows-1255" => "Windows-1255 (Hebrew)",
        "ISO-8859-8" => "ISO-8859-8 (Hebrew)",
        "windows-1256" => "Windows-1256 (Arabic)",
        "ISO-8859-6" => "ISO-8859-6 (Arabic)",
        "windows-1257" => "Windows-1257 (Baltic)",
        "ISO-8859-4" => "ISO-8859-4 (Baltic)",
        "ISO-8859-13" => "ISO-8859-13 (Baltic)",
        "windows-1258" => "Windows-1258 (Vietnamese)",
        "windows-874" => "Windows-874 (Thai)",
        "UTF-16LE" => "UTF-16 LE (Unicode text from Excel)",
        "UTF-16BE" => "UTF-16 BE (Unicode, big-endian)",
        "Shift_JIS" => "Shift_JIS (Japanese, Windows)",
        "EUC-JP" => "EUC-JP (Japanese)",
        "ISO-2022-JP" => "ISO-2022-JP (Japanese email)",
        "GBK" => "GBK (Simplified Chinese, also GB18030)",
        "gb18030" => "GB18030 (Simplified Chinese)",
        "Big5" => "Big5 (Traditional Chinese)",
        "EUC-KR" => "EUC-KR (Korean)",
        other => return other.to_string(),
    };
    described.to_string()
}

/// Refuses workbooks and binary files before any decoding. NUL bytes are expected when the BOM or the admin
/// says UTF-16.
fn refuse_non_text(bytes: &[u8], utf16_declared: bool) -> Result<(), ReadError> {
    if bytes.starts_with(ZIP_MAGIC) || bytes.starts_with(OLE_MAGIC) {
        return Err(ReadError::Spreadsheet);
    }
    let head = &bytes[..bytes.len().min(BINARY_SNIFF_BYTES)];
    if !utf16_declared && head.contains(&0) {
        return Err(ReadError::Binary);
    }
    Ok(())
}

/// chardetng set up as `decode` uses it (ISO-2022-JP is never guessed).
pub(crate) fn new_detector() -> EncodingDetector {
    EncodingDetector::new(Iso2022JpDetection::Deny)
}

/// chardetng's answer once it has seen the whole body (never UTF-8: that was ruled out first).
pub(crate) fn legacy_guess(detector: &EncodingDetector) -> &'static Encoding {
    detector.guess(None, Utf8Detection::Deny)
}

/// Valid UTF-8 is UTF-8; anything else is chardetng's guess among legacy encodings.
fn detect(body: &[u8]) -> (&'static Encoding, bool) {
    if std::str::from_utf8(body).is_ok() {
        return (UTF_8, false);
    }
    let mut detector = new_detector();
    detector.feed(body, true);
    (legacy_guess(&detector), true)
}

/// Decodes with `encoding` exactly (no second BOM sniffing); malformed bytes become U+FFFD.
fn decode_body(body: &[u8], encoding: &'static Encoding) -> String {
    encoding.decode_without_bom_handling(body).0.into_owned()
}

pub(crate) fn is_blank(text: &str) -> bool {
    text.chars().all(|c| c.is_whitespace() || c == '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le_with_bom(s: &str) -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        bytes
    }

    fn utf16be_with_bom(s: &str) -> Vec<u8> {
        let mut bytes = vec![0xFE, 0xFF];
        bytes.extend(s.encode_utf16().flat_map(u16::to_be_bytes));
        bytes
    }

    fn cp1252(s: &str) -> Vec<u8> {
        WINDOWS_1252.encode(s).0.into_owned()
    }

    #[test]
    fn plain_ascii_is_utf8_and_not_guessed() {
        let d = decode(b"FirstName,LastName\nAda,Lovelace\n", None).expect("decodes");
        assert_eq!((d.encoding, d.guessed, d.had_bom), (UTF_8, false, false));
        assert_eq!(d.text, "FirstName,LastName\nAda,Lovelace\n");
    }

    #[test]
    fn valid_utf8_accents_are_utf8() {
        let d = decode("Name\nJosé Müller\n".as_bytes(), None).expect("decodes");
        assert_eq!((d.encoding, d.guessed), (UTF_8, false));
        assert!(d.text.contains("José Müller"));
    }

    #[test]
    fn utf8_bom_is_stripped_and_reported() {
        let d = decode(b"\xEF\xBB\xBFName\nAda\n", None).expect("decodes");
        assert_eq!((d.encoding, d.guessed, d.had_bom), (UTF_8, false, true));
        assert_eq!(d.text, "Name\nAda\n");
    }

    #[test]
    fn windows_1252_accents_decode_without_mojibake() {
        let source = "FirstName;LastName;MailingCity\nJosé;Müller;São Paulo\nNuño;Søren;Zürich\n";
        let d = decode(&cp1252(source), None).expect("decodes");
        assert_eq!((d.encoding, d.guessed, d.had_bom), (WINDOWS_1252, true, false));
        assert_eq!(d.text, source);
    }

    #[test]
    fn utf16le_with_bom_is_decoded() {
        let d = decode(&utf16le_with_bom("Name\tCity\nJosé\tKöln\n"), None).expect("decodes");
        assert_eq!((d.encoding, d.guessed, d.had_bom), (UTF_16LE, false, true));
        assert_eq!(d.text, "Name\tCity\nJosé\tKöln\n");
    }

    #[test]
    fn utf16be_with_bom_is_decoded() {
        let d = decode(&utf16be_with_bom("Name\nZoë\n"), None).expect("decodes");
        assert_eq!((d.encoding, d.had_bom), (UTF_16BE, true));
        assert_eq!(d.text, "Name\nZoë\n");
    }

    #[test]
    fn forced_encoding_overrides_detection() {
        let d = decode("Name\nJosé\n".as_bytes(), Some(WINDOWS_1252)).expect("decodes");
        assert_eq!((d.encoding, d.guessed), (WINDOWS_1252, false));
        assert_eq!(d.text, "Name\nJosÃ©\n");
    }

    #[test]
    fn forced_encoding_still_strips_the_bom() {
        let d = decode(b"\xEF\xBB\xBFName\nAda\n", Some(WINDOWS_1252)).expect("decodes");
        assert_eq!((d.encoding, d.had_bom), (WINDOWS_1252, true));
        assert_eq!(d.text, "Name\nAda\n");
    }

    #[test]
    fn forced_utf16_without_bom_is_not_called_binary() {
        let bytes: Vec<u8> = "Name\nAda\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let d = decode(&bytes, Some(UTF_16LE)).expect("decodes");
        assert_eq!(d.text, "Name\nAda\n");
    }

    #[test]
    fn xlsx_renamed_to_csv_is_refused_with_advice() {
        let err = decode(b"PK\x03\x04\x14\x00\x06\x00junk", None).expect_err("refused");
        assert_eq!(err, ReadError::Spreadsheet);
        assert!(err.to_string().contains("CSV UTF-8"), "{err}");
    }

    #[test]
    fn old_xls_is_refused_as_a_spreadsheet() {
        let err = decode(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00rest", None).expect_err("refused");
        assert_eq!(err, ReadError::Spreadsheet);
    }

    #[test]
    fn nul_bytes_without_a_utf16_bom_mean_binary() {
        let err = decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", None).expect_err("refused");
        assert_eq!(err, ReadError::Binary);
    }

    #[test]
    fn nul_bytes_after_the_first_8_kib_are_tolerated() {
        let mut bytes = b"Name\n".repeat(2000);
        bytes.extend_from_slice(b"A\x00B\n");
        let d = decode(&bytes, None).expect("decodes");
        assert!(d.text.ends_with("A\u{0}B\n"));
    }

    #[test]
    fn empty_and_whitespace_only_files_are_empty() {
        assert_eq!(decode(b"", None), Err(ReadError::Empty));
        assert_eq!(decode(b" \r\n\t\n", None), Err(ReadError::Empty));
        assert_eq!(decode(b"\xEF\xBB\xBF\r\n", None), Err(ReadError::Empty));
        assert_eq!(decode(&utf16le_with_bom("  \n"), None), Err(ReadError::Empty));
    }

    #[test]
    fn every_choice_has_a_label_in_plain_words() {
        for e in ENCODING_CHOICES {
            let label = encoding_label(e);
            assert!(label.contains('('), "{label}");
        }
        assert_eq!(encoding_label(WINDOWS_1252), "Windows-1252 (Western European, Excel on Windows)");
        assert!(encoding_label(UTF_8).starts_with("UTF-8"));
    }

    #[test]
    fn unknown_encodings_are_labelled_by_name() {
        assert_eq!(encoding_label(encoding_rs::X_USER_DEFINED), "x-user-defined");
    }

    #[test]
    fn choices_are_distinct_and_start_with_utf8() {
        assert_eq!(ENCODING_CHOICES.first(), Some(&UTF_8));
        for (i, a) in ENCODING_CHOICES.iter().enumerate() {
            assert!(!ENCODING_CHOICES[i + 1..].contains(a), "{} twice", a.name());
        }
    }
}
