//! `/v1/keys` (admin scope): the HTTP twin of `accesswatch keys`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::{Admin, Auth};
use super::{AppState, Error};
use crate::store::{ApiKey, Scope};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/keys", get(list).post(create))
        .route("/v1/keys/{name}", delete(revoke))
}

async fn list(
    _auth: Auth<Admin>,
    State(state): State<AppState>,
) -> Result<Json<Vec<ApiKey>>, Error> {
    Ok(Json(state.store.list_api_keys().await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateKey {
    name: String,
    scope: String,
}

/// Answers the new key once, in the body; it is stored only as a hash.
async fn create(
    auth: Auth<Admin>,
    State(state): State<AppState>,
    Json(body): Json<CreateKey>,
) -> Result<(StatusCode, Json<Value>), Error> {
    let scope = Scope::parse(&body.scope)
        .ok_or_else(|| Error::BadRequest("scope must be ingest, read or admin".into()))?;
    if body.name.trim().is_empty() || body.name.len() > 128 {
        return Err(Error::BadRequest("name must be 1 to 128 characters".into()));
    }
    let secret = crate::keys::create(state.store.as_ref(), &body.name, scope).await?;
    tracing::info!(created_by = %auth.key.name, name = %body.name, scope = scope.as_str(), "API key created");
    Ok((
        StatusCode::CREATED,
        Json(json!({"name": body.name, "scope": scope, "key": secret})),
    ))
}

async fn revoke(
    auth: Auth<Admin>,
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<StatusCode, Error> {
    let now = chrono::Utc::now().timestamp_millis();
    if !state.store.revoke_api_key(&name, now).await? {
        return Err(Error::NotFound(format!("active key `{name}`")));
    }
    tracing::info!(revoked_by = %auth.key.name, name = %name, "API key revoked");
    Ok(StatusCode::NO_CONTENT)
}
