//! What every successful read must hold, whatever the bytes: the table's invariants from `domain::read`.

use std::collections::HashSet;

use csm_import::domain::read::ReadOutcome;

pub fn check(outcome: &ReadOutcome) {
    let table = &outcome.table;
    let width = table.headers.len();
    assert!(width > 0, "a table has at least one column");
    assert!(!table.records.is_empty(), "a table has at least one data row");
    assert!(table.records.iter().all(|r| r.cells.len() == width), "every record has one cell per header");
    assert!(table.headers.iter().all(|h| !h.is_empty()), "headers are non-empty");
    assert_eq!(table.headers.iter().collect::<HashSet<_>>().len(), width, "headers are unique");
    let header_row = outcome.structure.header_row;
    assert!(table.records.iter().all(|r| r.pos.row > header_row && r.pos.line >= r.pos.row));
    let records = table.records.to_vec();
    assert!(records.windows(2).all(|w| w[0].pos.row < w[1].pos.row), "rows go down the file");
    assert_eq!(table.records.get(records.len() / 2), records.get(records.len() / 2).cloned(), "get is iter");
    assert!(outcome.issues.iter().all(|i| i.record < table.records.len()), "issues point at records");
    assert!(outcome.structure.title_rows.iter().all(|r| r.row < header_row), "title rows are above the header");
}
