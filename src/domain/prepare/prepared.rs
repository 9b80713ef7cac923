//! The result of a validation pass, kept small: the findings, one byte of flags a row, and what is needed to give any
//! row's cells again (the shared table, the edits and the pass's decisions) — never a copy of every value.
//!
//! Owns the row views (`row`, `rows`, `valid_rows`) the grid, the export and the import read. A row's cells are
//! normalised again when asked for, exactly as the pass checked them (the check is deterministic), so a
//! 2-million-row result costs about 2 MB beyond its findings. Invariant: `flags` has one entry per record of the
//! table, and a row is rejected exactly when it has an error-severity finding.

use std::fmt;
use std::sync::Arc;

use super::normaliser::Normaliser;
use super::{DateQuestion, OutColumn, OutRow};
use crate::domain::edits::Edits;
use crate::domain::report::{Issue, Report, Severity};
use crate::domain::schema::Entity;
use crate::domain::table::Table;

/// The row has an error-severity finding: it is not imported.
const REJECTED: u8 = 1;
/// One of the row's cells has a finding (error or warning).
const CELL_FINDING: u8 = 2;

/// Everything the review and export steps need.
#[derive(Clone, Default)]
pub struct Prepared {
    pub entity: Option<Entity>,
    pub columns: Vec<OutColumn>,
    pub report: Report,
    pub date_questions: Vec<DateQuestion>,
    /// Per column: the options the imported rows use (sorted; empty for fields without options).
    options_used: Vec<Vec<String>>,
    flags: Vec<u8>,
    source: Option<Arc<Source>>,
}

/// What the rows are made from again.
struct Source {
    table: Arc<Table>,
    edits: Edits,
    normaliser: Normaliser,
}

impl Prepared {
    /// Marks the rows with an error as rejected and counts: the result of a pass over `table`.
    /// `issues` are every finding of the pass (any order).
    pub(crate) fn new(
        table: Arc<Table>,
        edits: Edits,
        normaliser: Normaliser,
        (columns, options_used): (Vec<OutColumn>, Vec<Vec<String>>),
        mut issues: Vec<Issue>,
        date_questions: Vec<DateQuestion>,
    ) -> Prepared {
        issues.sort_by_key(|i| i.record);
        let mut flags = vec![0u8; table.records.len()];
        for issue in &issues {
            let Some(flag) = flags.get_mut(issue.record) else { continue };
            if issue.severity() == Severity::Error {
                *flag |= REJECTED;
            }
            if issue.field.is_some() {
                *flag |= CELL_FINDING;
            }
        }
        let rows = flags.len();
        let invalid = flags.iter().filter(|f| *f & REJECTED != 0).count();
        let warnings = issues.iter().filter(|i| i.severity() == Severity::Warning).count();
        let report = Report { rows, valid: rows - invalid, invalid, warnings, issues };
        let entity = Some(normaliser.entity());
        Prepared {
            entity,
            columns,
            report,
            date_questions,
            options_used,
            flags,
            source: Some(Arc::new(Source { table, edits, normaliser })),
        }
    }

    /// Rows checked (every record of the table).
    pub fn len(&self) -> usize {
        self.flags.len()
    }

    pub fn is_empty(&self) -> bool {
        self.flags.is_empty()
    }

    /// Whether record `r` is left out of the import.
    pub fn is_rejected(&self, r: usize) -> bool {
        self.flags.get(r).is_some_and(|f| f & REJECTED != 0)
    }

    /// Whether record `r` is rejected or has a cell with a finding (the grid's "rows with problems").
    pub fn has_problem(&self, r: usize) -> bool {
        self.flags.get(r).is_some_and(|f| *f != 0)
    }

    /// The checked table's records, when the check kept its source (`rows`, `row` read them).
    pub fn records(&self) -> Option<&crate::domain::table::Rows> {
        self.source.as_ref().map(|s| &s.table.records)
    }

    /// The row number a spreadsheet shows for record `r`.
    pub fn row_number(&self, r: usize) -> Option<u64> {
        self.source.as_ref().and_then(|s| s.table.records.get(r)).map(|record| record.pos.row)
    }

    /// The findings of record `r` (the report keeps them sorted by record).
    pub fn issues_of(&self, r: usize) -> &[Issue] {
        let issues = &self.report.issues;
        let first = issues.partition_point(|i| i.record < r);
        let end = first + issues[first..].partition_point(|i| i.record == r);
        &issues[first..end]
    }

    /// Record `r` as checked: each value as read (or edited) and as it will be imported.
    pub fn row(&self, r: usize) -> Option<OutRow> {
        let source = self.source.as_ref()?;
        let record = source.table.records.get(r)?;
        Some(source.normaliser.out_row(r, &record, &source.edits, self.issues_of(r), self.is_rejected(r)))
    }

    /// Each value of record `r` as it will be imported (`row`'s outputs), in column order, given to `visit`
    /// without a copy; the record's file row, or `None` when there is no such record.
    pub fn each_output(&self, r: usize, visit: impl FnMut(&str)) -> Option<u64> {
        let source = self.source.as_ref()?;
        let record = source.table.records.get(r)?;
        source.normaliser.each_output(r, &record, &source.edits, visit);
        Some(record.pos.row)
    }

    /// Every row, in file order.
    pub fn rows(&self) -> impl Iterator<Item = OutRow> + '_ {
        (0..self.len()).filter_map(|r| self.row(r))
    }

    /// The rows that will be imported, in file order.
    pub fn valid_rows(&self) -> impl Iterator<Item = OutRow> + '_ {
        (0..self.len()).filter(|r| !self.is_rejected(*r)).filter_map(|r| self.row(r))
    }

    /// `valid_rows` up to the first record not in memory (a table kept in the file keeps its first blocks): the
    /// first rows to show at once, never a read of the file.
    pub fn valid_rows_at_hand(&self) -> impl Iterator<Item = OutRow> + '_ {
        let at_hand = |r: &usize| self.records().is_none_or(|rows| rows.has(*r));
        (0..self.len()).take_while(at_hand).filter(|r| !self.is_rejected(*r)).filter_map(|r| self.row(r))
    }

    /// How many rows will be imported.
    pub fn valid_count(&self) -> usize {
        self.report.valid
    }

    /// The records left out of the import, in file order.
    pub fn rejected_records(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.len()).filter(|r| self.is_rejected(*r))
    }

    /// The options the imported rows use in column `column`, sorted.
    pub fn options_used(&self, column: usize) -> &[String] {
        self.options_used.get(column).map_or(&[], Vec::as_slice)
    }

    /// What its rows are made from again: the table, the edits and the decisions (`engine::ExportOrder` sends the
    /// last two to the worker that writes the import file).
    pub(crate) fn source_parts(&self) -> Option<(&Table, &Edits, &Normaliser)> {
        self.source.as_ref().map(|s| (s.table.as_ref(), &s.edits, &s.normaliser))
    }

    /// Whether both were made from the same table, edits and decisions (so their rows are the same).
    fn same_source(&self, other: &Prepared) -> bool {
        match (&self.source, &other.source) {
            (Some(a), Some(b)) => {
                Arc::ptr_eq(a, b)
                    || (Arc::ptr_eq(&a.table, &b.table) && a.edits == b.edits && a.normaliser == b.normaliser)
            }
            (None, None) => true,
            _ => false,
        }
    }
}

/// Equal when everything the admin could see is equal: counts, findings, questions and every row's cells.
impl PartialEq for Prepared {
    fn eq(&self, other: &Prepared) -> bool {
        self.entity == other.entity
            && self.columns == other.columns
            && self.report == other.report
            && self.date_questions == other.date_questions
            && self.options_used == other.options_used
            && self.flags == other.flags
            && (self.same_source(other) || self.rows().eq(other.rows()))
    }
}

impl Eq for Prepared {}

impl fmt::Debug for Prepared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Prepared")
            .field("entity", &self.entity)
            .field("columns", &self.columns)
            .field("report", &self.report)
            .field("date_questions", &self.date_questions)
            .field("rows", &self.len())
            .finish()
    }
}
