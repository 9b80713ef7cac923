//! The CSM API handlers (under `/jsm/csm/cloudid/{cloudId}/api/v1`, behind the gate): detail catalogues, bulk
//! submits, task status, fetching profiles; plus the unauthenticated `/_edge/tenant_info`.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde_json::{json, Value};

use crate::bulk::{self, strings};
use crate::entity::Entity;
use crate::errors::{parse_json, ApiError};
use crate::state::AppState;
use crate::tasks::{Submission, Submitted};

/// At most this many names, ids or emails per fetch.
const MAX_FETCH: usize = 50;

type ApiResult = Result<Json<Value>, ApiError>;

/// `GET /customer/details`, `GET /organization/details`.
pub async fn list_details(state: AppState, entity: Entity) -> Json<Value> {
    Json(json!({ "results": state.world().fields(entity).to_json() }))
}

/// `POST /customer/details`, `POST /organization/details`: 201 with the field as stored.
pub async fn create_detail(
    state: AppState,
    entity: Entity,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let body = parse_json(&body)?;
    let mut world = state.world();
    let field = world.fields_mut(entity).add(&body).map_err(ApiError::Invalid)?;
    Ok((StatusCode::CREATED, Json(field.to_json())))
}

/// `POST /customer/profile/bulk`, `POST /organization/profile/bulk`.
pub async fn bulk_submit(state: AppState, entity: Entity, headers: HeaderMap, body: Bytes) -> ApiResult {
    let request = idempotency_key(&headers).and_then(|key| {
        let body = parse_json(&body)?;
        let items = bulk::parse(entity, &body).map_err(ApiError::Invalid)?;
        Ok(Submission { entity, items, key, body })
    });
    let mut world = state.world();
    world.stats.bulk_submits += 1;
    let submission = request?;
    let (now, behaviour) = (world.now, world.behaviour.clone());
    let duration = std::time::Duration::from_millis(behaviour.task_ms);
    let outcome = world.tasks.submit(submission, now, duration, behaviour.fail_tasks);
    let stats = &mut world.stats;
    match outcome {
        Ok(Submitted::Created(answer)) => {
            stats.tasks_created += 1;
            Ok(Json(answer))
        }
        Ok(Submitted::Replayed(answer)) => {
            stats.idempotent_replays += 1;
            Ok(Json(answer))
        }
        Err(error) => {
            match error {
                ApiError::KeyConflict => stats.key_conflicts += 1,
                ApiError::TaskLimit => stats.task_limit_rejections += 1,
                _ => {}
            }
            Err(error)
        }
    }
}

/// The `Idempotency-Key` header; absent or blank means none.
fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else { return Ok(None) };
    let key = value.to_str().map_err(|_| ApiError::invalid("The Idempotency-Key header must be plain text."))?.trim();
    Ok((!key.is_empty()).then(|| key.to_owned()))
}

/// `GET /tasks/{taskId}`.
pub async fn task_status(
    State(state): State<AppState>,
    Path((_cloud_id, task_id)): Path<(String, String)>,
) -> ApiResult {
    let world = state.world();
    let task = world.tasks.find(&task_id).ok_or_else(|| ApiError::NotFound(format!("Task '{task_id}' not found.")))?;
    Ok(Json(task.to_json(world.now)))
}

/// `POST /organization/fetch` with `{"names":[..]}` and/or `{"ids":[..]}`; unknown ones are left out.
pub async fn fetch_organizations(State(state): State<AppState>, body: Bytes) -> ApiResult {
    let body = parse_json(&body)?;
    let (names, ids) = (string_list(&body, "names")?, string_list(&body, "ids")?);
    if names.is_none() && ids.is_none() {
        return Err(ApiError::invalid("Send 'names' or 'ids' (an array of strings)."));
    }
    let (names, ids) = (names.unwrap_or_default(), ids.unwrap_or_default());
    if names.len() + ids.len() > MAX_FETCH {
        return Err(ApiError::invalid(format!("At most {MAX_FETCH} names or ids per request.")));
    }
    Ok(Json(json!({ "results": state.world().profiles.fetch(Entity::Organization, &ids, &names) })))
}

/// `POST /customer/fetch` with `{"emails":[..]}`. NOT in the public CSM contract: the sandbox's own documented
/// choice, so tests and demos can read customers back through the API.
pub async fn fetch_customers(State(state): State<AppState>, body: Bytes) -> ApiResult {
    let body = parse_json(&body)?;
    let emails =
        string_list(&body, "emails")?.ok_or_else(|| ApiError::invalid("Send 'emails' (an array of strings)."))?;
    if emails.len() > MAX_FETCH {
        return Err(ApiError::invalid(format!("At most {MAX_FETCH} emails per request.")));
    }
    Ok(Json(json!({ "results": state.world().profiles.fetch(Entity::Customer, &[], &emails) })))
}

/// `body[key]` as strings: `None` when absent, 400 when not an array of strings.
fn string_list(body: &Value, key: &str) -> Result<Option<Vec<String>>, ApiError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => {
            strings(value).map(Some).ok_or_else(|| ApiError::invalid(format!("'{key}' must be an array of strings.")))
        }
    }
}

/// `GET /_edge/tenant_info` (no auth): the configured cloudId.
pub async fn tenant_info(State(state): State<AppState>) -> Json<Value> {
    Json(json!({ "cloudId": state.settings.cloud_id }))
}
