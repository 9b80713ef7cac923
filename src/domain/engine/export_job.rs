//! Writing the import download in slices: the files `export::import_file` writes, a batch of rows or a megabyte
//! of compression at a time. A single CSV is byte for byte the same; a .zip holds the same files under the same
//! names, but deflating a part in slices may cut its compressed blocks elsewhere, so the .zip's own bytes can differ.
//!
//! Owns the order: the valid rows into CSV parts (`export::PartsBuilder`, the same splitting at CSM's limits), then,
//! when there is more than one part, each part deflated into the .zip a slice at a time. It shares the validation
//! result (never copies it) and holds the parts and the growing .zip, as `import_file` does.

use std::io::{Cursor, Write};
use std::sync::Arc;

use zip::ZipWriter;

use crate::domain::export::{
    new_zip, part_name, zip_options, ExportError, ExportFile, Limits, PartsBuilder, CSV_MIME, ZIP_MIME,
};
use crate::domain::prepare::Prepared;

/// Bytes of a part deflated per step.
const ZIP_SLICE_BYTES: usize = 1 << 20;

enum Stage {
    Rows { next: usize, parts: Box<PartsBuilder> },
    Zip { parts: Vec<Vec<u8>>, part: usize, offset: usize, zip: Box<ZipWriter<Cursor<Vec<u8>>>> },
    Finished,
}

/// One import download being written. `step` until it returns the file.
pub struct ExportJob {
    prepared: Arc<Prepared>,
    stem: String,
    rows: usize,
    stage: Stage,
}

impl ExportJob {
    pub fn new(prepared: Arc<Prepared>, limits: Limits, stem: &str) -> Result<ExportJob, ExportError> {
        let parts = Box::new(PartsBuilder::new(&prepared, limits)?);
        let rows = prepared.valid_count();
        Ok(ExportJob { prepared, stem: stem.to_owned(), rows, stage: Stage::Rows { next: 0, parts } })
    }

    /// Work done and in all, in the current phase (rows, then bytes compressed), and whether it is compressing.
    pub fn progress(&self) -> (usize, usize, bool) {
        match &self.stage {
            Stage::Rows { next, .. } => (*next, self.prepared.len(), false),
            Stage::Zip { parts, part, offset, .. } => {
                let done: usize = parts[..*part].iter().map(Vec::len).sum::<usize>() + offset;
                (done, parts.iter().map(Vec::len).sum(), true)
            }
            Stage::Finished => (1, 1, true),
        }
    }

    /// Does at most `batch` rows (or one slice of compression). `Some` once finished, with the download
    /// `import_file` gives (see the header for the .zip's bytes).
    pub fn step(&mut self, batch: usize) -> Option<Result<ExportFile, ExportError>> {
        let result = self.advance(batch.max(1));
        if result.is_some() {
            self.stage = Stage::Finished;
        }
        result
    }

    fn advance(&mut self, batch: usize) -> Option<Result<ExportFile, ExportError>> {
        match std::mem::replace(&mut self.stage, Stage::Finished) {
            Stage::Rows { next, mut parts } => {
                let end = (next + batch).min(self.prepared.len());
                for r in (next..end).filter(|r| !self.prepared.is_rejected(*r)) {
                    let Some(row) = self.prepared.row(r) else { continue };
                    if let Err(e) = parts.push(&row) {
                        return Some(Err(e));
                    }
                }
                if end < self.prepared.len() {
                    self.stage = Stage::Rows { next: end, parts };
                    return None;
                }
                let parts = match parts.finish() {
                    Ok(parts) => parts,
                    Err(e) => return Some(Err(e)),
                };
                if let [only] = parts.as_slice() {
                    let name = format!("{}.csv", self.stem);
                    let file = ExportFile { name, mime: CSV_MIME, bytes: only.clone(), rows: self.rows, parts: 1 };
                    return Some(Ok(file));
                }
                self.stage = Stage::Zip { parts, part: 0, offset: 0, zip: Box::new(new_zip()) };
                None
            }
            Stage::Zip { parts, part, offset, mut zip } => match self.compress(&parts, part, offset, &mut zip) {
                Err(e) => Some(Err(e)),
                Ok(Some((part, offset))) => {
                    self.stage = Stage::Zip { parts, part, offset, zip };
                    None
                }
                Ok(None) => {
                    let count = parts.len();
                    Some(zip.finish().map_err(ExportError::from).map(|cursor| ExportFile {
                        name: format!("{}.zip", self.stem),
                        mime: ZIP_MIME,
                        bytes: cursor.into_inner(),
                        rows: self.rows,
                        parts: count,
                    }))
                }
            },
            Stage::Finished => None,
        }
    }

    /// Deflates one slice of part `part` from `offset`; where to go on, or `None` after the last part.
    fn compress(
        &self,
        parts: &[Vec<u8>],
        part: usize,
        offset: usize,
        zip: &mut ZipWriter<Cursor<Vec<u8>>>,
    ) -> Result<Option<(usize, usize)>, ExportError> {
        let Some(bytes) = parts.get(part) else { return Ok(None) };
        if offset == 0 {
            zip.start_file(part_name(&self.stem, part + 1, parts.len()), zip_options())?;
        }
        let end = (offset + ZIP_SLICE_BYTES).min(bytes.len());
        zip.write_all(&bytes[offset..end])?;
        Ok(Some(if end == bytes.len() { (part + 1, 0) } else { (part, end) }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::edits::Edits;
    use crate::domain::export::import_file;
    use crate::domain::prepare::prepare;
    use crate::domain::read::{read, ReadOptions};
    use crate::domain::schema::{Entity, Schema};
    use crate::domain::suggest::suggest;

    fn prepared(rows: usize) -> Prepared {
        let mut text = String::from("Email,First Name,Last Name,Notes\n");
        for i in 0..rows {
            let email = if i % 97 == 0 { format!("broken{i}") } else { format!("p{i}@example.com") };
            text.push_str(&format!("{email},Zoë,\"Müller, {i}\",\"a note\nover two lines\"\n"));
        }
        let outcome = read(text.as_bytes(), &ReadOptions::default()).expect("reads");
        let schema = Schema::defaults(Entity::Customers);
        let mapping = suggest(&schema, &outcome.table);
        prepare(&outcome.table, &schema, &mapping, &Edits::new(), &outcome.issues)
    }

    /// The files inside a download: its own name and bytes for a CSV, each part's for a .zip.
    fn contents(file: &ExportFile) -> Vec<(String, Vec<u8>)> {
        if file.parts == 1 {
            return vec![(file.name.clone(), file.bytes.clone())];
        }
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(file.bytes.clone())).expect("a zip");
        (0..zip.len())
            .map(|i| {
                let mut part = zip.by_index(i).expect("a part");
                let mut bytes = Vec::new();
                std::io::Read::read_to_end(&mut part, &mut bytes).expect("inflates");
                (part.name().expect("a name").to_string(), bytes)
            })
            .collect()
    }

    fn run(prepared: Arc<Prepared>, limits: Limits, batch: usize) -> Result<ExportFile, ExportError> {
        let mut job = ExportJob::new(prepared, limits, "customers-import")?;
        loop {
            let (done, total, _) = job.progress();
            assert!(done <= total);
            if let Some(file) = job.step(batch) {
                return file;
            }
        }
    }

    #[test]
    fn equals_import_file_for_one_file_and_for_a_zip_of_parts() {
        let p = Arc::new(prepared(3_000));
        for limits in [Limits::for_site(false), Limits::for_site(true), Limits { rows: 10_000, bytes: 150_000 }] {
            let expected = import_file(&p, limits, "customers-import").expect("writes");
            for batch in [1, 7, 256, 100_000] {
                let got = run(Arc::clone(&p), limits, batch).expect("writes");
                // Parts under a megabyte are deflated in one slice, so here even the .zip's bytes are equal.
                assert_eq!(got, expected, "{limits:?}, batch {batch}");
            }
        }
        assert!(import_file(&p, Limits::for_site(true), "x").expect("writes").parts > 2);
    }

    #[test]
    fn parts_over_a_megabyte_are_deflated_in_slices_into_the_same_files() {
        let p = Arc::new(prepared(40_000));
        let limits = Limits { rows: 20_000, bytes: 80_000_000 };
        let expected = import_file(&p, limits, "customers-import").expect("writes");
        let got = run(Arc::clone(&p), limits, 4_096).expect("writes");
        assert_eq!(
            (got.name.as_str(), got.mime, got.rows, got.parts),
            ("customers-import.zip", ZIP_MIME, expected.rows, 2)
        );
        let parts = contents(&expected);
        assert!(parts[0].1.len() > ZIP_SLICE_BYTES, "{} bytes", parts[0].1.len());
        assert_eq!(contents(&got), parts);
    }

    #[test]
    fn errors_equal_import_files() {
        let p = Arc::new(prepared(10));
        let tiny = Limits { rows: 100, bytes: 40 };
        assert_eq!(
            run(Arc::clone(&p), tiny, 3).map_err(|e| e.to_string()),
            import_file(&p, tiny, "customers-import").map_err(|e| e.to_string())
        );
        let none = Arc::new(Prepared::default());
        assert!(matches!(run(none, Limits::for_site(false), 3), Err(ExportError::NoValidRows)));
    }
}
