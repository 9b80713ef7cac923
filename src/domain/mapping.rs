//! The admin's mapping: which source column(s) feed each target field, how select values translate to options,
//! and which date order a column uses.
//!
//! Owns the choices and the checks on the choices themselves (a required field unmapped, a column used twice).
//! It does not read cells: `prepare` applies a mapping to a table; `suggest` proposes one.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::dates::DateFormat;
use super::schema::{FieldRole, Schema};
use super::suggest::Confidence;
use super::table::{Cells, Table};

/// Where a field's value comes from.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Source {
    Unmapped,
    Column(usize),
    /// Several columns joined with `separator`, empty parts skipped (FirstName + LastName → "Ada Lovelace").
    Combine {
        columns: Vec<usize>,
        separator: String,
    },
}

impl Source {
    pub fn columns(&self) -> Vec<usize> {
        match self {
            Source::Unmapped => Vec::new(),
            Source::Column(c) => vec![*c],
            Source::Combine { columns, .. } => columns.clone(),
        }
    }

    pub fn is_mapped(&self) -> bool {
        !self.columns().is_empty()
    }

    /// The source value of one record: the cell, or the non-empty trimmed cells joined.
    pub fn value(&self, table: &Table, record: usize) -> String {
        table.records.get(record).map_or_else(String::new, |r| self.value_of(&r.cells))
    }

    /// The source value from one record's cells (out-of-range columns read as empty).
    pub fn value_of(&self, cells: &Cells) -> String {
        self.value_in(cells).into_owned()
    }

    /// `value_of` without a copy when the value is one cell as it is.
    pub fn value_in<'a>(&self, cells: &'a Cells) -> Cow<'a, str> {
        self.value_by_column(|c| cells.get(c).unwrap_or(""))
    }

    /// `value_in` for a record given as its values by column (`""` for a column it does not have).
    pub fn value_by_column<'a>(&self, cell: impl Fn(usize) -> &'a str) -> Cow<'a, str> {
        let cell = |c: &usize| cell(*c);
        match self {
            Source::Unmapped => Cow::Borrowed(""),
            Source::Column(c) => Cow::Borrowed(cell(c)),
            Source::Combine { columns, separator } => {
                let mut joined = String::new();
                for value in columns.iter().map(|c| cell(c).trim()).filter(|v| !v.is_empty()) {
                    if !joined.is_empty() {
                        joined.push_str(separator);
                    }
                    joined.push_str(value);
                }
                Cow::Owned(joined)
            }
        }
    }

    /// The header(s) as the admin knows them: "FirstName + LastName".
    pub fn describe(&self, headers: &[String]) -> Option<String> {
        let names: Vec<&str> = self.columns().iter().map(|c| headers.get(*c).map_or("?", String::as_str)).collect();
        (!names.is_empty()).then(|| names.join(" + "))
    }
}

/// How the raw values of a select field become CSM options.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueMap {
    /// The separator between several values in one cell, once the admin confirmed it (multi-select only).
    pub split: Option<char>,
    /// Source value (trimmed) → option, or `None` when the admin chose to leave it out. A value absent from the
    /// map is not matched yet and is reported.
    pub options: BTreeMap<String, Option<String>>,
}

/// One target field and its source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldMapping {
    pub field: String,
    pub source: Source,
    /// How sure the suggestion was; `None` once the admin picked the source by hand.
    pub confidence: Option<Confidence>,
}

/// The whole mapping for one file and schema (serialisable: a reading worker checks a big file's rows with it).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    pub fields: Vec<FieldMapping>,
    /// Per select field.
    pub values: BTreeMap<String, ValueMap>,
    /// Per date field: the format the admin chose (overrides detection).
    pub date_formats: BTreeMap<String, DateFormat>,
    /// Salesforce person accounts (people) are left out of an organizations import, to the rejects file.
    pub leave_out_person_accounts: bool,
}

/// Something wrong with the mapping itself, shown on the mapping screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MappingProblem {
    /// A required field has no source: nothing can be imported.
    RequiredUnmapped { field: String },
    /// One column feeds several fields (allowed, but usually a slip).
    ColumnUsedTwice { column: String, fields: Vec<String> },
}

impl MappingProblem {
    pub fn blocks(&self) -> bool {
        matches!(self, MappingProblem::RequiredUnmapped { .. })
    }

    pub fn message(&self) -> String {
        match self {
            MappingProblem::RequiredUnmapped { field } => {
                format!("Choose the column that holds “{field}”. CSM needs it to recognise each record.")
            }
            MappingProblem::ColumnUsedTwice { column, fields } => {
                format!("The column “{column}” is used for {}. Check that this is what you want.", quote_list(fields))
            }
        }
    }
}

fn quote_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|f| format!("“{f}”")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => quoted.join(""),
    }
}

impl Mapping {
    pub fn source(&self, field: &str) -> &Source {
        self.fields.iter().find(|m| m.field == field).map_or(&Source::Unmapped, |m| &m.source)
    }

    /// Sets a field's source by hand (dropping the suggestion's confidence).
    pub fn set_source(&mut self, field: &str, source: Source) {
        match self.fields.iter_mut().find(|m| m.field == field) {
            Some(m) => {
                m.source = source;
                m.confidence = None;
            }
            None => self.fields.push(FieldMapping { field: field.to_owned(), source, confidence: None }),
        }
    }

    /// Problems with the mapping against this schema, blocking ones first.
    pub fn problems(&self, schema: &Schema, headers: &[String]) -> Vec<MappingProblem> {
        let mut out = Vec::new();
        for f in schema.fields.iter().filter(|f| f.is_required()) {
            if !self.source(&f.name).is_mapped() {
                out.push(MappingProblem::RequiredUnmapped { field: f.name.clone() });
            }
        }
        let mut users: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        for f in &schema.fields {
            // The display name naturally repeats the full name; it is not a slip.
            if f.role == FieldRole::DisplayName {
                continue;
            }
            for c in self.source(&f.name).columns() {
                users.entry(c).or_default().push(f.name.clone());
            }
        }
        for (c, fields) in users.into_iter().filter(|(_, f)| f.len() > 1) {
            let column = headers.get(c).cloned().unwrap_or_default();
            out.push(MappingProblem::ColumnUsedTwice { column, fields });
        }
        out
    }

    /// Keeps the admin's choices from `old` for every field `schema` still has (a connected site's fields
    /// replacing the defaults): its source, value map and date format. Fields `schema` lacks are dropped.
    pub fn keep_choices_from(&mut self, old: &Mapping, schema: &Schema) {
        for m in old.fields.iter().filter(|m| m.source.is_mapped() && schema.field(&m.field).is_some()) {
            match self.fields.iter_mut().find(|f| f.field == m.field) {
                Some(f) => *f = m.clone(),
                None => self.fields.push(m.clone()),
            }
        }
        for (field, map) in old.values.iter().filter(|(f, _)| schema.field(f).is_some()) {
            self.values.insert(field.clone(), map.clone());
        }
        for (field, format) in old.date_formats.iter().filter(|(f, _)| schema.field(f).is_some()) {
            self.date_formats.insert(field.clone(), *format);
        }
        self.leave_out_person_accounts = old.leave_out_person_accounts;
    }

    /// The fields with a source, in schema order (key first): the columns of the import file.
    pub fn mapped_fields<'a>(&self, schema: &'a Schema) -> Vec<&'a super::schema::Field> {
        schema.fields.iter().filter(|f| self.source(&f.name).is_mapped()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::schema::Entity;
    use crate::domain::table::{Position, Record};

    fn table() -> Table {
        Table {
            headers: vec!["First".into(), "Last".into(), "Mail".into()],
            records: vec![Record { pos: Position { row: 2, line: 2 }, cells: vec![" Ada ", "", "a@x.io"].into() }]
                .into(),
        }
    }

    #[test]
    fn choices_survive_a_schema_change_for_fields_the_new_schema_still_has() {
        let mut old = Mapping::default();
        old.set_source("Title", Source::Column(0));
        old.set_source("Region", Source::Column(1));
        let mut schema = Schema::defaults(Entity::Customers);
        schema.remove_field("Region");
        let mut fresh = Mapping::default();
        fresh.set_source("Title", Source::Column(2));
        fresh.keep_choices_from(&old, &schema);
        assert_eq!(fresh.source("Title"), &Source::Column(0));
        assert_eq!(fresh.source("Region"), &Source::Unmapped);
    }

    #[test]
    fn combine_joins_non_empty_trimmed_parts() {
        let t = table();
        let s = Source::Combine { columns: vec![0, 1, 2], separator: " ".into() };
        assert_eq!(s.value(&t, 0), "Ada a@x.io");
        assert_eq!(s.describe(&t.headers).as_deref(), Some("First + Last + Mail"));
    }

    #[test]
    fn unmapped_key_blocks_and_a_column_used_twice_warns() {
        let t = table();
        let schema = Schema::defaults(Entity::Customers);
        let mut m = Mapping::default();
        m.set_source("Title", Source::Column(0));
        m.set_source("Region", Source::Column(0));
        m.set_source("Display name", Source::Column(0));
        let p = m.problems(&schema, &t.headers);
        assert_eq!(p[0], MappingProblem::RequiredUnmapped { field: "Email".into() });
        assert!(p[0].blocks());
        assert_eq!(
            p[1],
            MappingProblem::ColumnUsedTwice { column: "First".into(), fields: vec!["Title".into(), "Region".into()] }
        );
        assert!(p[1].message().contains("“Title” and “Region”"));
        assert_eq!(p.len(), 2);
    }
}
