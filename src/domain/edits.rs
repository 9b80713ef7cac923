//! The admin's corrections: cell edits kept as an overlay on the source (never written into the table), and
//! "apply the suggested fix to all" for a group of findings.
//!
//! Owns the overlay and bulk fixes. An edit replaces a field's raw value for one record (before validation), so
//! every edit is re-validated like any other value. Select-value fixes go into the value map instead, so one
//! decision covers every row with that value.

use std::collections::BTreeMap;

use super::mapping::Mapping;
use super::report::{Group, ProblemKind, Report};

/// (record index, field name) → the value the admin typed.
pub type Edits = BTreeMap<(usize, String), String>;

/// Edits as JSON (`#[serde(with = "as_list")]`): a list of ((record, field), value), since a map with pairs for
/// keys is no JSON object. They travel to the reading workers (`engine::GivenCheck`, `engine::ExportOrder`).
pub mod as_list {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::Edits;

    pub fn serialize<S: Serializer>(edits: &Edits, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(edits)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Edits, D::Error> {
        Ok(Vec::<((usize, String), String)>::deserialize(deserializer)?.into_iter().collect())
    }
}

/// Applies every suggested fix of `group`. Returns how many values changed.
pub fn apply_group_fixes(edits: &mut Edits, mapping: &mut Mapping, report: &Report, group: &Group) -> usize {
    let mut changed = 0;
    for issue in group.issues.iter().filter_map(|i| report.issues.get(*i)) {
        let (Some(field), Some(fix)) = (&issue.field, &issue.fix) else { continue };
        if group.kind == ProblemKind::NotAnOption {
            if let super::report::Problem::NotAnOption { value } = &issue.problem {
                let map = mapping.values.entry(field.clone()).or_default();
                if map.options.get(value) != Some(&Some(fix.clone())) {
                    map.options.insert(value.clone(), Some(fix.clone()));
                    changed += 1;
                }
            }
        } else if edits.insert((issue.record, field.clone()), fix.clone()).as_ref() != Some(fix) {
            changed += 1;
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::report::{Issue, Problem};
    use crate::domain::table::Position;

    fn issue(record: usize, field: &str, problem: Problem, fix: Option<&str>) -> Issue {
        let pos = Position { row: record as u64 + 2, line: record as u64 + 2 };
        Issue { record, pos, column: None, field: Some(field.into()), problem, fix: fix.map(Into::into) }
    }

    #[test]
    fn fixing_a_group_edits_only_issues_with_a_fix() {
        let report = Report {
            issues: vec![
                issue(0, "Email", Problem::InvalidEmail, Some("a@b.io")),
                issue(4, "Email", Problem::InvalidEmail, None),
            ],
            ..Report::default()
        };
        let group = report.groups().remove(0);
        let (mut edits, mut mapping) = (Edits::new(), Mapping::default());
        assert_eq!(apply_group_fixes(&mut edits, &mut mapping, &report, &group), 1);
        assert_eq!(edits.get(&(0, "Email".to_owned())).map(String::as_str), Some("a@b.io"));
        assert_eq!(edits.len(), 1);
    }

    #[test]
    fn option_fixes_go_into_the_value_map_once_per_value() {
        let report = Report {
            issues: vec![
                issue(0, "Type", Problem::NotAnOption { value: "Vendor".into() }, Some("Supplier/Vendor")),
                issue(1, "Type", Problem::NotAnOption { value: "Vendor".into() }, Some("Supplier/Vendor")),
            ],
            ..Report::default()
        };
        let group = report.groups().remove(0);
        let (mut edits, mut mapping) = (Edits::new(), Mapping::default());
        assert_eq!(apply_group_fixes(&mut edits, &mut mapping, &report, &group), 1);
        assert!(edits.is_empty());
        let chosen = mapping.values.get("Type").and_then(|m| m.options.get("Vendor")).cloned();
        assert_eq!(chosen, Some(Some("Supplier/Vendor".into())));
    }
}
