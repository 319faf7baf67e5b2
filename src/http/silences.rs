//! `/v1/silences`: create, list, expire. Read scope, like the other triage actions (see
//! `alerts.rs`): a silence never deletes an alert (silenced alerts are recorded, only not sent),
//! is bounded in time, and carries its author and the key that created it.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::Value;

use super::auth::{Auth, Read};
use super::{AppState, Error};
use crate::alerts::silences::{to_json, SilenceRequest};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/silences", get(list).post(create))
        .route("/v1/silences/{id}", delete(expire))
}

async fn create(
    auth: Auth<Read>,
    State(state): State<AppState>,
    Json(body): Json<SilenceRequest>,
) -> Result<(StatusCode, Json<Value>), Error> {
    let now = chrono::Utc::now().timestamp_millis();
    let silence = body.build(&auth.key.name, now).map_err(Error::BadRequest)?;
    state.store.insert_silence(&silence).await?;
    tracing::info!(id = %silence.id, created_by = %auth.key.name, "silence created");
    Ok((StatusCode::CREATED, Json(to_json(&silence, now))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    /// Include expired silences.
    #[serde(default)]
    all: bool,
}

async fn list(
    _auth: Auth<Read>,
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, Error> {
    let now = chrono::Utc::now().timestamp_millis();
    let silences = state.store.list_silences(now, q.all).await?;
    Ok(Json(Value::Array(
        silences.iter().map(|s| to_json(s, now)).collect(),
    )))
}

async fn expire(
    auth: Auth<Read>,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, Error> {
    let now = chrono::Utc::now().timestamp_millis();
    if !state.store.expire_silence(&id, now).await? {
        return Err(Error::NotFound(format!("active silence `{id}`")));
    }
    tracing::info!(id = %id, expired_by = %auth.key.name, "silence expired");
    Ok(StatusCode::NO_CONTENT)
}
