//! Reading a bulk body (`customerProfiles` / `organizationProfiles`) into items, with one sentence per shape problem.
//! Only the shape is checked here; whether an item can be applied is decided when its task finishes.

use serde_json::Value;

use crate::entity::Entity;

/// At most this many profiles per bulk request.
pub const MAX_ITEMS: usize = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    Create,
    Update,
    Upsert,
}

impl Operation {
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Create => "CREATE",
            Operation::Update => "UPDATE",
            Operation::Upsert => "UPSERT",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        [Operation::Create, Operation::Update, Operation::Upsert].into_iter().find(|op| op.as_str() == name)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detail {
    pub name: String,
    pub values: Vec<String>,
}

/// One profile of a bulk body, customer or organization alike.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub operation: Operation,
    /// The customer's email or the organization's name, as sent.
    pub key: String,
    /// Customers only.
    pub display_name: Option<String>,
    pub details: Vec<Detail>,
    /// `associateOrganizations.organizationIds` or `associateCustomers.customerIds`.
    pub links: Vec<String>,
}

/// The items of a bulk body, or every shape problem found.
pub fn parse(entity: Entity, body: &Value) -> Result<Vec<Item>, Vec<String>> {
    let list_key = entity.list_key();
    let Some(object) = body.as_object() else {
        return Err(vec!["The request body must be a JSON object.".to_owned()]);
    };
    let Some(list) = object.get(list_key).and_then(Value::as_array) else {
        return Err(vec![format!("The request body must have an array '{list_key}'.")]);
    };
    if list.is_empty() {
        return Err(vec![format!("'{list_key}' must contain at least one profile.")]);
    }
    if list.len() > MAX_ITEMS {
        return Err(vec![format!("'{list_key}' must contain at most {MAX_ITEMS} profiles, got {}.", list.len())]);
    }
    let mut items = Vec::with_capacity(list.len());
    let mut errors = Vec::new();
    for (index, value) in list.iter().enumerate() {
        match parse_item(entity, value, &format!("{list_key}[{index}]")) {
            Ok(item) => items.push(item),
            Err(error) => errors.push(error),
        }
    }
    if errors.is_empty() {
        Ok(items)
    } else {
        Err(errors)
    }
}

fn parse_item(entity: Entity, value: &Value, at: &str) -> Result<Item, String> {
    let object = value.as_object().ok_or_else(|| format!("{at} must be an object."))?;
    let operation_name = object
        .get("operationType")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{at}.operationType must be CREATE, UPDATE or UPSERT."))?;
    let operation = Operation::parse(operation_name)
        .ok_or_else(|| format!("{at}.operationType '{operation_name}' is unknown: use CREATE, UPDATE or UPSERT."))?;
    let payload =
        object.get("payload").and_then(Value::as_object).ok_or_else(|| format!("{at}.payload must be an object."))?;
    let key_field = entity.key_field();
    let key = payload
        .get(key_field)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{at}.payload.{key_field} must be a string."))?
        .to_owned();
    let display_name = match (entity, payload.get("displayName")) {
        (Entity::Customer, Some(Value::String(name))) => Some(name.clone()),
        (Entity::Customer, Some(Value::Null) | None) | (Entity::Organization, _) => None,
        (Entity::Customer, Some(_)) => return Err(format!("{at}.payload.displayName must be a string.")),
    };
    let details = match payload.get("details") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(list)) => list
            .iter()
            .enumerate()
            .map(|(index, detail)| parse_detail(detail, &format!("{at}.payload.details[{index}]")))
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(format!("{at}.payload.details must be an array.")),
    };
    let (link_object, link_list) = entity.link_fields();
    let links = match payload.get(link_object) {
        None | Some(Value::Null) => Vec::new(),
        Some(links) => links
            .get(link_list)
            .and_then(strings)
            .ok_or_else(|| format!("{at}.payload.{link_object}.{link_list} must be an array of id strings."))?,
    };
    Ok(Item { operation, key, display_name, details, links })
}

fn parse_detail(value: &Value, at: &str) -> Result<Detail, String> {
    let name = value.get("name").and_then(Value::as_str).ok_or_else(|| format!("{at}.name must be a string."))?;
    let values =
        value.get("values").and_then(strings).ok_or_else(|| format!("{at}.values must be an array of strings."))?;
    Ok(Detail { name: name.to_owned(), values })
}

/// A JSON array of strings, or `None`.
pub fn strings(value: &Value) -> Option<Vec<String>> {
    value.as_array()?.iter().map(|item| item.as_str().map(str::to_owned)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_full_customer_item_is_read_with_its_details_and_links() {
        let body = json!({"customerProfiles": [{"operationType": "UPSERT", "payload": {
            "email": "ann@example.com", "displayName": "Ann",
            "details": [{"name": "Title", "values": ["CEO"]}],
            "associateOrganizations": {"organizationIds": ["10001"]}}}]});
        let items = parse(Entity::Customer, &body).unwrap();
        assert_eq!(items[0].operation, Operation::Upsert);
        assert_eq!(items[0].display_name.as_deref(), Some("Ann"));
        assert_eq!(items[0].details, vec![Detail { name: "Title".into(), values: vec!["CEO".into()] }]);
        assert_eq!(items[0].links, vec!["10001".to_owned()]);
    }

    #[test]
    fn every_badly_shaped_item_is_reported() {
        let body = json!({"organizationProfiles": [
            {"operationType": "DELETE", "payload": {"name": "A"}},
            {"operationType": "CREATE", "payload": {"name": 3}},
            {"operationType": "CREATE", "payload": {"name": "C", "details": [{"name": "Type", "values": "x"}]}},
        ]});
        assert_eq!(parse(Entity::Organization, &body).unwrap_err().len(), 3);
    }
}
