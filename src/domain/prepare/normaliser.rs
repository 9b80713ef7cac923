//! How a validation pass reads and normalises each mapped field: decided once (fields, sources, date plans, whether
//! person accounts are left out), then applied to any record — to check it, and later to show or export it again.
//!
//! Owns the per-value pipeline (source value → edit overlay → type check → select value map). Key uniqueness is
//! not here: it depends on the rows before, so `RowChecker` owns it. Invariant: the same record, edits and
//! normaliser always give the same values, so a row never needs to be kept once checked.

use std::borrow::Cow;
use std::collections::HashSet;
use std::hash::BuildHasherDefault;

use rustc_hash::FxHasher;

use super::{check_value, date_plan, DatePlan, DateQuestion, OutCell, OutRow};
use crate::domain::dates::DateDetection;
use crate::domain::edits::Edits;
use crate::domain::mapping::{Mapping, Source};
use crate::domain::person_accounts;
use crate::domain::report::{Issue, Problem};
use crate::domain::schema::{Entity, Field, FieldType, Schema};
use crate::domain::table::Record;
use crate::domain::values::{split_cell, suggest_option};

/// The decisions of one validation pass (they travel to a reading worker that writes the import file:
/// `engine::ExportOrder`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Normaliser {
    entity: Entity,
    mapping: Mapping,
    fields: Vec<Field>,
    /// Each field's source, in `fields` order.
    sources: Vec<Source>,
    plans: Vec<Option<DatePlan>>,
    /// The person-account column, when person accounts are left out of an organizations import.
    person_column: Option<usize>,
}

/// The values of a select field already given their suggested option (`learn_values`). Fx hashing: a look per
/// cell, with keys from the admin's own file.
pub(crate) type Met = HashSet<String, BuildHasherDefault<FxHasher>>;

/// The admin's edits of one record: (field, value).
pub(crate) type RowEdits<'a> = Vec<(&'a str, &'a str)>;

impl Normaliser {
    /// `date_detection(field)` tells what the raw values of a date field whose order is not chosen look like; the
    /// questions that raises are added to `questions`.
    pub(crate) fn new(
        schema: &Schema,
        mapping: &Mapping,
        headers: &[String],
        person_column: Option<usize>,
        mut date_detection: impl FnMut(&Field) -> DateDetection,
        questions: &mut Vec<DateQuestion>,
    ) -> Normaliser {
        let fields: Vec<Field> = mapping.mapped_fields(schema).into_iter().cloned().collect();
        let plans = fields
            .iter()
            .map(|f| {
                (f.kind == FieldType::Date).then(|| date_plan(f, mapping, headers, &mut date_detection, questions))
            })
            .collect();
        let sources = fields.iter().map(|f| mapping.source(&f.name).clone()).collect();
        Normaliser { entity: schema.entity, mapping: mapping.clone(), fields, sources, plans, person_column }
    }

    pub(crate) fn mapping(&self) -> &Mapping {
        &self.mapping
    }

    /// `RowChecker::learn_values`: a select field's values met for the first time get the option `suggest`
    /// gives them (`suggest_option`, as `ValueCounts::distinct` does), if any, in its value map. Whether a value
    /// map changed.
    pub(crate) fn learn_values(&mut self, record: &Record, met: &mut Vec<Met>) -> bool {
        let mut changed = false;
        met.resize_with(self.fields.len(), Met::default);
        for ((f, source), met) in self.fields.iter().zip(&self.sources).zip(met.iter_mut()) {
            // The kind first: a text field (most) costs no look-up of its name.
            if !f.kind.has_options() {
                continue;
            }
            let Some(map) = self.mapping.values.get_mut(&f.name) else {
                continue;
            };
            let raw = source.value_in(&record.cells);
            for part in split_cell(&raw, map.split) {
                if met.contains(part) {
                    continue;
                }
                met.insert(part.to_owned());
                if let Some(option) = suggest_option(part, &f.options) {
                    map.options.insert(part.to_owned(), Some(option));
                    changed = true;
                }
            }
        }
        changed
    }

    /// The person-account column, when person accounts are left out.
    pub(crate) fn person_column(&self) -> Option<usize> {
        self.person_column
    }

    pub(crate) fn entity(&self) -> Entity {
        self.entity
    }

    pub(crate) fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// Each field's source, in `fields` order.
    pub(crate) fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// Whether the record is a person account left out of the import (then nothing else is checked).
    pub(crate) fn is_left_out(&self, record: &Record) -> bool {
        self.person_column.is_some_and(|c| person_accounts::is_person_cells(&record.cells, c))
    }

    /// Field `i`'s value before checking: the admin's edit if there is one (then `true`), else the mapped source.
    pub(crate) fn raw<'a>(&self, i: usize, record: &'a Record, edits: &RowEdits<'a>) -> (Cow<'a, str>, bool) {
        raw_in(edits, &self.fields[i].name, &self.sources[i], record)
    }

    /// Field `i`'s raw value checked: the value CSM receives, or the problems with their fixes.
    pub(crate) fn check<'a>(&'a self, i: usize, raw: &'a str) -> Result<Cow<'a, str>, Vec<(Problem, Option<String>)>> {
        check_value(&self.fields[i], raw, self.plans[i].as_ref(), &self.mapping)
    }

    /// Field `i`'s value as it will be imported, from its raw `input`: nothing for a record left out or a value
    /// with a problem.
    fn output<'a>(&'a self, i: usize, input: &'a str, left_out: bool) -> Cow<'a, str> {
        if left_out {
            return Cow::Borrowed("");
        }
        self.check(i, input).unwrap_or_default()
    }

    /// Record `r`'s outputs (`out_row`'s), each given to `visit` in turn.
    pub(crate) fn each_output(&self, r: usize, record: &Record, edits: &Edits, mut visit: impl FnMut(&str)) {
        let row_edits = row_edits(edits, r);
        let left_out = self.is_left_out(record);
        for i in 0..self.fields.len() {
            let (input, _) = self.raw(i, record, &row_edits);
            visit(&self.output(i, &input, left_out));
        }
    }

    /// Record `r` as the grid shows it, given its findings.
    pub(crate) fn out_row(&self, r: usize, record: &Record, edits: &Edits, issues: &[Issue], rejected: bool) -> OutRow {
        let row_edits = row_edits(edits, r);
        let left_out = self.is_left_out(record);
        let cells = (0..self.fields.len())
            .map(|i| {
                let (input, edited) = self.raw(i, record, &row_edits);
                let output = self.output(i, &input, left_out).into_owned();
                let name = self.fields[i].name.as_str();
                let has_issue = issues.iter().any(|issue| issue.field.as_deref() == Some(name));
                OutCell { input: input.into_owned(), output, has_issue, edited }
            })
            .collect();
        OutRow { record: r, row: record.pos.row, cells, rejected }
    }
}

/// The value field `field` (fed by `source`) has in `record` before checking: the admin's edit among `edits` (that
/// record's) if there is one (then `true`), else the source's value.
pub(crate) fn raw_in<'a>(
    edits: &RowEdits<'a>,
    field: &str,
    source: &Source,
    record: &'a Record,
) -> (Cow<'a, str>, bool) {
    match edits.iter().find(|(f, _)| *f == field) {
        Some((_, v)) => (Cow::Borrowed(*v), true),
        None => (source.value_in(&record.cells), false),
    }
}

/// The edits of record `r` (none, almost always), found without a copy of any key.
pub(crate) fn row_edits(edits: &Edits, r: usize) -> RowEdits<'_> {
    edits.range((r, String::new())..(r + 1, String::new())).map(|((_, f), v)| (f.as_str(), v.as_str())).collect()
}
