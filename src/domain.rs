//! The pure core: everything the app knows about CSV files, CSM's rules and the admin's choices.
//!
//! No browser crate is reachable from here (they are wasm32-only dependencies). Time, randomness and I/O come in
//! as arguments, so every function is deterministic and tested with plain `cargo test`.
//!
//! The pipeline: [`read`] bytes (CSV text, or an .xlsx through [`xlsx`]) → [`table::Table`], the table found by
//! [`structure`] under any report title rows; [`suggest`] a [`mapping::Mapping`] onto a [`schema::Schema`];
//! [`prepare`] validates every row into a [`report::Report`] and output rows; [`export`] writes the files.

pub mod api;
pub mod check;
pub mod checklist;
pub mod dates;
pub mod decode;
pub mod edits;
pub mod engine;
pub mod export;
pub mod limits;
pub mod mapping;
pub mod person_accounts;
pub mod prepare;
pub mod read;
pub mod report;
pub mod schema;
pub mod sniff;
pub mod stream;
pub mod structure;
pub mod suggest;
pub mod synonyms;
pub mod table;
pub mod value_counts;
pub mod values;
pub mod xlsx;
