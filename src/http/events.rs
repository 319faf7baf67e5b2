//! `POST /v1/events`: the ingest contract of DESIGN.md. A `202` is sent only after the events are
//! committed; backpressure (429) is decided before the body is read.

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use http_body_util::BodyExt;

use super::auth::{Auth, Ingest};
use super::{AppState, Error};
use crate::ingest::{
    decode_body, split_items, validate_item, validate_ocsf_item, BodyError, BodyFormat,
    IngestReport, Limits, WriteError,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/events", post(post_events))
        .route("/v1/events/ocsf", post(post_ocsf_events))
}

/// Which schema the items of a body follow.
#[derive(Clone, Copy)]
enum Schema {
    Native,
    Ocsf,
}

async fn post_events(
    _auth: Auth<Ingest>,
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<IngestReport>), Error> {
    ingest(state, headers, body, Schema::Native).await
}

/// OCSF Datastore (6005), API (6003) and File System (1001) Activity, mapped onto the native schema.
async fn post_ocsf_events(
    _auth: Auth<Ingest>,
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<IngestReport>), Error> {
    ingest(state, headers, body, Schema::Ocsf).await
}

async fn ingest(
    state: AppState,
    headers: HeaderMap,
    body: Body,
    schema: Schema,
) -> Result<(StatusCode, Json<IngestReport>), Error> {
    let started = std::time::Instant::now();
    let limits = &state.config.ingest;
    let _permit = state
        .ingest_permits
        .clone()
        .try_acquire_owned()
        .map_err(|_| {
            state.ingest_metrics.refused_busy();
            Error::TooManyRequests(limits.retry_after_secs)
        })?;
    let format = BodyFormat::from_content_type(header_str(&headers, header::CONTENT_TYPE))
        .map_err(body_error)?;
    let declared =
        header_str(&headers, header::CONTENT_LENGTH).and_then(|v| v.parse::<usize>().ok());
    let too_large = Error::PayloadTooLarge {
        what: "request body",
        limit: limits.max_body_bytes,
    };
    if declared.is_some_and(|n| n > limits.max_body_bytes) {
        return Err(too_large);
    }
    let raw = http_body_util::Limited::new(body, limits.max_body_bytes)
        .collect()
        .await
        .map_err(|e| match e.downcast::<http_body_util::LengthLimitError>() {
            Ok(_) => too_large,
            Err(e) => Error::BadRequest(format!("cannot read the request body: {e}")),
        })?
        .to_bytes();
    let decoded = decode_body(
        header_str(&headers, header::CONTENT_ENCODING),
        raw,
        limits.max_decompressed_bytes,
    )
    .map_err(body_error)?;
    let items = split_items(format, &decoded).map_err(|e| Error::BadRequest(e.to_string()))?;
    if items.len() > limits.max_events_per_request {
        return Err(Error::BadRequest(format!(
            "batch holds {} events; the limit is {} per request",
            items.len(),
            limits.max_events_per_request
        )));
    }
    let bounds = Limits {
        latest_ms: chrono::Utc::now().timestamp_millis() + limits.max_future_skew_secs * 1000,
    };
    let mut events = Vec::with_capacity(items.len());
    let mut errors = Vec::new();
    for item in &items {
        let validated = match schema {
            Schema::Native => validate_item(item, &bounds),
            Schema::Ocsf => validate_ocsf_item(item, &bounds),
        };
        match validated {
            Ok(event) => events.push(event),
            Err(error) => errors.push(error),
        }
    }
    if events.is_empty() {
        return Err(Error::InvalidBatch {
            detail: format!("none of the {} events is valid", items.len()),
            errors,
        });
    }
    let verdicts = state.writer.write(events).await.map_err(|e| match e {
        WriteError::Store(_) | WriteError::Stopped => Error::Unavailable {
            retry_after: limits.retry_after_secs,
            cause: e.into(),
        },
    })?;
    let accepted = verdicts.iter().filter(|v| **v).count();
    state.ingest_metrics.record(
        accepted,
        verdicts.len() - accepted,
        errors.len(),
        started.elapsed().as_secs_f64(),
    );
    Ok((
        StatusCode::ACCEPTED,
        Json(IngestReport {
            accepted,
            duplicates: verdicts.len() - accepted,
            rejected: errors.len(),
            errors,
        }),
    ))
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn body_error(e: BodyError) -> Error {
    match e {
        BodyError::MediaType(_) | BodyError::NoMediaType | BodyError::Encoding(_) => {
            Error::UnsupportedMediaType(e.to_string())
        }
        BodyError::TooLargeDecompressed(limit) => Error::PayloadTooLarge {
            what: "decompressed body",
            limit,
        },
        BodyError::Corrupt { .. } => Error::BadRequest(e.to_string()),
    }
}
