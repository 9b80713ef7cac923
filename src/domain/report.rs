//! Findings as data: every problem the admin must see, with where it is, what it is, and how to fix it.
//!
//! Owns the `Issue` and `Problem` vocabulary and its plain-words messages. A bad cell is never an `Err`: it is an
//! `Issue` here. Producing issues is the job of `read`, `check` and `prepare`; this file only describes them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::table::Position;

/// Errors reject the row (it goes to the rejects file); warnings are shown but the row is still imported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// What is wrong. Each variant has a message an admin can act on.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Problem {
    /// The row has more values than the header has columns (usually a stray delimiter or quote).
    TooManyValues {
        found: usize,
        expected: usize,
        /// The values beyond the last column, kept so the rejects file loses nothing.
        extra: Vec<String>,
    },
    /// The row has fewer values than the header; the missing ones are read as empty.
    TooFewValues {
        found: usize,
        expected: usize,
    },
    /// The row has more values than the header, but the extra ones are empty (a trailing delimiter).
    ExtraEmptyValues {
        found: usize,
        expected: usize,
    },
    /// The key (email / organization name) is empty.
    MissingKey,
    /// Another row has the same key; only the first is imported.
    DuplicateKey {
        first_row: u64,
    },
    InvalidEmail,
    InvalidUrl,
    /// The date does not match the column's date format.
    InvalidDate,
    /// The column's dates could be day-first or month-first; the admin must say which.
    DateOrderUnknown,
    InvalidNumber,
    InvalidBoolean,
    InvalidPhone,
    /// A select value that is not one of the field's options.
    NotAnOption {
        value: String,
    },
    /// A value to be written into a multi-select cell contains the `|` separator.
    ValueContainsPipe {
        value: String,
    },
    /// A Salesforce person account the admin chose to leave out of an organizations import.
    PersonAccountLeftOut,
    /// A workbook cell held an Excel error (`#N/A`, `#REF!`…); it is read as empty.
    ExcelError {
        value: String,
    },
}

impl Problem {
    pub fn severity(&self) -> Severity {
        match self {
            Problem::TooFewValues { .. } | Problem::ExtraEmptyValues { .. } | Problem::ExcelError { .. } => {
                Severity::Warning
            }
            _ => Severity::Error,
        }
    }

    /// A short title for a group of findings ("Email address is not valid").
    pub fn title(&self) -> String {
        match self {
            Problem::TooManyValues { .. } => "Row has more values than there are columns".into(),
            Problem::TooFewValues { .. } => "Row has fewer values than there are columns".into(),
            Problem::ExtraEmptyValues { .. } => "Row ends with extra empty values".into(),
            Problem::MissingKey => "Required value is empty".into(),
            Problem::DuplicateKey { .. } => "Appears more than once".into(),
            Problem::InvalidEmail => "Not a valid email address".into(),
            Problem::InvalidUrl => "Not a valid web address".into(),
            Problem::InvalidDate => "Not a date we can read".into(),
            Problem::DateOrderUnknown => "Day and month order is unclear".into(),
            Problem::InvalidNumber => "Not a number".into(),
            Problem::InvalidBoolean => "Not yes or no".into(),
            Problem::InvalidPhone => "Not a phone number".into(),
            Problem::NotAnOption { .. } => "Not one of the field's options".into(),
            Problem::ValueContainsPipe { .. } => "Value contains the | separator".into(),
            Problem::PersonAccountLeftOut => "Person account left out".into(),
            Problem::ExcelError { .. } => "Cell shows an Excel error".into(),
        }
    }

    /// A sentence about one finding, naming the field where that helps.
    pub fn message(&self, field: &str) -> String {
        match self {
            Problem::TooManyValues { found, expected, extra } => format!(
                "This row has {found} values but the header has {expected} columns, so values may have shifted. \
                 Look for a stray delimiter or an unclosed quote in the original file. The values beyond the last \
                 column were: {}.",
                extra.iter().map(|v| format!("“{v}”")).collect::<Vec<_>>().join(", ")
            ),
            Problem::TooFewValues { found, expected } => format!(
                "This row has {found} values but the header has {expected} columns; the missing ones are left empty."
            ),
            Problem::ExtraEmptyValues { found, expected } => format!(
                "This row has {found} values but the header has {expected} columns; the extra ones are empty and are ignored."
            ),
            Problem::MissingKey => {
                format!("“{field}” is empty. CSM needs it to recognise the record: fill it in or leave the row out.")
            }
            Problem::DuplicateKey { first_row } => format!(
                "Row {first_row} has the same {field}. Only the first is imported; merge the two rows or change one."
            ),
            Problem::InvalidEmail => "This is not an email address like name@example.com.".into(),
            Problem::InvalidUrl => "This is not a web address like https://example.com.".into(),
            Problem::InvalidDate => {
                "This is not a real date, or it is written differently from the other dates in this column.".into()
            }
            Problem::DateOrderUnknown => "Every date in this column fits both day/month and month/day. \
                 Tell us which one your file uses."
                .into(),
            Problem::InvalidNumber => "This is not a number like 1234 or 12.5.".into(),
            Problem::InvalidBoolean => "Use yes/no or true/false.".into(),
            Problem::InvalidPhone => "A phone number needs between 5 and 20 digits.".into(),
            Problem::NotAnOption { value } => {
                format!("“{value}” is not an option of “{field}”. Pick the option it stands for in the value mapping.")
            }
            Problem::ValueContainsPipe { value } => format!(
                "“{value}” contains “|”, which separates values in the import file. Remove it or rename the option."
            ),
            Problem::PersonAccountLeftOut => "This row is a Salesforce person account (a person, not a company), and \
                 you chose to leave person accounts out. Import the rejected-rows file as customers to bring them in."
                .into(),
            Problem::ExcelError { value } => format!(
                "In the workbook this cell shows the Excel error {value}, so it is read as empty. Fix the formula in \
                 Excel and load the file again, or type the value here."
            ),
        }
    }

    /// The kind of problem without its details, for grouping ("all invalid emails").
    pub fn kind(&self) -> ProblemKind {
        match self {
            Problem::TooManyValues { .. } => ProblemKind::TooManyValues,
            Problem::TooFewValues { .. } => ProblemKind::TooFewValues,
            Problem::ExtraEmptyValues { .. } => ProblemKind::ExtraEmptyValues,
            Problem::MissingKey => ProblemKind::MissingKey,
            Problem::DuplicateKey { .. } => ProblemKind::DuplicateKey,
            Problem::InvalidEmail => ProblemKind::InvalidEmail,
            Problem::InvalidUrl => ProblemKind::InvalidUrl,
            Problem::InvalidDate => ProblemKind::InvalidDate,
            Problem::DateOrderUnknown => ProblemKind::DateOrderUnknown,
            Problem::InvalidNumber => ProblemKind::InvalidNumber,
            Problem::InvalidBoolean => ProblemKind::InvalidBoolean,
            Problem::InvalidPhone => ProblemKind::InvalidPhone,
            Problem::NotAnOption { .. } => ProblemKind::NotAnOption,
            Problem::ValueContainsPipe { .. } => ProblemKind::ValueContainsPipe,
            Problem::PersonAccountLeftOut => ProblemKind::PersonAccountLeftOut,
            Problem::ExcelError { .. } => ProblemKind::ExcelError,
        }
    }
}

/// `Problem` without its payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProblemKind {
    TooManyValues,
    TooFewValues,
    ExtraEmptyValues,
    MissingKey,
    DuplicateKey,
    InvalidEmail,
    InvalidUrl,
    InvalidDate,
    DateOrderUnknown,
    InvalidNumber,
    InvalidBoolean,
    InvalidPhone,
    NotAnOption,
    ValueContainsPipe,
    PersonAccountLeftOut,
    ExcelError,
}

/// One finding: where, which source column and target field, what, and a suggested replacement value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    /// Index of the record in the table (0-based), for the grid and edits.
    pub record: usize,
    pub pos: Position,
    /// The source column(s) the value came from, as headers ("FirstName + LastName").
    pub column: Option<String>,
    /// The target field name.
    pub field: Option<String>,
    pub problem: Problem,
    /// A value that would fix it ("john@example.com"), when one can be worked out.
    pub fix: Option<String>,
}

impl Issue {
    pub fn severity(&self) -> Severity {
        self.problem.severity()
    }

    pub fn message(&self) -> String {
        self.problem.message(self.field.as_deref().unwrap_or("This value"))
    }
}

/// Findings of the same kind on the same field, shown together with one "fix all" action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub kind: ProblemKind,
    pub field: Option<String>,
    pub title: String,
    pub severity: Severity,
    /// Indexes into `Report::issues`.
    pub issues: Vec<usize>,
    /// How many of them have a suggested fix.
    pub fixable: usize,
}

/// Everything found in one validation pass.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub rows: usize,
    pub valid: usize,
    pub invalid: usize,
    pub warnings: usize,
    pub issues: Vec<Issue>,
}

impl Report {
    /// Issues grouped by (field, problem kind), errors first, then by field order of appearance.
    pub fn groups(&self) -> Vec<Group> {
        let mut map: BTreeMap<(Severity, Option<String>, ProblemKind), Group> = BTreeMap::new();
        for (i, issue) in self.issues.iter().enumerate() {
            let key = (issue.severity(), issue.field.clone(), issue.problem.kind());
            let g = map.entry(key).or_insert_with(|| Group {
                kind: issue.problem.kind(),
                field: issue.field.clone(),
                title: issue.problem.title(),
                severity: issue.severity(),
                issues: Vec::new(),
                fixable: 0,
            });
            g.issues.push(i);
            g.fixable += usize::from(issue.fix.is_some());
        }
        map.into_values().collect()
    }

    /// Indexes of the records that have at least one issue, in order.
    pub fn records_with_issues(&self) -> Vec<usize> {
        let mut v: Vec<usize> = self.issues.iter().map(|i| i.record).collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issue(record: usize, field: &str, problem: Problem, fix: Option<&str>) -> Issue {
        Issue {
            record,
            pos: Position { row: record as u64 + 2, line: record as u64 + 2 },
            column: Some(field.into()),
            field: Some(field.into()),
            problem,
            fix: fix.map(Into::into),
        }
    }

    #[test]
    fn groups_collect_the_same_problem_on_the_same_field_and_count_fixes() {
        let r = Report {
            issues: vec![
                issue(0, "Email", Problem::InvalidEmail, Some("a@b.co")),
                issue(3, "Email", Problem::InvalidEmail, None),
                issue(1, "Website", Problem::InvalidUrl, None),
                issue(2, "Email", Problem::TooFewValues { found: 2, expected: 3 }, None),
            ],
            ..Report::default()
        };
        let g = r.groups();
        assert_eq!(g.len(), 3);
        let email = g.iter().find(|g| g.kind == ProblemKind::InvalidEmail).expect("email group");
        assert_eq!((email.issues.len(), email.fixable), (2, 1));
        assert_eq!(g.last().map(|g| g.severity), Some(Severity::Warning));
        assert_eq!(r.records_with_issues(), vec![0, 1, 2, 3]);
    }

    #[test]
    fn messages_name_the_field_and_the_first_row() {
        let m = Problem::DuplicateKey { first_row: 7 }.message("Email");
        assert!(m.contains("Row 7") && m.contains("Email"), "{m}");
    }
}
