//! Drivers for the long work of a big file: reading it and checking every row, a slice at a time between frames.
//! A big file on disk is decoded, parsed and checked by the reading workers (`web::read_worker`); this page then
//! only takes what it keeps, in the same slices. Such a file is checked again after a change by the workers too
//! (they read the file again); when they cannot, here in slices.
//!
//! Owns the loop around a domain job (`ReadJob`, `ValidateJob`): run steps for about `SLICE_MS`, publish progress
//! (at most every `PROGRESS_MS`), give the browser its turn (`yield_now`), and go on only while the job's
//! generation is current — bumping it (Stop, a newer file, a changed choice) ends the loop at the next slice and
//! leaves the app as it was. The jobs decide nothing here: results are exactly those of `read` and `prepare`.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::edits::Edits;
use crate::domain::engine::{
    CheckedWhileReading, ExportJob, ExportOrder, ReadJob, ReadStage, Refill, RejectsJob, ScanMessage, ScanRequest,
    TableFacts, Unit, ValidateJob, WireError, Work, Written,
};
use crate::domain::export::{ExportError, ExportFile, Limits};
use crate::domain::mapping::{Mapping, Source};
use crate::domain::prepare::Prepared;
use crate::domain::read::{ReadOptions, ReadOutcome};
use crate::domain::schema::Schema;
use crate::domain::suggest::{counted_sources, suggest_sources};
use crate::domain::table::{Table, BLOCK_ROWS};
use crate::domain::value_counts::{ValueCache, ValueCounter};
use crate::ui::file_rows;
use crate::ui::file_source::{FileSource, Window};
use crate::ui::state::{checks_in_background, ImportState, Validated};
use crate::ui::worker_export::{export_in_workers, Exported};
use crate::web::download::Handed;
use crate::web::read_worker::ReadWorker;
use crate::web::timing;
use crate::web::yield_now::{after_paint, now_ms, yield_now};
use crate::web::WebError;

/// Files bigger than this are read in slices with progress and Stop; smaller ones at once.
pub const BACKGROUND_READ_BYTES: usize = 4 << 20;
/// Files on disk bigger than this keep their table there (`Rows::keep_in_file`): only a few blocks of rows stay
/// in the tab, the others are read again from the file when a pass, the grid or an import needs them. About
/// 110,000 rows of a contacts export; smaller tables are kept packed in memory (a few MB), as reading them again is
/// not worth it.
pub const IN_FILE_BYTES: u64 = 32 << 20;
/// Work done between two turns of the browser: short enough that the page stays smooth.
const SLICE_MS: f64 = 12.0;
/// How often the progress line changes (more often only costs rendering).
const PROGRESS_MS: f64 = 150.0;
/// Rows per `ValidateJob::step`, so the clock is looked at often enough to keep to `SLICE_MS`.
const CHECK_BATCH: usize = 256;

/// Reads a big file from the admin's computer (`start_read`), a slice at a time.
pub fn start_file(state: ImportState, file: web_sys::File) {
    start_read(state, file.name(), FileSource::disk(file), ReadOptions::default());
}

/// Reads a big file in slices, with progress and Stop. A file on disk is decoded and parsed by the reading worker
/// (`ReadWorker`), which also counts and checks the rows (the page only collects what it keeps, and then gets what
/// the worker found); without a worker, each slice the `ReadJob` asks
/// for is read from disk (through a `Window` of a few MB) just before it is parsed here. Either way the file is
/// never in memory whole, and the table is put together here in slices. On success the file
/// replaces the one loaded before; a failure or Stop keeps it.
pub fn start_read(state: ImportState, name: String, source: FileSource, options: ReadOptions) {
    let generation = bump(state.read_generation);
    state.read_stopped.set(None);
    state.busy.set(Some(name.clone()));
    let title = format!("Reading “{name}”");
    let started = now_ms();
    let work = move |job: &ReadJob, phase_started: f64| {
        let p = job.progress();
        let phase = match p.stage {
            ReadStage::Encoding => "Telling the text encoding",
            ReadStage::Rows => "Reading rows",
            ReadStage::Table => "Finding the header and the end of the table",
        };
        Work {
            title: title.clone(),
            phase: phase.to_owned(),
            done: p.done as f64,
            total: p.total as f64,
            unit: Unit::Bytes,
            rows: p.rows,
            started_ms: phase_started,
            now_ms: now_ms(),
        }
    };
    let size = source.size();
    let mut job = ReadJob::new(size, options.clone());
    state.reading.set(Some(work(&job, started)));
    spawn_local(async move {
        let current = move || state.read_generation.get_value() == generation;
        // Decoding and parsing go to the reading worker when it starts; otherwise (or if it fails) on this page.
        let in_file = matches!(source, FileSource::Disk(_)) && size > IN_FILE_BYTES;
        // The worker also counts the values of choice fields and checks the rows with the mapping this page will
        // suggest (`ScanChecks`), as it parses them; for a table kept in the file, it then sends only the blocks
        // this page keeps.
        let schema = state.schema.get_untracked();
        let mut worker = match &source {
            FileSource::Disk(file) => {
                // The file's index proves later that it is still the one read, when the workers write the download.
                let request = ScanRequest::of(&options).checked_for(schema.clone()).indexed();
                let request = if in_file { request.in_file() } else { request };
                ReadWorker::start(file, &request).await.ok()
            }
            FileSource::Memory(_) => None,
        };
        timing::measure("read: starting the worker", now_ms() - started);
        if !current() {
            return;
        }
        if worker.is_some() {
            job = ReadJob::remote(size, options.clone());
            if in_file {
                job = job.in_file();
            }
        }
        // Rows the table did not keep that putting it together looks at (ragged ones), read back from the file.
        let mut refill_window = Window::new(source.clone());
        let mut last_missing = None;
        let mut phase = (job.progress().stage, started);
        let mut shown = now_ms();
        let mut window = Window::new(source.clone());
        let mut message = Vec::new();
        let mut spent = Spent::default();
        let result = 'read: loop {
            yield_now().await;
            if !current() {
                return;
            }
            let mut slice = now_ms();
            let mut worked = false;
            loop {
                if job.awaits_message() {
                    // A message that would end this slice late, by the time the last one took, waits for the next
                    // slice (the first ones take longest, before the browser has optimised the code).
                    if worked && now_ms() - slice + spent.last_take > SLICE_MS {
                        break;
                    }
                    let received = match worker.as_mut() {
                        Some(worker) => {
                            let asked = now_ms();
                            let next = match worker.try_next(&mut message) {
                                Some(next) => next,
                                None => {
                                    let next = worker.next(&mut message).await;
                                    // It arrived in a task of its own: a new slice.
                                    slice = now_ms();
                                    next
                                }
                            };
                            let arrived = now_ms();
                            let received = next.map(|()| job.receive(&message));
                            spent.waiting += arrived - asked;
                            if matches!(ScanMessage::decode(&message), Ok(ScanMessage::Packed { .. })) {
                                spent.taking_packed += now_ms() - arrived;
                            }
                            spent.taking += now_ms() - arrived;
                            spent.last_take = now_ms() - arrived;
                            spent.messages += 1;
                            if now_ms() - arrived > spent.longest_take.0 {
                                spent.longest_take = (now_ms() - arrived, spent.messages);
                            }
                            received
                        }
                        None => Ok(Err(WireError::Garbled)),
                    };
                    if !current() {
                        return;
                    }
                    match received {
                        Ok(Ok(())) => {}
                        Ok(Err(WireError::Unreadable(detail))) => {
                            break 'read Err(WebError::FileRead { name: name.clone(), detail }.to_string());
                        }
                        Ok(Err(WireError::Garbled)) | Err(_) => {
                            // The worker failed: this page reads the file, from the start.
                            worker = None;
                            job = ReadJob::new(size, options.clone());
                        }
                    }
                } else if let Some(missing) = job.missing() {
                    // Filled and still missing: the file no longer gives the rows it gave.
                    let again = last_missing.replace(missing.clone()) == Some(missing.clone());
                    let Some(refill) = Refill::new(job.rows(), missing).filter(|_| !again) else {
                        break 'read Err(file_rows::gone(&source).to_string());
                    };
                    if let Err(e) = file_rows::refill(&mut refill_window, refill).await {
                        break 'read Err(e.to_string());
                    }
                    if !current() {
                        return;
                    }
                } else {
                    let range = job.wants();
                    if !window.covers(&range) {
                        if let Err(e) = window.load(range.clone()).await {
                            break 'read Err(e.to_string());
                        }
                        if !current() {
                            return;
                        }
                    }
                    let stepped = now_ms();
                    let result = job.step(window.get(range));
                    spent.stepping += now_ms() - stepped;
                    if let Some(result) = result {
                        break 'read Ok(result);
                    }
                }
                worked = true;
                // The progress is shown between slices; with the workers doing all the work, this page waits for
                // each message and a slice would never end, so it also ends when the progress is due.
                if now_ms() - slice >= SLICE_MS || now_ms() - shown >= PROGRESS_MS {
                    break;
                }
            }
            if job.progress().stage != phase.0 {
                phase = (job.progress().stage, now_ms());
            }
            if now_ms() - shown >= PROGRESS_MS {
                shown = now_ms();
                state.reading.set(Some(work(&job, phase.1)));
            }
        };
        spent.measure(now_ms() - started);
        // What the worker's check and count found, finished over the table (`None`: the guesses did not hold, or
        // the worker failed; the table is then counted and checked here, as for a file read on this page).
        let found = match (&result, worker.as_mut()) {
            (Ok(Ok(outcome)), Some(worker)) if checks_in_background(outcome) => {
                let finishing = now_ms();
                let facts = TableFacts::of(outcome, &state.schema.get_untracked());
                let found = worker.found(&facts).await.ok();
                timing::measure("read: finishing the worker's check", now_ms() - finishing);
                found
            }
            _ => None,
        };
        if !current() {
            return;
        }
        let (early_check, early) = found.map_or((None, None), |found| (found.check, found.count));
        drop(worker);
        drop(window);
        drop(refill_window);
        // A big table's select-field columns were counted by the worker (`EarlyCount`); what is left (all of
        // them when that guess did not hold) is counted in slices now, so suggesting a mapping and showing the
        // value choices need no pass over every row at once.
        let counting = now_ms();
        let counts = match &result {
            Ok(Ok(outcome)) if checks_in_background(outcome) => {
                match count_values(state, generation, (outcome, &source), early).await {
                    Ok(Some(counts)) => {
                        timing::measure("read: counting the values of choice fields", now_ms() - counting);
                        counts
                    }
                    Ok(None) => return,
                    Err(e) => {
                        state.reading.set(None);
                        state.busy.set(None);
                        state.load_error.set(Some(e.to_string()));
                        return;
                    }
                }
            }
            _ => ValueCache::default(),
        };
        // The rows checked as they came: the check of the loaded file when the mapping is the one they were
        // checked with (`start_check`).
        let checked_early = match (&result, early_check) {
            (Ok(Ok(outcome)), Some(check)) => Some(CheckedWhileReading::new(check, outcome, schema)),
            _ => None,
        };
        // What is kept of the file besides its table: two slices of at most 1 MiB.
        let result = match result {
            Ok(read) => source.kept().await.map(|kept| (kept, read)).map_err(|e| e.to_string()),
            Err(e) => Err(e),
        };
        if !current() {
            return;
        }
        state.reading.set(None);
        match result {
            Ok((kept, read)) => {
                state.checked_while_reading.set_value(checked_early);
                let showing = now_ms();
                state.apply_read(name, (source, kept), read, counts);
                timing::measure("show: the file read", now_ms() - showing);
            }
            Err(e) => {
                state.busy.set(None);
                state.load_error.set(Some(e));
            }
        }
    });
}

/// Where a read's time went on this page (milliseconds), for the benchmark (`web::timing`).
#[derive(Default)]
struct Spent {
    /// Waiting for the reading worker's next message (the page free meanwhile).
    waiting: f64,
    /// Taking the worker's messages (checking, counting and packing their records).
    taking: f64,
    /// Of which messages the worker packed (checking and counting their records).
    taking_packed: f64,
    /// Steps of the job on this page: parsing (without a worker) and putting the table together.
    stepping: f64,
    /// The longest taking of one message (a slice is at least that long), and which message it was.
    longest_take: (f64, usize),
    /// How long taking the last message took.
    last_take: f64,
    messages: usize,
}

impl Spent {
    fn measure(&self, total: f64) {
        timing::measure("read: all of it, to the table", total);
        timing::measure("read: waiting for the worker", self.waiting);
        let (longest, number) = self.longest_take;
        let name = format!("read: the longest taking of one message (number {number} of {})", self.messages);
        timing::measure(&name, longest);
        timing::measure("read: taking the worker's records", self.taking);
        timing::measure("read: taking the worker's packed records", self.taking_packed);
        timing::measure("read: steps on the page", self.stepping);
    }
}

/// Rows counted per `ValueCounter::step`.
const COUNT_BATCH: usize = 4096;

/// Counts the values of the columns the suggested mapping gives select fields, in slices (part of reading a big
/// file). `None` when the read was stopped or superseded meanwhile.
async fn count_values(
    state: ImportState,
    generation: u64,
    (outcome, source): (&ReadOutcome, &FileSource),
    early: Option<ValueCounter>,
) -> Result<Option<ValueCache>, WebError> {
    let schema = state.schema.get_untracked();
    // Rows counted while the file was read (by the worker) are not counted again, when the table is as guessed then.
    let counter = match early {
        Some(counter) => counter,
        None => ValueCounter::new(counted_sources(&suggest_sources(&schema, &outcome.table.headers), &schema)),
    };
    let title = state.reading.with_untracked(|w| w.as_ref().map(|w| w.title.clone())).unwrap_or_default();
    let (started, rows) = (now_ms(), outcome.table.records.len());
    let work = move |counter: &ValueCounter| Work {
        title: title.clone(),
        phase: "Counting the values of choice fields".to_owned(),
        done: counter.done() as f64,
        total: rows as f64,
        unit: Unit::Rows,
        rows: rows as u64,
        started_ms: started,
        now_ms: now_ms(),
    };
    let table = Arc::clone(&outcome.table);
    let step = move |(counter, table): &mut (ValueCounter, Arc<Table>)| counter.step(table, COUNT_BATCH).then_some(());
    let publish = |(counter, _): &(ValueCounter, Arc<Table>)| state.reading.set(Some(work(counter)));
    let refills = if table.records.is_in_file() {
        Refills::from(source.clone(), |(counter, table): &(ValueCounter, Arc<Table>)| {
            counter.missing(table, COUNT_BATCH).and_then(|m| Refill::new(&table.records, m))
        })
    } else {
        Refills::none()
    };
    let mut job = (counter, table);
    let wanted = move || state.read_generation.get_value() == generation;
    if drive(wanted, &mut job, refills, step, publish).await?.is_none() {
        return Ok(None);
    }
    Ok(Some(job.0.finish()))
}

/// Counts the values of `sources` in the loaded table, kept in the file, in slices (reading the file again), for
/// a column chosen after reading; the value choices are refreshed when done (`ImportState::add_counts`). No
/// progress bar: the value choices say they are being counted.
pub fn count_sources(state: ImportState, sources: Vec<Source>) {
    let forget = move |sources: &[Source]| state.counting.update_value(|c| c.retain(|s| !sources.contains(s)));
    let (Some(file), Some(table)) =
        (state.in_file_source(), state.loaded.with_untracked(|l| l.as_ref().map(|l| Arc::clone(&l.outcome.table))))
    else {
        return forget(&sources);
    };
    spawn_local(async move {
        let mut job = (ValueCounter::new(sources.clone()), Arc::clone(&table));
        let refills = Refills::from(file, |(counter, table): &(ValueCounter, Arc<Table>)| {
            counter.missing(table, COUNT_BATCH).and_then(|m| Refill::new(&table.records, m))
        });
        let counted = Arc::clone(&table);
        let current = move || {
            state.loaded.with_untracked(|l| l.as_ref().is_some_and(|l| Arc::ptr_eq(&l.outcome.table, &counted)))
        };
        let step = |(counter, table): &mut (ValueCounter, Arc<Table>)| counter.step(table, COUNT_BATCH).then_some(());
        match drive(current, &mut job, refills, step, |_| {}).await {
            Ok(Some(())) => state.add_counts(&table, job.0.finish(), &sources),
            Ok(None) => forget(&sources),
            Err(e) => {
                forget(&sources);
                state.file_error.set(Some(e.to_string()));
            }
        }
    });
}

/// Stops reading: the file loaded before (if any) stays, with everything the admin did to it.
pub fn cancel_read(state: ImportState) {
    bump(state.read_generation);
    state.reading.set(None);
    let name = state.busy.get_untracked().unwrap_or_default();
    state.busy.set(None);
    let kept = state.loaded.with_untracked(|l| match l {
        Some(l) => format!("Your previous file “{}” is still loaded, with your choices.", l.name),
        None => "Choose a file again when you are ready.".to_owned(),
    });
    state.read_stopped.set(Some(format!("You stopped reading “{name}”. {kept}")));
}

/// Checks every row of a big file read from disk off this page's thread (`check_in_workers`), else (or when the
/// workers cannot) in slices here; the result replaces the previous one when the last row is checked.
pub fn start_check(state: ImportState, outcome: Arc<ReadOutcome>, inputs: (Schema, Mapping, Edits)) {
    let generation = bump(state.check_generation);
    state.check_stopped.set(false);
    let started = now_ms();
    // Rows checked while the file was read, with these very inputs: nothing is left to check.
    let early = state.checked_while_reading.try_update_value(Option::take).flatten();
    let (schema, mapping, edits) = &inputs;
    if let Some(early) = early.filter(|e| e.fits(&outcome.table, schema, mapping, edits)) {
        spawn_local(async move {
            // Not in the same task as the read file's first showing.
            yield_now().await;
            let finishing = now_ms();
            let prepared = early.into_prepared();
            timing::measure("check: finishing the check made while reading", now_ms() - finishing);
            timing::measure("check: every row (checked while reading)", now_ms() - started);
            let wanted = move || state.check_generation.get_value() == generation;
            set_checked(state, outcome, prepared, wanted).await;
        });
        return;
    }
    let rows = outcome.table.records.len();
    let work = move |done: usize| checking_work(done as f64, rows as f64, done, started);
    state.checking.set(Some(work(0)));
    let wanted = move || state.check_generation.get_value() == generation;
    spawn_local(async move {
        if let Some(file) = state.disk_file() {
            let publish = |done: usize| state.checking.set(Some(work(done.min(rows))));
            let checked = check_in_workers(&file, &outcome, &inputs, wanted, publish).await;
            if !wanted() {
                return;
            }
            if let Some(prepared) = checked {
                timing::measure("check: every row", now_ms() - started);
                timing::measure("check: in the reading workers", now_ms() - started);
                return set_checked(state, outcome, prepared, wanted).await;
            }
        }
        check_in_slices(state, outcome, inputs, wanted, started).await;
    });
}

/// Checks every row of `outcome`'s table, read from `file`, with the admin's `inputs`, in the reading workers: they
/// read and parse the file again and check its rows (`ScanRequest::checked_with`, `CheckRelay`) while this page
/// only shows how far they are (`publish`, rows). `None` when they cannot be used (they do not start, the file
/// cannot be read, a day/month order guessed from the first rows did not hold) or the check is no longer `wanted`:
/// the caller then checks here, in slices. The result is exactly what `ValidateJob` gives
/// (`CheckedWhileReading::given`).
async fn check_in_workers(
    file: &web_sys::File,
    outcome: &Arc<ReadOutcome>,
    (schema, mapping, edits): &(Schema, Mapping, Edits),
    wanted: impl Fn() -> bool,
    publish: impl Fn(usize),
) -> Option<Prepared> {
    // The file is scanned exactly as it was read, so its records are the table's.
    let request = ScanRequest::of(&outcome.options).in_file().checked_with(schema.clone(), mapping.clone(), edits);
    // The page shows the change first: two workers starting take both processors (at two million rows, drawing
    // the review step while they started made a 50 ms task).
    after_paint().await;
    if !wanted() {
        return None;
    }
    let mut worker = ReadWorker::start(file, &request).await.ok()?;
    // Records before the table's rows: the title rows and the header.
    let header = outcome.structure.title_rows.len() + 1;
    let (mut message, mut records, mut shown) = (Vec::new(), 0, now_ms());
    loop {
        worker.next(&mut message).await.ok()?;
        if !wanted() {
            return None;
        }
        match ScanMessage::decode(&message).ok()? {
            ScanMessage::Done(_) => break,
            ScanMessage::Unreadable(_) => return None,
            ScanMessage::Restart => records = 0,
            ScanMessage::Gone { .. } => records += BLOCK_ROWS,
            ScanMessage::Records { batch, .. } => records += batch.block().map_or(0, |b| b.rows()),
            _ => {}
        }
        if now_ms() - shown >= PROGRESS_MS {
            shown = now_ms();
            publish(records.saturating_sub(header));
        }
    }
    let found = worker.found(&TableFacts::of(outcome, schema)).await.ok()?;
    drop(worker);
    let checked = CheckedWhileReading::given(found.check?, outcome, schema.clone(), mapping.clone(), edits.clone());
    // Not in the same task as the last findings taken.
    yield_now().await;
    wanted().then(|| checked.into_prepared())
}

/// The progress of checking every row (in the workers or here): `done` of `total` units, `rows` checked.
fn checking_work(done: f64, total: f64, rows: usize, started_ms: f64) -> Work {
    Work {
        title: "Checking every row".to_owned(),
        phase: "Checking rows".to_owned(),
        done,
        total,
        unit: Unit::Rows,
        rows: rows as u64,
        started_ms,
        now_ms: now_ms(),
    }
}

/// Checks every row of `outcome`'s table here, in slices, reading the rows not kept back from the file.
async fn check_in_slices(
    state: ImportState,
    outcome: Arc<ReadOutcome>,
    (schema, mapping, edits): (Schema, Mapping, Edits),
    wanted: impl Fn() -> bool + Copy + 'static,
    started: f64,
) {
    let work =
        move |job: &ValidateJob| checking_work(job.done() as f64, job.total() as f64, job.rows_checked(), started);
    let mut job = ValidateJob::new(Arc::clone(&outcome), schema, mapping, edits);
    state.checking.set(Some(work(&job)));
    let refills = match state.in_file_source() {
        Some(source) => {
            Refills::from(source, |job: &ValidateJob| job.missing(CHECK_BATCH).and_then(|m| Refill::new(job.rows(), m)))
        }
        None => Refills::none(),
    };
    let step = |job: &mut ValidateJob| job.step(CHECK_BATCH);
    let publish = |job: &ValidateJob| state.checking.set(Some(work(job)));
    match drive(wanted, &mut job, refills, step, publish).await {
        Ok(Some(prepared)) => {
            timing::measure("check: every row", now_ms() - started);
            set_checked(state, outcome, prepared, wanted).await;
        }
        Ok(None) => {}
        Err(e) => {
            // The results shown are out of date, as after Stop: "Check again" tries once more.
            state.checking.set(None);
            state.check_stopped.set(true);
            state.file_error.set(Some(e.to_string()));
        }
    }
}

/// Shows `prepared`, the check of `outcome`, in place of the check before (then released), if still `wanted`.
async fn set_checked(state: ImportState, outcome: Arc<ReadOutcome>, prepared: Prepared, wanted: impl Fn() -> bool) {
    // Not in the same task as the check's last work (at two million rows, putting the result together and showing
    // it took 50-57 ms in one task).
    yield_now().await;
    if !wanted() {
        return;
    }
    let showing = now_ms();
    let previous = state.checked.with_untracked(|c| c.as_ref().map(|(_, v)| Arc::clone(&v.0)));
    state.checked.set(Some((outcome, Validated::new(prepared))));
    state.checking.set(None);
    timing::measure("show: the rows checked", now_ms() - showing);
    if let Some(previous) = previous {
        release(previous).await;
    }
}

/// Findings freed per turn by `release`.
const RELEASE_BATCH: usize = 20_000;

/// Frees a replaced validation result's findings a batch at a time, once the page has let go of it: dropping millions
/// of strings at once would stall the page for a few hundred milliseconds (its rows are not kept, only one byte each). A result something still holds (an
/// export or an import in progress) is left to its last holder.
async fn release(previous: Arc<Prepared>) {
    yield_now().await;
    let Ok(mut prepared) = Arc::try_unwrap(previous) else { return };
    while !prepared.report.issues.is_empty() {
        let keep = prepared.report.issues.len().saturating_sub(RELEASE_BATCH);
        prepared.report.issues.truncate(keep);
        yield_now().await;
    }
}

/// Stops checking at the admin's request: the results shown are out of date until "Check again".
pub fn cancel_check(state: ImportState) {
    bump(state.check_generation);
    state.checking.set(None);
    state.check_stopped.set(true);
}

/// No background check applies (no file, or a small one checked at once): stop any that runs.
pub fn forget_check(state: ImportState) {
    state.checked_while_reading.set_value(None);
    if state.checking.with_untracked(Option::is_some) {
        bump(state.check_generation);
        state.checking.set(None);
    }
    if state.check_stopped.get_untracked() {
        state.check_stopped.set(false);
    }
}

/// Rows per `ExportJob::step`.
const EXPORT_BATCH: usize = 512;

/// Writes the import download of a big file, then hands it to `done` (which saves it): in the reading workers for
/// a file they read (`worker_export`), else (or when they cannot) here, in slices. The validation result is shared
/// with the job, not copied. A .zip's bytes go to the browser as they are written (`Handed`); the file `done` gets
/// holds only the rest.
pub fn start_export(
    state: ImportState,
    limits: Limits,
    stem: String,
    done: impl FnOnce(Result<ExportFile, ExportError>, Handed) + 'static,
) {
    let generation = bump(state.export_generation);
    let prepared = state.prepared.with_untracked(|p| Arc::clone(&p.0));
    let order = ExportOrder::of(&prepared, limits, &stem);
    let here = move |done| export_here(state, generation, (prepared, limits, stem), done);
    let writing = Writing { generation, title: "Writing your import file", measure: "export: in the reading workers" };
    write_in_workers(state, writing, order, done, here);
}

/// Which download `write_in_workers` writes: its export `generation`, the progress's title, and the measure of its
/// time in the workers.
struct Writing {
    generation: u64,
    title: &'static str,
    measure: &'static str,
}

/// Writes the download `order` describes in the reading workers (`worker_export`), then hands it to `done`; `here`
/// writes it on this page instead, when there is no order (a file not read by the workers) or they cannot.
fn write_in_workers<D>(
    state: ImportState,
    Writing { generation, title, measure }: Writing,
    order: Option<ExportOrder>,
    done: D,
    here: impl FnOnce(D) + 'static,
) where
    D: FnOnce(Result<ExportFile, ExportError>, Handed) + 'static,
{
    let options = state.loaded.with_untracked(|l| l.as_ref().map(|l| l.outcome.options.clone()));
    let (Some(file), Some(options), Some(order)) = (state.disk_file(), options, order) else {
        return here(done);
    };
    let started = now_ms();
    let phase = std::cell::Cell::new((false, started));
    let publish = move |done: u64, total: u64, zipping: bool| {
        if zipping != phase.get().0 {
            phase.set((zipping, now_ms()));
        }
        state.exporting.set(Some(writing_work(title, (done as f64, total as f64), zipping, phase.get().1)));
    };
    publish(0, order.rows() as u64, false);
    spawn_local(async move {
        let wanted = move || state.export_generation.get_value() == generation;
        match export_in_workers(&file, &options, order, wanted, publish).await {
            Exported::Saved(file, handed) => {
                timing::measure(measure, now_ms() - started);
                state.exporting.set(None);
                done(Ok(file), handed);
            }
            Exported::Failed(e) => {
                state.exporting.set(None);
                done(Err(e), Handed::default());
            }
            Exported::Stopped => {}
            Exported::NotHere if wanted() => here(done),
            Exported::NotHere => {}
        }
    });
}

/// The progress of writing a download (`title`): `done` of `total` rows, or bytes while `zipping` (putting the
/// parts into the .zip); each phase's speed and time left are its own (`started_ms`).
fn writing_work(title: &str, (done, total): (f64, f64), zipping: bool, started_ms: f64) -> Work {
    Work {
        title: title.to_owned(),
        phase: if zipping { "Compressing the parts into a .zip" } else { "Writing rows" }.to_owned(),
        done,
        total,
        unit: if zipping { Unit::Bytes } else { Unit::Rows },
        rows: 0,
        started_ms,
        now_ms: now_ms(),
    }
}

/// `start_export` on this page, in slices (export `generation`), reading the rows not kept back from the file.
fn export_here(
    state: ImportState,
    generation: u64,
    (prepared, limits, stem): (Arc<Prepared>, Limits, String),
    done: impl FnOnce(Result<ExportFile, ExportError>, Handed) + 'static,
) {
    let job = match ExportJob::new(prepared, limits, &stem) {
        Ok(job) => (job, Handed::default()),
        Err(e) => return done(Err(e), Handed::default()),
    };
    // Rows, then putting the parts into the .zip: each phase's speed and time left are its own.
    let mut phase = (false, now_ms());
    let work = move |(job, _): &(ExportJob, Handed)| {
        let (done, total, zipping) = job.progress();
        if zipping != phase.0 {
            phase = (zipping, now_ms());
        }
        writing_work("Writing your import file", (done as f64, total as f64), zipping, phase.1)
    };
    let step = |(job, handed): &mut (ExportJob, Handed)| {
        let result = job.step(EXPORT_BATCH);
        match job.take_written() {
            Written::Pieces(pieces) => pieces.iter().for_each(|piece| handed.push(piece)),
            Written::Restarted => handed.clear(),
        }
        result
    };
    let refills = match state.in_file_source() {
        Some(source) => Refills::from(source, |(job, _): &(ExportJob, Handed)| {
            job.missing(EXPORT_BATCH).and_then(|m| job.rows().and_then(|rows| Refill::new(rows, m)))
        }),
        None => Refills::none(),
    };
    write_download(state, (generation, refills), job, work, step, |result, (_, handed)| done(result, handed));
}

/// Writes the rejected-rows download of a big file (shown and stopped like the import file), then hands it to
/// `done` (which saves it): in the reading workers for a file they read (they check every row again, for the
/// reasons), else (or when they cannot) here, in slices.
pub fn start_rejects(
    state: ImportState,
    table: Arc<Table>,
    stem: String,
    done: impl FnOnce(Result<ExportFile, ExportError>, Handed) + 'static,
) {
    let generation = bump(state.export_generation);
    let prepared = state.prepared.with_untracked(|p| Arc::clone(&p.0));
    let order = state
        .loaded
        .with_untracked(|l| l.as_ref().and_then(|l| ExportOrder::rejected_rows(&prepared, &l.outcome.issues, &stem)));
    let here = move |done| rejects_here(state, generation, (prepared, table, stem), done);
    let writing = Writing {
        generation,
        title: "Writing the rejected rows",
        measure: "export: rejected rows in the reading workers",
    };
    write_in_workers(state, writing, order, done, here);
}

/// `start_rejects` on this page, in slices (export `generation`), reading the rows not kept back from the file.
fn rejects_here(
    state: ImportState,
    generation: u64,
    (prepared, table, stem): (Arc<Prepared>, Arc<Table>, String),
    done: impl FnOnce(Result<ExportFile, ExportError>, Handed) + 'static,
) {
    let job = match RejectsJob::new(prepared, table, &stem) {
        Ok(job) => job,
        Err(e) => return done(Err(e), Handed::default()),
    };
    let started = now_ms();
    let work = move |job: &RejectsJob| {
        let (done, total) = job.progress();
        writing_work("Writing the rejected rows", (done as f64, total as f64), false, started)
    };
    let refills = match state.in_file_source() {
        Some(source) => {
            Refills::from(source, |job: &RejectsJob| job.missing(EXPORT_BATCH).and_then(|m| Refill::new(job.rows(), m)))
        }
        None => Refills::none(),
    };
    let step = |job: &mut RejectsJob| job.step(EXPORT_BATCH);
    write_download(state, (generation, refills), job, work, step, |result, _| done(result, Handed::default()));
}

/// Runs a job that writes a download (`generation` of the export work) with its progress in `state.exporting`,
/// then hands the file (and the job) to `done`; Stop (`cancel_export`) or a newer download ends it and nothing is
/// saved.
fn write_download<J: 'static>(
    state: ImportState,
    (generation, refills): (u64, Refills<J>),
    mut job: J,
    mut work: impl FnMut(&J) -> Work + 'static,
    step: impl FnMut(&mut J) -> Option<Result<ExportFile, ExportError>> + 'static,
    done: impl FnOnce(Result<ExportFile, ExportError>, J) + 'static,
) {
    state.exporting.set(Some(work(&job)));
    spawn_local(async move {
        let publish = |job: &J| state.exporting.set(Some(work(job)));
        let wanted = move || state.export_generation.get_value() == generation;
        match drive(wanted, &mut job, refills, step, publish).await {
            Ok(Some(result)) => {
                state.exporting.set(None);
                done(result, job);
            }
            Ok(None) => {}
            Err(e) => {
                state.exporting.set(None);
                state.file_error.set(Some(e.to_string()));
            }
        }
    });
}

/// Stops writing the import file (or the rejected rows); nothing is saved.
pub fn cancel_export(state: ImportState) {
    bump(state.export_generation);
    state.exporting.set(None);
}

/// What a job reads of a table whose blocks are in the file (`Rows::keep_in_file`) before its next step, and the
/// file to read it from. `none` for a job whose table is all in memory.
pub(crate) struct Refills<J> {
    source: Option<FileSource>,
    missing: fn(&J) -> Option<Refill>,
}

impl<J> Refills<J> {
    pub(crate) fn none() -> Refills<J> {
        Refills { source: None, missing: |_| None }
    }

    /// `missing` for a job over the table read from `source`.
    pub(crate) fn from(source: FileSource, missing: fn(&J) -> Option<Refill>) -> Refills<J> {
        Refills { source: Some(source), missing }
    }
}

/// Runs `step` on `job` for about `SLICE_MS` at a time, giving the browser its turn before each slice, and calls
/// `publish` at most every `PROGRESS_MS`. Before a step, what the job will read of a table kept in the file is read
/// again (`refills`). The finished value, or `None` as soon as the work is no longer `wanted` (stopped or
/// superseded; the caller then changes nothing), or the file's failure to be read again.
pub(crate) async fn drive<J, T>(
    wanted: impl Fn() -> bool,
    job: &mut J,
    refills: Refills<J>,
    mut step: impl FnMut(&mut J) -> Option<T>,
    mut publish: impl FnMut(&J),
) -> Result<Option<T>, WebError> {
    let mut shown = now_ms();
    let mut window = refills.source.clone().map(Window::new);
    loop {
        // The first turn also lets a burst of changes (typing) end in one run: each starts a new generation.
        yield_now().await;
        if !wanted() {
            return Ok(None);
        }
        let mut slice = now_ms();
        loop {
            if let (Some(window), Some(source)) = (window.as_mut(), refills.source.as_ref()) {
                let mut last = None;
                while let Some(refill) = (refills.missing)(job) {
                    // Filled and still missing: the file no longer gives the rows it gave.
                    if last.replace(refill.range()) == Some(refill.range()) {
                        return Err(file_rows::gone(source));
                    }
                    file_rows::refill(window, refill).await?;
                    if !wanted() {
                        return Ok(None);
                    }
                    slice = now_ms();
                }
            }
            if let Some(done) = step(job) {
                return Ok(Some(done));
            }
            if now_ms() - slice >= SLICE_MS {
                break;
            }
        }
        let now = now_ms();
        if now - shown >= PROGRESS_MS {
            shown = now;
            publish(job);
        }
    }
}

/// Starts a new generation, which ends the running job of the old one; returns the new one.
fn bump(generation: StoredValue<u64>) -> u64 {
    generation.update_value(|g| *g += 1);
    generation.get_value()
}
