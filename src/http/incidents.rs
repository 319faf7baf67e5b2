//! `/v1/incidents`: incidents by hand or promoted from alerts, their obligations, tasks, comments, audit
//! trail and report. Reading needs the `read` scope, every change `admin`; the key's name is the actor in
//! the audit log. The work is in `crate::incidents::service`, shared with the CLI.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::auth::{Admin, Auth, Read};
use super::params::{PathParams, QueryParams};
use super::{AppState, Error};
use crate::incidents::{audit, report, service, view, IncidentError};
use crate::store::IncidentFilter;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/incidents", get(list).post(create))
        .route("/v1/incidents/{id}", get(show).patch(update))
        .route("/v1/incidents/{id}/alerts", post(link_alerts))
        .route("/v1/incidents/{id}/comments", post(comment))
        .route("/v1/incidents/{id}/tasks", post(add_task))
        .route("/v1/incidents/{id}/tasks/{task_id}", patch(update_task))
        .route("/v1/incidents/{id}/obligations/{rule_id}", post(mark))
        .route("/v1/incidents/{id}/audit", get(trail))
        .route("/v1/incidents/{id}/report", get(report))
        .route("/v1/audit/verify", get(verify))
}

impl From<IncidentError> for Error {
    fn from(e: IncidentError) -> Self {
        match e {
            IncidentError::NotFound(what) => Error::NotFound(what),
            IncidentError::Invalid(message) => Error::BadRequest(message),
            IncidentError::Store(s) => s.into(),
            IncidentError::Internal(cause) => Error::Internal(cause),
        }
    }
}

/// Parses a JSON body so that errors answer problem+json like every other error.
fn body<T: DeserializeOwned>(bytes: &Bytes) -> Result<T, Error> {
    serde_json::from_slice(bytes).map_err(|e| Error::BadRequest(format!("body: {e}")))
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

async fn shown(state: &AppState, id: i64) -> Result<Json<Value>, Error> {
    let loaded = service::load(state.store.as_ref(), id).await?;
    Ok(Json(view::incident(&loaded)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    status: Option<String>,
    limit: Option<i64>,
}

async fn list(
    _auth: Auth<Read>,
    State(state): State<AppState>,
    QueryParams(q): QueryParams<ListQuery>,
) -> Result<Json<Value>, Error> {
    let filter = IncidentFilter {
        status: q.status,
        limit: q.limit.unwrap_or(100).clamp(1, 1000),
    };
    let rows = state.store.list_incidents(&filter).await?;
    Ok(Json(
        json!({"incidents": rows.iter().map(view::summary).collect::<Vec<_>>()}),
    ))
}

async fn create(
    auth: Auth<Admin>,
    State(state): State<AppState>,
    bytes: Bytes,
) -> Result<(StatusCode, Json<Value>), Error> {
    let fields: Map<String, Value> = body(&bytes)?;
    let id = service::create(state.store.as_ref(), &auth.key.name, now_ms(), fields).await?;
    tracing::info!(incident_id = id, actor = %auth.key.name, "incident created");
    Ok((StatusCode::CREATED, shown(&state, id).await?))
}

async fn show(
    _auth: Auth<Read>,
    State(state): State<AppState>,
    PathParams(id): PathParams<i64>,
) -> Result<Json<Value>, Error> {
    shown(&state, id).await
}

async fn update(
    auth: Auth<Admin>,
    State(state): State<AppState>,
    PathParams(id): PathParams<i64>,
    bytes: Bytes,
) -> Result<Json<Value>, Error> {
    let fields: Map<String, Value> = body(&bytes)?;
    service::update(state.store.as_ref(), id, &auth.key.name, now_ms(), &fields).await?;
    shown(&state, id).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AlertIds {
    alert_ids: Vec<String>,
}

async fn link_alerts(
    auth: Auth<Admin>,
    State(state): State<AppState>,
    PathParams(id): PathParams<i64>,
    bytes: Bytes,
) -> Result<Json<Value>, Error> {
    let b: AlertIds = body(&bytes)?;
    service::link_alerts(
        state.store.as_ref(),
        id,
        &auth.key.name,
        now_ms(),
        &b.alert_ids,
    )
    .await?;
    shown(&state, id).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewComment {
    text: String,
}

async fn comment(
    auth: Auth<Admin>,
    State(state): State<AppState>,
    PathParams(id): PathParams<i64>,
    bytes: Bytes,
) -> Result<(StatusCode, Json<Value>), Error> {
    let b: NewComment = body(&bytes)?;
    service::comment(state.store.as_ref(), id, &auth.key.name, now_ms(), &b.text).await?;
    Ok((StatusCode::CREATED, shown(&state, id).await?))
}

async fn add_task(
    auth: Auth<Admin>,
    State(state): State<AppState>,
    PathParams(id): PathParams<i64>,
    bytes: Bytes,
) -> Result<(StatusCode, Json<Value>), Error> {
    let fields: Map<String, Value> = body(&bytes)?;
    service::task(
        state.store.as_ref(),
        id,
        &auth.key.name,
        now_ms(),
        None,
        &fields,
    )
    .await?;
    Ok((StatusCode::CREATED, shown(&state, id).await?))
}

async fn update_task(
    auth: Auth<Admin>,
    State(state): State<AppState>,
    PathParams((id, task_id)): PathParams<(i64, u32)>,
    bytes: Bytes,
) -> Result<Json<Value>, Error> {
    let fields: Map<String, Value> = body(&bytes)?;
    let store = state.store.as_ref();
    service::task(store, id, &auth.key.name, now_ms(), Some(task_id), &fields).await?;
    shown(&state, id).await
}

async fn mark(
    auth: Auth<Admin>,
    State(state): State<AppState>,
    PathParams((id, rule_id)): PathParams<(i64, String)>,
    bytes: Bytes,
) -> Result<Json<Value>, Error> {
    let m: service::Mark = body(&bytes)?;
    let store = state.store.as_ref();
    service::mark_obligation(store, id, &rule_id, &auth.key.name, now_ms(), &m).await?;
    shown(&state, id).await
}

async fn trail(
    _auth: Auth<Read>,
    State(state): State<AppState>,
    PathParams(id): PathParams<i64>,
) -> Result<Json<Value>, Error> {
    service::load(state.store.as_ref(), id).await?;
    let rows = state.store.audit_entries(Some(id), 0, 100_000).await?;
    Ok(Json(json!({"audit": rows})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportQuery {
    format: Option<String>,
}

async fn report(
    _auth: Auth<Read>,
    State(state): State<AppState>,
    PathParams(id): PathParams<i64>,
    QueryParams(q): QueryParams<ReportQuery>,
) -> Result<Response, Error> {
    let store = state.store.as_ref();
    match q.format.as_deref().unwrap_or("json") {
        "json" => Ok(Json(report::json(store, id, now_ms()).await?).into_response()),
        "md" | "markdown" => {
            let md = report::markdown(store, id, now_ms()).await?;
            Ok(([(header::CONTENT_TYPE, "text/markdown; charset=utf-8")], md).into_response())
        }
        _ => Err(Error::BadRequest("format: must be md or json".into())),
    }
}

async fn verify(
    _auth: Auth<Admin>,
    State(state): State<AppState>,
) -> Result<Json<audit::ChainReport>, Error> {
    Ok(Json(audit::verify(state.store.as_ref()).await?))
}
