//! `POST /v1/obligations` (read scope): every notice an incident owes, computed by the rules engine and
//! not stored — the HTTP twin of `accesswatch obligations`, same JSON in and out.

use axum::body::Bytes;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::Value;

use super::auth::{Auth, Read};
use super::{AppState, Error};

pub fn router() -> Router<AppState> {
    Router::new().route("/v1/obligations", post(compute))
}

async fn compute(_auth: Auth<Read>, body: Bytes) -> Result<Json<Value>, Error> {
    let input: Value = serde_json::from_slice(&body)
        .map_err(|e| Error::BadRequest(format!("input: not valid JSON: {e}")))?;
    breach::compute_value(input).map(Json).map_err(|e| match e {
        breach::Error::Rule { .. } | breach::Error::Data { .. } => {
            Error::Internal(anyhow::anyhow!("rules engine: {e}"))
        }
        // Input errors start with the field (`facts.aware_at: ...`); calendar gaps name the year.
        other => Error::BadRequest(other.to_string()),
    })
}
