//! Suggesting a mapping: for each target field, the source column most likely meant, with how sure we are.
//!
//! Order of evidence: exact header, then the same ignoring case/spaces/punctuation, then a known synonym
//! (`synonyms`), then fuzzy similarity (Jaro-Winkler, strsim). Columns are handed out best-first so one column
//! is not suggested for two fields (the display name may share the full name's source). Pure: no state kept.

use std::collections::BTreeSet;

use super::mapping::{FieldMapping, Mapping, Source};
use super::schema::{FieldRole, Schema};
use super::synonyms::{combinations, header_synonyms, normalise};
use super::table::Table;
use super::value_counts::ValueCache;
use super::values::initial_value_map;

/// Fuzzy matches below this similarity are not suggested.
const FUZZY_THRESHOLD: f64 = 0.88;

/// How a suggestion was found; shown next to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Confidence {
    Exact,
    SameWords,
    Synonym,
    Combined,
    /// Similarity in percent.
    Fuzzy(u8),
}

impl Confidence {
    pub fn label(self) -> String {
        match self {
            Confidence::Exact => "Exact match".into(),
            Confidence::SameWords => "Same name".into(),
            Confidence::Synonym => "Known name".into(),
            Confidence::Combined => "Combined columns".into(),
            Confidence::Fuzzy(p) => format!("Similar name ({p}%)"),
        }
    }

    /// 100 for certain, lower for guesses; used to rank.
    fn score(self) -> u8 {
        match self {
            Confidence::Exact => 100,
            Confidence::SameWords => 95,
            Confidence::Synonym => 90,
            Confidence::Combined => 85,
            Confidence::Fuzzy(p) => p.min(84),
        }
    }
}

/// How well `header` fits `field`, if at all.
fn confidence(schema: &Schema, field: &str, header: &str) -> Option<Confidence> {
    if header == field {
        return Some(Confidence::Exact);
    }
    let (h, f) = (normalise(header), normalise(field));
    if h.is_empty() {
        return None;
    }
    if h == f {
        return Some(Confidence::SameWords);
    }
    if header_synonyms(schema.entity, field).contains(&h.as_str()) {
        return Some(Confidence::Synonym);
    }
    let sim = strsim::jaro_winkler(&h, &f);
    (sim >= FUZZY_THRESHOLD).then(|| Confidence::Fuzzy((sim * 100.0).round() as u8))
}

/// Suggests a full mapping (fields, select value maps) for `table` onto `schema`.
pub fn suggest(schema: &Schema, table: &Table) -> Mapping {
    suggest_with(schema, table, &mut ValueCache::default())
}

/// The columns `suggest` matches to each field (by header alone), without the value maps.
pub fn suggest_sources(schema: &Schema, headers: &[String]) -> Mapping {
    let mut candidates: Vec<(u8, usize, usize, Confidence)> = Vec::new();
    for (fi, f) in schema.fields.iter().enumerate() {
        for (ci, h) in headers.iter().enumerate() {
            if let Some(c) = confidence(schema, &f.name, h) {
                candidates.push((c.score(), fi, ci, c));
            }
        }
    }
    // Best first; on equal score the earlier field, then the earlier column.
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));

    let mut chosen: Vec<Option<(Source, Confidence)>> = vec![None; schema.fields.len()];
    let mut used: BTreeSet<usize> = BTreeSet::new();
    for (_, fi, ci, c) in candidates {
        let sharing = schema.fields[fi].role == FieldRole::DisplayName;
        if chosen[fi].is_some() || (used.contains(&ci) && !sharing) {
            continue;
        }
        if !sharing {
            used.insert(ci);
        }
        chosen[fi] = Some((Source::Column(ci), c));
    }
    for (field, groups, separator) in combinations(schema.entity) {
        let Some(fi) = schema.fields.iter().position(|f| f.name == *field) else { continue };
        if chosen[fi].is_some() {
            continue;
        }
        let columns: Vec<usize> = groups
            .iter()
            .filter_map(|names| headers.iter().position(|h| names.contains(&normalise(h).as_str())))
            .collect();
        if columns.len() >= 2 {
            chosen[fi] = Some((Source::Combine { columns, separator: (*separator).to_owned() }, Confidence::Combined));
        }
    }

    let fields = schema
        .fields
        .iter()
        .zip(chosen)
        .map(|(f, c)| {
            let (source, confidence) = c.map_or((Source::Unmapped, None), |(s, c)| (s, Some(c)));
            FieldMapping { field: f.name.clone(), source, confidence }
        })
        .collect();
    Mapping { fields, ..Mapping::default() }
}

/// `suggest` with the value counts taken from (and added to) `cache`, so a big table is not read again.
pub fn suggest_with(schema: &Schema, table: &Table, cache: &mut ValueCache) -> Mapping {
    let mut mapping = suggest_sources(schema, &table.headers);
    refresh_value_maps(&mut mapping, schema, table, cache);
    mapping
}

/// The sources whose values the value maps of `mapping` need counted.
pub fn counted_sources(mapping: &Mapping, schema: &Schema) -> Vec<Source> {
    let mut sources: Vec<Source> = Vec::new();
    for f in schema.fields.iter().filter(|f| f.kind.has_options()) {
        let source = mapping.source(&f.name);
        if source.is_mapped() && !sources.contains(source) {
            sources.push(source.clone());
        }
    }
    sources
}

/// (Re)builds the value maps of select fields whose source changed, keeping the admin's choices for values
/// that are still present. Call after any change of source. Counts come from `cache` (counted now if missing, but
/// for a table kept in the file: `ValueCache::try_of`).
pub fn refresh_value_maps(mapping: &mut Mapping, schema: &Schema, table: &Table, cache: &mut ValueCache) {
    for f in schema.fields.iter().filter(|f| f.kind.has_options()) {
        let source = mapping.source(&f.name).clone();
        if !source.is_mapped() {
            mapping.values.remove(&f.name);
            continue;
        }
        // A table kept in the file counts a new source in slices (`ValueCache::take_wanted`): until then, the map
        // stays as it is.
        let Some(counts) = cache.try_of(table, &source) else { continue };
        let previous = mapping.values.get(&f.name).cloned();
        let fresh = initial_value_map(&counts, f, previous.as_ref());
        mapping.values.insert(f.name.clone(), fresh);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::schema::Entity;

    fn table(headers: &[&str]) -> Table {
        Table { headers: headers.iter().map(|h| (*h).to_owned()).collect(), records: Default::default() }
    }

    fn mapped(m: &Mapping, t: &Table, field: &str) -> Option<String> {
        m.source(field).describe(&t.headers)
    }

    #[test]
    fn salesforce_contact_api_names_map_to_customer_fields() {
        let t = table(&["Id", "FirstName", "LastName", "Email", "Phone", "Title", "Region__c", "Type__c"]);
        let m = suggest(&Schema::defaults(Entity::Customers), &t);
        assert_eq!(mapped(&m, &t, "Email").as_deref(), Some("Email"));
        assert_eq!(mapped(&m, &t, "Full name").as_deref(), Some("FirstName + LastName"));
        assert_eq!(mapped(&m, &t, "External ID").as_deref(), Some("Id"));
        assert_eq!(mapped(&m, &t, "Region").as_deref(), Some("Region__c"));
        assert_eq!(mapped(&m, &t, "Type").as_deref(), Some("Type__c"));
        let email = m.fields.iter().find(|f| f.field == "Email").and_then(|f| f.confidence);
        assert_eq!(email, Some(Confidence::Exact));
    }

    #[test]
    fn hubspot_zendesk_and_freshdesk_headers_are_known() {
        let schema = Schema::defaults(Entity::Customers);
        let t = table(&["First Name", "Last Name", "Email", "Phone Number", "Job Title", "Company Name"]);
        let m = suggest(&schema, &t);
        assert_eq!(mapped(&m, &t, "Phone").as_deref(), Some("Phone Number"));
        assert_eq!(mapped(&m, &t, "Title").as_deref(), Some("Job Title"));
        let t = table(&["name", "email", "external_id", "phone", "organization"]);
        let m = suggest(&schema, &t);
        assert_eq!(mapped(&m, &t, "External ID").as_deref(), Some("external_id"));
        assert_eq!(mapped(&m, &t, "Full name").as_deref(), Some("name"));
        assert_eq!(mapped(&m, &t, "Display name").as_deref(), Some("name"));
        let t = table(&["Full name", "Email", "Work phone", "Company"]);
        let m = suggest(&schema, &t);
        assert_eq!(mapped(&m, &t, "Full name").as_deref(), Some("Full name"));
        assert_eq!(mapped(&m, &t, "Phone").as_deref(), Some("Work phone"));
    }

    #[test]
    fn salesforce_accounts_map_to_organizations_with_a_combined_address() {
        let t = table(&["Id", "Name", "Type", "Industry", "Website", "BillingStreet", "BillingCity", "BillingCountry"]);
        let m = suggest(&Schema::defaults(Entity::Organizations), &t);
        assert_eq!(mapped(&m, &t, "Organization Name").as_deref(), Some("Name"));
        assert_eq!(mapped(&m, &t, "Website").as_deref(), Some("Website"));
        assert_eq!(mapped(&m, &t, "Address").as_deref(), Some("BillingStreet + BillingCity + BillingCountry"));
    }

    #[test]
    fn a_typo_is_suggested_with_fuzzy_confidence() {
        let t = table(&["Emial", "Industy"]);
        let m = suggest(&Schema::defaults(Entity::Organizations), &t);
        let f = m.fields.iter().find(|f| f.field == "Industry").expect("industry");
        assert_eq!(f.source, Source::Column(1));
        assert!(matches!(f.confidence, Some(Confidence::Fuzzy(p)) if (88..=99).contains(&p)));
    }

    #[test]
    fn one_column_is_not_suggested_for_two_fields() {
        let t = table(&["Phone"]);
        let mut schema = Schema::defaults(Entity::Customers);
        schema.upsert_field(crate::domain::schema::Field::new("Phone number", crate::domain::schema::FieldType::Phone));
        let m = suggest(&schema, &t);
        assert_eq!(m.source("Phone"), &Source::Column(0));
        assert_eq!(m.source("Phone number"), &Source::Unmapped);
    }
}
