//! Operational routes: liveness (no key), readiness and stats (read scope).

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use super::auth::{Auth, Read};
use super::{AppState, Error};
use crate::store::Stats;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/v1/stats", get(stats))
}

/// The process is up. Deliberately unauthenticated so orchestrators can probe it.
async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// The store answers.
async fn readyz(_auth: Auth<Read>, State(state): State<AppState>) -> Result<Json<Value>, Error> {
    state.store.ping().await.map_err(|e| Error::Unavailable {
        retry_after: state.config.ingest.retry_after_secs,
        cause: e.into(),
    })?;
    Ok(Json(
        json!({"status": "ready", "store": state.store.backend()}),
    ))
}

async fn stats(_auth: Auth<Read>, State(state): State<AppState>) -> Result<Json<Stats>, Error> {
    let mut stats = state.store.stats().await?;
    stats.events_pending_detection = state
        .store
        .count_events_after(state.detection.processed())
        .await?;
    Ok(Json(stats))
}
