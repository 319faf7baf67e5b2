//! `/v1/alerts`: list (filters, cursor paging), detail (explanation, evidence, history, deliveries,
//! feedback), and the changes people make: acknowledge, resolve, feedback.
//!
//! Changes need only the `read` scope: the people who read alerts are the ones who triage them,
//! every change is attributed to the key's name in the append-only history, and none of them hides
//! an alert from the record. (Keys and configuration stay `admin`.)

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::{Auth, Read};
use super::{AppState, Error};
use crate::alerts::ChangeError;
use crate::engine::record::rfc3339;
use crate::store::{AlertFilter, AlertRecord};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/alerts", get(list))
        .route("/v1/alerts/{id}", get(detail))
        .route("/v1/alerts/{id}/ack", post(acknowledge))
        .route("/v1/alerts/{id}/resolve", post(resolve))
        .route("/v1/alerts/{id}/feedback", post(feedback))
}

impl From<ChangeError> for Error {
    fn from(e: ChangeError) -> Self {
        match e {
            ChangeError::NotFound(id) => Error::NotFound(format!("alert `{id}`")),
            e @ ChangeError::WrongState { .. } => Error::StateConflict(e.to_string()),
            ChangeError::Invalid(m) => Error::BadRequest(m),
            ChangeError::Store(e) => e.into(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    status: Option<String>,
    actor: Option<String>,
    detector: Option<String>,
    severity: Option<String>,
    since: Option<String>,
    until: Option<String>,
    cursor: Option<String>,
    limit: Option<i64>,
}

fn time_param(name: &str, value: Option<&String>) -> Result<Option<i64>, Error> {
    value
        .map(|v| {
            chrono::DateTime::parse_from_rfc3339(v)
                .map(|t| t.timestamp_millis())
                .map_err(|_| Error::BadRequest(format!("{name} must be an RFC 3339 time")))
        })
        .transpose()
}

fn decode_cursor(cursor: &str) -> Option<(i64, String)> {
    let raw = String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).ok()?).ok()?;
    let (time, id) = raw.split_once(':')?;
    Some((time.parse().ok()?, id.to_string()))
}

/// The alert JSON with its lifecycle status.
fn summary_json(a: &AlertRecord) -> Value {
    let mut v: Value = serde_json::from_str(&a.body).unwrap_or_else(|_| json!({"id": a.id}));
    v["status"] = json!(a.status);
    v["fingerprint"] = json!(a.fingerprint);
    v["updated_at"] = json!(rfc3339(a.updated_ms));
    v
}

async fn list(
    _auth: Auth<Read>,
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, Error> {
    if let Some(s) = &q.status {
        if !matches!(s.as_str(), "firing" | "acknowledged" | "resolved") {
            return Err(Error::BadRequest(
                "status must be firing, acknowledged or resolved".into(),
            ));
        }
    }
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let before = match &q.cursor {
        Some(c) => {
            Some(decode_cursor(c).ok_or_else(|| Error::BadRequest("invalid cursor".into()))?)
        }
        None => None,
    };
    let filter = AlertFilter {
        since_ms: time_param("since", q.since.as_ref())?,
        until_ms: time_param("until", q.until.as_ref())?,
        status: q.status,
        actor: q.actor,
        detector: q.detector,
        severity: q.severity,
        before,
        limit,
    };
    let alerts = state.store.list_alerts(&filter).await?;
    let next_cursor = (alerts.len() as i64 == limit)
        .then(|| alerts.last())
        .flatten()
        .map(|a| URL_SAFE_NO_PAD.encode(format!("{}:{}", a.time_ms, a.id)));
    Ok(Json(json!({
        "alerts": alerts.iter().map(summary_json).collect::<Vec<_>>(),
        "next_cursor": next_cursor,
    })))
}

/// Everything about one alert.
async fn alert_detail(state: &AppState, id: &str) -> Result<Value, Error> {
    let alert = state
        .store
        .get_alert(id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("alert `{id}`")))?;
    let lifecycle = state.store.alert_state(id).await?;
    let history = state.store.alert_history(id).await?;
    let deliveries = state.store.alert_deliveries(id).await?;
    let feedback = state.store.alert_feedback(id).await?;
    let mut v = summary_json(&alert);
    v["explanation"] = json!(alert.summary);
    if let Some(l) = lifecycle {
        v["occurrences"] = json!(l.occurrences);
        v["first_seen"] = json!(rfc3339(l.created_ms));
        v["last_seen"] = json!(rfc3339(l.last_seen_ms));
        v["silenced_by"] = json!(l.silenced_by);
        v["flapping"] = json!(l.flapping);
        v["escalation_step"] = json!(l.escalation_step);
        v["receivers"] = json!(l.receivers);
        v["group_key"] = json!(l.group_key);
    }
    v["history"] = history
        .iter()
        .map(|h| {
            json!({"at": rfc3339(h.at_ms), "who": h.who, "action": h.action,
                   "from": h.from_status, "to": h.to_status, "note": h.note})
        })
        .collect();
    v["deliveries"] = deliveries
        .iter()
        .map(|d| {
            json!({"receiver": d.receiver, "attempt": d.attempt, "at": rfc3339(d.at_ms),
                   "outcome": d.outcome, "status_code": d.status_code, "error": d.error,
                   "elapsed_ms": d.elapsed_ms})
        })
        .collect();
    v["feedback"] = feedback
        .iter()
        .map(|f| {
            json!({"verdict": f.verdict, "reason": f.reason, "by": f.author, "at": rfc3339(f.at_ms),
                   "judged_normal": f.observed, "unit": f.unit})
        })
        .collect();
    Ok(v)
}

async fn detail(
    _auth: Auth<Read>,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, Error> {
    Ok(Json(alert_detail(&state, &id).await?))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Note {
    note: Option<String>,
}

/// An optional JSON body: an empty request means no note.
fn optional<T: for<'de> Deserialize<'de> + Default>(body: &Bytes) -> Result<T, Error> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body).map_err(|e| Error::BadRequest(format!("invalid JSON body: {e}")))
}

async fn acknowledge(
    auth: Auth<Read>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, Error> {
    let note: Note = optional(&body)?;
    state
        .alerting
        .acknowledge(&id, &auth.key.name, note.note)
        .await?;
    Ok(Json(alert_detail(&state, &id).await?))
}

async fn resolve(
    auth: Auth<Read>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, Error> {
    let note: Note = optional(&body)?;
    state
        .alerting
        .resolve(&id, &auth.key.name, note.note)
        .await?;
    Ok(Json(alert_detail(&state, &id).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FeedbackBody {
    verdict: String,
    #[serde(default)]
    reason: String,
}

async fn feedback(
    auth: Auth<Read>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Json(body): Json<FeedbackBody>,
) -> Result<Json<Value>, Error> {
    state
        .alerting
        .feedback(&id, &body.verdict, &body.reason, &auth.key.name)
        .await?;
    Ok(Json(alert_detail(&state, &id).await?))
}
