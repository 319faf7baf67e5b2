//! `GET /metrics` (read scope): Prometheus text exposition of delivery metrics per receiver.

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
    let text = state.metrics.render(state.store.as_ref(), now).await?;
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    ))
}
