//! What the page tells the reading worker about the table it put together from the worker's records, so the check
//! and the count the worker made as it read (`EarlyCheck`, `EarlyCount`) can be finished and proved: the header,
//! how many rows the table has (the footer left out), the rows reading rejected, and the sources the suggested
//! mapping counts.

use serde::{Deserialize, Serialize};

use crate::domain::mapping::Source;
use crate::domain::read::ReadOutcome;
use crate::domain::report::Severity;
use crate::domain::schema::Schema;
use crate::domain::suggest::{counted_sources, suggest_sources};

/// Facts of one table put together, as the page sends them to the worker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableFacts {
    /// The spreadsheet row of the header, and its names as the table has them.
    pub header_row: u64,
    pub headers: Vec<String>,
    /// Rows of the table.
    pub rows: usize,
    /// The rows reading rejected (an error found while reading: too many values), in order.
    pub rejected: Vec<usize>,
    /// The sources the mapping the page suggests for the table counts (`counted_sources`), with its schema now.
    pub sources: Vec<Source>,
}

impl TableFacts {
    /// The facts of `outcome`'s table, its counted sources those of `schema`'s suggested mapping.
    pub fn of(outcome: &ReadOutcome, schema: &Schema) -> TableFacts {
        let mut rejected: Vec<usize> =
            outcome.issues.iter().filter(|i| i.severity() == Severity::Error).map(|i| i.record).collect();
        rejected.sort_unstable();
        rejected.dedup();
        TableFacts {
            header_row: outcome.structure.header_row,
            headers: outcome.table.headers.clone(),
            rows: outcome.table.records.len(),
            rejected,
            sources: counted_sources(&suggest_sources(schema, &outcome.table.headers), schema),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(json: &str) -> Option<TableFacts> {
        serde_json::from_str(json).ok()
    }
}
