//! The HTTP API: one module per resource, each with its `router()`; this file merges them and
//! adds request tracing keyed by the matched route (never the raw path, which may carry ids).

mod alerts;
mod auth;
mod error;
mod events;
mod incidents;
mod keys;
mod metrics;
mod obligations;
mod ops;
mod params;
mod silences;

use axum::extract::{MatchedPath, Request};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::Semaphore;

use crate::config::Config;
use crate::engine::EngineProgress;
use crate::ingest::{IngestMetrics, WriterHandle};
use crate::store::Store;

pub use auth::{Admin, Auth, Ingest, Read, UI_COOKIE};
pub use error::Error;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub config: Arc<Config>,
    pub writer: WriterHandle,
    /// Permits for ingest requests in flight: taken before the body is read.
    pub ingest_permits: Arc<Semaphore>,
    /// How far the detection engine has got.
    pub detection: Arc<EngineProgress>,
    pub ingest_metrics: Arc<IngestMetrics>,
    pub alerting: Arc<crate::alerts::Alerting>,
    pub metrics: Arc<crate::notify::Metrics>,
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(events::router())
        .merge(ops::router())
        .merge(keys::router())
        .merge(crate::web::router())
        .merge(obligations::router())
        .merge(incidents::router())
        .merge(alerts::router())
        .merge(silences::router())
        .merge(metrics::router())
        .layer(middleware::from_fn(trace_request))
        .with_state(state)
}

async fn trace_request(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |p| p.as_str())
        .to_string();
    let method = request.method().clone();
    let started = Instant::now();
    let response = next.run(request).await;
    tracing::info!(
        %method,
        route,
        status = response.status().as_u16(),
        elapsed_ms = started.elapsed().as_secs_f64() * 1e3,
        "request"
    );
    response
}
