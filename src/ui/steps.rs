//! The wizard steps, one file each.

pub mod api;
pub mod export;
pub mod map;
pub mod review;
pub mod upload;
