//! Applying a mapping to a table: every row validated and normalised into the values CSM will receive, with every
//! finding recorded in a `Report`.
//!
//! Owns the per-row pipeline (source value → edit overlay → type check → select value map → key uniqueness) and the
//! date-order questions. It does not write files (`export`) or decide the mapping (`suggest`). Invariant: a row is
//! rejected exactly when it has at least one error-severity issue; nothing is dropped without an issue.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::Arc;

use super::check::{self, Checked};
use super::dates::{DateDetection, DateFormat, DateTally};
use super::edits::Edits;
use super::limits::MULTI_VALUE_SEPARATOR;
use super::mapping::Mapping;
use super::person_accounts;
use super::report::{Issue, Problem, Severity};
use super::schema::{Entity, Field, FieldRole, FieldType, Schema};
use super::table::{Record, Table};
use super::values::{split_cell, suggest_option};

mod choices;
mod first_rows;
mod normaliser;
mod prepared;

use choices::Choices;
use first_rows::FirstRows;

use normaliser::{raw_in, row_edits};
pub(crate) use normaliser::{Met, Normaliser};
pub use prepared::Prepared;

/// A column of the import file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutColumn {
    pub field: String,
    pub kind: FieldType,
    /// The source header(s), "FirstName + LastName".
    pub source: String,
}

/// One value as the admin sees it in the review grid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutCell {
    /// The value before checking: the source (or the admin's edit).
    pub input: String,
    /// The value written to CSM (normalised; multi-select joined with `|`); empty when invalid.
    pub output: String,
    pub has_issue: bool,
    pub edited: bool,
}

/// One source record after validation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutRow {
    pub record: usize,
    /// The row number a spreadsheet shows for it.
    pub row: u64,
    pub cells: Vec<OutCell>,
    pub rejected: bool,
}

/// A date column whose day/month order we must not guess.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateQuestion {
    pub field: String,
    pub column: String,
    pub day_first: DateFormat,
    pub month_first: DateFormat,
    pub example: String,
}

/// How a date field's values are read.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
enum DatePlan {
    Format(DateFormat),
    Ask,
    Unreadable,
}

/// Validates every record of `table` against `schema` through `mapping`, with `edits` overlaid.
/// `read_issues` (ragged rows from reading) are carried into the report.
pub fn prepare(
    table: &Arc<Table>,
    schema: &Schema,
    mapping: &Mapping,
    edits: &Edits,
    read_issues: &[Issue],
) -> Prepared {
    let person_column = person_accounts::left_out_column(schema, mapping, &table.headers);
    let (mut checker, date_questions) =
        RowChecker::new(schema, mapping, &table.headers, person_column, read_issues, |f| {
            let mut tally = DateTally::default();
            for (r, record) in table.records.iter().enumerate() {
                tally.add(&raw_value(mapping, edits, r, &record, f).0);
            }
            tally.verdict()
        });
    checker.reserve(table.records.len());
    let mut issues: Vec<Issue> = read_issues.to_vec();
    for (r, record) in table.records.iter().enumerate() {
        checker.check(r, &record, edits, &mut issues);
    }
    checker.finish(Arc::clone(table), edits.clone(), issues, date_questions)
}

/// Everything decided once per validation pass (the `Normaliser`) and the keys seen so far, so rows can be checked
/// one at a time in file order — the whole table at once (`prepare`) or in slices (`engine::ValidateJob`).
pub struct RowChecker {
    normaliser: Normaliser,
    /// Each field's source as the admin knows it ("FirstName + LastName").
    described: Vec<Option<String>>,
    /// Hash of a key's identity → the row it was first seen on. A 64-bit hash instead of the key itself keeps this
    /// at a few bytes a row for a 2-million-row file (a collision between two different keys is about 1 in 10^7).
    /// The hash is kept as two halves and the row as a `u32` so an entry takes 12 bytes, not 16 (a `u64` beside a
    /// `u64`). No file a browser can hold has 4 billion rows. Its keys are hashes already: they pick their own
    /// slots (`FirstRows`).
    first_key: FirstRows,
    /// The header of the person-account column, when person accounts are left out.
    person_header: Option<String>,
    /// Records an error found while reading rejects (sorted).
    read_rejected: Vec<usize>,
    /// Per field: the options the rows imported use (empty for fields without options).
    options_used: Vec<BTreeSet<String>>,
    /// Per field: whether checking it can tell anything. A plain text field (not the key, no options) accepts every
    /// value and its normalised value is not kept here, so the pass skips it (most of a CRM export's columns).
    telling: Vec<bool>,
    /// What each value of a select field (not the key) gave, remembered: most cells repeat a few values.
    choices: Choices,
}

impl RowChecker {
    /// `date_detection(field)` tells what every raw value of a date field (edits included) looks like, so the
    /// column's day/month order is decided from all of them; the questions that raises are returned beside the
    /// checker. It is asked only for date fields whose order the admin has not chosen.
    pub fn new(
        schema: &Schema,
        mapping: &Mapping,
        headers: &[String],
        person_column: Option<usize>,
        read_issues: &[Issue],
        date_detection: impl FnMut(&Field) -> DateDetection,
    ) -> (RowChecker, Vec<DateQuestion>) {
        let mut questions = Vec::new();
        let normaliser = Normaliser::new(schema, mapping, headers, person_column, date_detection, &mut questions);
        (RowChecker::from_normaliser(normaliser, headers, read_issues), questions)
    }

    /// The checker of a pass already decided (`normaliser`: a reading worker checks the rows again with the page's
    /// decisions, to write the rejected rows with their reasons), over a table with `headers` that reading found
    /// `read_issues` in.
    pub(crate) fn from_normaliser(normaliser: Normaliser, headers: &[String], read_issues: &[Issue]) -> RowChecker {
        let mapping = normaliser.mapping();
        let described = normaliser.fields().iter().map(|f| mapping.source(&f.name).describe(headers)).collect();
        let person_header = normaliser.person_column().and_then(|c| headers.get(c).cloned());
        let mut read_rejected: Vec<usize> =
            read_issues.iter().filter(|i| i.severity() == Severity::Error).map(|i| i.record).collect();
        read_rejected.sort_unstable();
        read_rejected.dedup();
        let options_used = vec![BTreeSet::new(); normaliser.fields().len()];
        let telling = normaliser
            .fields()
            .iter()
            .map(|f| !(f.kind == FieldType::Text && f.role != FieldRole::Key && f.options.is_empty()))
            .collect();
        let first_key = FirstRows::new();
        let choices = Choices::default();
        RowChecker { normaliser, described, first_key, person_header, read_rejected, options_used, telling, choices }
    }

    /// The columns checking a record reads (`check_told`, `learn_values`, the date orders' tallies): the sources of
    /// the fields it looks at (`telling`) and the person-account column. No other column's values are ever read, so
    /// a reading worker sends the checking one only these (`engine::KeptColumns`).
    pub(crate) fn columns_read(&self) -> Vec<usize> {
        let fields = self.normaliser.sources().iter().zip(&self.telling);
        let mut columns: Vec<usize> = fields.filter(|(_, telling)| **telling).flat_map(|(s, _)| s.columns()).collect();
        columns.extend(self.normaliser.person_column());
        columns
    }

    /// Makes room for the keys of `rows` rows at once, so the key table does not grow while checking.
    pub fn reserve(&mut self, rows: usize) {
        self.first_key.reserve(rows);
    }

    /// The columns of the import file.
    pub fn columns(&self) -> Vec<OutColumn> {
        self.normaliser
            .fields()
            .iter()
            .zip(&self.described)
            .map(|(f, d)| OutColumn { field: f.name.clone(), kind: f.kind, source: d.clone().unwrap_or_default() })
            .collect()
    }

    /// Checks record number `r`, appending its findings to `issues`. Rows must come in file order (the first of
    /// two equal keys is the one kept).
    pub fn check(&mut self, r: usize, record: &Record, edits: &Edits, issues: &mut Vec<Issue>) {
        let read_rejected = self.read_rejected.binary_search(&r).is_ok();
        self.check_told(r, record, edits, issues, read_rejected);
    }

    /// `check`, told whether reading rejected the record (`read_rejected`) instead of looking it up among the
    /// read issues given at the start: for rows checked as they are read, before those issues are all known
    /// (`engine::EarlyCheck`).
    pub(crate) fn check_told(
        &mut self,
        r: usize,
        record: &Record,
        edits: &Edits,
        issues: &mut Vec<Issue>,
        read_rejected: bool,
    ) {
        // A person account left out is not checked further: its only finding is why it is left out.
        if self.normaliser.is_left_out(record) {
            issues.push(Issue {
                record: r,
                pos: record.pos,
                column: self.person_header.clone(),
                field: None,
                problem: Problem::PersonAccountLeftOut,
                fix: None,
            });
            return;
        }
        let row_edits = row_edits(edits, r);
        let first_finding = issues.len();
        let mut options: Vec<(usize, String)> = Vec::new();
        for (i, described) in self.described.iter().enumerate() {
            if !self.telling[i] {
                continue;
            }
            let (input, _) = self.normaliser.raw(i, record, &row_edits);
            let f = &self.normaliser.fields()[i];
            if f.kind.has_options() && f.role != FieldRole::Key {
                // A select field's verdict, as below, remembered per value.
                let found = self.choices.check(&self.normaliser, i, &input, &self.options_used[i], &mut options);
                push_findings(issues, (r, record), (described, f), found);
                continue;
            }
            let (mut found, output) = match self.normaliser.check(i, &input) {
                Ok(v) => (Vec::new(), v),
                Err(problems) => (problems, Cow::Borrowed("")),
            };
            if f.role == FieldRole::Key && found.is_empty() {
                if output.is_empty() {
                    found.push((Problem::MissingKey, None));
                } else {
                    let identity = key_identity_hash(self.normaliser.entity(), &output);
                    // One probe of the table (a cache miss, at a million keys) for both the look and the insert.
                    let row = u32::try_from(record.pos.row).unwrap_or(u32::MAX);
                    if let Some(first_row) = self.first_key.first_or_insert(identity, row) {
                        found.push((Problem::DuplicateKey { first_row: u64::from(first_row) }, None));
                    }
                }
            }
            // An option already used needs no second look (most cells: the same few options again and again).
            let new_option = !f.options.is_empty() && !output.is_empty() && !self.options_used[i].contains(&*output);
            if found.is_empty() && new_option {
                options.push((i, output.into_owned()));
            }
            push_findings(issues, (r, record), (described, f), found);
        }
        let rejected = read_rejected || issues[first_finding..].iter().any(|i| i.severity() == Severity::Error);
        if !rejected {
            for (i, output) in options {
                for option in output.split(MULTI_VALUE_SEPARATOR) {
                    if !self.options_used[i].contains(option) {
                        self.options_used[i].insert(option.to_owned());
                    }
                }
            }
        }
    }

    /// Per field, the options the rows checked so far use (for a check made elsewhere: `with_options_used`).
    pub(crate) fn options_used(&self) -> Vec<Vec<String>> {
        self.options_used.iter().map(|o| o.iter().cloned().collect()).collect()
    }

    /// This checker, as if it had checked the rows whose options `options_used` gives (`options_used`).
    pub(crate) fn with_options_used(mut self, options_used: Vec<Vec<String>>) -> RowChecker {
        for (used, given) in self.options_used.iter_mut().zip(options_used) {
            used.extend(given);
        }
        self
    }

    /// The mapping the rows are checked with.
    pub(crate) fn mapping(&self) -> &Mapping {
        self.normaliser.mapping()
    }

    /// Adds to the value map of every select field the option suggested for each of `record`'s values not met
    /// before (`met`, per field in `columns` order), as `suggest` maps every value of the column: the map is
    /// built a record at a time, before each record is checked (`engine::EarlyCheck`).
    pub(crate) fn learn_values(&mut self, record: &Record, met: &mut Vec<Met>) {
        if self.normaliser.learn_values(record, met) {
            // A value map changed: what its values gave may differ now.
            self.choices.forget();
        }
    }

    /// The result of the pass once every record of `table` is checked: `issues` are all its findings.
    pub fn finish(
        self,
        table: Arc<Table>,
        edits: Edits,
        issues: Vec<Issue>,
        date_questions: Vec<DateQuestion>,
    ) -> Prepared {
        let columns = self.columns();
        let options_used = self.options_used.into_iter().map(|o| o.into_iter().collect()).collect();
        Prepared::new(table, edits, self.normaliser, (columns, options_used), issues, date_questions)
    }
}

/// Adds to `issues` the problems `found` with field `f` (its source `described` as the admin knows it) in record
/// number `r`.
fn push_findings(
    issues: &mut Vec<Issue>,
    (r, record): (usize, &Record),
    (described, f): (&Option<String>, &Field),
    found: Vec<(Problem, Option<String>)>,
) {
    for (problem, fix) in found {
        issues.push(Issue {
            record: r,
            pos: record.pos,
            column: described.clone(),
            field: Some(f.name.clone()),
            problem,
            fix,
        });
    }
}

/// The value field `f` gets from record number `r` before checking: the admin's edit if there is one (then
/// `true`), else the mapped source.
pub(crate) fn raw_value(mapping: &Mapping, edits: &Edits, r: usize, record: &Record, f: &Field) -> (String, bool) {
    let (value, edited) = raw_in(&row_edits(edits, r), &f.name, mapping.source(&f.name), record);
    (value.into_owned(), edited)
}

/// What makes two keys the same record in CSM: emails ignore case; organization names ignore case and
/// surrounding spaces.
pub fn key_identity(entity: Entity, key: &str) -> String {
    match entity {
        Entity::Customers => key.trim().to_lowercase(),
        Entity::Organizations => key.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase(),
    }
}

/// A 64-bit hash of a key identity (XXH3, the same in every run and browser). Two different keys share one with
/// a chance of about 1 in 10^7 at 2 million keys, as with any good 64-bit hash; XXH3 takes a fraction of SipHash's
/// time on keys this short.
fn key_hash(identity: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(identity.as_bytes())
}

/// `key_hash(&key_identity(entity, key))`, without allocating the identity: its lower-cased words are written to
/// a buffer on the stack and hashed. ASCII pieces are lower-cased whole; other text a character at a time, as
/// `str::to_lowercase` does, but for a capital sigma, whose lower case depends on the letters around it (the
/// identity is then made, as it is for a key too long for the buffer).
fn key_identity_hash(entity: Entity, key: &str) -> u64 {
    lowered_hash(entity, key).unwrap_or_else(|| key_hash(&key_identity(entity, key)))
}

/// Bytes of a lower-cased key hashed from the stack: any valid email (254 characters), most of them non-ASCII.
const LOWERED_MAX: usize = 512;

/// `key_identity_hash` without making the identity; `None` for a key with a capital sigma or too long.
fn lowered_hash(entity: Entity, key: &str) -> Option<u64> {
    let mut lower = [0u8; LOWERED_MAX];
    let mut used = 0;
    let mut push = |text: &str| -> Option<()> {
        if text.is_ascii() {
            let end = used + text.len();
            let out = lower.get_mut(used..end)?;
            out.copy_from_slice(text.as_bytes());
            out.make_ascii_lowercase();
            used = end;
            return Some(());
        }
        for c in text.chars() {
            if c.is_ascii() {
                *lower.get_mut(used)? = (c as u8).to_ascii_lowercase();
                used += 1;
                continue;
            }
            // Latin-1's capitals are their small letters less 0x20 (but `×`); its small letters stay.
            let latin = match c {
                'À'..='Þ' if c != '×' => char::from_u32(c as u32 + 0x20),
                '\u{80}'..='ÿ' => Some(c),
                _ => None,
            };
            if let Some(c) = latin {
                let end = used + c.len_utf8();
                c.encode_utf8(lower.get_mut(used..end)?);
                used = end;
                continue;
            }
            if c == 'Σ' {
                return None;
            }
            for c in c.to_lowercase() {
                let end = used + c.len_utf8();
                c.encode_utf8(lower.get_mut(used..end)?);
                used = end;
            }
        }
        Some(())
    };
    match entity {
        Entity::Customers => push(key.trim())?,
        Entity::Organizations => {
            for (i, word) in key.split_whitespace().enumerate() {
                if i > 0 {
                    push(" ")?;
                }
                push(word)?;
            }
        }
    }
    Some(xxhash_rust::xxh3::xxh3_64(lower.get(..used)?))
}

fn date_plan(
    f: &Field,
    mapping: &Mapping,
    headers: &[String],
    date_detection: &mut impl FnMut(&Field) -> DateDetection,
    questions: &mut Vec<DateQuestion>,
) -> DatePlan {
    if let Some(chosen) = mapping.date_formats.get(&f.name) {
        return DatePlan::Format(*chosen);
    }
    match date_detection(f) {
        DateDetection::Known(format) => DatePlan::Format(format),
        DateDetection::NoDates => DatePlan::Unreadable,
        DateDetection::Ambiguous { day_first, month_first, example } => {
            questions.push(DateQuestion {
                field: f.name.clone(),
                column: mapping.source(&f.name).describe(headers).unwrap_or_default(),
                day_first,
                month_first,
                example,
            });
            DatePlan::Ask
        }
    }
}

/// Checks one raw value for field `f`: the normalised output, or the problems with their fixes.
fn check_value<'a>(
    f: &'a Field,
    raw: &'a str,
    plan: Option<&DatePlan>,
    mapping: &Mapping,
) -> Result<Cow<'a, str>, Vec<(Problem, Option<String>)>> {
    let checked = match f.kind {
        FieldType::Text => check::check_text(raw),
        FieldType::Email => check::check_email(raw),
        FieldType::Url => check::check_url(raw),
        FieldType::Number => check::check_number(raw),
        FieldType::Boolean => check::check_boolean(raw),
        FieldType::Phone => check::check_phone(raw),
        FieldType::Date => check_date(raw, plan),
        FieldType::Select | FieldType::Multiselect => return check_options(f, raw, mapping),
    };
    match checked {
        Checked::Empty => Ok(Cow::Borrowed("")),
        Checked::Valid(v) => Ok(v),
        Checked::Invalid { problem, fix } => Err(vec![(problem, fix)]),
    }
}

fn check_date<'a>(raw: &'a str, plan: Option<&DatePlan>) -> Checked<'a> {
    if raw.trim().is_empty() {
        return Checked::Empty;
    }
    match plan {
        Some(DatePlan::Format(format)) => match check::check_date(raw, *format) {
            // An ISO date typed by the admin is unambiguous whatever the column's format.
            Checked::Invalid { .. } if DateFormat::Iso.parse(raw.trim()).is_some() => {
                check::check_date(raw, DateFormat::Iso)
            }
            other => other,
        },
        Some(DatePlan::Ask) => Checked::Invalid { problem: Problem::DateOrderUnknown, fix: None },
        _ => check::check_date(raw, DateFormat::Iso),
    }
}

/// Select and multi-select: each part through the value map; unknown values are findings with a suggested option.
///
/// The output borrows the field's own option when the cell chooses one (the usual cell): no string is made for it.
fn check_options<'a>(
    f: &'a Field,
    raw: &str,
    mapping: &Mapping,
) -> Result<Cow<'a, str>, Vec<(Problem, Option<String>)>> {
    let map = mapping.values.get(&f.name);
    let split = if f.kind == FieldType::Multiselect { map.and_then(|m| m.split) } else { None };
    // The options chosen, in order: the first apart, so the usual cell (one option) allocates nothing.
    let (mut first, mut more): (Option<&'a str>, Vec<&'a str>) = (None, Vec::new());
    let mut problems = Vec::new();
    for part in split_cell(raw, split) {
        let mapped = match map.and_then(|m| m.options.get(part)) {
            Some(None) => continue,
            Some(Some(o)) => Some(o.as_str()),
            None => None,
        };
        // The option the value is mapped to when the field has it, else the value itself when it is an option.
        let known = |value: &str| f.options.iter().find(|o| o.as_str() == value);
        let option = mapped.and_then(known).or_else(|| known(part));
        match option {
            Some(o) if f.kind == FieldType::Multiselect && o.contains(MULTI_VALUE_SEPARATOR) => {
                problems.push((Problem::ValueContainsPipe { value: o.clone() }, None));
            }
            Some(o) => match first {
                None => first = Some(o),
                Some(one) if one != o && !more.contains(&o.as_str()) => more.push(o),
                Some(_) => {}
            },
            None => problems.push((Problem::NotAnOption { value: part.to_owned() }, suggest_option(part, &f.options))),
        }
    }
    if f.kind == FieldType::Select {
        more.clear();
    }
    if problems.is_empty() {
        // One option (the usual cell) is the option itself: no joining, no copy.
        Ok(match (first, more.is_empty()) {
            (None, _) => Cow::Borrowed(""),
            (Some(one), true) => Cow::Borrowed(one),
            (Some(one), false) => {
                more.insert(0, one);
                Cow::Owned(more.join(MULTI_VALUE_SEPARATOR.encode_utf8(&mut [0; 4])))
            }
        })
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::suggest::suggest;
    use crate::domain::table::{Position, Record};

    fn table(headers: &[&str], rows: &[&[&str]]) -> Arc<Table> {
        Arc::new(Table {
            headers: headers.iter().map(|h| (*h).to_owned()).collect(),
            records: rows
                .iter()
                .enumerate()
                .map(|(i, r)| Record {
                    pos: Position { row: i as u64 + 2, line: i as u64 + 2 },
                    cells: r.iter().map(|c| (*c).to_owned()).collect(),
                })
                .collect(),
        })
    }

    fn run(t: &Arc<Table>, schema: &Schema, edits: &Edits) -> Prepared {
        let m = suggest(schema, t);
        prepare(t, schema, &m, edits, &[])
    }

    fn row0(p: &Prepared) -> OutRow {
        p.row(0).expect("a first row")
    }

    #[test]
    fn rows_checked_one_at_a_time_give_exactly_what_prepare_gives() {
        let t = table(
            &["Email", "Title", "Type"],
            &[&["a@x.io", "CTO", "customer"], &["A@X.io", "", "Partner"], &["broken", "Ops", ""], &["", "x", "y"]],
        );
        let schema = Schema::defaults(Entity::Customers);
        let m = suggest(&schema, &t);
        let whole = prepare(&t, &schema, &m, &Edits::new(), &[]);
        let (mut checker, questions) = RowChecker::new(&schema, &m, &t.headers, None, &[], |_| DateDetection::NoDates);
        let mut issues = Vec::new();
        for (r, rec) in t.records.iter().enumerate() {
            checker.check(r, &rec, &Edits::new(), &mut issues);
        }
        let one_at_a_time = checker.finish(Arc::clone(&t), Edits::new(), issues, questions);
        assert_eq!(one_at_a_time, whole);
        assert_eq!(one_at_a_time.rows().collect::<Vec<_>>(), whole.rows().collect::<Vec<_>>());
    }

    #[test]
    fn a_row_given_again_shows_its_findings_outputs_and_edits_as_checked() {
        let t = table(
            &["Name", "IsPersonAccount", "Website"],
            &[&["Acme", "false", "https://acme.example"], &["ACME ", "false", "nope"], &["Ada Lovelace", "true", "x"]],
        );
        let schema = Schema::defaults(Entity::Organizations);
        let mut m = suggest(&schema, &t);
        m.leave_out_person_accounts = true;
        let mut edits = Edits::new();
        edits.insert((2, "Organization Name".into()), "Ada L.".into());
        let p = prepare(&t, &schema, &m, &edits, &[]);
        let rows: Vec<OutRow> = p.rows().collect();
        assert_eq!(rows.len(), 3);
        assert!(!rows[0].rejected && rows[0].cells.iter().all(|c| !c.has_issue), "{:?}", p.report.issues);
        assert_eq!(rows[0].cells[0].output, "Acme");
        // The duplicate keeps its normalised name as output, and its cell is marked.
        assert!(rows[1].rejected && rows[1].cells[0].has_issue);
        assert_eq!(rows[1].cells[0].output, "ACME");
        // A person account left out: nothing is written for it, its cells carry no finding, the edit shows.
        assert!(rows[2].rejected);
        assert!(rows[2].cells.iter().all(|c| c.output.is_empty() && !c.has_issue));
        assert_eq!((rows[2].cells[0].input.as_str(), rows[2].cells[0].edited), ("Ada L.", true));
        assert_eq!((p.has_problem(0), p.has_problem(1), p.has_problem(2)), (false, true, true));
        assert_eq!(p.rejected_records().collect::<Vec<_>>(), [1, 2]);
        assert_eq!(p.valid_rows().map(|r| r.record).collect::<Vec<_>>(), [0]);
        assert_eq!((p.row_number(2), p.row(3)), (Some(4), None));
    }

    #[test]
    fn duplicate_emails_ignore_case_and_keep_the_first() {
        let t = table(&["Email"], &[&["a@x.io"], &["A@X.io"], &["b@x.io"]]);
        let p = run(&t, &Schema::defaults(Entity::Customers), &Edits::new());
        assert_eq!((p.report.valid, p.report.invalid), (2, 1));
        assert_eq!(p.report.issues[0].problem, Problem::DuplicateKey { first_row: 2 });
        assert_eq!(p.report.issues[0].pos.row, 3);
    }

    #[test]
    fn organization_names_are_the_same_when_trimmed_and_case_folded() {
        assert_eq!(
            key_identity(Entity::Organizations, "  Acme  Corp "),
            key_identity(Entity::Organizations, "acme corp")
        );
    }

    #[test]
    fn an_empty_key_rejects_the_row_with_a_plain_message() {
        let t = table(&["Email", "Title"], &[&["", "CTO"]]);
        let p = run(&t, &Schema::defaults(Entity::Customers), &Edits::new());
        assert!(p.is_rejected(0));
        assert!(p.report.issues[0].message().contains("“Email” is empty"));
    }

    #[test]
    fn an_edit_overrides_the_source_and_is_revalidated() {
        let t = table(&["Email"], &[&["not an email"]]);
        let schema = Schema::defaults(Entity::Customers);
        assert_eq!(run(&t, &schema, &Edits::new()).report.invalid, 1);
        let mut edits = Edits::new();
        edits.insert((0, "Email".into()), "fixed@example.com".into());
        let p = run(&t, &schema, &edits);
        assert_eq!(p.report.invalid, 0);
        assert!(row0(&p).cells[0].edited);
        assert_eq!(row0(&p).cells[0].output, "fixed@example.com");
    }

    #[test]
    fn select_values_go_through_the_value_map_and_unknowns_are_findings() {
        let t = table(&["Email", "Type"], &[&["a@x.io", "customer"], &["b@x.io", "Astronaut"]]);
        let p = run(&t, &Schema::defaults(Entity::Customers), &Edits::new());
        assert_eq!(row0(&p).cells[1].output, "Customer");
        assert_eq!(p.report.issues.len(), 1);
        assert_eq!(p.report.issues[0].problem, Problem::NotAnOption { value: "Astronaut".into() });
    }

    #[test]
    fn confirmed_separator_splits_multi_select_cells_into_pipe_joined_options() {
        let t = table(&["Email", "Type"], &[&["a@x.io", "customer; Partner;customer"]]);
        let schema = Schema::defaults(Entity::Customers);
        let mut m = suggest(&schema, &t);
        m.values.entry("Type".into()).or_default().split = Some(';');
        crate::domain::suggest::refresh_value_maps(&mut m, &schema, &t, &mut Default::default());
        let p = prepare(&t, &schema, &m, &Edits::new(), &[]);
        assert_eq!(row0(&p).cells[1].output, "Customer|Partner");
    }

    #[test]
    fn ambiguous_dates_ask_and_never_guess() {
        let mut schema = Schema::defaults(Entity::Customers);
        schema.upsert_field(Field::new("Birthday", FieldType::Date));
        let t = table(&["Email", "Birthday"], &[&["a@x.io", "03/04/1990"], &["b@x.io", "05/06/1991"]]);
        let p = run(&t, &schema, &Edits::new());
        assert_eq!(p.date_questions.len(), 1);
        assert_eq!(p.report.invalid, 2);
        assert!(p.report.issues.iter().all(|i| i.problem == Problem::DateOrderUnknown));
        let mut m = suggest(&schema, &t);
        m.date_formats.insert("Birthday".into(), p.date_questions[0].day_first);
        let p = prepare(&t, &schema, &m, &Edits::new(), &[]);
        assert_eq!(row0(&p).cells[1].output, "1990-04-03");
        assert!(p.date_questions.is_empty());
    }

    #[test]
    fn person_accounts_are_left_out_of_organizations_only_when_chosen() {
        let t =
            table(&["Name", "IsPersonAccount"], &[&["Acme", "false"], &["Ada Lovelace", "true"], &["Acme", "false"]]);
        let schema = Schema::defaults(Entity::Organizations);
        let mut m = suggest(&schema, &t);
        assert_eq!(prepare(&t, &schema, &m, &Edits::new(), &[]).report.invalid, 1, "only the duplicate");
        m.leave_out_person_accounts = true;
        let p = prepare(&t, &schema, &m, &Edits::new(), &[]);
        assert_eq!((p.report.valid, p.report.invalid), (1, 2));
        assert_eq!(p.report.issues[0].problem, Problem::PersonAccountLeftOut);
        assert_eq!(p.report.issues[0].pos.row, 3);
        assert_eq!(p.report.issues[1].problem, Problem::DuplicateKey { first_row: 2 });
    }

    #[test]
    fn read_warnings_do_not_reject_but_read_errors_do() {
        let t = table(&["Email"], &[&["a@x.io"], &["b@x.io"]]);
        let schema = Schema::defaults(Entity::Customers);
        let m = suggest(&schema, &t);
        let pos = |row| Position { row, line: row };
        let read = vec![
            Issue {
                record: 0,
                pos: pos(2),
                column: None,
                field: None,
                problem: Problem::TooFewValues { found: 1, expected: 2 },
                fix: None,
            },
            Issue {
                record: 1,
                pos: pos(3),
                column: None,
                field: None,
                problem: Problem::TooManyValues { found: 3, expected: 2, extra: vec!["x".into()] },
                fix: None,
            },
        ];
        let p = prepare(&t, &schema, &m, &Edits::new(), &read);
        assert_eq!((p.report.valid, p.report.invalid, p.report.warnings), (1, 1, 1));
    }

    #[test]
    fn a_key_is_hashed_as_its_identity_is() {
        let long = format!("  {}@Example.COM ", "Ab".repeat(70));
        let long_accented = format!("{}@Exämple.de", "ÀéİẞΩ".repeat(30));
        let too_long = format!("{} Holdings", "Ωmega ".repeat(200));
        let keys = ["Jane@Example.com", "  jane@example.com ", "", " ", "Acme\t Corp  Ltd", "Zoë@Exämple.de", &long];
        // İ lower-cases to two characters, ẞ to ß; a capital sigma depends on its neighbours (ΟΔΟΣ → οδος).
        let accented =
            ["İSTANBUL@Örnek.com.tr", "Straẞe GmbH", "ΟΔΟΣ Σ ΣΑ@x.gr", " Änne\u{A0}Ölund ", &long_accented, &too_long];
        for key in keys.into_iter().chain(accented) {
            for entity in [Entity::Customers, Entity::Organizations] {
                assert_eq!(key_identity_hash(entity, key), key_hash(&key_identity(entity, key)), "{key:?}");
            }
        }
        assert_eq!(key_identity_hash(Entity::Customers, " A@B.co"), key_identity_hash(Entity::Customers, "a@b.CO"));
        // Every character of Latin-1 and beyond it, lower-cased without Unicode's tables or with them.
        let latin: String = ('\u{80}'..='\u{24F}').collect();
        for entity in [Entity::Customers, Entity::Organizations] {
            assert_eq!(key_identity_hash(entity, &latin), key_hash(&key_identity(entity, &latin)));
            for c in latin.chars() {
                let key = format!("x{c}@ÀÉ.de");
                assert_eq!(key_identity_hash(entity, &key), key_hash(&key_identity(entity, &key)), "{c:?}");
            }
        }
    }
}
