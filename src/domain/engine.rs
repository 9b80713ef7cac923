//! Long work in slices: reading a big file and validating every row, advanced a little at a time so the page stays
//! responsive, shows progress and can stop between two slices.
//!
//! Owns the jobs (`ReadJob`: the file's bytes, handed in slice by slice as it asks → the same `ReadOutcome` as
//! `read::read`; `ValidateJob`: a table, schema, mapping and edits → the same `Prepared` as `prepare::prepare`;
//! `ExportJob`: the download of `export::import_file`, the same files inside, from the checked table or from a
//! reading worker's records as they come (`ExportStream`); `RejectsJob`: the file of `export::rejects_file`) and
//! the chunked `Cursor` they parse with. Each
//! job is a state machine: `step()` does one bounded unit of work (one chunk of bytes, a batch of rows) and says
//! whether it is finished; `progress()` says how far it is. Time, yielding and cancelling belong to the caller
//! (the `ui` drives a job between frames), so every job is tested natively. Invariant, tested on every reading
//! fixture and at many chunk sizes: a job's result equals the whole-at-once function's result.

pub mod check_relay;
pub mod cursor;
pub mod early_check;
pub mod early_count;
pub mod export_job;
pub mod export_order;
pub mod export_stream;
pub mod file_window;
#[cfg(test)]
mod in_file_passes;
pub mod kept_columns;
pub mod read_job;
pub mod read_scan;
pub mod rejects_job;
pub mod rejects_writer;
pub mod remote_scan;
pub mod reread;
pub mod rope;
pub mod scan_checks;
pub mod scan_wire;
pub mod slim_blocks;
pub mod table_facts;
pub mod validate_job;
pub mod warm_up;
pub mod work;

pub use check_relay::CheckRelay;
pub use cursor::{Checkpoint, Cursor, CHUNK_BYTES};
pub use early_check::{CheckFound, CheckedWhileReading, EarlyCheck};
pub use early_count::EarlyCount;
pub use export_job::{ExportJob, Written};
pub use export_order::{ExportOrder, RejectsPart, StreamedRows};
pub use export_stream::{ExportNews, ExportStream};
pub use file_window::FileWindow;
pub use kept_columns::KeptColumns;
pub use read_job::{ReadJob, ReadProgress, ReadStage};
pub use read_scan::{ReadScan, ScanProgress};
pub use rejects_job::RejectsJob;
pub use remote_scan::RemoteScan;
pub use reread::{FileIndex, Refill, Reread};
pub use scan_checks::{Found, ScanChecks};
pub use scan_wire::{ScanMessage, ScanRequest, WireError};
pub use slim_blocks::SlimBlocks;
pub use table_facts::TableFacts;
pub use validate_job::ValidateJob;
pub use warm_up::{warm_up, WARM_UP_ROWS};
pub use work::{Unit, Work};
