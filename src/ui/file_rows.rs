//! Reading a big table's rows again from the admin's file, for a table that keeps only a few blocks in memory
//! (`Rows::keep_in_file`): what a step of a job, a page of the grid or a batch of an import is about to read.
//!
//! Owns the browser side of a `Refill`: the file's bytes it asks for, read through a `Window`, with a turn for the
//! browser whenever a slice of work took `SLICE_MS`. The records themselves are the domain's (`FileIndex`), equal
//! to those the first read gave. A file changed or moved since it was chosen cannot be read (the browser refuses)
//! and the failure is said in words (`gone`).

use crate::domain::engine::Refill;
use crate::domain::table::Rows;
use crate::ui::file_source::{FileSource, Window};
use crate::web::yield_now::{now_ms, yield_now};
use crate::web::WebError;

/// Work done between two turns of the browser.
const SLICE_MS: f64 = 12.0;
/// Bytes read from disk at once for a few rows (a page of the grid): a step's worth.
const FEW_ROWS_BYTES: u64 = 1 << 20;

/// Reads what `refill` asks for through `window` and hands it to the table.
pub async fn refill(window: &mut Window, mut refill: Refill) -> Result<(), WebError> {
    let mut slice = now_ms();
    loop {
        let range = refill.wants();
        if !window.covers(&range) {
            window.load(range.clone()).await?;
            slice = now_ms();
        }
        if refill.step(window.get(range)) {
            break;
        }
        if now_ms() - slice >= SLICE_MS {
            yield_now().await;
            slice = now_ms();
        }
    }
    refill.finish().map_err(|_| gone(window.source()))
}

/// Fills the records of `rows` in view at `needed` (in order; at most `LOADED_BLOCKS` blocks of them) that are
/// not in memory, if any: only their blocks are loaded.
pub async fn fill(source: &FileSource, rows: &Rows, needed: &[usize]) -> Result<(), WebError> {
    let mut window = Window::sized(source.clone(), FEW_ROWS_BYTES);
    let mut last = None;
    while let Some(missing) = rows.missing_of(needed) {
        if last.replace(missing.clone()) == Some(missing.clone()) {
            return Err(gone(source));
        }
        let Some(asked) = Refill::new(rows, missing) else { return Err(gone(source)) };
        refill(&mut window, asked.only(needed)).await?;
    }
    Ok(())
}

/// The file could not give the rows it gave before: it changed (or moved) since it was read.
pub fn gone(source: &FileSource) -> WebError {
    let name = match source {
        FileSource::Disk(file) => file.name(),
        FileSource::Memory(_) => String::new(),
    };
    WebError::FileChanged { name }
}
