//! Writing the import download in slices: the files `export::import_file` writes, a batch of rows or a megabyte
//! of compression at a time. A single CSV is byte for byte the same; a .zip holds the same files under the same
//! names, but deflating a part in slices may cut its compressed blocks elsewhere, so the .zip's own bytes can differ.
//!
//! Owns the order: the valid rows into CSV parts (`export::PartsBuilder`, the same splitting at CSM's limits). A
//! part's name says how many there are ("part-02-of-12"), so two ways of writing a .zip:
//! - Straight (`Straight`): when the rows alone make more than one part, their number is known at the start (parts
//!   are cut at the row limit, and one cut at the size limit first is all but unheard of: 80 MB for 50,000 rows).
//!   Each full part is deflated (a slice per step) straight into the .zip under its name, and the bytes before the
//!   part being written are final: the caller takes them as they come (`take_written`), so memory holds one part's
//!   CSV and a megabyte or two of the .zip, never the .zip. If the size limit does cut a part more, the names are
//!   wrong: the job starts again the other way, and `take_written` says to drop what was taken.
//! - Later: otherwise each full part is deflated into its own one-file archive and its CSV dropped; when the rows
//!   end, each compressed part is copied as it is into the .zip under its final name, known only now.

use std::collections::VecDeque;
use std::io::{Cursor, Seek, Write};
use std::ops::Deref;
use std::sync::Arc;

use zip::{ZipArchive, ZipWriter};

use crate::domain::export::{
    new_zip, part_name, zip_options, ExportError, ExportFile, ExportRows, FileBytes, Limits, PartsBuilder, CSV_MIME,
    ZIP_MIME,
};
use crate::domain::prepare::Prepared;
use crate::domain::table::{Rows, AHEAD_ROWS};

use super::rope::Rope;

/// Bytes of a part deflated per step.
const ZIP_SLICE_BYTES: usize = 1 << 20;
/// The name a part has in its own one-file archive, until the number of parts is known.
const UNNAMED: &str = "part.csv";

/// A part being deflated into its own one-file archive.
struct Deflating {
    part: Vec<u8>,
    offset: usize,
    zip: Box<ZipWriter<Cursor<Vec<u8>>>>,
}

/// The final .zip, once every part is deflated: parts copied in so far (each compressed part is dropped once
/// copied), and the compressed size of each. It is written in pieces (`Rope`), so no step copies the whole of it.
struct Assembling {
    zip: Box<ZipWriter<Rope>>,
    copied: usize,
    sizes: Vec<usize>,
}

/// The .zip when its parts go straight in (see the header): the writer, a handle on the same bytes for handing them
/// over, the number of parts the rows make, parts started so far, where the one being written starts (the writer
/// never goes back before it), and that part's CSV with how much of it is deflated.
struct Straight {
    zip: Box<ZipWriter<Rope>>,
    rope: Rope,
    expected: usize,
    started: usize,
    open_at: u64,
    part: Option<(Vec<u8>, usize)>,
}

/// Bytes of the download the job is done with, for `take_written`.
#[derive(Debug, PartialEq)]
pub enum Written {
    /// The next bytes of the file, in order.
    Pieces(Vec<Vec<u8>>),
    /// The file is being written again: every piece taken so far is to be dropped.
    Restarted,
}

/// One import download being written from the rows `S` points to (the checked table, or a scan's records in a
/// reading worker: `engine::ExportStream`). `step` until it returns the file.
pub struct ExportJob<S = Arc<Prepared>> {
    prepared: S,
    stem: String,
    limits: Limits,
    rows: usize,
    /// The next record to write; `parts` is `None` once every row is written.
    next: usize,
    parts: Option<Box<PartsBuilder>>,
    /// Full parts waiting to be deflated.
    pending: VecDeque<Vec<u8>>,
    straight: Option<Straight>,
    restarted: bool,
    deflating: Option<Deflating>,
    /// Each part deflated alone, in order: its CSV is dropped as soon as it is compressed.
    compressed: Vec<Vec<u8>>,
    assembling: Option<Assembling>,
    finished: bool,
    /// The last step had rows to write and none at hand (`ExportRows::available`).
    stalled: bool,
}

impl ExportJob<Arc<Prepared>> {
    /// The records of the file to read again (`Rows::fill`) before `step(batch)` when the table's blocks are in the
    /// file: the batch's and those after it, while rows are being written.
    pub fn missing(&self, batch: usize) -> Option<std::ops::Range<usize>> {
        let rows = self.prepared.records()?;
        let writing = self.parts.is_some() && self.next < self.prepared.len();
        writing.then(|| rows.missing_ahead(self.next..self.next + batch.max(1), AHEAD_ROWS)).flatten()
    }

    /// The table's records, if the check kept its source (where `missing` ones are filled).
    pub fn rows(&self) -> Option<&Rows> {
        self.prepared.records()
    }
}

impl<S> ExportJob<S>
where
    S: Deref,
    S::Target: ExportRows,
{
    pub fn new(prepared: S, limits: Limits, stem: &str) -> Result<ExportJob<S>, ExportError> {
        let parts = Some(Box::new(PartsBuilder::for_fields(&prepared.fields(), limits)?));
        let rows = prepared.valid_count();
        let expected = rows.div_ceil(limits.rows.max(1));
        let straight = (expected > 1).then(|| {
            let rope = Rope::default();
            Straight { zip: Box::new(ZipWriter::new(rope.clone())), rope, expected, started: 0, open_at: 0, part: None }
        });
        Ok(ExportJob {
            prepared,
            stem: stem.to_owned(),
            limits,
            rows,
            next: 0,
            parts,
            pending: VecDeque::new(),
            straight,
            restarted: false,
            deflating: None,
            compressed: Vec::new(),
            assembling: None,
            finished: false,
            stalled: false,
        })
    }

    /// The job writing the .zip the later way only (see the header), for a caller that cannot give the rows again
    /// from the first: `step` then never starts again.
    pub fn later_only(mut self) -> ExportJob<S> {
        self.straight = None;
        self
    }

    /// Whether the last step found rows to write and none at hand (`ExportRows::available`): more are needed first.
    pub fn is_stalled(&self) -> bool {
        self.stalled
    }

    /// The rows the job writes from (to bring more: `ExportRows::available`).
    pub fn source_mut(&mut self) -> &mut S {
        &mut self.prepared
    }

    /// Work done and in all, in the current phase (rows, then bytes put into the .zip), and whether it is making
    /// the .zip.
    pub fn progress(&self) -> (usize, usize, bool) {
        match &self.assembling {
            None => (self.next, self.prepared.checked_rows(), false),
            Some(a) => (a.sizes[..a.copied].iter().sum(), a.sizes.iter().sum(), true),
        }
    }

    /// Does at most `batch` rows (or one slice of compression, or one part put into the .zip). `Some` once
    /// finished, with the download `import_file` gives (see the header for the .zip's bytes).
    pub fn step(&mut self, batch: usize) -> Option<Result<ExportFile, ExportError>> {
        if self.finished {
            return None;
        }
        self.stalled = false;
        let result = self.advance(batch.max(1)).transpose();
        if result.is_some() {
            // Finished (or failed): nothing more to do, and nothing kept.
            self.finished = true;
            self.next = self.prepared.checked_rows();
            self.parts = None;
            self.pending.clear();
            self.straight = None;
            self.deflating = None;
            self.compressed.clear();
            self.assembling = None;
        }
        result
    }

    /// The bytes of the .zip the job is done with, when its parts go straight in (see the header): taken, they are
    /// not in the file `step` returns, which then holds only the rest. Nothing otherwise, or once finished.
    pub fn take_written(&mut self) -> Written {
        if std::mem::take(&mut self.restarted) {
            return Written::Restarted;
        }
        Written::Pieces(self.straight.as_ref().map(|s| s.rope.take_before(s.open_at)).unwrap_or_default())
    }

    /// Pushes a batch of rows into the parts; full parts wait in `pending`.
    fn write_rows(&mut self, batch: usize) -> Result<(), ExportError> {
        let Some(parts) = self.parts.as_mut() else { return Ok(()) };
        let end = (self.next + batch).min(self.prepared.checked_rows()).min(self.prepared.available().max(self.next));
        self.stalled = end == self.next;
        for r in (self.next..end).filter(|r| !self.prepared.is_rejected(*r)) {
            parts.push_record(&*self.prepared, r)?;
        }
        self.next = end;
        self.pending.extend(parts.take_full());
        Ok(())
    }

    /// One step of the straight way (see the header).
    fn advance_straight(&mut self, batch: usize) -> Result<Option<ExportFile>, ExportError> {
        let Some(s) = self.straight.as_mut() else { return Ok(None) };
        if let Some((part, offset)) = s.part.take() {
            s.part = deflate_slice(&mut s.zip, &part, offset)?.map(|next| (part, next));
            return Ok(None);
        }
        if s.started < s.expected {
            if let Some(part) = self.pending.pop_front() {
                // Starting a file finishes the one before: the .zip's bytes up to here are final.
                s.open_at = s.rope.written();
                s.started += 1;
                s.zip.start_file(part_name(&self.stem, s.started, s.expected), zip_options())?;
                s.part = Some((part, 0));
                return Ok(None);
            }
        }
        if self.pending.is_empty() && self.next < self.prepared.checked_rows() {
            self.write_rows(batch)?;
            return Ok(None);
        }
        if let Some(parts) = self.parts.take().filter(|_| self.pending.is_empty()) {
            self.pending.extend(parts.finish()?);
            return Ok(None);
        }
        if s.started < s.expected || !self.pending.is_empty() {
            // The size limit cut a part more (or fewer parts came than the rows make): the names are wrong.
            return self.restart_later();
        }
        let Some(s) = self.straight.take() else { return Ok(None) };
        Ok(Some(self.zip_file(s.zip.finish()?.into_bytes(), s.expected)))
    }

    /// The download once its .zip of `parts` parts is written.
    fn zip_file(&self, bytes: FileBytes, parts: usize) -> ExportFile {
        ExportFile { name: format!("{}.zip", self.stem), mime: ZIP_MIME, bytes, rows: self.rows, parts }
    }

    /// Starts again from the first row, the later way (see the header).
    fn restart_later(&mut self) -> Result<Option<ExportFile>, ExportError> {
        self.straight = None;
        self.restarted = true;
        self.next = 0;
        self.parts = Some(Box::new(PartsBuilder::for_fields(&self.prepared.fields(), self.limits)?));
        self.pending.clear();
        Ok(None)
    }

    fn advance(&mut self, batch: usize) -> Result<Option<ExportFile>, ExportError> {
        if self.straight.is_some() {
            return self.advance_straight(batch);
        }
        if let Some(mut d) = self.deflating.take() {
            match deflate_slice(&mut d.zip, &d.part, d.offset)? {
                Some(next) => self.deflating = Some(Deflating { offset: next, ..d }),
                None => self.compressed.push(d.zip.finish()?.into_inner()),
            }
            return Ok(None);
        }
        if let Some(part) = self.pending.pop_front() {
            let mut zip = Box::new(new_zip());
            zip.start_file(UNNAMED, zip_options())?;
            self.deflating = Some(Deflating { part, offset: 0, zip });
            return Ok(None);
        }
        if self.parts.is_some() {
            if self.next < self.prepared.checked_rows() {
                // A full part means there will be more than one: it is deflated while the rows go on.
                self.write_rows(batch)?;
                return Ok(None);
            }
            let Some(parts) = self.parts.take() else { return Ok(None) };
            let mut last = parts.finish()?;
            if self.compressed.is_empty() && last.len() == 1 {
                let name = format!("{}.csv", self.stem);
                let bytes = last.pop().unwrap_or_default().into();
                return Ok(Some(ExportFile { name, mime: CSV_MIME, bytes, rows: self.rows, parts: 1 }));
            }
            self.pending.extend(last);
            return Ok(None);
        }
        let count = self.compressed.len();
        let compressed = &self.compressed;
        let assembling = self.assembling.get_or_insert_with(|| {
            let sizes: Vec<usize> = compressed.iter().map(Vec::len).collect();
            let zip = Box::new(ZipWriter::new(Rope::default()));
            Assembling { zip, copied: 0, sizes }
        });
        if let Some(compressed) = self.compressed.get_mut(assembling.copied) {
            let compressed = std::mem::take(compressed);
            let mut one = ZipArchive::new(Cursor::new(compressed.as_slice()))?;
            let name = part_name(&self.stem, assembling.copied + 1, count);
            assembling.zip.raw_copy_file_rename(one.by_index_raw(0)?, name)?;
            assembling.copied += 1;
            return Ok(None);
        }
        let Some(done) = self.assembling.take() else { return Ok(None) };
        Ok(Some(self.zip_file(done.zip.finish()?.into_bytes(), count)))
    }
}

/// Deflates the next slice of `part`, from `offset`, into the file `zip` is writing: where the slice after it
/// starts, `None` once the whole part is in.
fn deflate_slice<W: Write + Seek>(
    zip: &mut ZipWriter<W>,
    part: &[u8],
    offset: usize,
) -> Result<Option<usize>, ExportError> {
    let end = (offset + ZIP_SLICE_BYTES).min(part.len());
    zip.write_all(&part[offset..end])?;
    Ok((end < part.len()).then_some(end))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::edits::Edits;
    use crate::domain::export::import_file;
    use crate::domain::prepare::prepare;
    use crate::domain::read::{read, ReadOptions};
    use crate::domain::schema::{Entity, Schema};
    use crate::domain::suggest::suggest;

    fn prepared(rows: usize) -> Prepared {
        prepared_with(rows, |i| format!("Müller, {i}"))
    }

    /// Rows with the last names `last_name` gives each.
    fn prepared_with(rows: usize, last_name: impl Fn(usize) -> String) -> Prepared {
        let mut text = String::from("Email,First Name,Last Name,Notes\n");
        for i in 0..rows {
            let email = if i % 97 == 0 { format!("broken{i}") } else { format!("p{i}@example.com") };
            text.push_str(&format!("{email},Zoë,\"{}\",\"a note\nover two lines\"\n", last_name(i)));
        }
        let outcome = read(text.as_bytes(), &ReadOptions::default()).expect("reads");
        let schema = Schema::defaults(Entity::Customers);
        let mapping = suggest(&schema, &outcome.table);
        prepare(&outcome.table, &schema, &mapping, &Edits::new(), &outcome.issues)
    }

    /// The files inside a download: its own name and bytes for a CSV, each part's for a .zip.
    pub(crate) fn contents(file: &ExportFile) -> Vec<(String, Vec<u8>)> {
        if file.parts == 1 {
            return vec![(file.name.clone(), file.bytes.to_vec())];
        }
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(file.bytes.to_vec())).expect("a zip");
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

    /// Runs the job as the page does, taking the bytes it is done with after every step.
    fn run_taking(prepared: Arc<Prepared>, limits: Limits, batch: usize) -> (ExportFile, usize, bool) {
        let mut job = ExportJob::new(prepared, limits, "customers-import").expect("starts");
        let (mut taken, mut most_taken, mut restarted) = (Vec::new(), 0, false);
        loop {
            let file = job.step(batch);
            match job.take_written() {
                Written::Pieces(pieces) => taken.extend(pieces),
                Written::Restarted => {
                    restarted = true;
                    taken.clear();
                }
            }
            most_taken = most_taken.max(taken.len());
            if let Some(file) = file {
                let mut file = file.expect("writes");
                taken.extend(file.bytes.pieces().iter().cloned());
                file.bytes = FileBytes::from_pieces(taken);
                return (file, most_taken, restarted);
            }
        }
    }

    #[test]
    fn a_zip_taken_as_it_is_written_holds_the_same_files() {
        // Names that hardly compress, so the .zip is several megabytes and pieces are final before the end.
        let noise =
            |i: usize| (0..24).map(|k| format!("{:08x}", (i * 24 + k).wrapping_mul(2_654_435_761) >> 7)).collect();
        let p = Arc::new(prepared_with(30_000, noise));
        let limits = Limits { rows: 4_000, bytes: 80_000_000 };
        let expected = import_file(&p, limits, "customers-import").expect("writes");
        let (got, taken, restarted) = run_taking(Arc::clone(&p), limits, 1_000);
        assert!(!restarted);
        assert!(taken >= 3, "{taken} pieces handed over while writing a {} byte .zip", got.bytes.len());
        assert_eq!((got.name.as_str(), got.rows, got.parts), ("customers-import.zip", expected.rows, 8));
        assert_eq!(contents(&got), contents(&expected));
    }

    #[test]
    fn a_part_cut_at_the_size_limit_starts_the_zip_again_and_says_so() {
        let p = Arc::new(prepared(3_000));
        // 1,000 rows a part would make 3; at 20 KB a part, the size limit cuts many more.
        let limits = Limits { rows: 1_000, bytes: 20_000 };
        let expected = import_file(&p, limits, "customers-import").expect("writes");
        assert!(expected.parts > 3);
        for batch in [1, 64, 10_000] {
            let (got, _, restarted) = run_taking(Arc::clone(&p), limits, batch);
            assert!(restarted, "batch {batch}");
            assert_eq!(got, expected, "batch {batch}");
        }
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
