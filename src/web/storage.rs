//! The browser's storage: localStorage for the resume journal and the non-secret connection settings,
//! sessionStorage for a token only when the admin opts in ("keep it while this tab is open").
//!
//! Owns reading, writing and listing keys, with failures (private mode, storage full) as `WebError::Storage`.
//! It does not decide what is stored: callers pass text that holds no cell values.

use super::{describe, WebError};

/// Which storage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Area {
    /// Kept across visits, on this computer only.
    Local,
    /// Gone when the tab closes.
    Session,
}

fn storage(area: Area) -> Result<web_sys::Storage, WebError> {
    let window = web_sys::window().ok_or_else(|| WebError::Storage("no window".into()))?;
    let s = match area {
        Area::Local => window.local_storage(),
        Area::Session => window.session_storage(),
    };
    s.map_err(|e| WebError::Storage(describe(&e)))?.ok_or_else(|| WebError::Storage("storage is turned off".into()))
}

pub fn get(area: Area, key: &str) -> Option<String> {
    storage(area).ok()?.get_item(key).ok().flatten()
}

pub fn set(area: Area, key: &str, value: &str) -> Result<(), WebError> {
    storage(area)?.set_item(key, value).map_err(|e| WebError::Storage(describe(&e)))
}

pub fn remove(area: Area, key: &str) {
    if let Ok(s) = storage(area) {
        let _ = s.remove_item(key);
    }
}

/// Every stored value whose key starts with `prefix`.
pub fn values_with_prefix(area: Area, prefix: &str) -> Vec<String> {
    let Ok(s) = storage(area) else { return Vec::new() };
    let len = s.length().unwrap_or(0);
    (0..len)
        .filter_map(|i| s.key(i).ok().flatten())
        .filter(|k| k.starts_with(prefix))
        .filter_map(|k| s.get_item(&k).ok().flatten())
        .collect()
}
