//! The control API under `/_sandbox` (no auth, CORS always allowed), for tests and demos: dump the state, reset,
//! read and change the behaviour, add a detail field.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::Value;

use crate::entity::Entity;
use crate::errors::{parse_json, ApiError};
use crate::faults::FaultCounter;
use crate::state::AppState;

/// `GET /_sandbox/state`.
pub async fn state(State(state): State<AppState>) -> Json<Value> {
    Json(state.world().dump())
}

/// `POST /_sandbox/reset`: answers the fresh state.
pub async fn reset(State(state): State<AppState>) -> Json<Value> {
    state.reset();
    Json(state.world().dump())
}

/// `GET /_sandbox/config`.
pub async fn config(State(state): State<AppState>) -> Json<Value> {
    Json(state.world().behaviour.to_json())
}

/// `POST /_sandbox/config` with any subset of the keys; answers the whole config. Setting `faultEvery` or
/// `faults` restarts fault counting, so "every Nth request" counts from here.
pub async fn change_config(State(state): State<AppState>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let body = parse_json(&body)?;
    let mut world = state.world();
    if world.behaviour.patch(&body).map_err(ApiError::Invalid)? {
        world.faults = FaultCounter::default();
    }
    Ok(Json(world.behaviour.to_json()))
}

/// `POST /_sandbox/fields` with `{"entity":"customers"|"organizations","name","type":{..}}`.
pub async fn add_field(State(state): State<AppState>, body: Bytes) -> Result<(StatusCode, Json<Value>), ApiError> {
    let body = parse_json(&body)?;
    let entity = body
        .get("entity")
        .and_then(Value::as_str)
        .and_then(Entity::from_plural)
        .ok_or_else(|| ApiError::invalid("'entity' must be \"customers\" or \"organizations\"."))?;
    let mut world = state.world();
    let field = world.fields_mut(entity).add(&body).map_err(ApiError::Invalid)?;
    Ok((StatusCode::CREATED, Json(field.to_json())))
}
