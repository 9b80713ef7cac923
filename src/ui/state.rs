//! The app's single state: what the admin loaded and chose, as plain domain values in signals, plus the derived
//! validation result. Intent methods here are the only writers; components read signals and call intents.

use std::collections::BTreeMap;
use std::sync::Arc;

use leptos::prelude::*;

use crate::domain::dates::DateFormat;
use crate::domain::edits::{apply_group_fixes, Edits};
use crate::domain::mapping::{Mapping, MappingProblem, Source};
use crate::domain::prepare::{prepare, Prepared};
use crate::domain::read::{read, ReadOptions, ReadOutcome};
use crate::domain::report::Group;
use crate::domain::schema::{Entity, Field, Schema};
use crate::domain::suggest::{refresh_value_maps, suggest};

/// The wizard's steps, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    Upload,
    Map,
    Review,
    Export,
    /// Optional: import through the CSM API instead of uploading the file.
    Send,
}

impl Step {
    pub const ALL: [Step; 5] = [Step::Upload, Step::Map, Step::Review, Step::Export, Step::Send];

    pub fn title(self) -> &'static str {
        match self {
            Step::Upload => "Choose file",
            Step::Map => "Match columns",
            Step::Review => "Fix problems",
            Step::Export => "Download",
            Step::Send => "Or import via API",
        }
    }

    pub fn number(self) -> usize {
        Step::ALL.iter().position(|s| *s == self).unwrap_or(0) + 1
    }

    pub fn next(self) -> Option<Step> {
        Step::ALL.get(self.number()).copied()
    }

    pub fn back(self) -> Option<Step> {
        self.number().checked_sub(2).and_then(|i| Step::ALL.get(i).copied())
    }
}

/// The file the admin loaded: its name, bytes (kept so encoding/delimiter can be changed) and what was read.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub name: String,
    pub bytes: Arc<Vec<u8>>,
    pub outcome: Arc<ReadOutcome>,
}

impl PartialEq for Loaded {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.outcome, &other.outcome)
    }
}

/// All signals of the app. `Copy`, so closures can capture it freely.
#[derive(Clone, Copy)]
pub struct ImportState {
    pub step: RwSignal<Step>,
    pub entity: RwSignal<Entity>,
    pub loaded: RwSignal<Option<Loaded>>,
    /// A message about the last file that could not be read (the previous file, if any, is kept).
    pub load_error: RwSignal<Option<String>>,
    /// Set while a file is being read: the file name.
    pub busy: RwSignal<Option<String>>,
    pub schema: RwSignal<Schema>,
    /// The connected site's own fields (customers, organizations), used instead of the built-in defaults.
    pub site_schemas: RwSignal<Option<(Schema, Schema)>>,
    pub mapping: RwSignal<Mapping>,
    pub edits: RwSignal<Edits>,
    pub legacy: RwSignal<bool>,
    /// A request from a finding to show and focus one cell in the review grid: (record, field).
    pub grid_focus: RwSignal<Option<(usize, String)>>,
    /// A message after an action (saved, fixed N values…), announced politely.
    pub notice: RwSignal<Option<String>>,
    pub prepared: Memo<Prepared>,
    /// Problems with the mapping itself (required field unmapped, column used twice), for the map step and Next.
    pub mapping_problems: Memo<Vec<MappingProblem>>,
    /// How many findings each target field has, counted once per validation pass.
    pub issues_per_field: Memo<BTreeMap<String, usize>>,
}

impl ImportState {
    pub fn new() -> ImportState {
        let loaded: RwSignal<Option<Loaded>> = RwSignal::new(None);
        let schema = RwSignal::new(Schema::defaults(Entity::Customers));
        let mapping = RwSignal::new(Mapping::default());
        let edits = RwSignal::new(Edits::new());
        let prepared = Memo::new(move |_| {
            loaded.with(|l| match l {
                Some(l) => schema
                    .with(|s| mapping.with(|m| edits.with(|e| prepare(&l.outcome.table, s, m, e, &l.outcome.issues)))),
                None => Prepared::default(),
            })
        });
        let mapping_problems = Memo::new(move |_| {
            loaded.with(|l| {
                l.as_ref()
                    .map(|l| schema.with(|s| mapping.with(|m| m.problems(s, &l.outcome.table.headers))))
                    .unwrap_or_default()
            })
        });
        let issues_per_field = Memo::new(move |_| {
            prepared.with(|p| {
                let mut counts: BTreeMap<String, usize> = BTreeMap::new();
                for field in p.report.issues.iter().filter_map(|i| i.field.as_ref()) {
                    *counts.entry(field.clone()).or_default() += 1;
                }
                counts
            })
        });
        ImportState {
            step: RwSignal::new(Step::Upload),
            entity: RwSignal::new(Entity::Customers),
            loaded,
            load_error: RwSignal::new(None),
            busy: RwSignal::new(None),
            schema,
            site_schemas: RwSignal::new(None),
            mapping,
            edits,
            legacy: RwSignal::new(false),
            grid_focus: RwSignal::new(None),
            notice: RwSignal::new(None),
            prepared,
            mapping_problems,
            issues_per_field,
        }
    }

    /// Reads `bytes` with `options`. On success replaces the file, re-suggests the mapping and clears edits;
    /// on failure keeps everything as it was and shows why.
    pub fn load(&self, name: String, bytes: Arc<Vec<u8>>, options: ReadOptions) {
        match read(&bytes, &options) {
            Ok(outcome) => {
                let outcome = Arc::new(outcome);
                let mapping = self.schema.with_untracked(|s| suggest(s, &outcome.table));
                self.mapping.set(mapping);
                self.edits.set(Edits::new());
                self.loaded.set(Some(Loaded { name, bytes, outcome }));
                self.load_error.set(None);
            }
            Err(e) => self.load_error.set(Some(format!("“{name}” could not be read. {e}"))),
        }
        self.busy.set(None);
    }

    /// Re-reads the current file with a different encoding or delimiter.
    pub fn reread(&self, options: ReadOptions) {
        if let Some(l) = self.loaded.get_untracked() {
            self.load(l.name, l.bytes, options);
        }
    }

    /// Switches customers/organizations: the built-in fields of that entity, a fresh suggestion.
    pub fn set_entity(&self, entity: Entity) {
        if self.entity.get_untracked() == entity {
            return;
        }
        self.entity.set(entity);
        self.replace_schema(self.schema_for(entity));
    }

    /// The site's fields for `entity` when connected, else CSM's defaults.
    fn schema_for(&self, entity: Entity) -> Schema {
        self.site_schemas.with_untracked(|s| match (s, entity) {
            (Some((c, _)), Entity::Customers) => c.clone(),
            (Some((_, o)), Entity::Organizations) => o.clone(),
            (None, _) => Schema::defaults(entity),
        })
    }

    /// After "Test connection": uses the site's real fields. Columns already matched to a field the site also
    /// has stay matched (with their value choices); the rest is suggested afresh. Edits are kept.
    pub fn use_site_schemas(&self, customers: Schema, organizations: Schema) {
        self.site_schemas.set(Some((customers, organizations)));
        let schema = self.schema_for(self.entity.get_untracked());
        let old = self.mapping.get_untracked();
        let mut mapping = self.loaded.with_untracked(|l| l.as_ref().map(|l| suggest(&schema, &l.outcome.table)));
        if let Some(m) = mapping.as_mut() {
            m.keep_choices_from(&old, &schema);
        }
        self.schema.set(schema);
        self.mapping.set(mapping.unwrap_or_default());
        self.refresh_values();
    }

    /// Uses `schema` (loaded from JSON or edited) and re-suggests the mapping for it.
    pub fn replace_schema(&self, schema: Schema) {
        let mapping = self.loaded.with_untracked(|l| l.as_ref().map(|l| suggest(&schema, &l.outcome.table)));
        self.schema.set(schema);
        self.mapping.set(mapping.unwrap_or_default());
        self.edits.set(Edits::new());
    }

    /// Adds or replaces a custom field, keeping the rest of the mapping.
    pub fn upsert_field(&self, field: Field) -> bool {
        let mut ok = false;
        self.schema.update(|s| ok = s.upsert_field(field));
        self.refresh_values();
        ok
    }

    pub fn remove_field(&self, name: &str) {
        self.schema.update(|s| s.remove_field(name));
        self.mapping.update(|m| m.fields.retain(|f| f.field != name));
    }

    pub fn set_source(&self, field: &str, source: Source) {
        self.mapping.update(|m| m.set_source(field, source));
        self.refresh_values();
    }

    fn refresh_values(&self) {
        let loaded = self.loaded.get_untracked();
        if let Some(l) = loaded {
            let schema = self.schema.get_untracked();
            self.mapping.update(|m| refresh_value_maps(m, &schema, &l.outcome.table));
        }
    }

    pub fn set_value_option(&self, field: &str, value: &str, option: Option<String>) {
        self.mapping.update(|m| {
            m.values.entry(field.to_owned()).or_default().options.insert(value.to_owned(), option);
        });
    }

    /// Forgets the admin's choice for a value, so it is reported again as not matched.
    pub fn clear_value_option(&self, field: &str, value: &str) {
        self.mapping.update(|m| {
            if let Some(map) = m.values.get_mut(field) {
                map.options.remove(value);
            }
        });
    }

    pub fn set_split(&self, field: &str, split: Option<char>) {
        self.mapping.update(|m| m.values.entry(field.to_owned()).or_default().split = split);
        self.refresh_values();
    }

    /// Salesforce person accounts: leave them out of an organizations import (to the rejects file) or not.
    pub fn set_leave_out_person_accounts(&self, leave_out: bool) {
        self.mapping.update(|m| m.leave_out_person_accounts = leave_out);
    }

    pub fn set_date_format(&self, field: &str, format: DateFormat) {
        self.mapping.update(|m| {
            m.date_formats.insert(field.to_owned(), format);
        });
    }

    pub fn edit(&self, record: usize, field: &str, value: String) {
        self.edits.update(|e| {
            e.insert((record, field.to_owned()), value);
        });
    }

    /// Applies every suggested fix of a group; says how many values changed.
    pub fn fix_group(&self, group: &Group) {
        let report = self.prepared.with_untracked(|p| p.report.clone());
        let mut changed = 0;
        self.edits.update(|e| self.mapping.update(|m| changed = apply_group_fixes(e, m, &report, group)));
        self.notice.set(Some(format!("Applied the suggested fix to {changed} value{}.", plural(changed))));
    }

    pub fn go(&self, step: Step) {
        self.step.set(step);
        self.notice.set(None);
    }
}

impl Default for ImportState {
    fn default() -> Self {
        ImportState::new()
    }
}

/// A count with thousands separators, as people write it: 50,000.
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "s" when `n` is not 1.
pub fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
