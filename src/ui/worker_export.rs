//! Writing a big file's import download in the reading workers (`ScanRequest::exported`): they read the file again
//! and write the download from its records (`engine::ExportStream`), and this page only takes the finished bytes
//! (each handed to the browser as a Blob at once) and shows how far the work is.
//!
//! Owns the page's side of that conversation and when to give up on it: the workers do not start, the file cannot
//! be proved the one read (another index), or it cannot be read. Then the caller writes the download on this page
//! (`jobs::start_export`), in slices, reading each stretch of the file again with its own checks, so a file that
//! really changed is said so there, in the same words as always.

use crate::domain::engine::scan_wire::PIECE_KIND;
use crate::domain::engine::{ExportNews, ExportOrder, ScanMessage, ScanRequest};
use crate::domain::export::{ExportError, ExportFile};
use crate::domain::read::ReadOptions;
use crate::web::download::Handed;
use crate::web::read_worker::{copy_message, ReadWorker};
use crate::web::yield_now::now_ms;

/// How often the progress line changes.
const PROGRESS_MS: f64 = 150.0;

/// How writing the download in the workers ended.
pub enum Exported {
    /// Written: the file (its bytes all handed over already, in `Handed`).
    Saved(ExportFile, Handed),
    /// It cannot be written (no valid rows, a row over the size limit): the same error the page would give.
    Failed(ExportError),
    /// No longer wanted (Stop, or a newer download): nothing to do.
    Stopped,
    /// The workers cannot do it: write it here.
    NotHere,
}

/// Writes the download `order` describes from `file`, read with `options` (as it was read), in the reading workers.
/// `publish` gets the progress: rows written of all, or (putting a .zip together) bytes of all.
pub async fn export_in_workers(
    file: &web_sys::File,
    options: &ReadOptions,
    mut order: ExportOrder,
    wanted: impl Fn() -> bool,
    publish: impl Fn(u64, u64, bool),
) -> Exported {
    loop {
        let request = ScanRequest::of(options).in_file().exported(order.clone());
        let Ok(mut worker) = ReadWorker::start(file, &request).await else { return Exported::NotHere };
        if !wanted() {
            return Exported::Stopped;
        }
        let (mut handed, mut message, mut shown) = (Handed::default(), Vec::new(), 0.0);
        let news = loop {
            let Ok(array) = worker.next_array().await else { return Exported::NotHere };
            if !wanted() {
                return Exported::Stopped;
            }
            // The download's bytes go to a Blob as they came, never copied into this page's memory.
            if array.length() > 0 && array.get_index(0) == PIECE_KIND {
                handed.push_array(&array.subarray(1, array.length()));
                continue;
            }
            copy_message(&array, &mut message);
            match ScanMessage::decode(&message) {
                Ok(ScanMessage::Export(json)) => match ExportNews::from_json(json) {
                    Ok(ExportNews::Progress { done, total, zipping }) => {
                        if now_ms() - shown >= PROGRESS_MS {
                            shown = now_ms();
                            publish(done, total, zipping);
                        }
                    }
                    Ok(ExportNews::Dropped) => handed.clear(),
                    Ok(news) => break news,
                    Err(_) => return Exported::NotHere,
                },
                // The file could not be read again, or the worker said something else: the page tries.
                _ => return Exported::NotHere,
            }
        };
        match news {
            ExportNews::Saved { name, zip, rows, parts } => {
                return Exported::Saved(ExportNews::saved_file(name, zip, rows, parts), handed);
            }
            ExportNews::Failed(e) => return Exported::Failed(e),
            // The size limit cut a part more: the .zip is written again, the other way (once).
            ExportNews::Again if !order.later => order = order.later(),
            _ => return Exported::NotHere,
        }
    }
}
