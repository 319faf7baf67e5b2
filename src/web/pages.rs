//! Handlers of the web UI.

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use std::fmt::Write;

use super::chart::{self, HOUR_MS};
use super::html::{escape, login, page, path_segment};
use crate::engine::AlertJson;
use crate::http::{AppState, Auth, Error, Read, UI_COOKIE};
use crate::keys;
use crate::store::{AlertFilter, Scope};

const DAY_MS: i64 = 24 * HOUR_MS;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ui", get(alerts))
        .route("/ui/login", post(sign_in))
        .route("/ui/alerts/{id}", get(alert))
        .route("/ui/actors/{actor}", get(actor))
}

/// Pages answer the sign-in form (401) instead of a problem document when the key is missing.
type Signed = Result<Auth<Read>, Error>;

fn refuse(err: Error) -> Response {
    let message = match err {
        Error::Forbidden(_) => "This key may not read alerts.",
        _ => "Sign in with an API key to see alerts.",
    };
    (StatusCode::UNAUTHORIZED, Html(login(message))).into_response()
}

#[derive(Deserialize)]
struct SignIn {
    key: String,
}

async fn sign_in(
    State(state): State<AppState>,
    Form(form): Form<SignIn>,
) -> Result<Response, Error> {
    let key = form.key.trim();
    let valid = if keys::looks_like_key(key) {
        state.store.find_api_key(&keys::hash(key)).await?
    } else {
        None
    };
    match valid.filter(|k| k.revoked_ms.is_none() && k.scope.allows(Scope::Read)) {
        Some(_) => Ok((
            [(
                header::SET_COOKIE,
                format!("{UI_COOKIE}={key}; Path=/ui; HttpOnly; SameSite=Strict; Max-Age=43200"),
            )],
            Redirect::to("/ui"),
        )
            .into_response()),
        None => Ok((
            StatusCode::UNAUTHORIZED,
            Html(login("That key is not valid for reading.")),
        )
            .into_response()),
    }
}

async fn alerts(auth: Signed, State(state): State<AppState>) -> Result<Response, Error> {
    if let Err(e) = auth {
        return Ok(refuse(e));
    }
    let rows = state
        .store
        .list_alerts(&AlertFilter {
            limit: 200,
            ..AlertFilter::default()
        })
        .await?;
    let mut body = String::from(
        "<table><tr><th>time (UTC)</th><th>severity</th><th>actor</th><th>detector</th><th>summary</th><th>status</th></tr>",
    );
    for a in &rows {
        let _ = write!(
            body,
            "<tr><td>{}</td><td><span class=\"sev {sev}\">{sev}</span></td><td><a href=\"/ui/actors/{}\">{}</a></td>\
             <td>{}</td><td><a href=\"/ui/alerts/{}\">{}</a></td><td>{}</td></tr>",
            crate::engine::record::rfc3339(a.time_ms),
            path_segment(&a.actor),
            escape(&a.actor),
            escape(&a.detector),
            path_segment(&a.id),
            escape(&a.summary),
            escape(&a.status),
            sev = escape(&a.severity),
        );
    }
    if rows.is_empty() {
        body = "<p>No alerts yet.</p>".into();
    }
    Ok(Html(page("Alerts", &body)).into_response())
}

async fn alert(
    auth: Signed,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, Error> {
    if let Err(e) = auth {
        return Ok(refuse(e));
    }
    let record = state
        .store
        .get_alert(&id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("alert `{id}`")))?;
    let alert: AlertJson = serde_json::from_str(&record.body).map_err(anyhow::Error::from)?;
    let e = &alert.evidence;
    let mut body = format!(
        "<p><span class=\"sev {sev}\">{sev}</span> score {:.0} · {} · started {} · detected {}</p><p><b>{}</b></p>\
         <table><tr><th>observed</th><td>{:.0} {}</td></tr><tr><th>expected</th><td>{:.0} {}</td></tr>\
         <tr><th>baseline</th><td>{}</td></tr><tr><th>window</th><td>{}</td></tr><tr><th>detectors</th><td>{}</td></tr></table>",
        alert.score,
        escape(&alert.detector),
        escape(&alert.time),
        escape(&alert.detected_at),
        escape(&alert.summary),
        e.observed,
        escape(&e.unit),
        e.expected,
        escape(&e.unit),
        escape(&e.baseline),
        escape(&e.window),
        escape(&alert.detectors.join(", ")),
        sev = escape(&alert.severity),
    );
    let time_ms = record.time_ms;
    body.push_str(
        &volume_section(
            &state,
            &record.actor,
            time_ms - 7 * DAY_MS,
            time_ms + DAY_MS,
            Some(time_ms),
        )
        .await?,
    );
    body.push_str(
        "<h2>Top resources</h2><table><tr><th>resource</th><th>records</th><th>events</th></tr>",
    );
    for r in &e.top_resources {
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&r.resource),
            r.records,
            r.events
        );
    }
    let _ = write!(
        body,
        "</table><h2>Evidence events</h2><p>{}</p>",
        alert
            .event_ids
            .iter()
            .map(|i| format!("<code>{}</code>", escape(i)))
            .collect::<Vec<_>>()
            .join(" ")
    );
    Ok(Html(page(&format!("Alert {}", alert.id), &body)).into_response())
}

#[derive(Deserialize)]
struct Until {
    /// End of the chart (RFC 3339); default now.
    until: Option<String>,
}

async fn actor(
    auth: Signed,
    State(state): State<AppState>,
    Path(actor): Path<String>,
    Query(q): Query<Until>,
) -> Result<Response, Error> {
    if let Err(e) = auth {
        return Ok(refuse(e));
    }
    let until = match q.until.as_deref() {
        Some(t) => chrono::DateTime::parse_from_rfc3339(t)
            .map_err(|e| Error::BadRequest(format!("until: {e}")))?
            .timestamp_millis(),
        None => chrono::Utc::now().timestamp_millis(),
    };
    let until = until.div_euclid(HOUR_MS) * HOUR_MS + HOUR_MS;
    let body = volume_section(&state, &actor, until - 8 * DAY_MS, until, None).await?;
    Ok(Html(page(&actor, &body)).into_response())
}

/// The chart of `actor`'s hourly records over `[from, to)` against its four-week baseline.
async fn volume_section(
    state: &AppState,
    actor: &str,
    from: i64,
    to: i64,
    mark: Option<i64>,
) -> Result<String, Error> {
    let history_from = from - chart::BASELINE_WEEKS * 7 * DAY_MS;
    let hourly = state
        .store
        .actor_hourly_records(actor, history_from, to)
        .await?;
    let points = chart::series(&hourly, from, to);
    Ok(format!(
        "<h2>Records per hour: <a href=\"/ui/actors/{}\">{}</a></h2>{}\
         <p class=\"legend\"><span>━ actual</span><span style=\"color:#3a78c2\">╌ baseline: median of the same hour, previous {} weeks</span>\
         <span style=\"color:#7fa7d6\">▇ min–max of those weeks</span><span style=\"color:#d0021b\">│ alert start</span></p>",
        path_segment(actor),
        escape(actor),
        chart::svg(&points, mark),
        chart::BASELINE_WEEKS
    ))
}
