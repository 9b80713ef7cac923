//! Workbooks into `domain::read::read`. Byte 0 chooses the mode and the sheet option:
//! - even: the rest is the file itself (seeded with real .xlsx files);
//! - odd: the rest is split at the first two NUL bytes into sheet XML, shared strings XML and styles XML, zipped
//!   (uncompressed, valid CRCs) into a minimal workbook, so the fuzzer reaches calamine's XML and cell parsing
//!   rather than stopping at zip checksums.
//!
//! Bits 1–2 of byte 0 pick the sheet (0 = the first with values).
#![no_main]

use std::io::{Cursor, Write};

use csm_import::domain::read::{read, ReadOptions};
use libfuzzer_sys::fuzz_target;
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

#[path = "checks.rs"]
mod checks;

const CONTENT_TYPES: &str = r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/><sheet name="Sheet2" sheetId="2" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rIdT" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

fn workbook(parts: &[u8]) -> Option<Vec<u8>> {
    let mut pieces = parts.splitn(3, |b| *b == 0);
    let sheet = pieces.next().unwrap_or_default();
    let strings = pieces.next().unwrap_or_default();
    let styles = pieces.next().unwrap_or_default();
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    let files: [(&str, &[u8]); 7] = [
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", RELS.as_bytes()),
        ("xl/workbook.xml", WORKBOOK.as_bytes()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/sharedStrings.xml", strings),
        ("xl/styles.xml", styles),
    ];
    for (name, bytes) in files {
        zip.start_file(name, options).ok()?;
        zip.write_all(bytes).ok()?;
    }
    Some(zip.finish().ok()?.into_inner())
}

fuzz_target!(|data: &[u8]| {
    let [mode, rest @ ..] = data else { return };
    let sheet = match (mode >> 1) & 0b11 {
        0 => None,
        s => Some(usize::from(s - 1)),
    };
    let options = ReadOptions { sheet, ..ReadOptions::default() };
    let built;
    let bytes = if mode & 1 == 0 {
        rest
    } else {
        let Some(b) = workbook(rest) else { return };
        built = b;
        &built
    };
    if let Ok(outcome) = read(bytes, &options) {
        checks::check(&outcome);
    }
});
