//! The app's single state: what the admin loaded and chose, as plain domain values in signals, plus the derived
//! validation result. Intent methods here are the only writers; components read signals and call intents.

use std::collections::BTreeMap;
use std::ops::Deref;
use std::sync::Arc;

use leptos::prelude::*;
use send_wrapper::SendWrapper;

use crate::domain::dates::DateFormat;
use crate::domain::edits::{apply_group_fixes, Edits};
use crate::domain::engine::{CheckedWhileReading, Work};
use crate::domain::mapping::{Mapping, MappingProblem, Source};
use crate::domain::prepare::{prepare, Prepared};
use crate::domain::read::{read, ReadError, ReadOptions, ReadOutcome};
use crate::domain::report::Group;
use crate::domain::schema::{Entity, Field, Schema};
use crate::domain::suggest::{refresh_value_maps, suggest_with};
use crate::domain::table::{Rows, Table};
use crate::domain::value_counts::{ValueCache, ValueCounts};
use crate::ui::file_source::{FileSource, Kept};
use crate::ui::jobs;

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

/// The file the admin loaded: its name, where its bytes are (so encoding/delimiter can be changed: a big file is
/// read from disk again), what is kept of it, and what was read.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub name: String,
    pub source: FileSource,
    pub kept: Kept,
    pub outcome: Arc<ReadOutcome>,
}

impl PartialEq for Loaded {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.outcome, &other.outcome)
    }
}

/// A validation result, shared rather than copied (a big file's result is large). Two are equal when they are the
/// same result, or, for a small file, when their contents are equal (so an unchanged result changes nothing).
#[derive(Clone, Debug, Default)]
pub struct Validated(pub Arc<Prepared>);

impl Validated {
    pub fn new(prepared: Prepared) -> Validated {
        Validated(Arc::new(prepared))
    }
}

impl PartialEq for Validated {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || (!writes_in_background(&self.0) && self.0 == other.0)
    }
}

impl Deref for Validated {
    type Target = Prepared;
    fn deref(&self) -> &Prepared {
        &self.0
    }
}

/// Files with more data rows than this are checked in slices in the background (`jobs`), with progress and a
/// Stop button; smaller ones are checked at once, as the admin changes something.
pub const BACKGROUND_ROWS: usize = 20_000;

/// Whether `outcome` is checked in the background: a big table, or one kept in the file (`Rows::keep_in_file`,
/// decided by the file's size before its rows were counted), whose rows only jobs read (they read them back first).
pub fn checks_in_background(outcome: &ReadOutcome) -> bool {
    outcome.table.records.len() > BACKGROUND_ROWS || outcome.table.records.is_in_file()
}

/// Whether the result of a check (`prepared`) is written by a job in slices rather than at once (see
/// `checks_in_background`).
pub fn writes_in_background(prepared: &Prepared) -> bool {
    prepared.len() > BACKGROUND_ROWS || prepared.records().is_some_and(Rows::is_in_file)
}

/// All signals of the app. `Copy`, so closures can capture it freely.
#[derive(Clone, Copy)]
pub struct ImportState {
    pub step: RwSignal<Step>,
    pub entity: RwSignal<Entity>,
    pub loaded: RwSignal<Option<Loaded>>,
    /// A message about the last file that could not be read (the previous file, if any, is kept).
    pub load_error: RwSignal<Option<String>>,
    /// A message when the loaded big file could not be read again for its rows (it changed or moved on disk).
    pub file_error: RwSignal<Option<String>>,
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
    /// While a big file is read in slices: how far it is.
    pub reading: RwSignal<Option<Work>>,
    /// While a big import file is written in slices: how far it is.
    pub exporting: RwSignal<Option<Work>>,
    /// After the admin stopped reading a file: what was kept, until the next file is chosen.
    pub read_stopped: RwSignal<Option<String>>,
    /// While a big file's rows are checked in slices: how far it is.
    pub checking: RwSignal<Option<Work>>,
    /// The admin stopped checking, so the results are out of date until checked again.
    pub check_stopped: RwSignal<bool>,
    /// Bumped by "Check again" to check the current file and choices once more.
    pub recheck: RwSignal<u64>,
    /// The last background check's result and the file it belongs to.
    pub checked: RwSignal<Option<(Arc<ReadOutcome>, Validated)>>,
    /// The rows of the file just read, checked as they came (`jobs::start_check` takes it when it fits).
    pub checked_while_reading: StoredValue<Option<CheckedWhileReading>>,
    /// A running read or check goes on only while its generation is current: bumping one stops it.
    pub read_generation: StoredValue<u64>,
    pub check_generation: StoredValue<u64>,
    pub export_generation: StoredValue<u64>,
    /// How often each value of a column occurs in the loaded table, counted once per column (value choices).
    pub value_cache: StoredValue<ValueCache>,
    /// Bumped when counts were added to `value_cache` by a pass in slices (a table kept in the file).
    pub counts_version: RwSignal<u64>,
    /// Sources being counted in slices now (`jobs::count_sources`).
    pub counting: StoredValue<Vec<Source>>,
    pub prepared: Memo<Validated>,
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
        let checked: RwSignal<Option<(Arc<ReadOutcome>, Validated)>> = RwSignal::new(None);
        let prepared =
            Memo::new(move |_| {
                loaded.with(|l| match l {
                    // A big file: the background check's result for this very file (empty until the first one ends).
                    Some(l) if checks_in_background(&l.outcome) => checked
                        .with(|c| c.as_ref().filter(|(o, _)| Arc::ptr_eq(o, &l.outcome)).map(|(_, v)| v.clone()))
                        .unwrap_or_default(),
                    Some(l) => Validated::new(schema.with(|s| {
                        mapping.with(|m| edits.with(|e| prepare(&l.outcome.table, s, m, e, &l.outcome.issues)))
                    })),
                    None => Validated::default(),
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
        let state = ImportState {
            step: RwSignal::new(Step::Upload),
            entity: RwSignal::new(Entity::Customers),
            loaded,
            load_error: RwSignal::new(None),
            file_error: RwSignal::new(None),
            busy: RwSignal::new(None),
            schema,
            site_schemas: RwSignal::new(None),
            mapping,
            edits,
            legacy: RwSignal::new(false),
            grid_focus: RwSignal::new(None),
            notice: RwSignal::new(None),
            reading: RwSignal::new(None),
            read_stopped: RwSignal::new(None),
            exporting: RwSignal::new(None),
            export_generation: StoredValue::new(0),
            value_cache: StoredValue::new(ValueCache::default()),
            counts_version: RwSignal::new(0),
            counting: StoredValue::new(Vec::new()),
            checking: RwSignal::new(None),
            check_stopped: RwSignal::new(false),
            recheck: RwSignal::new(0),
            checked,
            checked_while_reading: StoredValue::new(None),
            read_generation: StoredValue::new(0),
            check_generation: StoredValue::new(0),
            prepared,
            mapping_problems,
            issues_per_field,
        };
        // A big file is checked again in the background whenever the file or a choice changes.
        Effect::new(move |_| {
            state.recheck.track();
            let outcome = state.loaded.with(|l| l.as_ref().map(|l| Arc::clone(&l.outcome)));
            let inputs = (state.schema.get(), state.mapping.get(), state.edits.get());
            match outcome {
                Some(outcome) if checks_in_background(&outcome) => jobs::start_check(state, outcome, inputs),
                _ => jobs::forget_check(state),
            }
        });
        state
    }

    /// Whether the validation result belongs to the current file and choices: false while a big file is being
    /// checked or after its check was stopped (downloads and the import wait until it is).
    pub fn results_current(&self) -> bool {
        self.checking.with(Option::is_none) && !self.check_stopped.get()
    }

    /// Reads `bytes` with `options`: a big file in slices in the background (`jobs::start_read`), else at once.
    pub fn load(&self, name: String, bytes: Arc<Vec<u8>>, options: ReadOptions) {
        if bytes.len() > jobs::BACKGROUND_READ_BYTES {
            jobs::start_read(*self, name, FileSource::Memory(bytes), options);
        } else {
            let result = read(&bytes, &options);
            let kept = Kept::of_memory(&bytes);
            self.apply_read(name, (FileSource::Memory(bytes), kept), result, ValueCache::default());
        }
    }

    /// Takes what reading gave. On success replaces the file, re-suggests the mapping and clears edits; on failure
    /// keeps everything as it was and shows why. `counts` are values of the new table already counted (a big file's,
    /// counted in slices after reading).
    pub fn apply_read(
        &self,
        name: String,
        file: (FileSource, Kept),
        result: Result<ReadOutcome, ReadError>,
        counts: ValueCache,
    ) {
        match result {
            Ok(outcome) => {
                let outcome = Arc::new(outcome);
                self.value_cache.set_value(counts);
                let mapping = self.schema.with_untracked(|s| self.suggest_for(s, &outcome));
                self.mapping.set(mapping);
                self.edits.set(Edits::new());
                let (source, kept) = file;
                self.loaded.set(Some(Loaded { name, source, kept, outcome }));
                self.read_stopped.set(None);
                self.load_error.set(None);
            }
            Err(e) => self.load_error.set(Some(format!("“{name}” could not be read. {e}"))),
        }
        self.busy.set(None);
    }

    /// The suggested mapping for `schema`, with value counts from the cache.
    fn suggest_for(&self, schema: &Schema, outcome: &ReadOutcome) -> Mapping {
        let mapping =
            self.value_cache.try_update_value(|cache| suggest_with(schema, &outcome.table, cache)).unwrap_or_default();
        self.count_wanted();
        mapping
    }

    /// Counts, in slices, the sources a table kept in the file could not count at once (`ValueCache::take_wanted`);
    /// the value choices are refreshed when they are counted.
    fn count_wanted(&self) {
        let wanted = self.value_cache.try_update_value(ValueCache::take_wanted).unwrap_or_default();
        let fresh: Vec<Source> = wanted.into_iter().filter(|s| !self.counting.with_value(|c| c.contains(s))).collect();
        if !fresh.is_empty() {
            self.counting.update_value(|c| c.extend(fresh.iter().cloned()));
            jobs::count_sources(*self, fresh);
        }
    }

    /// The loaded file's handle when it was read from disk (a big file): the reading workers read it again to
    /// check its rows after a change (`jobs::start_check`).
    pub fn disk_file(&self) -> Option<SendWrapper<web_sys::File>> {
        self.loaded.with_untracked(|l| match l.as_ref().map(|l| &l.source) {
            Some(FileSource::Disk(file)) => Some(file.clone()),
            _ => None,
        })
    }

    /// Where the loaded table's rows are read again from, when it keeps them in the file (`Rows::keep_in_file`).
    pub fn in_file_source(&self) -> Option<FileSource> {
        self.loaded
            .with_untracked(|l| l.as_ref().filter(|l| l.outcome.table.records.is_in_file()).map(|l| l.source.clone()))
    }

    /// How often each value of `source` occurs in the loaded table (counted once, then from the cache). `None`
    /// while a table kept in the file counts it in slices (`counts_version` changes when it is counted).
    pub fn value_counts(&self, source: &Source) -> Option<Arc<ValueCounts>> {
        self.counts_version.track();
        let counts = self.loaded.with_untracked(|l| {
            let table = &l.as_ref()?.outcome.table;
            self.value_cache.try_update_value(|cache| cache.try_of(table, source)).flatten()
        });
        if counts.is_none() {
            self.count_wanted();
        }
        counts
    }

    /// Re-reads the current file with a different encoding or delimiter.
    pub fn reread(&self, options: ReadOptions) {
        match self.loaded.get_untracked() {
            Some(Loaded { name, source: FileSource::Memory(bytes), .. }) => self.load(name, bytes, options),
            Some(Loaded { name, source, .. }) => jobs::start_read(*self, name, source, options),
            None => {}
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
        let mut mapping = self.loaded.with_untracked(|l| l.as_ref().map(|l| self.suggest_for(&schema, &l.outcome)));
        if let Some(m) = mapping.as_mut() {
            m.keep_choices_from(&old, &schema);
        }
        self.schema.set(schema);
        self.mapping.set(mapping.unwrap_or_default());
        self.refresh_values();
    }

    /// Uses `schema` (loaded from JSON or edited) and re-suggests the mapping for it.
    pub fn replace_schema(&self, schema: Schema) {
        let mapping = self.loaded.with_untracked(|l| l.as_ref().map(|l| self.suggest_for(&schema, &l.outcome)));
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
            self.value_cache.update_value(|cache| {
                self.mapping.update(|m| refresh_value_maps(m, &schema, &l.outcome.table, cache));
            });
            self.count_wanted();
        }
    }

    /// Takes counts made in slices for the loaded table `table` (`jobs::count_sources`): the value choices are
    /// refreshed with them.
    pub fn add_counts(&self, table: &Arc<Table>, counts: ValueCache, sources: &[Source]) {
        self.counting.update_value(|c| c.retain(|s| !sources.contains(s)));
        let current = self.loaded.with_untracked(|l| l.as_ref().is_some_and(|l| Arc::ptr_eq(&l.outcome.table, table)));
        if current {
            self.value_cache.update_value(|cache| cache.extend(counts));
            self.refresh_values();
            self.counts_version.update(|v| *v += 1);
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
        self.notice.set(Some(format!("Applied the suggested fix to {} value{}.", count(changed), plural(changed))));
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

pub use crate::domain::engine::work::{count, plural};
