//! Value mapping for SELECT and MULTISELECT fields: the distinct source values with their counts, the option each
//! most likely stands for, and the separator that splits a multi-value cell.
//!
//! Owns suggestion of options and splitting of cells. Never invents an option: a suggestion is always one of the
//! field's existing options, or none. The admin's choices live in `mapping::ValueMap`.

use super::mapping::ValueMap;
use super::schema::Field;
use super::synonyms::{normalise, OPTION_SYNONYMS};
use super::value_counts::ValueCounts;

/// Separators we offer to split multi-value cells on, most likely first.
pub const SPLIT_CANDIDATES: [char; 3] = [';', '|', ','];

/// Similarity above which a value is suggested as a typo of an option.
const FUZZY_THRESHOLD: f64 = 0.85;

/// One distinct source value of a select field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DistinctValue {
    pub value: String,
    pub count: usize,
    /// The option we suggest, if any.
    pub suggestion: Option<String>,
}

/// The parts of one raw cell: trimmed, empty parts dropped; split only when a separator was confirmed (without
/// one, the whole cell is the one part). An iterator, so a pass over millions of cells allocates nothing here.
pub fn split_cell(raw: &str, split: Option<char>) -> impl Iterator<Item = &str> {
    raw.split(move |c| Some(c) == split).map(str::trim).filter(|p| !p.is_empty())
}

/// The option `value` most likely stands for: exact, same words, a known synonym, the option's words contain it
/// ("Vendor" → "Supplier/Vendor"), or a close typo.
pub fn suggest_option(value: &str, options: &[String]) -> Option<String> {
    let v = value.trim();
    if let Some(o) = options.iter().find(|o| o.as_str() == v) {
        return Some(o.clone());
    }
    let n = normalise(v);
    if n.is_empty() {
        return None;
    }
    let by_norm = |target: &str| options.iter().find(|o| normalise(o) == normalise(target)).cloned();
    if let Some(o) = by_norm(v) {
        return Some(o);
    }
    if let Some(o) = OPTION_SYNONYMS.iter().filter(|(s, _)| *s == n).find_map(|(_, target)| by_norm(target)) {
        return Some(o);
    }
    let words = |o: &str| -> Vec<String> { o.split(|c: char| !c.is_alphanumeric()).map(normalise).collect() };
    if n.len() >= 3 {
        let containing: Vec<&String> = options.iter().filter(|o| words(o).contains(&n)).collect();
        if let [only] = containing.as_slice() {
            return Some((*only).clone());
        }
    }
    // A cell holding several values ("Enterprise;SMB") is not a typo of one option: it needs splitting.
    if v.contains(SPLIT_CANDIDATES) {
        return None;
    }
    options
        .iter()
        .map(|o| (strsim::jaro_winkler(&n, &normalise(o)), o))
        .filter(|(s, _)| *s >= FUZZY_THRESHOLD)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, o)| o.clone())
}

/// The value map a field starts with: every distinct value mapped to its suggestion, keeping the admin's earlier
/// choices (and confirmed separator) for values still present. `counts` are those of the field's source.
pub fn initial_value_map(counts: &ValueCounts, field: &Field, previous: Option<&ValueMap>) -> ValueMap {
    let split = previous.and_then(|p| p.split);
    // A value with no suggestion stays out of the map, so it is reported, never silently dropped; only the
    // admin can map a value to "leave empty" (`None`).
    let options = counts
        .distinct(field, split)
        .into_iter()
        .filter_map(|d| {
            let kept = previous.and_then(|p| p.options.get(&d.value).cloned());
            let choice = kept.or(d.suggestion.map(Some))?;
            Some((d.value, choice))
        })
        .collect();
    ValueMap { split, options }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::mapping::Source;
    use crate::domain::schema::FieldType;
    use crate::domain::table::{Position, Record, Table};

    fn opts(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    fn types() -> Vec<String> {
        opts(&["Customer", "Prospect", "Partner", "Supplier/Vendor", "Other"])
    }

    fn column(values: &[&str]) -> Table {
        Table {
            headers: vec!["Type".into()],
            records: values
                .iter()
                .enumerate()
                .map(|(i, v)| Record {
                    pos: Position { row: i as u64 + 2, line: i as u64 + 2 },
                    cells: vec![(*v).to_owned()].into(),
                })
                .collect(),
        }
    }

    #[test]
    fn case_and_synonyms_find_the_option() {
        assert_eq!(suggest_option("customer", &types()).as_deref(), Some("Customer"));
        assert_eq!(suggest_option("PROSPECT ", &types()).as_deref(), Some("Prospect"));
        assert_eq!(suggest_option("Vendor", &types()).as_deref(), Some("Supplier/Vendor"));
        assert_eq!(suggest_option("Reseller", &types()).as_deref(), Some("Partner"));
        assert_eq!(suggest_option("Custmer", &types()).as_deref(), Some("Customer"));
        assert_eq!(suggest_option("Analyst", &types()), None);
        assert_eq!(suggest_option("Customer;Partner", &types()), None, "several values are not one typo");
    }

    #[test]
    fn synonyms_never_invent_an_option_the_field_lacks() {
        assert_eq!(suggest_option("Vendor", &opts(&["Customer", "Partner"])), None);
    }

    #[test]
    fn distinct_values_are_counted_most_frequent_first() {
        let t = column(&["customer", "Partner", "customer", "", "Vendor"]);
        let f = Field::with_options("Type", FieldType::Select, &["Customer", "Partner", "Supplier/Vendor"]);
        let d = ValueCounts::of(&t, &Source::Column(0)).distinct(&f, None);
        assert_eq!(d[0], DistinctValue { value: "customer".into(), count: 2, suggestion: Some("Customer".into()) });
        assert_eq!(d.len(), 3);
    }

    #[test]
    fn a_multi_value_separator_is_offered_only_when_it_splits_into_options() {
        let f = Field::with_options("Type", FieldType::Multiselect, &["Customer", "Partner"]);
        let t = column(&["Customer;Partner", "Partner", "Customer"]);
        assert_eq!(ValueCounts::of(&t, &Source::Column(0)).split_offer(&f), Some(';'));
        let t = column(&["Smith, John", "Doe, Jane"]);
        assert_eq!(ValueCounts::of(&t, &Source::Column(0)).split_offer(&f), None);
    }

    #[test]
    fn earlier_choices_survive_a_refresh() {
        let t = column(&["customer", "Reseller"]);
        let f = Field::with_options("Type", FieldType::Select, &["Customer", "Partner", "Other"]);
        let mut previous = initial_value_map(&ValueCounts::of(&t, &Source::Column(0)), &f, None);
        previous.options.insert("Reseller".into(), Some("Other".into()));
        let again = initial_value_map(&ValueCounts::of(&t, &Source::Column(0)), &f, Some(&previous));
        assert_eq!(again.options.get("Reseller"), Some(&Some("Other".into())));
        assert_eq!(again.options.get("customer"), Some(&Some("Customer".into())));
    }

    #[test]
    fn values_without_a_suggestion_stay_unmapped_until_the_admin_decides() {
        let t = column(&["Astronaut"]);
        let f = Field::with_options("Type", FieldType::Select, &["Customer"]);
        assert_eq!(
            initial_value_map(&ValueCounts::of(&t, &Source::Column(0)), &f, None).options.get("Astronaut"),
            None
        );
    }
}
