//! The profiles sent to CSM: one per valid row, built from the values `prepare` normalised (contract §3).
//!
//! Owns `Operation`, `Profile` and the JSON body of a bulk request. Field order in the JSON is fixed, so the same
//! rows always give byte-identical bodies: a retried batch must match what CSM saw under its Idempotency-Key.
//! It does not validate values (that happened in `prepare`) or choose batches (`plan`).

use serde::Serialize;

use crate::domain::limits::MULTI_VALUE_SEPARATOR;
use crate::domain::prepare::{OutColumn, OutRow};
use crate::domain::schema::{Entity, FieldRole, FieldType, Schema};

/// What CSM does with each profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Operation {
    /// New profiles only: an existing email or organization name fails for that row.
    Create,
    /// Create new ones and update existing ones (re-import, enrich).
    Upsert,
}

impl Operation {
    pub fn label(self) -> &'static str {
        match self {
            Operation::Create => "Create new only",
            Operation::Upsert => "Create or update",
        }
    }
}

/// One detail value list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Detail {
    pub name: String,
    pub values: Vec<String>,
}

/// One profile, entity-neutral: `key` is the email (customers) or the name (organizations).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    pub key: String,
    pub display_name: Option<String>,
    pub details: Vec<Detail>,
}

/// The profile for one output row. Empty values are left out, so an update never blanks a field by accident.
pub fn profile(schema: &Schema, columns: &[OutColumn], row: &OutRow) -> Profile {
    let mut out = Profile { key: String::new(), display_name: None, details: Vec::new() };
    for (column, cell) in columns.iter().zip(&row.cells) {
        let value = cell.output.trim();
        let role = schema.field(&column.field).map_or(FieldRole::Detail, |f| f.role);
        match role {
            FieldRole::Key => out.key = value.to_owned(),
            FieldRole::DisplayName if !value.is_empty() => out.display_name = Some(value.to_owned()),
            FieldRole::Detail if !value.is_empty() => {
                let values = if column.kind == FieldType::Multiselect {
                    value
                        .split(MULTI_VALUE_SEPARATOR)
                        .map(str::trim)
                        .filter(|v| !v.is_empty())
                        .map(str::to_owned)
                        .collect()
                } else {
                    vec![value.to_owned()]
                };
                out.details.push(Detail { name: column.field.clone(), values });
            }
            _ => {}
        }
    }
    out
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CustomerPayload<'a> {
    email: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    display_name: Option<&'a str>,
    #[serde(skip_serializing_if = "<[Detail]>::is_empty")]
    details: &'a [Detail],
}

#[derive(Serialize)]
struct OrganizationPayload<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "<[Detail]>::is_empty")]
    details: &'a [Detail],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Item<P> {
    operation_type: Operation,
    payload: P,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CustomerBody<'a> {
    customer_profiles: Vec<Item<CustomerPayload<'a>>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OrganizationBody<'a> {
    organization_profiles: Vec<Item<OrganizationPayload<'a>>>,
}

/// The JSON body of one bulk request.
pub fn bulk_body(entity: Entity, operation: Operation, profiles: &[&Profile]) -> String {
    let result = match entity {
        Entity::Customers => {
            let items: Vec<_> = profiles
                .iter()
                .map(|p| Item {
                    operation_type: operation,
                    payload: CustomerPayload {
                        email: &p.key,
                        display_name: p.display_name.as_deref(),
                        details: &p.details,
                    },
                })
                .collect();
            serde_json::to_string(&CustomerBody { customer_profiles: items })
        }
        Entity::Organizations => {
            let items: Vec<_> = profiles
                .iter()
                .map(|p| Item {
                    operation_type: operation,
                    payload: OrganizationPayload { name: &p.key, details: &p.details },
                })
                .collect();
            serde_json::to_string(&OrganizationBody { organization_profiles: items })
        }
    };
    // Serialising plain strings cannot fail; an empty body would be refused by CSM rather than sent wrong.
    result.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::edits::Edits;
    use crate::domain::prepare::prepare;
    use crate::domain::suggest::suggest;
    use crate::domain::table::{Position, Record, Table};

    fn one_row(headers: &[&str], cells: &[&str], entity: Entity) -> (Schema, Profile) {
        let table = Table {
            headers: headers.iter().map(|h| (*h).to_owned()).collect(),
            records: vec![Record {
                pos: Position { row: 2, line: 2 },
                cells: cells.iter().map(|c| (*c).to_owned()).collect(),
            }]
            .into(),
        };
        let schema = Schema::defaults(entity);
        let table = std::sync::Arc::new(table);
        let p = prepare(&table, &schema, &suggest(&schema, &table), &Edits::new(), &[]);
        let profile = profile(&schema, &p.columns, &p.row(0).expect("one row"));
        (schema, profile)
    }

    #[test]
    fn a_customer_row_becomes_email_display_name_and_details_with_multiselect_split() {
        let (_, p) = one_row(
            &["Email", "Display name", "Title", "Type", "Phone"],
            &[" Ann@Example.com ", "Ann Lee", "CTO", "Partner", ""],
            Entity::Customers,
        );
        assert_eq!(p.key, "Ann@Example.com", "trimmed; case is kept as the admin wrote it");
        assert_eq!(p.display_name.as_deref(), Some("Ann Lee"));
        let details: Vec<(&str, Vec<&str>)> =
            p.details.iter().map(|d| (d.name.as_str(), d.values.iter().map(String::as_str).collect())).collect();
        assert_eq!(details, [("Type", vec!["Partner"]), ("Title", vec!["CTO"])], "schema order");
        let body = bulk_body(Entity::Customers, Operation::Upsert, &[&p]);
        assert_eq!(
            body,
            r#"{"customerProfiles":[{"operationType":"UPSERT","payload":{"email":"Ann@Example.com","displayName":"Ann Lee","details":[{"name":"Type","values":["Partner"]},{"name":"Title","values":["CTO"]}]}}]}"#
        );
    }

    #[test]
    fn a_multiselect_output_becomes_one_array_element_per_value() {
        use crate::domain::prepare::OutCell;
        let schema = Schema::defaults(Entity::Customers);
        let col = |field: &str, kind| OutColumn { field: field.into(), kind, source: String::new() };
        let cell = |v: &str| OutCell { input: v.into(), output: v.into(), has_issue: false, edited: false };
        let columns = [col("Email", FieldType::Email), col("Type", FieldType::Multiselect)];
        let row = OutRow { record: 0, row: 2, cells: vec![cell("a@b.co"), cell("Customer|Partner")], rejected: false };
        assert_eq!(profile(&schema, &columns, &row).details[0].values, ["Customer", "Partner"]);
    }

    #[test]
    fn an_organization_body_uses_name_and_leaves_out_empty_details() {
        let (_, p) = one_row(&["Organization Name", "Industry"], &["Acme", ""], Entity::Organizations);
        assert_eq!(
            bulk_body(Entity::Organizations, Operation::Create, &[&p]),
            r#"{"organizationProfiles":[{"operationType":"CREATE","payload":{"name":"Acme"}}]}"#
        );
    }
}
