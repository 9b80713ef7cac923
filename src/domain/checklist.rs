//! What must exist in CSM before the file is uploaded: the detail fields the file uses, with their types, and
//! for select fields the options its values use (CSM silently ignores unknown columns and rejects unknown options).
//!
//! Owns only the list and its plain-text form; it reads a `Prepared` and changes nothing.

use std::fmt::Write;

use super::prepare::Prepared;
use super::schema::{FieldRole, Schema};

/// One field to check in CSM.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChecklistItem {
    pub field: String,
    pub type_label: String,
    pub api_type: &'static str,
    /// Options used by the rows being imported, in the schema's order.
    pub options_used: Vec<String>,
}

/// The detail fields (not the key, not the display name) the import file has, in file order.
pub fn checklist(prepared: &Prepared, schema: &Schema) -> Vec<ChecklistItem> {
    prepared
        .columns
        .iter()
        .enumerate()
        .filter_map(|(ci, col)| {
            let field = schema.field(&col.field).filter(|f| f.role == FieldRole::Detail)?;
            let used = prepared.options_used(ci);
            let options_used = field.options.iter().filter(|o| used.contains(o)).cloned().collect::<Vec<_>>();
            Some(ChecklistItem {
                field: field.name.clone(),
                type_label: field.kind.label().to_owned(),
                api_type: field.kind.api_name(),
                options_used,
            })
        })
        .collect()
}

/// The checklist as plain text, for copying or saving beside the import file.
pub fn checklist_text(items: &[ChecklistItem], entity_noun: &str) -> String {
    let mut out = format!("Before you upload: these {entity_noun} detail fields must exist in CSM, spelled exactly\n");
    out.push_str(
        "Create any that are missing in CSM's settings before you upload. Names and options are case-sensitive.\n\n",
    );
    for item in items {
        let _ = writeln!(out, "[ ] {} — {} ({})", item.field, item.type_label, item.api_type);
        for o in &item.options_used {
            let _ = writeln!(out, "    [ ] option: {o}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::edits::Edits;
    use crate::domain::prepare::prepare;
    use crate::domain::schema::Entity;
    use crate::domain::suggest::suggest;
    use crate::domain::table::{Position, Record, Table};

    #[test]
    fn lists_detail_fields_and_only_the_options_used() {
        let t = Table {
            headers: vec!["Email".into(), "Type".into(), "Title".into()],
            records: vec![Record { pos: Position { row: 2, line: 2 }, cells: vec!["a@x.io", "Partner", "CTO"].into() }]
                .into(),
        };
        let schema = Schema::defaults(Entity::Customers);
        let t = std::sync::Arc::new(t);
        let p = prepare(&t, &schema, &suggest(&schema, &t), &Edits::new(), &[]);
        let items = checklist(&p, &schema);
        assert_eq!(items.iter().map(|i| i.field.as_str()).collect::<Vec<_>>(), vec!["Type", "Title"]);
        assert_eq!(items[0].options_used, vec!["Partner".to_owned()]);
        let text = checklist_text(&items, "customer");
        assert!(text.contains("[ ] Type — Pick several options (MULTISELECT)\n    [ ] option: Partner"), "{text}");
    }
}
