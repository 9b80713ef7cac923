//! Detail-field catalogues (one per entity): the nine field types, the contract's default fields, creating a
//! field from a request body, and checking a detail's values against its field.

use serde_json::{json, Value};

use crate::entity::Entity;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    Text,
    Email,
    Url,
    Date,
    Number,
    Boolean,
    Phone,
    Select,
    MultiSelect,
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
        FieldType::MultiSelect,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::Text => "TEXT",
            FieldType::Email => "EMAIL",
            FieldType::Url => "URL",
            FieldType::Date => "DATE",
            FieldType::Number => "NUMBER",
            FieldType::Boolean => "BOOLEAN",
            FieldType::Phone => "PHONE",
            FieldType::Select => "SELECT",
            FieldType::MultiSelect => "MULTISELECT",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }

    pub fn has_options(self) -> bool {
        matches!(self, FieldType::Select | FieldType::MultiSelect)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub kind: FieldType,
    /// Empty unless the type has options.
    pub options: Vec<String>,
}

impl Field {
    fn new(name: &str, kind: FieldType, options: &[&str]) -> Self {
        Self { name: name.to_owned(), kind, options: options.iter().map(|option| (*option).to_owned()).collect() }
    }

    /// `{"name","type":{"name","options"?}}`, options only for select types.
    pub fn to_json(&self) -> Value {
        let mut kind = json!({ "name": self.kind.as_str() });
        if self.kind.has_options() {
            kind["options"] = json!(self.options);
        }
        json!({ "name": self.name, "type": kind })
    }

    /// Whether `values` may be stored in this field; the error is a sentence for a task failure.
    pub fn check(&self, values: &[String]) -> Result<(), String> {
        let name = &self.name;
        if self.kind != FieldType::MultiSelect && values.len() > 1 {
            return Err(format!("Field '{name}' accepts only one value."));
        }
        for value in values {
            let problem = match self.kind {
                FieldType::Text | FieldType::Phone => None,
                FieldType::Select | FieldType::MultiSelect => (!self.options.contains(value))
                    .then(|| format!("Option '{value}' is not defined for field '{name}'.")),
                FieldType::Number => {
                    (!is_decimal(value)).then(|| format!("Value '{value}' for field '{name}' is not a number."))
                }
                FieldType::Date => (!is_date(value))
                    .then(|| format!("Value '{value}' for field '{name}' is not a date in the form YYYY-MM-DD.")),
                FieldType::Boolean => (!value.eq_ignore_ascii_case("true") && !value.eq_ignore_ascii_case("false"))
                    .then(|| format!("Value '{value}' for field '{name}' must be true or false.")),
                FieldType::Email => (!is_plausible_email(value))
                    .then(|| format!("Value '{value}' for field '{name}' is not a valid email address.")),
                FieldType::Url => {
                    (!is_url(value)).then(|| format!("Value '{value}' for field '{name}' is not a valid URL."))
                }
            };
            if let Some(problem) = problem {
                return Err(problem);
            }
        }
        Ok(())
    }
}

/// The detail fields of one entity, in creation order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Catalogue {
    fields: Vec<Field>,
}

impl Catalogue {
    /// The defaults of contract §2.
    pub fn defaults(entity: Entity) -> Self {
        const TYPES: [&str; 5] = ["Customer", "Prospect", "Partner", "Supplier/Vendor", "Other"];
        let fields = match entity {
            Entity::Customer => vec![
                Field::new("Full name", FieldType::Text, &[]),
                Field::new("Phone", FieldType::Text, &[]),
                Field::new("External ID", FieldType::Text, &[]),
                Field::new("Type", FieldType::MultiSelect, &TYPES),
                Field::new("Title", FieldType::Text, &[]),
                Field::new("Region", FieldType::Text, &[]),
                Field::new("Preferred Language", FieldType::Text, &[]),
            ],
            Entity::Organization => vec![
                Field::new("Type", FieldType::MultiSelect, &TYPES),
                Field::new("Industry", FieldType::Text, &[]),
                Field::new("External ID", FieldType::Text, &[]),
                Field::new("Address", FieldType::Text, &[]),
                Field::new("Website", FieldType::Url, &[]),
                Field::new(
                    "Customer Segment",
                    FieldType::MultiSelect,
                    &["Enterprise", "Mid-market", "SMB", "Startup", "Consumer"],
                ),
            ],
        };
        Self { fields }
    }

    /// Exact, case-sensitive lookup (as CSM matches detail names).
    pub fn find(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|field| field.name == name)
    }

    /// The `results` array of `GET /…/details`.
    pub fn to_json(&self) -> Value {
        Value::Array(self.fields.iter().map(Field::to_json).collect())
    }

    /// Adds a field from `{"name","type":{"name","options"?}}` and returns it as stored.
    pub fn add(&mut self, body: &Value) -> Result<Field, Vec<String>> {
        let field = self.parse_new(body)?;
        self.fields.push(field.clone());
        Ok(field)
    }

    fn parse_new(&self, body: &Value) -> Result<Field, Vec<String>> {
        let mut errors = Vec::new();
        let name = body.get("name").and_then(Value::as_str).map(str::trim).unwrap_or_default();
        if name.is_empty() {
            errors.push("The field name must be a non-empty string.".to_owned());
        } else if self.fields.iter().any(|field| field.name.to_lowercase() == name.to_lowercase()) {
            errors.push(format!("A field named '{name}' already exists."));
        }
        let type_name = body.pointer("/type/name").and_then(Value::as_str).unwrap_or_default();
        let kind = FieldType::parse(type_name);
        if kind.is_none() {
            let names: Vec<_> = FieldType::ALL.iter().map(|kind| kind.as_str()).collect();
            errors.push(format!("The field type '{type_name}' is not one of {}.", names.join(", ")));
        }
        let mut options = Vec::new();
        if let Some(kind) = kind.filter(|kind| kind.has_options()) {
            match body.pointer("/type/options").and_then(Value::as_array) {
                Some(list) if !list.is_empty() && list.iter().all(Value::is_string) => {
                    for option in list.iter().filter_map(Value::as_str) {
                        if !options.iter().any(|known| known == option) {
                            options.push(option.to_owned());
                        }
                    }
                }
                _ => errors.push(format!("A {} field needs a non-empty array of string options.", kind.as_str())),
            }
        }
        match kind {
            Some(kind) if errors.is_empty() => Ok(Field { name: name.to_owned(), kind, options }),
            _ => Err(errors),
        }
    }
}

/// One `@`, a non-empty local part, a domain with an inner dot, no whitespace.
pub fn is_plausible_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else { return false };
    !local.is_empty()
        && !domain.contains('@')
        && !text.chars().any(char::is_whitespace)
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
}

/// An optional sign, digits with at most one decimal point, at least one digit.
fn is_decimal(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    !(whole.is_empty() && fraction.is_empty()) && all_digits(whole) && all_digits(fraction)
}

/// `YYYY-MM-DD` naming a real calendar day.
fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    let shape = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes.iter().enumerate().all(|(at, byte)| at == 4 || at == 7 || byte.is_ascii_digit());
    if !shape {
        return false;
    }
    let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().unwrap_or(0);
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// `http://` or `https://` followed by a host, no whitespace.
fn is_url(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
    rest.is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/') && !rest.chars().any(char::is_whitespace))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plausible_emails_need_one_at_a_local_part_and_a_dotted_domain() {
        assert!(is_plausible_email("ann@example.com"));
        for bad in ["ann", "@example.com", "ann@example", "ann@@example.com", "a nn@example.com", "ann@example."] {
            assert!(!is_plausible_email(bad), "{bad}");
        }
    }

    #[test]
    fn decimals_accept_signs_and_one_point_but_not_exponents_or_grouping() {
        for good in ["1", "-2.5", "+0.75", ".5", "10."] {
            assert!(is_decimal(good), "{good}");
        }
        for bad in ["", ".", "1e5", "1,000", "1.2.3", "abc"] {
            assert!(!is_decimal(bad), "{bad}");
        }
    }

    #[test]
    fn dates_must_be_real_calendar_days_in_iso_form() {
        assert!(is_date("2024-02-29"));
        for bad in ["2023-02-29", "2024-13-01", "2024-04-31", "24-01-01", "2024/01/01", "2024-1-01"] {
            assert!(!is_date(bad), "{bad}");
        }
    }

    #[test]
    fn a_select_field_takes_one_defined_option() {
        let field = Field::new("Plan", FieldType::Select, &["Gold", "Silver"]);
        assert_eq!(field.check(&["Gold".to_owned()]), Ok(()));
        assert_eq!(field.check(&["gold".to_owned()]), Err("Option 'gold' is not defined for field 'Plan'.".to_owned()));
        assert!(field.check(&["Gold".to_owned(), "Silver".to_owned()]).is_err());
    }

    #[test]
    fn a_new_select_field_without_options_is_refused() {
        let mut catalogue = Catalogue::defaults(Entity::Customer);
        let errors = catalogue.add(&json!({"name": "Plan", "type": {"name": "SELECT"}})).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(catalogue.add(&json!({"name": "Title", "type": {"name": "TEXT"}})).is_err());
        assert!(catalogue.add(&json!({"name": "Age", "type": {"name": "INTEGER"}})).is_err());
    }
}
