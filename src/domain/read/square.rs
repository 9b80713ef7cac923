//! Squaring a record to the header's width, and which ragged-row problem that was.
//!
//! Owns the ragged-row policy: too few cells are padded, too many are cut, and extra cells that are all blank (a
//! trailing delimiter) are only a warning. Does not record the issue or its position (`read` does) and does not
//! touch cell contents; the table squares the record itself as it hands it out (`Rows::square`).

use crate::domain::report::Problem;
use crate::domain::table::Record;

/// Which problem squaring `record` to `width` cells is, if it is one. The table squares it (`Rows::square`).
pub(crate) fn square(record: &Record, width: usize) -> Option<Problem> {
    let found = record.cells.len();
    let problem = match found.cmp(&width) {
        // Extra cells that are all empty (a trailing delimiter) lose nothing: a warning, not a rejected row.
        std::cmp::Ordering::Greater if record.cells.iter().skip(width).all(|c| c.trim().is_empty()) => {
            Some(Problem::ExtraEmptyValues { found, expected: width })
        }
        std::cmp::Ordering::Greater => Some(Problem::TooManyValues {
            found,
            expected: width,
            extra: record.cells.iter().skip(width).map(str::to_owned).collect(),
        }),
        std::cmp::Ordering::Less => Some(Problem::TooFewValues { found, expected: width }),
        std::cmp::Ordering::Equal => None,
    };
    problem
}

#[cfg(test)]
mod tests {
    use crate::domain::read::tests::read_str;
    use crate::domain::read::{read, ReadOptions};
    use crate::domain::report::Problem;

    #[test]
    fn ragged_rows_are_reported_not_fatal() {
        let o = read_str("A,B,C\n1,2\n1,2,3\n1,2,3,4,5\n");
        assert_eq!(o.table.records.len(), 3);
        assert!(o.table.records.iter().all(|r| r.cells.len() == 3));
        assert_eq!(o.table.records.to_vec()[0].cells, vec!["1", "2", ""]);
        assert_eq!(o.table.records.to_vec()[2].cells, vec!["1", "2", "3"]);
        let found: Vec<_> = o.issues.iter().map(|i| (i.record, i.pos.row, i.problem.clone())).collect();
        assert_eq!(
            found,
            vec![
                (0, 2, Problem::TooFewValues { found: 2, expected: 3 }),
                (2, 4, Problem::TooManyValues { found: 5, expected: 3, extra: vec!["4".into(), "5".into()] }),
            ]
        );
        assert!(o.issues.iter().all(|i| i.column.is_none() && i.field.is_none() && i.fix.is_none()));
    }

    #[test]
    fn a_trailing_delimiter_is_a_warning_not_a_rejection() {
        let o = read(b"A,B\n1,2,\n", &ReadOptions::default()).expect("reads");
        assert_eq!(o.issues[0].problem, Problem::ExtraEmptyValues { found: 3, expected: 2 });
        assert_eq!(o.issues[0].severity(), crate::domain::report::Severity::Warning);
        assert_eq!(o.table.records.to_vec()[0].cells, vec!["1".to_owned(), "2".to_owned()]);
    }
}
