//! Salesforce person accounts: rows of an Accounts export that are people, not companies (`IsPersonAccount`).
//!
//! Owns recognising them. Whether they are imported is the admin's choice (`Mapping::leave_out_person_accounts`),
//! applied by `prepare`: rows left out go to the rejects file with the reason, never vanish.

use super::check::{check_boolean, Checked};
use super::mapping::Mapping;
use super::schema::{Entity, Schema};
use super::synonyms::normalise;
use super::table::{Cells, Table};

/// The column that marks person accounts, in normalised form.
const MARKER: &str = "ispersonaccount";

/// The index of the `IsPersonAccount` column (any spelling: API name or report label), if the file has one.
pub fn column(table: &Table) -> Option<usize> {
    column_in(&table.headers)
}

/// `column`, from the table's `headers` alone.
fn column_in(headers: &[String]) -> Option<usize> {
    headers.iter().position(|h| normalise(h) == MARKER)
}

/// The column whose person accounts are left out when checking a table with these `headers`: only for
/// organizations, when the admin's `mapping` leaves them out and the file marks them.
pub fn left_out_column(schema: &Schema, mapping: &Mapping, headers: &[String]) -> Option<usize> {
    (schema.entity == Entity::Organizations && mapping.leave_out_person_accounts).then(|| column_in(headers)).flatten()
}

/// Whether `record` is a person account, given the marker column.
pub fn is_person(table: &Table, record: usize, column: usize) -> bool {
    table.records.get(record).is_some_and(|r| is_person_cells(&r.cells, column))
}

/// Whether a record with these cells is a person account, given the marker column.
pub fn is_person_cells(cells: &Cells, column: usize) -> bool {
    check_boolean(cells.get(column).unwrap_or("")) == Checked::Valid("true".into())
}

/// How many rows are person accounts, from the counts of the marker column's values.
pub fn count_in(counts: &crate::domain::value_counts::ValueCounts) -> usize {
    counts.rows_where(|value| check_boolean(value) == Checked::Valid("true".into()))
}

/// How many rows are person accounts (0 when the file has no marker column).
pub fn count(table: &Table) -> usize {
    column(table).map_or(0, |c| table.records.iter().filter(|r| is_person_cells(&r.cells, c)).count())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::table::{Position, Record};

    fn accounts(flags: &[&str]) -> Table {
        Table {
            headers: vec!["Name".into(), "Is Person Account".into()],
            records: flags
                .iter()
                .enumerate()
                .map(|(i, f)| Record {
                    pos: Position { row: i as u64 + 2, line: i as u64 + 2 },
                    cells: vec![format!("Account {i}"), (*f).to_owned()].into(),
                })
                .collect(),
        }
    }

    #[test]
    fn person_accounts_are_found_by_the_report_label_or_api_name() {
        let t = accounts(&["true", "false", "1", ""]);
        assert_eq!(column(&t), Some(1));
        assert_eq!(count(&t), 2);
        let counts = crate::domain::value_counts::ValueCounts::of(&t, &crate::domain::mapping::Source::Column(1));
        assert_eq!(count_in(&counts), 2);
        assert!(is_person(&t, 2, 1) && !is_person(&t, 3, 1));
    }

    #[test]
    fn a_file_without_the_marker_has_no_person_accounts() {
        let t = Table { headers: vec!["Name".into()], records: Default::default() };
        assert_eq!((column(&t), count(&t)), (None, 0));
    }
}
