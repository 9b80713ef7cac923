//! Writing the files: import-ready CSV as CSM's CSV import wants it (contract §1), split and zipped when large,
//! and the rejected rows in the admin's own columns with the reason.
//!
//! Import files: UTF-8 without BOM, key column first, headers exactly the field names, only mapped columns,
//! values as `prepare` normalised them, at most 50,000 rows / 80 MB each (1,000 / 1 MB in legacy mode), header
//! repeated in every part. The rejects file is meant for a spreadsheet: it carries a BOM (so Excel reads accents)
//! and neutralises cells that a spreadsheet would run as formulas. Nothing here decides validity.

use std::borrow::Cow;
use std::io::{Cursor, Write};

use thiserror::Error;

mod record_writer;

use self::record_writer::RecordWriter;
use super::limits::{LEGACY_MAX_BYTES_PER_FILE, LEGACY_MAX_ROWS_PER_FILE, MAX_BYTES_PER_FILE, MAX_ROWS_PER_FILE};
use super::prepare::{OutRow, Prepared};
use super::report::Issue;
use super::table::Table;

pub const CSV_MIME: &str = "text/csv;charset=utf-8";
pub const ZIP_MIME: &str = "application/zip";

/// Per-file limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Limits {
    pub rows: usize,
    pub bytes: usize,
}

impl Limits {
    pub fn for_site(legacy: bool) -> Limits {
        if legacy {
            Limits { rows: LEGACY_MAX_ROWS_PER_FILE, bytes: LEGACY_MAX_BYTES_PER_FILE }
        } else {
            Limits { rows: MAX_ROWS_PER_FILE, bytes: MAX_BYTES_PER_FILE }
        }
    }
}

/// A file ready to download.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportFile {
    pub name: String,
    pub mime: &'static str,
    pub bytes: FileBytes,
    /// Data rows it holds (for a zip: across all parts).
    pub rows: usize,
    /// How many CSV files it holds (1 unless zipped).
    pub parts: usize,
}

/// A file's bytes, in one piece or in several (a big .zip is written in pieces and never joined in memory: the
/// browser joins them into the download).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileBytes(Vec<Vec<u8>>);

impl FileBytes {
    pub fn from_pieces(pieces: Vec<Vec<u8>>) -> FileBytes {
        FileBytes(pieces)
    }

    /// The pieces, in order.
    pub fn pieces(&self) -> &[Vec<u8>] {
        &self.0
    }

    /// Bytes in all.
    pub fn len(&self) -> usize {
        self.0.iter().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes joined (for a small file, or a test).
    pub fn to_vec(&self) -> Vec<u8> {
        self.0.concat()
    }
}

impl From<Vec<u8>> for FileBytes {
    fn from(bytes: Vec<u8>) -> FileBytes {
        FileBytes(vec![bytes])
    }
}

/// What stops writing a file (it travels from the reading worker that writes a big file's download).
#[derive(Clone, Debug, PartialEq, Eq, Error, serde::Serialize, serde::Deserialize)]
pub enum ExportError {
    #[error("There are no valid rows to put in an import file yet. Fix the problems listed on the Review step first.")]
    NoValidRows,
    #[error("There are no rejected rows, so there is nothing to download here.")]
    NoRejectedRows,
    #[error("One row is larger than the file size limit of {limit} bytes (row {row}). Shorten its values.")]
    RowTooLarge { row: u64, limit: usize },
    #[error("The file could not be written ({0}). Please try again; if it happens again, report it.")]
    Write(String),
}

impl From<csv::Error> for ExportError {
    fn from(e: csv::Error) -> Self {
        ExportError::Write(e.to_string())
    }
}

impl From<std::io::Error> for ExportError {
    fn from(e: std::io::Error) -> Self {
        ExportError::Write(e.to_string())
    }
}

impl From<zip::result::ZipError> for ExportError {
    fn from(e: zip::result::ZipError) -> Self {
        ExportError::Write(e.to_string())
    }
}

/// One CSV record as bytes (CRLF-terminated, quoted only where needed).
pub(crate) fn csv_line<I, S>(values: I) -> Result<Vec<u8>, ExportError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<[u8]>,
{
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    w.write_record(values)?;
    w.into_inner().map_err(|e| ExportError::Write(e.to_string()))
}

/// The import CSV files, split at the limits. Each part repeats the header.
pub fn import_parts(prepared: &Prepared, limits: Limits) -> Result<Vec<Vec<u8>>, ExportError> {
    let mut parts = PartsBuilder::new(prepared, limits)?;
    for row in prepared.valid_rows() {
        parts.push(&row)?;
    }
    parts.finish()
}

/// The rows an import file is written from: the checked table (`Prepared`), or the records a reading worker's scan
/// brings a block at a time (`engine::StreamedRows`).
pub trait ExportRows {
    /// The import file's columns (the field names, its header).
    fn fields(&self) -> Vec<String>;
    /// Records checked.
    fn checked_rows(&self) -> usize;
    /// Records that will be imported.
    fn valid_count(&self) -> usize;
    /// Whether record `r` is left out of the import.
    fn is_rejected(&self, r: usize) -> bool;
    /// Each value of record `r` as it will be imported, in column order, given to `visit`; the record's file row, or
    /// `None` when the record is not at hand.
    fn each_output(&self, r: usize, visit: &mut dyn FnMut(&str)) -> Option<u64>;
    /// The records before this one are at hand to write (all of them, but for a scan still bringing them).
    fn available(&self) -> usize {
        self.checked_rows()
    }
}

impl ExportRows for Prepared {
    fn fields(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.field.clone()).collect()
    }

    fn checked_rows(&self) -> usize {
        Prepared::len(self)
    }

    fn valid_count(&self) -> usize {
        Prepared::valid_count(self)
    }

    fn is_rejected(&self, r: usize) -> bool {
        Prepared::is_rejected(self, r)
    }

    fn each_output(&self, r: usize, visit: &mut dyn FnMut(&str)) -> Option<u64> {
        Prepared::each_output(self, r, visit)
    }
}

/// The import CSV files built a row at a time (`import_parts`, and the big-file `engine::ExportJob`).
pub struct PartsBuilder {
    parts: Parts,
    /// Writes each row's line (`push_record`).
    lines: RecordWriter,
}

/// The parts filled so far and the one being filled.
struct Parts {
    limits: Limits,
    header: Vec<u8>,
    full: Vec<Vec<u8>>,
    current: Vec<u8>,
    rows_in_current: usize,
}

impl PartsBuilder {
    pub fn new(prepared: &Prepared, limits: Limits) -> Result<PartsBuilder, ExportError> {
        PartsBuilder::for_fields(&prepared.fields(), limits)
    }

    /// The parts of an import file with the columns `fields` (each part's header).
    pub fn for_fields(fields: &[String], limits: Limits) -> Result<PartsBuilder, ExportError> {
        let header = csv_line(fields)?;
        let parts = Parts { limits, current: header.clone(), header, full: Vec::new(), rows_in_current: 0 };
        Ok(PartsBuilder { parts, lines: RecordWriter::default() })
    }

    /// Adds a valid row, starting a new part when this one is full.
    pub fn push(&mut self, row: &OutRow) -> Result<(), ExportError> {
        let line = csv_line(row.cells.iter().map(|c| c.output.as_str()))?;
        self.parts.add(&line, row.row)
    }

    /// Adds valid record number `r` of `prepared`, as `push` adds its row, its values written straight from the
    /// check (no row of strings made first: the export of a big file).
    pub fn push_record<S: ExportRows + ?Sized>(&mut self, rows: &S, r: usize) -> Result<(), ExportError> {
        self.lines.start();
        let Some(row) = rows.each_output(r, &mut |value| self.lines.value(value)) else {
            return Ok(());
        };
        self.parts.add(self.lines.end(), row)
    }

    /// The parts filled so far (a new part has begun after each), taken out; `finish` gives the rest.
    pub fn take_full(&mut self) -> Vec<Vec<u8>> {
        std::mem::take(&mut self.parts.full)
    }

    /// The parts, each with the header first.
    pub fn finish(self) -> Result<Vec<Vec<u8>>, ExportError> {
        let Parts { mut full, current, rows_in_current, .. } = self.parts;
        if rows_in_current == 0 {
            return if full.is_empty() { Err(ExportError::NoValidRows) } else { Ok(full) };
        }
        full.push(current);
        Ok(full)
    }
}

impl Parts {
    /// Adds the `line` of file row `row` to the current part, or to a new one when it is full.
    fn add(&mut self, line: &[u8], row: u64) -> Result<(), ExportError> {
        if self.header.len() + line.len() > self.limits.bytes {
            return Err(ExportError::RowTooLarge { row, limit: self.limits.bytes });
        }
        if self.rows_in_current == self.limits.rows || self.current.len() + line.len() > self.limits.bytes {
            self.full.push(std::mem::replace(&mut self.current, self.header.clone()));
            self.rows_in_current = 0;
        }
        self.current.extend_from_slice(line);
        self.rows_in_current += 1;
        Ok(())
    }
}

/// The import download: one CSV, or a .zip of numbered CSVs when the rows do not fit one file.
pub fn import_file(prepared: &Prepared, limits: Limits, stem: &str) -> Result<ExportFile, ExportError> {
    let parts = import_parts(prepared, limits)?;
    let rows = prepared.valid_count();
    if let [only] = parts.as_slice() {
        return Ok(ExportFile {
            name: format!("{stem}.csv"),
            mime: CSV_MIME,
            bytes: only.clone().into(),
            rows,
            parts: 1,
        });
    }
    let count = parts.len();
    let mut zip = new_zip();
    for (i, part) in parts.iter().enumerate() {
        zip.start_file(part_name(stem, i + 1, count), zip_options())?;
        zip.write_all(part)?;
    }
    let bytes = zip.finish()?.into_inner().into();
    Ok(ExportFile { name: format!("{stem}.zip"), mime: ZIP_MIME, bytes, rows, parts: count })
}

/// An empty .zip in memory.
pub fn new_zip() -> zip::ZipWriter<Cursor<Vec<u8>>> {
    zip::ZipWriter::new(Cursor::new(Vec::new()))
}

/// How each part is stored in the .zip: deflated at the fastest level. The .zip only carries the parts to the
/// admin, who unpacks it and uploads each CSV, so speed on a file of millions of rows matters more than the last
/// few percent of size (1,000,000 rows natively: level 6 wrote 27.4 MB in 5.2 s, level 1 41.6 MB in 2.6 s).
pub fn zip_options() -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
}

/// "customers-import-part-02-of-12.csv": sorts correctly in any file manager.
pub fn part_name(stem: &str, index: usize, count: usize) -> String {
    let width = count.to_string().len().max(2);
    format!("{stem}-part-{index:0width$}-of-{count:0width$}.csv")
}

/// Neutralises a cell a spreadsheet would run as a formula (`= + - @`, tab, carriage return) by prefixing `'`.
/// A plain number ("-5.25", "+3") is left alone: a spreadsheet reads it as the number it is.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if cell.parse::<f64>().is_ok_and(f64::is_finite) {
        return Cow::Borrowed(cell);
    }
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// The rejected rows in the admin's original columns (as read, before edits), plus the row number and the reasons.
pub fn rejects_file(prepared: &Prepared, table: &Table, stem: &str) -> Result<ExportFile, ExportError> {
    let rows = prepared.rejected_records().map(|record| (record, reasons(prepared, record)));
    let file = rows_with_reasons(table, rows, &rejects_name(stem))?;
    if file.rows == 0 {
        return Err(ExportError::NoRejectedRows);
    }
    Ok(file)
}

/// The rejected-rows file's name: "customers-import-rejected.csv".
pub fn rejects_name(stem: &str) -> String {
    format!("{stem}-rejected.csv")
}

/// Why record `record` is not imported: each finding as "Field: message", joined with " / ".
pub fn reasons(prepared: &Prepared, record: usize) -> String {
    reasons_of(prepared.issues_of(record))
}

/// `reasons` of a record whose findings are `issues`, in order.
pub fn reasons_of<'a>(issues: impl IntoIterator<Item = &'a Issue>) -> String {
    let reasons: Vec<String> = issues
        .into_iter()
        .map(|i| match &i.field {
            Some(f) => format!("{f}: {}", i.message()),
            None => i.message(),
        })
        .collect();
    reasons.join(" / ")
}

/// Source records (by index into `table`) in the admin's original columns, plus "Row in original file" and
/// "Reason": a file to fix in a spreadsheet and load again. BOM for Excel; formula-like cells neutralised.
pub fn rows_with_reasons(
    table: &Table,
    rows: impl IntoIterator<Item = (usize, String)>,
    name: &str,
) -> Result<ExportFile, ExportError> {
    let mut file = ReasonsFile::new(table)?;
    for (record, reason) in rows {
        file.push(table, record, &reason)?;
    }
    Ok(file.finish(name.to_owned()))
}

/// A file of rows with reasons (`rows_with_reasons`) written a row at a time, for those that write it in slices
/// (`engine::RejectsJob`) or read its rows back from the file in runs first (the API's failed rows of a big file).
pub struct ReasonsFile {
    out: Vec<u8>,
    rows: usize,
}

impl ReasonsFile {
    /// The file's start: the BOM and the header line, `table`'s columns then "Row in original file" and "Reason".
    pub fn new(table: &Table) -> Result<ReasonsFile, ExportError> {
        ReasonsFile::for_headers(&table.headers)
    }

    /// `new` for a table with `headers`.
    pub fn for_headers(headers: &[String]) -> Result<ReasonsFile, ExportError> {
        let mut out = "\u{feff}".as_bytes().to_vec();
        let mut header: Vec<&str> = headers.iter().map(String::as_str).collect();
        header.extend(["Row in original file", "Reason"]);
        out.extend(csv_line(header.iter().map(|h| neutralise(h).into_owned()))?);
        Ok(ReasonsFile { out, rows: 0 })
    }

    /// Adds the line of source record `record` of `table` with `reason` (nothing when there is no such record).
    pub fn push(&mut self, table: &Table, record: usize, reason: &str) -> Result<(), ExportError> {
        let Some(source) = table.records.get(record) else { return Ok(()) };
        self.push_cells(source.cells.iter(), source.pos.row, reason)
    }

    /// Adds the line of a record with `cells` (as the table gives them: squared to its header), from spreadsheet
    /// row `row`, with `reason`.
    pub fn push_cells<'a>(
        &mut self,
        cells: impl Iterator<Item = &'a str>,
        row: u64,
        reason: &str,
    ) -> Result<(), ExportError> {
        let mut cells: Vec<String> = cells.map(|c| neutralise(c).into_owned()).collect();
        cells.push(row.to_string());
        cells.push(neutralise(reason).into_owned());
        self.out.extend(csv_line(&cells)?);
        self.rows += 1;
        Ok(())
    }

    /// The bytes written so far, taken out (a file written in a worker goes to the page as it grows): `finish`
    /// then gives only the rest.
    pub fn take_written(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out)
    }

    /// Rows written so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The file, named `name`.
    pub fn finish(self, name: String) -> ExportFile {
        ExportFile { name, mime: CSV_MIME, bytes: self.out.into(), rows: self.rows, parts: 1 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::edits::Edits;
    use crate::domain::prepare::prepare;
    use crate::domain::schema::{Entity, Schema};
    use crate::domain::suggest::suggest;
    use crate::domain::table::{Position, Record};

    fn contacts(n: usize) -> Table {
        Table {
            headers: vec!["Email".into(), "Title".into()],
            records: (0..n)
                .map(|i| Record {
                    pos: Position { row: i as u64 + 2, line: i as u64 + 2 },
                    cells: vec![format!("p{i}@example.com"), if i == 1 { "=HYPERLINK()".into() } else { "CTO".into() }]
                        .into(),
                })
                .collect(),
        }
    }

    fn prepared(t: &Table) -> Prepared {
        let schema = Schema::defaults(Entity::Customers);
        prepare(&std::sync::Arc::new(t.clone()), &schema, &suggest(&schema, t), &Edits::new(), &[])
    }

    fn text(bytes: &[u8]) -> String {
        String::from_utf8_lossy(bytes).into_owned()
    }

    #[test]
    fn a_small_import_is_one_csv_without_bom_key_first() {
        let t = contacts(2);
        let f = import_file(&prepared(&t), Limits::for_site(false), "customers-import").expect("file");
        assert_eq!(f.name, "customers-import.csv");
        assert_eq!(text(&f.bytes.to_vec()), "Email,Title\r\np0@example.com,CTO\r\np1@example.com,=HYPERLINK()\r\n");
    }

    #[test]
    fn rows_over_the_limit_split_into_a_zip_of_numbered_parts_each_with_a_header() {
        let t = contacts(5);
        let f = import_file(&prepared(&t), Limits { rows: 2, bytes: 1_000 }, "customers-import").expect("zip");
        assert_eq!((f.name.as_str(), f.parts, f.rows), ("customers-import.zip", 3, 5));
        let mut archive = zip::ZipArchive::new(Cursor::new(f.bytes.to_vec())).expect("valid zip");
        assert_eq!(archive.len(), 3);
        let mut third = String::new();
        std::io::Read::read_to_string(
            &mut archive.by_name("customers-import-part-03-of-03.csv").expect("part"),
            &mut third,
        )
        .expect("read");
        assert_eq!(third, "Email,Title\r\np4@example.com,CTO\r\n");
    }

    #[test]
    fn bytes_over_the_limit_split_too() {
        let t = contacts(4);
        let parts = import_parts(&prepared(&t), Limits { rows: 100, bytes: 60 }).expect("parts");
        assert!(parts.len() > 1 && parts.iter().all(|p| p.len() <= 60), "{parts:?}");
    }

    #[test]
    fn rejects_keep_original_columns_with_row_and_reason_and_neutralise_formulas() {
        let mut t = contacts(2);
        let mut records = t.records.to_vec();
        records[1].cells = vec!["broken", "=HYPERLINK()"].into();
        t.records = records.into();
        let f = rejects_file(&prepared(&t), &t, "customers-import").expect("rejects");
        let s = text(&f.bytes.to_vec());
        assert!(s.starts_with("\u{feff}Email,Title,Row in original file,Reason\r\n"), "{s}");
        assert!(s.contains("broken,'=HYPERLINK(),3,Email: This is not an email address"), "{s}");
    }

    #[test]
    fn no_valid_rows_is_a_clear_error() {
        let mut t = contacts(1);
        let mut records = t.records.to_vec();
        records[0].cells = vec!["", "CTO"].into();
        t.records = records.into();
        assert!(matches!(import_file(&prepared(&t), Limits::for_site(true), "x"), Err(ExportError::NoValidRows)));
    }

    #[test]
    fn formulas_are_neutralised_but_numbers_and_text_are_not() {
        assert_eq!(neutralise("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(neutralise("+46 8 123"), "'+46 8 123");
        assert_eq!(neutralise("@user"), "'@user");
        assert_eq!(neutralise("-5.25"), "-5.25");
        assert_eq!(neutralise("Ada"), "Ada");
    }

    #[test]
    fn part_names_sort_in_file_managers() {
        assert_eq!(part_name("a", 3, 120), "a-part-003-of-120.csv");
    }
}
