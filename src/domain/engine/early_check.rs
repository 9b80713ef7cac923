//! Checking a big file's rows block by block as the reading worker parses them (`ScanChecks`, in the worker): when
//! the read ends, the check of every row is done too, unless the guess below turned out wrong.
//!
//! Owns the guess and its proof. Checking needs the mapping, and the mapping is suggested only once the table is
//! read: its columns from the header (`suggest_sources`), each select field's value map from the column's values
//! (`suggest_option` of each value alone), and each date field's day/month order from all of the column's dates.
//! So the check starts from the header found in the first `HEAD_ROWS` records (`guess_header`, as `EarlyCount`),
//! builds each value map a value at a time as rows come (`RowChecker::learn_values`), guesses the date orders from
//! the first records, and tells rejected ragged rows itself (`square`). Rows are checked in file order, but for the
//! last `FOOTER_ROWS_MAX + 1` records so far, held until it is known that they are not a footer. Taking a block
//! only queues its records; the caller checks them (`work`). Once the page has put the table together, its facts
//! (`TableFacts`) finish the check (`complete`); what it found (`CheckFound`) goes to the page, which makes the
//! checker again from it (`CheckedWhileReading::new`): the key table of a million rows never travels.
//!
//! Invariant (tested): the result is only ever used (`CheckedWhileReading::fits`) when the table starts after the
//! same header row with the same names, every row of it was checked, reading rejected the same rows, every date
//! order guessed is the one all the column's dates give, and the admin's schema, mapping and edits are those the
//! rows were checked with (the mapping equal to the one learned, value maps included): it is then exactly what
//! checking the finished table gives (`prepare`). Otherwise the caller checks the table as before.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::early_count::guess_header;
use super::kept_columns::KeptColumns;
use super::table_facts::TableFacts;
use crate::domain::dates::{DateDetection, DateTally};
use crate::domain::edits::Edits;
use crate::domain::mapping::{Mapping, ValueMap};
use crate::domain::person_accounts;
use crate::domain::prepare::{raw_value, DateQuestion, Met, Prepared, RowChecker};
use crate::domain::read::square::square;
use crate::domain::read::{ReadOptions, ReadOutcome};
use crate::domain::report::{Issue, Severity};
use crate::domain::schema::{Entity, Field, FieldType, Schema};
use crate::domain::structure::{FOOTER_ROWS_MAX, HEAD_ROWS};
use crate::domain::suggest::suggest_sources;
use crate::domain::table::{CheckedBlock, Record, Table};

/// The check of one read, from its first records on.
pub struct EarlyCheck {
    schema: Schema,
    /// The admin's mapping and edits, when the rows are checked with those rather than the suggested mapping.
    given: Option<(Mapping, Edits)>,
    header_row: Option<u64>,
    /// Records taken so far.
    seen: usize,
    stage: Stage,
}

enum Stage {
    /// Keeping the records until the first `HEAD_ROWS` are in, to find the header in, and the check starts.
    Looking(Vec<Record>),
    Checking(Box<Checking>),
    /// No guess can be made (a header chosen further down, person accounts left out): the check after the read.
    Off,
}

struct Checking {
    /// The header's index among the records, its spreadsheet row and its names.
    header: usize,
    header_row: u64,
    headers: Vec<String>,
    checker: RowChecker,
    /// Whether each select field's value map is learned from the values (the suggested mapping), and the values
    /// already given to `RowChecker::learn_values`, per field.
    learning: bool,
    met: Vec<Met>,
    /// Each date field whose order is guessed: the field, every value's tally so far, and the guess.
    dates: Vec<(Field, DateTally, DateDetection)>,
    /// The findings so far, the rows reading rejects (too many values), and the rows checked.
    issues: Vec<Issue>,
    rejected: Vec<usize>,
    checked: usize,
    /// The data records taken and not checked yet (index, record), in file order: those `work` has not come to,
    /// and the last ones, which may be a footer.
    waiting: VecDeque<(usize, Record)>,
    edits: Edits,
}

/// What a check done while reading found (`EarlyCheck::complete`), as the reading worker sends it to the page: the
/// header's names, each select field's value map as learned, each date order guessed, the findings and the options
/// the rows use. The checker is made again from these on the page (`CheckedWhileReading::new`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckFound {
    headers: Vec<String>,
    values: BTreeMap<String, ValueMap>,
    dates: Vec<(String, DateDetection)>,
    issues: Vec<Issue>,
    options_used: Vec<Vec<String>>,
}

impl CheckFound {
    /// The findings, taken out (to travel in parts: `Found::into_messages`).
    pub(crate) fn take_issues(&mut self) -> Vec<Issue> {
        std::mem::take(&mut self.issues)
    }

    /// Adds the next findings, in order (`Found::add_findings`).
    pub(crate) fn extend_issues(&mut self, issues: Vec<Issue>) {
        self.issues.extend(issues);
    }
}

/// A check done while reading, waiting for the admin's inputs to be confirmed (`fits`).
pub struct CheckedWhileReading {
    table: Arc<Table>,
    schema: Schema,
    read_issues: Vec<Issue>,
    checker: RowChecker,
    date_questions: Vec<DateQuestion>,
    issues: Vec<Issue>,
    /// The edits the rows were checked with (none but for `given`).
    edits: Edits,
}

impl EarlyCheck {
    /// Checking for `schema` (with its suggested mapping), the file read with `options`.
    pub fn new(schema: Schema, options: &ReadOptions) -> EarlyCheck {
        EarlyCheck { schema, given: None, header_row: options.header_row, seen: 0, stage: Stage::Looking(Vec::new()) }
    }

    /// Checking for `schema` with the admin's `mapping` and `edits` (a file loaded already, checked again after a
    /// change): nothing is learned, only the date orders not chosen are guessed, as `ValidateJob` decides them.
    pub fn given(schema: Schema, options: &ReadOptions, mapping: Mapping, edits: Edits) -> EarlyCheck {
        EarlyCheck { given: Some((mapping, edits)), ..EarlyCheck::new(schema, options) }
    }

    /// Takes the records of `block`, the next block of the file, to be checked (`work`).
    pub fn take(&mut self, block: &CheckedBlock<'_>) {
        let first = self.seen;
        self.seen += block.rows();
        match &mut self.stage {
            Stage::Looking(head) => head.extend(block.records()),
            Stage::Checking(checking) => {
                for (index, record) in (first..).zip(block.records()) {
                    checking.add(index, record);
                }
            }
            Stage::Off => {}
        }
    }

    /// Starts the check once the first `HEAD_ROWS` records are in, and checks the records waiting, in file order,
    /// but for the last `FOOTER_ROWS_MAX + 1` so far: they may be a footer.
    pub fn work(&mut self) {
        self.start_when_ready();
        let surely_data = self.seen.saturating_sub(FOOTER_ROWS_MAX + 1);
        if let Stage::Checking(checking) = &mut self.stage {
            while checking.waiting.front().is_some_and(|(index, _)| *index < surely_data) {
                if let Some((index, record)) = checking.waiting.pop_front() {
                    checking.check(index, &record);
                }
            }
        }
    }

    /// Starts the check, when the first `HEAD_ROWS` records are in and it has not started yet.
    fn start_when_ready(&mut self) {
        if let Stage::Looking(head) = &mut self.stage {
            if head.len() >= HEAD_ROWS {
                let head = std::mem::take(head);
                self.stage = self.start(&head[..HEAD_ROWS]).map_or(Stage::Off, |mut checking| {
                    for (index, record) in head.into_iter().enumerate() {
                        checking.add(index, record);
                    }
                    Stage::Checking(Box::new(checking))
                });
            }
        }
    }

    /// The checker for the suggested mapping, from the first records: `None` when no guess can be made.
    fn start(&self, head: &[Record]) -> Option<Checking> {
        let (header, header_row, headers) = guess_header(head, self.header_row)?;
        let learning = self.given.is_none();
        let (mut mapping, edits) = match &self.given {
            Some((mapping, edits)) => (mapping.clone(), edits.clone()),
            None => (suggest_sources(&self.schema, &headers), Edits::new()),
        };
        // Whether to suggest leaving person accounts out is known only from all of the table; the admin's choice
        // is known (`given`).
        if self.schema.entity == Entity::Organizations && mapping.leave_out_person_accounts && learning {
            return None;
        }
        // Every mapped select field has a value map, empty until its values come (`learn_values`).
        if learning {
            for f in mapping.mapped_fields(&self.schema).into_iter().filter(|f| f.kind.has_options()) {
                mapping.values.insert(f.name.clone(), ValueMap::default());
            }
        }
        // Each date order is guessed from the first data records; the tally of every value proves it at the end.
        let head_data = head.iter().enumerate().skip(header + 1).map(|(index, record)| (index - header - 1, record));
        let dates: Vec<(Field, DateTally, DateDetection)> = mapping
            .mapped_fields(&self.schema)
            .into_iter()
            .filter(|f| f.kind == FieldType::Date && !mapping.date_formats.contains_key(&f.name))
            .map(|f| {
                let mut tally = DateTally::default();
                for (r, record) in head_data.clone() {
                    tally.add(&raw_value(&mapping, &edits, r, record, f).0);
                }
                (f.clone(), DateTally::default(), tally.verdict())
            })
            .collect();
        let guess = |f: &Field| {
            dates.iter().find(|(d, _, _)| d.name == f.name).map_or(DateDetection::NoDates, |(_, _, g)| g.clone())
        };
        let person_column = person_accounts::left_out_column(&self.schema, &mapping, &headers);
        let (checker, _) = RowChecker::new(&self.schema, &mapping, &headers, person_column, &[], guess);
        Some(Checking {
            header,
            header_row,
            headers,
            checker,
            learning,
            met: Vec::new(),
            dates,
            issues: Vec::new(),
            rejected: Vec::new(),
            checked: 0,
            waiting: VecDeque::new(),
            edits,
        })
    }

    /// The records taken so far are void (the scan starts again).
    pub fn restart(&mut self) {
        (self.seen, self.stage) = (0, Stage::Looking(Vec::new()));
    }

    /// The columns the check reads of every record it takes from now on, once it has started (`None` before): those
    /// its checker reads (`RowChecker::columns_read`), and every value past the header's width (they tell whether
    /// reading rejects the row). None at all when no guess can be made. The first records, where the header is
    /// found, are taken whole.
    pub fn columns_read(&self) -> Option<KeptColumns> {
        match &self.stage {
            Stage::Looking(_) => None,
            Stage::Checking(checking) => {
                Some(KeptColumns::of(checking.checker.columns_read()).and_from(checking.headers.len()))
            }
            Stage::Off => Some(KeptColumns::none()),
        }
    }

    /// The check finished over the table put together (`facts`: the waiting records that are data checked): `None`
    /// when the guess did not hold for the table (its header, its rows, the rows reading rejected, a date order).
    pub fn complete(mut self, facts: &TableFacts) -> Option<CheckFound> {
        // A file taken whole before any work.
        self.start_when_ready();
        let Stage::Checking(mut checking) = self.stage else {
            return None;
        };
        if checking.header_row != facts.header_row || checking.headers != facts.headers {
            return None;
        }
        // The rows waiting are data up to the table's last row; after it, the footer left out.
        for (index, record) in std::mem::take(&mut checking.waiting) {
            if index - checking.header - 1 < facts.rows {
                checking.check(index, &record);
            }
        }
        let dates_hold = checking.dates.iter().all(|(_, tally, guess)| tally.clone().verdict() == *guess);
        if checking.checked != facts.rows || facts.rejected != checking.rejected || !dates_hold {
            return None;
        }
        let Checking { headers, checker, dates, issues, .. } = *checking;
        Some(CheckFound {
            headers,
            values: checker.mapping().values.clone(),
            dates: dates.into_iter().map(|(f, _, guess)| (f.name, guess)).collect(),
            issues,
            options_used: checker.options_used(),
        })
    }
}

impl Checking {
    /// Record `index`, to be checked; records up to the header are not data.
    fn add(&mut self, index: usize, record: Record) {
        if index > self.header {
            self.waiting.push_back((index, record));
        }
    }

    /// Checks data record `index`, the next in file order, as `ValidateJob` checks the table's row.
    fn check(&mut self, index: usize, record: &Record) {
        let r = index - self.header - 1;
        if self.learning {
            self.checker.learn_values(record, &mut self.met);
        }
        let mapping = self.checker.mapping();
        for (f, tally, _) in &mut self.dates {
            tally.add(&raw_value(mapping, &self.edits, r, record, f).0);
        }
        let read_rejected = square(record, self.headers.len()).is_some_and(|p| p.severity() == Severity::Error);
        if read_rejected {
            self.rejected.push(r);
        }
        self.checker.check_told(r, record, &self.edits, &mut self.issues, read_rejected);
        self.checked += 1;
    }
}

impl CheckedWhileReading {
    /// The check `found` for `outcome`'s table, made with `schema` (the one the read was started with): its
    /// checker made again from the suggested mapping, with the value maps learned and the date orders guessed.
    pub fn new(mut found: CheckFound, outcome: &ReadOutcome, schema: Schema) -> CheckedWhileReading {
        let mut mapping = suggest_sources(&schema, &found.headers);
        mapping.values = std::mem::take(&mut found.values);
        CheckedWhileReading::given(found, outcome, schema, mapping, Edits::new())
    }

    /// The check `found` for `outcome`'s table, made with `schema`, the admin's `mapping` and `edits`
    /// (`EarlyCheck::given`): its checker made again with them, the date orders as guessed.
    pub fn given(
        found: CheckFound,
        outcome: &ReadOutcome,
        schema: Schema,
        mapping: Mapping,
        edits: Edits,
    ) -> CheckedWhileReading {
        let CheckFound { headers, dates, issues, options_used, .. } = found;
        let guess =
            |f: &Field| dates.iter().find(|(d, _)| *d == f.name).map_or(DateDetection::NoDates, |(_, g)| g.clone());
        let person_column = person_accounts::left_out_column(&schema, &mapping, &headers);
        let (checker, date_questions) = RowChecker::new(&schema, &mapping, &headers, person_column, &[], guess);
        CheckedWhileReading {
            table: Arc::clone(&outcome.table),
            schema,
            read_issues: outcome.issues.clone(),
            checker: checker.with_options_used(options_used),
            date_questions,
            issues,
            edits,
        }
    }

    /// Whether this is the check of `table` with `schema`, `mapping` and `edits` (the admin's, once the read
    /// file is loaded): the same table, schema, mapping (value maps included) and edits as checked with.
    pub fn fits(&self, table: &Arc<Table>, schema: &Schema, mapping: &Mapping, edits: &Edits) -> bool {
        Arc::ptr_eq(&self.table, table)
            && self.schema == *schema
            && self.checker.mapping() == mapping
            && *edits == self.edits
    }

    /// The result, exactly as checking the table with those inputs gives it (`prepare`, `ValidateJob`).
    pub fn into_prepared(self) -> Prepared {
        let CheckedWhileReading { table, read_issues, checker, date_questions, issues, edits, .. } = self;
        let mut all = read_issues;
        all.extend(issues);
        checker.finish(table, edits, all, date_questions)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::engine::scan_checks::tests::read_and_find;
    use crate::domain::prepare::prepare;
    use crate::domain::report::Problem;
    use crate::domain::schema::FieldType;
    use crate::domain::suggest::{counted_sources, suggest, suggest_with};
    use crate::domain::value_counts::ValueCounter;

    fn schema() -> Schema {
        let mut schema = Schema::defaults(Entity::Customers);
        schema.upsert_field(Field::with_options(
            "Type",
            FieldType::Select,
            &["Customer", "Partner", "Supplier/Vendor"],
        ));
        schema.upsert_field(Field::with_options("Tags", FieldType::Multiselect, &["Gold", "Silver"]));
        schema.upsert_field(Field::new("Signed up", FieldType::Date));
        schema
    }

    /// A report of `rows` contacts: title rows above the header, a footer below; ragged and blank rows, repeated
    /// and broken emails, values that are and are not options, dates in `dates` (cycled).
    fn report(rows: usize, dates: &[&str]) -> String {
        let mut text = "Contacts report\nFiltered By: Owner\n\nName,Email,Type,Tags,Signed up\n".to_owned();
        for i in 0..rows {
            let kind = ["Customer", "partner", "", " Vendor ", "Nonsense", "Client"][i % 6];
            let email = match i % 53 {
                3 => format!("P{}@Example.com", i / 2),
                4 => format!("not an email {i}"),
                _ => format!("p{i}@example.com"),
            };
            let date = dates[i % dates.len()];
            match i % 97 {
                5 => text.push_str(&format!("Short {i}\n")),
                6 => text.push_str(&format!("Long {i},{email},{kind},Gold;Silver,{date},extra\n")),
                8 => text.push_str(&format!("Trailing {i},{email},{kind},Gold,{date},,\n")),
                7 => text.push('\n'),
                _ => text.push_str(&format!("P{i},{email},{kind},\"Gold{}\",{date}\n", ["", ";Silver"][i % 2])),
            }
        }
        text.push_str("Grand Totals (all rows)\nCopyright (c) Example\n");
        text
    }

    /// Reads `bytes` as the page does from a worker that checks the rows as it parses them (`chunk` bytes a
    /// step; the table kept in the file when `in_file`); then completes the check over the table.
    fn read_and_check_in(
        bytes: &[u8],
        options: &ReadOptions,
        schema: &Schema,
        chunk: u64,
        in_file: bool,
    ) -> (ReadOutcome, Option<CheckedWhileReading>) {
        let (outcome, found) = read_and_find(bytes, options, (schema, schema), chunk, in_file);
        let checked = found.check.map(|check| CheckedWhileReading::new(check, &outcome, schema.clone()));
        (outcome, checked)
    }

    fn read_and_check(
        bytes: &[u8],
        options: &ReadOptions,
        schema: &Schema,
        chunk: u64,
    ) -> (ReadOutcome, Option<CheckedWhileReading>) {
        read_and_check_in(bytes, options, schema, chunk, false)
    }

    /// What checking the finished table with the suggested mapping gives, and that mapping.
    /// The value maps come from counts made in one pass over the table, as the page makes them for a table kept in
    /// the file (`suggest` alone counts nothing there).
    fn checked_after(outcome: &ReadOutcome, schema: &Schema) -> (Prepared, Mapping) {
        let table = &outcome.table;
        let mut counter = ValueCounter::new(counted_sources(&suggest_sources(schema, &table.headers), schema));
        while !counter.step(table, 1000) {}
        let mapping = suggest_with(schema, table, &mut counter.finish());
        (prepare(&outcome.table, schema, &mapping, &Edits::new(), &outcome.issues), mapping)
    }

    #[test]
    fn checking_while_reading_equals_checking_the_table() {
        let bytes = report(5000, &["2024-03-04", "2023-12-31", "", "1999-01-02"]).into_bytes();
        let schema = schema();
        for (chunk, in_file) in [(100, false), (7_000, true), (20_000, false), (1 << 20, true)] {
            for options in [ReadOptions::default(), ReadOptions { keep_footer: true, ..ReadOptions::default() }] {
                let (outcome, checked) = read_and_check_in(&bytes, &options, &schema, chunk, in_file);
                let checked = checked.expect("the guess holds");
                let (expected, mapping) = checked_after(&outcome, &schema);
                assert!(expected.report.invalid > 100, "{}", expected.report.invalid);
                assert!(checked.fits(&outcome.table, &schema, &mapping, &Edits::new()), "chunk {chunk}");
                assert_eq!(checked.into_prepared(), expected, "chunk {chunk}");
            }
        }
        let chosen = ReadOptions { header_row: Some(4), ..ReadOptions::default() };
        let (outcome, checked) = read_and_check(&bytes, &chosen, &schema, 7_000);
        let (expected, mapping) = checked_after(&outcome, &schema);
        let checked = checked.expect("a header row the admin chose near the top");
        assert!(checked.fits(&outcome.table, &schema, &mapping, &Edits::new()));
        assert_eq!(checked.into_prepared(), expected);
    }

    #[test]
    fn other_inputs_than_those_checked_with_do_not_fit() {
        let bytes = report(3000, &["2024-03-04"]).into_bytes();
        let schema = schema();
        let (outcome, checked) = read_and_check(&bytes, &ReadOptions::default(), &schema, 7_000);
        let checked = checked.expect("the guess holds");
        let (_, mapping) = checked_after(&outcome, &schema);
        assert!(checked.fits(&outcome.table, &schema, &mapping, &Edits::new()));
        let mut edits = Edits::new();
        edits.insert((2, "Email".into()), "x@example.com".into());
        assert!(!checked.fits(&outcome.table, &schema, &mapping, &edits), "an edit");
        let mut fewer = schema.clone();
        fewer.fields.retain(|f| f.name != "Tags");
        assert!(!checked.fits(&outcome.table, &fewer, &suggest(&fewer, &outcome.table), &Edits::new()), "schema");
        let mut chosen = mapping.clone();
        if let Some(map) = chosen.values.get_mut("Type") {
            map.options.insert("Nonsense".into(), Some("Partner".into()));
        }
        assert!(!checked.fits(&outcome.table, &schema, &chosen, &Edits::new()), "a value the admin mapped");
        let other = Arc::new(outcome.table.as_ref().clone());
        assert!(!checked.fits(&other, &schema, &mapping, &Edits::new()), "another table");
    }

    #[test]
    fn a_wrong_guess_is_not_used() {
        let schema = schema();
        // The first dates could be either order; a later one says day first.
        let mut dates = vec!["03/04/2024"; 80];
        dates.push("13/01/2024");
        let (outcome, checked) =
            read_and_check(report(3000, &dates).as_bytes(), &ReadOptions::default(), &schema, 7_000);
        assert!(checked.is_none(), "date order guessed from the first rows only");
        assert!(outcome.table.records.len() > 2000);
        // Without that later date, the order stays a question, as guessed.
        let bytes = report(3000, &["03/04/2024"]).into_bytes();
        let (outcome, checked) = read_and_check(&bytes, &ReadOptions::default(), &schema, 7_000);
        let (expected, mapping) = checked_after(&outcome, &schema);
        assert_eq!(expected.date_questions.len(), 1);
        let checked = checked.expect("the guess holds");
        assert!(checked.fits(&outcome.table, &schema, &mapping, &Edits::new()));
        assert_eq!(checked.into_prepared(), expected);
        // The admin chose a header far down: no guess is made.
        let far = ReadOptions { header_row: Some(200), ..ReadOptions::default() };
        let bytes = report(3000, &["2024-03-04"]).into_bytes();
        assert!(read_and_check(&bytes, &far, &schema, 7_000).1.is_none());
        // Too few rows to guess from.
        assert!(read_and_check(report(30, &["2024-03-04"]).as_bytes(), &ReadOptions::default(), &schema, 100)
            .1
            .is_none());
        // Just enough: the header and every row among the first records, the footer among the last.
        let (outcome, checked) =
            read_and_check(report(40, &["2024-03-04"]).as_bytes(), &ReadOptions::default(), &schema, 100);
        let (expected, mapping) = checked_after(&outcome, &schema);
        let checked = checked.expect("the guess holds");
        assert!(checked.fits(&outcome.table, &schema, &mapping, &Edits::new()));
        assert_eq!(checked.into_prepared(), expected);
    }

    #[test]
    fn a_check_with_the_admins_mapping_and_edits_equals_validating_the_table() {
        use crate::domain::dates::DateFormat;
        use crate::domain::engine::scan_checks::tests::read_and_find_for;
        use crate::domain::engine::ScanRequest;
        use crate::domain::mapping::Source;
        let bytes = report(5000, &["03/04/2024", "12/01/2024", "", "01/02/1999"]).into_bytes();
        let schema = schema();
        let (outcome, _) = read_and_check(&bytes, &ReadOptions::default(), &schema, 7_000);
        let (_, suggested) = checked_after(&outcome, &schema);
        let mut mapping = suggested.clone();
        if let Some(map) = mapping.values.get_mut("Type") {
            map.options.insert("Nonsense".into(), Some("Partner".into()));
            map.options.insert("Client".into(), None);
        }
        if let Some(tags) = mapping.fields.iter_mut().find(|m| m.field == "Tags") {
            tags.source = Source::Unmapped;
        }
        let mut edits = Edits::new();
        edits.insert((2, "Email".into()), "fixed@example.com".into());
        edits.insert((4, "Email".into()), "P2@example.com".into());
        edits.insert((10, "Type".into()), "Customer".into());
        edits.insert((11, "Signed up".into()), "13/01/2024".into());
        for (chosen, in_file, chunk) in [
            (None, false, 7_000),
            (
                Some(DateFormat::DayMonthYear {
                    sep: crate::domain::dates::DateSep::Slash,
                    year: crate::domain::dates::YearDigits::Four,
                }),
                true,
                20_000,
            ),
        ] {
            let mut mapping = mapping.clone();
            if let Some(format) = chosen {
                mapping.date_formats.insert("Signed up".into(), format);
            }
            let request =
                ScanRequest::of(&ReadOptions::default()).checked_with(schema.clone(), mapping.clone(), &edits);
            let request = if in_file { request.in_file() } else { request };
            let (outcome, found) = read_and_find_for(&bytes, &ReadOptions::default(), &request, &schema, chunk);
            assert!(found.count.is_none(), "nothing is counted");
            let check = found.check.expect("the date order guessed holds");
            let checked = CheckedWhileReading::given(check, &outcome, schema.clone(), mapping.clone(), edits.clone());
            assert!(checked.fits(&outcome.table, &schema, &mapping, &edits));
            assert!(!checked.fits(&outcome.table, &schema, &mapping, &Edits::new()), "other edits");
            assert!(!checked.fits(&outcome.table, &schema, &suggested, &edits), "another mapping");
            let expected = prepare(&outcome.table, &schema, &mapping, &edits, &outcome.issues);
            assert!(expected.report.invalid > 100, "{}", expected.report.invalid);
            assert_eq!(checked.into_prepared(), expected, "date format {chosen:?}");
        }
        // An edit far down that settles the day/month order the first rows left open: the guess does not hold.
        let bytes = report(3000, &["03/04/2024"]).into_bytes();
        let (outcome, _) = read_and_check(&bytes, &ReadOptions::default(), &schema, 7_000);
        let (_, mapping) = checked_after(&outcome, &schema);
        let mut edits = Edits::new();
        edits.insert((2500, "Signed up".into()), "25/12/2024".into());
        let request = ScanRequest::of(&ReadOptions::default()).checked_with(schema.clone(), mapping, &edits);
        let (_, found) = read_and_find_for(&bytes, &ReadOptions::default(), &request, &schema, 7_000);
        assert!(found.check.is_none());
    }

    #[test]
    fn an_organizations_check_with_person_accounts_left_out_equals_validating_the_table() {
        use crate::domain::engine::scan_checks::tests::read_and_find_for;
        use crate::domain::engine::ScanRequest;
        let mut text = "Account report\n\nAccount Name,Is Person Account,Website\n".to_owned();
        for i in 0..4000 {
            let person = if i % 7 == 0 { "true" } else { "false" };
            let site = if i % 11 == 0 { "not a site".to_owned() } else { format!("https://a{i}.example.com") };
            let name = if i % 13 == 5 { "Acme".to_owned() } else { format!("Account {i}") };
            text.push_str(&format!("{name},{person},{site}\n"));
        }
        let bytes = text.into_bytes();
        let schema = Schema::defaults(Entity::Organizations);
        let (outcome, _) = read_and_check(&bytes, &ReadOptions::default(), &schema, 7_000);
        let mut mapping = suggest(&schema, &outcome.table);
        let edits = Edits::from([((3, "Name".into()), "Renamed".into())]);
        for leave_out in [true, false] {
            mapping.leave_out_person_accounts = leave_out;
            let request =
                ScanRequest::of(&ReadOptions::default()).checked_with(schema.clone(), mapping.clone(), &edits);
            let (outcome, found) = read_and_find_for(&bytes, &ReadOptions::default(), &request, &schema, 20_000);
            let check = found.check.expect("the admin's choice is known");
            let checked = CheckedWhileReading::given(check, &outcome, schema.clone(), mapping.clone(), edits.clone());
            let expected = prepare(&outcome.table, &schema, &mapping, &edits, &outcome.issues);
            assert!(expected.report.invalid > 300, "{}", expected.report.invalid);
            let people = expected.report.issues.iter().filter(|i| i.problem == Problem::PersonAccountLeftOut).count();
            assert_eq!(people, if leave_out { 572 } else { 0 });
            assert_eq!(checked.into_prepared(), expected, "leave out: {leave_out}");
        }
    }

    #[test]
    fn a_scan_that_starts_again_checks_again() {
        let mut bytes = report(20_000, &["2024-03-04"]).into_bytes();
        bytes.extend_from_slice(b"Last,l@example.com,Customer,G\xFCld,2024-01-01\n");
        let schema = schema();
        let (outcome, checked) = read_and_check(&bytes, &ReadOptions::default(), &schema, 20_000);
        assert_eq!(
            outcome.table.records.last().and_then(|r| r.cells.get(3).map(str::to_owned)).as_deref(),
            Some("Güld")
        );
        let (expected, mapping) = checked_after(&outcome, &schema);
        let checked = checked.expect("the guess holds");
        assert!(checked.fits(&outcome.table, &schema, &mapping, &Edits::new()));
        assert_eq!(checked.into_prepared(), expected);
    }
}
