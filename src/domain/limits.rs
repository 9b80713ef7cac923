//! CSM's limits and chosen rules, in one place so they can change when a real site says otherwise
//! (contract §1–2). Nothing else in the code hard-codes these numbers.

/// Rows per import file for current CSM sites.
pub const MAX_ROWS_PER_FILE: usize = 50_000;
/// Bytes per import file for current CSM sites (80 MB).
pub const MAX_BYTES_PER_FILE: usize = 80 * 1_000_000;
/// Rows per import file for legacy (JSM profile) sites, which only update existing profiles.
pub const LEGACY_MAX_ROWS_PER_FILE: usize = 1_000;
/// Bytes per import file for legacy sites (1 MB).
pub const LEGACY_MAX_BYTES_PER_FILE: usize = 1_000_000;
/// Above this many fields per entity, or options per select field, we warn (chosen: never fail).
pub const WARN_ABOVE_COUNT: usize = 50;
/// The separator written between values of a multi-select cell (chosen: `|`).
pub const MULTI_VALUE_SEPARATOR: char = '|';
