//! `GET /metrics` (read scope): Prometheus text. Each component renders its own part (ingest
//! counters and detection lag, delivery metrics per receiver, breach-obligation gauges) and this
//! handler joins them.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

use super::auth::{Auth, Read};
use super::{AppState, Error};

pub fn router() -> Router<AppState> {
    Router::new().route("/metrics", get(metrics))
}

async fn metrics(
    _auth: Auth<Read>,
    State(state): State<AppState>,
) -> Result<impl IntoResponse, Error> {
    let now = chrono::Utc::now().timestamp_millis();
    let pending = state
        .store
        .count_events_after(state.detection.processed())
        .await?;
    let mut body = state.ingest_metrics.prometheus_text(pending);
    body.push_str(&state.metrics.render(state.store.as_ref(), now).await?);
    body.push_str(&crate::incidents::metrics::prometheus_text(state.store.as_ref(), now).await?);
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    ))
}
