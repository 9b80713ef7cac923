//! Reading CSM's answers: the field catalogue, a bulk submit, a task's status, a fetch of existing profiles and
//! error bodies (contract §3).
//!
//! Owns the response shapes (serde) and turning them into domain values. Lenient where CSM is known to vary
//! (options as strings or as `{value}` objects, error bodies in four shapes); a body that is not the expected JSON
//! is an `ApiError::BadAnswer`, never a panic.

use serde::Deserialize;
use serde_json::Value;

use super::error::ApiError;
use crate::domain::schema::{Entity, Field, FieldRole, FieldType, Schema};

/// The message in an error body: `message`, then `errorMessage`, then `errors` (an array of strings or of
/// `{message}`, or an object of field → message), then the raw text.
pub fn error_message(body: &str) -> String {
    let raw = || {
        let t = body.trim();
        if t.is_empty() {
            "no details given".to_owned()
        } else {
            t.chars().take(300).collect()
        }
    };
    let Ok(v) = serde_json::from_str::<Value>(body) else { return raw() };
    for key in ["message", "errorMessage"] {
        if let Some(s) = v.get(key).and_then(Value::as_str).filter(|s| !s.trim().is_empty()) {
            return s.to_owned();
        }
    }
    let texts: Vec<String> = match v.get("errors").or_else(|| v.get("errorMessages")) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_owned).or_else(|| i.get("message")?.as_str().map(str::to_owned)))
            .collect(),
        Some(Value::Object(map)) => map.iter().filter_map(|(k, m)| m.as_str().map(|m| format!("{k}: {m}"))).collect(),
        _ => Vec::new(),
    };
    if texts.is_empty() {
        raw()
    } else {
        texts.join("; ")
    }
}

#[derive(Deserialize)]
struct Catalogue {
    results: Vec<CatalogueField>,
}

#[derive(Deserialize)]
struct CatalogueField {
    name: String,
    #[serde(rename = "type")]
    kind: CatalogueType,
}

#[derive(Deserialize)]
struct CatalogueType {
    name: String,
    #[serde(default)]
    options: Vec<Value>,
}

fn option_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("value").or_else(|| o.get("name")).and_then(Value::as_str).map(str::to_owned),
        _ => None,
    }
}

/// What a site's catalogue held, with the fields the app could not use explained.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteSchema {
    pub schema: Schema,
    /// "Field 'X' has a type the app does not know (GEO); it is treated as text."
    pub notes: Vec<String>,
}

/// The site's detail fields for `entity`, behind the key (and the display name for customers).
pub fn parse_catalogue(entity: Entity, body: &str) -> Result<SiteSchema, ApiError> {
    let cat: Catalogue = serde_json::from_str(body).map_err(|e| bad("the list of fields", &e))?;
    let defaults = Schema::defaults(entity);
    let mut fields: Vec<Field> =
        defaults.fields.into_iter().filter(|f| matches!(f.role, FieldRole::Key | FieldRole::DisplayName)).collect();
    let mut notes = Vec::new();
    for f in cat.results {
        if fields.iter().any(|g| g.name == f.name) {
            continue;
        }
        let kind = FieldType::from_api_name(&f.kind.name).unwrap_or_else(|| {
            notes.push(format!(
                "The field \"{}\" has a type the app does not know ({}); its values are checked as text.",
                f.name, f.kind.name
            ));
            FieldType::Text
        });
        let options = if kind.has_options() { f.kind.options.iter().filter_map(option_text).collect() } else { vec![] };
        fields.push(Field { name: f.name, kind, options, role: FieldRole::Detail });
    }
    Ok(SiteSchema { schema: Schema { entity, fields }, notes })
}

/// The task a bulk submit started.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct TaskRef {
    pub id: String,
}

pub fn parse_submit(body: &str) -> Result<TaskRef, ApiError> {
    let t: TaskRef = serde_json::from_str(body).map_err(|e| bad("the answer to a batch", &e))?;
    if t.id.trim().is_empty() {
        return Err(ApiError::BadAnswer { what: "a batch was accepted without a task id".into() });
    }
    Ok(t)
}

/// Where a task is (contract §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TaskState {
    NotStarted,
    InProgress,
    Finished,
    Failed,
}

/// One profile CSM could not write inside a finished task.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemFailure {
    /// The email or name the item carried, when CSM says.
    #[serde(default)]
    pub operated_on: Option<String>,
    #[serde(default)]
    pub error: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct TaskStatus {
    pub status: TaskState,
    #[serde(default)]
    pub failures: Vec<ItemFailure>,
}

pub fn parse_task(body: &str) -> Result<TaskStatus, ApiError> {
    serde_json::from_str(body).map_err(|e| bad("a batch's status", &e))
}

/// The keys (emails or organization names) a fetch found.
pub fn parse_fetch(entity: Entity, body: &str) -> Result<Vec<String>, ApiError> {
    let v: Value = serde_json::from_str(body).map_err(|e| bad("the list of existing profiles", &e))?;
    let key = match entity {
        Entity::Customers => "email",
        Entity::Organizations => "name",
    };
    let results = v
        .get("results")
        .and_then(Value::as_array)
        .ok_or_else(|| ApiError::BadAnswer { what: "the list of existing profiles has no results".into() })?;
    Ok(results.iter().filter_map(|r| r.get(key)?.as_str().map(str::to_owned)).collect())
}

fn bad(what: &str, e: &serde_json::Error) -> ApiError {
    ApiError::BadAnswer { what: format!("{what}: {e}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::schema::DISPLAY_NAME;

    #[test]
    fn error_messages_are_read_in_the_documented_order() {
        assert_eq!(error_message(r#"{"message":"a","errorMessage":"b"}"#), "a");
        assert_eq!(error_message(r#"{"errorMessage":"b"}"#), "b");
        assert_eq!(error_message(r#"{"errors":[{"message":"c"},"d"]}"#), "c; d");
        assert_eq!(error_message(r#"{"errors":{"email":"is invalid"}}"#), "email: is invalid");
        assert_eq!(error_message("<html>Bad gateway</html>"), "<html>Bad gateway</html>");
        assert_eq!(error_message(""), "no details given");
    }

    #[test]
    fn the_catalogue_replaces_detail_fields_and_keeps_key_and_display_name() {
        let body = r#"{"results":[
            {"name":"Plan","type":{"name":"SELECT","options":["Gold",{"id":"2","value":"Silver"}]}},
            {"name":"Renewal","type":{"name":"DATE"}},
            {"name":"Where","type":{"name":"GEO"}}]}"#;
        let site = parse_catalogue(Entity::Customers, body).expect("parsed");
        let names: Vec<&str> = site.schema.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["Email", DISPLAY_NAME, "Plan", "Renewal", "Where"]);
        assert_eq!(site.schema.field("Plan").map(|f| f.options.clone()), Some(vec!["Gold".into(), "Silver".into()]));
        assert_eq!(site.schema.field("Where").map(|f| f.kind), Some(FieldType::Text));
        assert_eq!(site.notes.len(), 1);
    }

    #[test]
    fn a_catalogue_that_is_not_json_is_a_bad_answer() {
        assert!(matches!(parse_catalogue(Entity::Organizations, "<html>"), Err(ApiError::BadAnswer { .. })));
    }

    #[test]
    fn task_status_with_item_failures_is_read() {
        let t = parse_task(
            r#"{"id":"t1","type":"CUSTOMER_PROFILE_BULK","status":"FINISHED","failures":[
                {"entity":"CUSTOMER","entityId":null,"operation":"CREATE","operatedOn":"a@b.co","operatedOnIds":[],
                 "error":"Invalid email address"}]}"#,
        )
        .expect("parsed");
        assert_eq!(t.status, TaskState::Finished);
        assert_eq!(t.failures[0].operated_on.as_deref(), Some("a@b.co"));
        assert_eq!(parse_task(r#"{"id":"t","status":"IN_PROGRESS"}"#).map(|t| t.status), Ok(TaskState::InProgress));
    }

    #[test]
    fn submit_and_fetch_answers_are_read() {
        assert_eq!(
            parse_submit(r#"{"id":"task-9","statusUrl":"/api/v1/tasks/task-9"}"#).map(|t| t.id),
            Ok("task-9".into())
        );
        assert!(parse_submit(r#"{"id":""}"#).is_err());
        let found = parse_fetch(Entity::Organizations, r#"{"results":[{"id":"1","name":"Acme"}]}"#);
        assert_eq!(found, Ok(vec!["Acme".to_owned()]));
    }
}
