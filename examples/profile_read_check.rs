//! Native timing of the big-file path on one CSV: read (`ReadJob`, as the page runs it), suggest, check
//! (`ValidateJob`), export (`ExportJob`), with MB/s and rows/s for each. For finding where time goes with a native
//! profiler (`perf record`); the browser figures come from `scripts/bench.sh`. Not a test.
//!
//!   cargo run --release --example profile_read_check -- bench-out/contacts-1000000.csv [--scan-only | --scan-packing |
//!       --check-only | --early]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use csm_import::domain::edits::Edits;
use csm_import::domain::engine::{
    CheckRelay, CheckedWhileReading, ExportJob, Found, ReadJob, RemoteScan, ScanRequest, TableFacts, ValidateJob,
};
use csm_import::domain::export::Limits;
use csm_import::domain::read::ReadOptions;
use csm_import::domain::schema::{Entity, Schema};
use csm_import::domain::suggest::suggest;

/// The system allocator, counting the bytes live and their peak since `reset_peak`: what each phase holds at most
/// beyond what it keeps (allocator overhead and fragmentation not included; the browser's figures have them).
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static CALLS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        CALLS.fetch_add(1, Ordering::Relaxed);
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

fn reset_peak() {
    PEAK.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: profile_read_check FILE.csv")?;
    let bytes = std::fs::read(&path)?;
    let mb = bytes.len() as f64 / 1e6;
    println!("{path}: {mb:.1} MB");

    let scan_only = std::env::args().nth(2).as_deref() == Some("--scan-only");
    // `--scan-packing`: the worker's scan packing every full block, as it does while the page is behind.
    let scan_packing = std::env::args().nth(2).as_deref() == Some("--scan-packing");
    if scan_only || scan_packing {
        let started = Instant::now();
        // A big file's scan as the worker runs it: the table's blocks are kept in the file (its index is made).
        let mut scan = RemoteScan::new(bytes.len() as u64, &ScanRequest::default().in_file())?.with_chunk(1 << 20);
        scan.set_packing(scan_packing);
        let mut sent = 0;
        while !scan.is_finished() {
            let range = scan.wants();
            sent += scan.step(&bytes[range.start as usize..range.end as usize]).len();
        }
        report("scan (worker)", started, mb, sent);
        return Ok(());
    }
    let started = Instant::now();
    let outcome = Arc::new(ReadJob::new(bytes.len() as u64, ReadOptions::default()).run(&bytes)?);
    let rows = outcome.table.records.len();
    report("read", started, mb, rows);
    let started = Instant::now();
    let cells: usize = outcome.table.records.iter().map(|r| r.cells.len()).sum();
    report("a pass over the rows", started, mb, cells / outcome.table.headers.len().max(1));
    println!("  table: {:.1} MB packed", outcome.table.records.bytes() as f64 / 1e6);
    let started = Instant::now();
    let mut cells = 0;
    for start in (0..rows).step_by(256) {
        cells += outcome.table.records.range(start..start + 256).map(|r| r.cells.len()).sum::<usize>();
    }
    report("a pass in 256s", started, mb, cells / outcome.table.headers.len().max(1));

    // `--check-only`: straight from reading to checking (for profiling the check alone with `perf record -D`).
    let check_only = std::env::args().nth(2).as_deref() == Some("--check-only");
    // `--early`: the worker's scan counts and checks the records as it parses them (`ScanChecks`).
    let early = std::env::args().nth(2).as_deref() == Some("--early");
    // The same read split as in the browser: the worker's scan into messages, then the page taking them; then the
    // same with every full block packed by the worker (what it does while the page is behind).
    for packing in [false, true] {
        let started = Instant::now();
        let schema = Schema::defaults(Entity::Customers);
        let request = if early { ScanRequest::default().checked_for(schema.clone()) } else { ScanRequest::default() };
        let mut scan = RemoteScan::new(bytes.len() as u64, &request)?.with_chunk(1 << 20);
        let mut relay = CheckRelay::new(&request);
        scan.set_packing(packing);
        let mut messages = Vec::new();
        while !scan.is_finished() && !check_only {
            let range = scan.wants();
            messages.extend(scan.step(&bytes[range.start as usize..range.end as usize]));
        }
        report(if packing { "scan, packing" } else { "scan (worker)" }, started, mb, rows);
        let started = Instant::now();
        let messages: Vec<Vec<u8>> = messages.into_iter().flat_map(|m| relay.relay(m)).collect();
        report("relay (checking worker)", started, mb, rows);
        let started = Instant::now();
        let mut job = ReadJob::remote(bytes.len() as u64, ReadOptions::default());
        let mut longest = (0.0f64, 0);
        for (i, message) in messages.iter().enumerate() {
            let took = Instant::now();
            job.receive(message)?;
            if took.elapsed().as_secs_f64() > longest.0 {
                longest = (took.elapsed().as_secs_f64(), i);
            }
        }
        println!(
            "  the longest message taken: {:.1} ms (message {} of {})",
            longest.0 * 1e3,
            longest.1,
            messages.len()
        );
        report(if packing { "take packed" } else { "take (page)" }, started, mb, rows);
        drop(messages);
        let started = Instant::now();
        if !check_only {
            let outcome = job.run(&[])?;
            let found = Found::from_messages(&relay.complete(&TableFacts::of(&outcome, &schema)));
            if let Some(check) = found.and_then(|found| found.check) {
                let prepared = CheckedWhileReading::new(check, &outcome, schema).into_prepared();
                println!("  checked while scanned: {} rows, {} valid", prepared.len(), prepared.report.valid);
            }
        }
        report("assemble", started, mb, rows);
    }

    if early {
        return Ok(());
    }
    let started = Instant::now();
    let schema = Schema::defaults(Entity::Customers);
    let mapping = suggest(&schema, &outcome.table);
    report("suggest", started, mb, rows);

    let started = Instant::now();
    let mut job = ValidateJob::new(Arc::clone(&outcome), schema, mapping, Edits::new());
    let mut dates_done = None;
    let prepared = Arc::new(loop {
        if let Some(p) = job.step(256) {
            break p;
        }
        if dates_done.is_none() && job.rows_checked() > 0 {
            dates_done = Some(started.elapsed().as_secs_f64());
        }
    });
    println!("  of which the date columns' pass: {:.2} s", dates_done.unwrap_or(0.0));
    report("check", started, mb, rows);
    println!("  {} valid, {} invalid", prepared.report.valid, prepared.report.invalid);
    if check_only {
        return Ok(());
    }

    let started = Instant::now();
    let mut job = ExportJob::new(prepared, Limits::for_site(false), "customers-import")?;
    let file = loop {
        if let Some(file) = job.step(256) {
            break file?;
        }
    };
    report("export", started, mb, rows);
    println!("  {} ({} parts, {:.1} MB)", file.name, file.parts, file.bytes.len() as f64 / 1e6);
    Ok(())
}

fn report(what: &str, started: Instant, mb: f64, rows: usize) {
    let s = started.elapsed().as_secs_f64();
    let (live, peak) = (LIVE.load(Ordering::Relaxed) as f64 / 1e6, PEAK.load(Ordering::Relaxed) as f64 / 1e6);
    let calls = CALLS.swap(0, Ordering::Relaxed) as f64;
    println!(
        "{what:>14}: {s:6.2} s  {:7.1} MB/s  {:>10.0} rows/s   heap {live:7.1} MB after, peak {peak:7.1} MB, {:.1} allocations a row",
        mb / s,
        rows as f64 / s,
        calls / rows.max(1) as f64
    );
    reset_peak();
}
