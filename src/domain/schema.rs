//! The target: which CSM fields exist for customers or organizations, their types and select options.
//!
//! Owns the built-in defaults (contract §2), custom fields the admin adds, and the JSON save/load format.
//! Field names are matched exactly and case-sensitively, as CSM does. Does not know about source columns.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::limits::WARN_ABOVE_COUNT;

/// What the file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Entity {
    Customers,
    Organizations,
}

impl Entity {
    /// Plural noun for sentences: "customers".
    pub fn noun(self) -> &'static str {
        match self {
            Entity::Customers => "customers",
            Entity::Organizations => "organizations",
        }
    }

    /// Singular noun for sentences: "customer".
    pub fn singular(self) -> &'static str {
        match self {
            Entity::Customers => "customer",
            Entity::Organizations => "organization",
        }
    }

    /// The exact CSV header of the key column.
    pub fn key_name(self) -> &'static str {
        match self {
            Entity::Customers => "Email",
            Entity::Organizations => "Organization Name",
        }
    }
}

/// The nine CSM detail field types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum FieldType {
    Text,
    Email,
    Url,
    Date,
    Number,
    Boolean,
    Phone,
    Select,
    Multiselect,
}

impl FieldType {
    pub const ALL: [FieldType; 9] = [
        FieldType::Text,
        FieldType::Email,
        FieldType::Url,
        FieldType::Date,
        FieldType::Number,
        FieldType::Boolean,
        FieldType::Phone,
        FieldType::Select,
        FieldType::Multiselect,
    ];

    /// CSM's own name for the type, as in the API (`SELECT`).
    pub fn api_name(self) -> &'static str {
        match self {
            FieldType::Text => "TEXT",
            FieldType::Email => "EMAIL",
            FieldType::Url => "URL",
            FieldType::Date => "DATE",
            FieldType::Number => "NUMBER",
            FieldType::Boolean => "BOOLEAN",
            FieldType::Phone => "PHONE",
            FieldType::Select => "SELECT",
            FieldType::Multiselect => "MULTISELECT",
        }
    }

    /// Plain words for the admin.
    pub fn label(self) -> &'static str {
        match self {
            FieldType::Text => "Text",
            FieldType::Email => "Email address",
            FieldType::Url => "Web address (URL)",
            FieldType::Date => "Date",
            FieldType::Number => "Number",
            FieldType::Boolean => "Yes / no",
            FieldType::Phone => "Phone number",
            FieldType::Select => "Pick one option",
            FieldType::Multiselect => "Pick several options",
        }
    }

    pub fn from_api_name(name: &str) -> Option<FieldType> {
        FieldType::ALL.into_iter().find(|t| t.api_name().eq_ignore_ascii_case(name))
    }

    pub fn has_options(self) -> bool {
        matches!(self, FieldType::Select | FieldType::Multiselect)
    }
}

/// What a field is for. Only `Detail` fields must exist in CSM before an import.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldRole {
    /// `Email` for customers, `Organization Name` for organizations: required, unique.
    Key,
    /// The customer's display name (API `displayName`).
    DisplayName,
    /// A CSM detail field.
    Detail,
}

/// One target field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: FieldType,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    #[serde(default = "detail_role")]
    pub role: FieldRole,
}

fn detail_role() -> FieldRole {
    FieldRole::Detail
}

impl Field {
    pub fn new(name: &str, kind: FieldType) -> Field {
        Field { name: name.to_owned(), kind, options: Vec::new(), role: FieldRole::Detail }
    }

    pub fn with_options(name: &str, kind: FieldType, options: &[&str]) -> Field {
        Field { options: options.iter().map(|o| (*o).to_owned()).collect(), ..Field::new(name, kind) }
    }

    pub fn is_required(&self) -> bool {
        self.role == FieldRole::Key
    }
}

/// The header written for the customer display name in CSV files (chosen: CSM ignores unknown headers, so
/// a site that lacks it loses nothing).
pub const DISPLAY_NAME: &str = "Display name";

/// A problem with the schema itself, shown as a warning before mapping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SchemaWarning {
    TooManyFields { count: usize },
    TooManyOptions { field: String, count: usize },
    OptionContainsPipe { field: String, option: String },
}

impl SchemaWarning {
    pub fn message(&self) -> String {
        match self {
            SchemaWarning::TooManyFields { count } => format!(
                "There are {count} fields. CSM documents a limit of {WARN_ABOVE_COUNT} per entity; \
                 check that your site allows this many."
            ),
            SchemaWarning::TooManyOptions { field, count } => format!(
                "“{field}” has {count} options. Some CSM pages give a limit of {WARN_ABOVE_COUNT}; \
                 check that your site allows this many."
            ),
            SchemaWarning::OptionContainsPipe { field, option } => format!(
                "The option “{option}” of “{field}” contains “|”, which the import file uses to separate \
                 values. Rename the option in CSM and here."
            ),
        }
    }
}

/// Why a schema file could not be loaded.
#[derive(Debug, Error)]
pub enum SchemaError {
    #[error(
        "This is not a field list saved by this assistant ({0}). Choose a .json file saved from the Fields panel."
    )]
    NotJson(String),
    #[error("This field list is for {found}, but you are importing {expected}. Switch the import type first.")]
    WrongEntity { found: &'static str, expected: &'static str },
    #[error("The field list has no “{0}” field, which CSM needs to recognise each record.")]
    MissingKey(&'static str),
    #[error("“{0}” appears twice in the field list. Field names must be unique.")]
    DuplicateField(String),
}

/// All target fields for one entity, key first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {
    pub entity: Entity,
    pub fields: Vec<Field>,
}

impl Schema {
    /// CSM's default fields (contract §2) plus the key and, for customers, the display name.
    pub fn defaults(entity: Entity) -> Schema {
        const TYPES: &[&str] = &["Customer", "Prospect", "Partner", "Supplier/Vendor", "Other"];
        let key = Field { role: FieldRole::Key, ..Field::new(entity.key_name(), key_type(entity)) };
        let fields = match entity {
            Entity::Customers => vec![
                key,
                Field { role: FieldRole::DisplayName, ..Field::new(DISPLAY_NAME, FieldType::Text) },
                Field::new("Full name", FieldType::Text),
                Field::new("Phone", FieldType::Text),
                Field::new("External ID", FieldType::Text),
                Field::with_options("Type", FieldType::Multiselect, TYPES),
                Field::new("Title", FieldType::Text),
                Field::new("Region", FieldType::Text),
                Field::new("Preferred Language", FieldType::Text),
            ],
            Entity::Organizations => vec![
                key,
                Field::with_options("Type", FieldType::Multiselect, TYPES),
                Field::new("Industry", FieldType::Text),
                Field::new("External ID", FieldType::Text),
                Field::new("Address", FieldType::Text),
                Field::new("Website", FieldType::Url),
                Field::with_options(
                    "Customer Segment",
                    FieldType::Multiselect,
                    &["Enterprise", "Mid-market", "SMB", "Startup", "Consumer"],
                ),
            ],
        };
        Schema { entity, fields }
    }

    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub fn key(&self) -> &Field {
        // `from_json` and `defaults` guarantee a key; fall back to the first field rather than panic.
        self.fields.iter().find(|f| f.role == FieldRole::Key).unwrap_or(&self.fields[0])
    }

    /// Adds or replaces a custom detail field. Returns false when the name is empty or names the key.
    pub fn upsert_field(&mut self, field: Field) -> bool {
        let name = field.name.trim().to_owned();
        if name.is_empty() || name == self.entity.key_name() {
            return false;
        }
        let field = Field { name: name.clone(), role: FieldRole::Detail, ..field };
        match self.fields.iter_mut().find(|f| f.name == name) {
            Some(existing) if existing.role == FieldRole::Detail => *existing = field,
            Some(_) => return false,
            None => self.fields.push(field),
        }
        true
    }

    pub fn remove_field(&mut self, name: &str) {
        self.fields.retain(|f| f.role != FieldRole::Detail || f.name != name);
    }

    pub fn warnings(&self) -> Vec<SchemaWarning> {
        let mut out = Vec::new();
        let details = self.fields.iter().filter(|f| f.role == FieldRole::Detail).count();
        if details > WARN_ABOVE_COUNT {
            out.push(SchemaWarning::TooManyFields { count: details });
        }
        for f in &self.fields {
            if f.options.len() > WARN_ABOVE_COUNT {
                out.push(SchemaWarning::TooManyOptions { field: f.name.clone(), count: f.options.len() });
            }
            for o in f.options.iter().filter(|o| o.contains('|')) {
                out.push(SchemaWarning::OptionContainsPipe { field: f.name.clone(), option: o.clone() });
            }
        }
        out
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Loads a saved schema for `expected`, checking that it has the key and no duplicate names.
    pub fn from_json(text: &str, expected: Entity) -> Result<Schema, SchemaError> {
        let schema: Schema = serde_json::from_str(text).map_err(|e| SchemaError::NotJson(e.to_string()))?;
        if schema.entity != expected {
            return Err(SchemaError::WrongEntity { found: schema.entity.noun(), expected: expected.noun() });
        }
        if !schema.fields.iter().any(|f| f.role == FieldRole::Key && f.name == expected.key_name()) {
            return Err(SchemaError::MissingKey(expected.key_name()));
        }
        for (i, f) in schema.fields.iter().enumerate() {
            if schema.fields[..i].iter().any(|g| g.name == f.name) {
                return Err(SchemaError::DuplicateField(f.name.clone()));
            }
        }
        Ok(schema)
    }
}

fn key_type(entity: Entity) -> FieldType {
    match entity {
        Entity::Customers => FieldType::Email,
        Entity::Organizations => FieldType::Text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customer_defaults_start_with_the_email_key() {
        let s = Schema::defaults(Entity::Customers);
        assert_eq!(s.key().name, "Email");
        assert_eq!(s.fields[0].role, FieldRole::Key);
        assert_eq!(s.field("Type").map(|f| f.options.len()), Some(5));
    }

    #[test]
    fn organization_defaults_have_a_url_website() {
        let s = Schema::defaults(Entity::Organizations);
        assert_eq!(s.key().name, "Organization Name");
        assert_eq!(s.field("Website").map(|f| f.kind), Some(FieldType::Url));
    }

    #[test]
    fn schema_round_trips_through_json() {
        let mut s = Schema::defaults(Entity::Customers);
        assert!(s.upsert_field(Field::with_options("Tier", FieldType::Select, &["Gold", "Silver"])));
        let back = Schema::from_json(&s.to_json(), Entity::Customers).expect("loads");
        assert_eq!(back, s);
    }

    #[test]
    fn loading_an_organization_schema_for_customers_is_refused() {
        let s = Schema::defaults(Entity::Organizations);
        let err = Schema::from_json(&s.to_json(), Entity::Customers).unwrap_err();
        assert!(matches!(err, SchemaError::WrongEntity { .. }));
    }

    #[test]
    fn the_key_cannot_be_replaced_by_a_custom_field() {
        let mut s = Schema::defaults(Entity::Customers);
        assert!(!s.upsert_field(Field::new("Email", FieldType::Text)));
        assert!(!s.upsert_field(Field::new("  ", FieldType::Text)));
    }

    #[test]
    fn options_with_pipes_and_too_many_options_warn() {
        let mut s = Schema::defaults(Entity::Customers);
        let many: Vec<String> = (0..51).map(|i| format!("o{i}")).collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        s.upsert_field(Field::with_options("Big", FieldType::Select, &refs));
        s.upsert_field(Field::with_options("Pipe", FieldType::Select, &["a|b"]));
        let w = s.warnings();
        assert!(w.contains(&SchemaWarning::TooManyOptions { field: "Big".into(), count: 51 }));
        assert!(w.contains(&SchemaWarning::OptionContainsPipe { field: "Pipe".into(), option: "a|b".into() }));
    }
}
