//! A detector alert as it leaves accesswatch: the DESIGN.md JSON shape (for `replay` and the API)
//! and the stored row. The id is derived from actor, detector and start time, so the same alert
//! found again after a restart (events replayed past the snapshot) is recognised, not duplicated.

use detectors::{Alert, Evidence};
use serde::{Deserialize, Serialize};

use crate::store::AlertRecord;

/// One alert, as `replay` prints it and `GET /v1/alerts/{id}` answers it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AlertJson {
    pub id: String,
    pub actor: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor_group: Option<String>,
    /// Start of the anomalous activity (RFC 3339).
    pub time: String,
    /// Event time at which the alert was raised (RFC 3339).
    pub detected_at: String,
    pub detector: String,
    pub detectors: Vec<String>,
    pub severity: String,
    pub score: f64,
    pub p_value: f64,
    pub summary: String,
    pub evidence: Evidence,
    pub resources: Vec<String>,
    pub event_ids: Vec<String>,
}

pub fn alert_id(alert: &Alert) -> String {
    let key = format!(
        "{}\u{1f}{}\u{1f}{}",
        alert.actor, alert.detector, alert.time_ms
    );
    format!("al_{:016x}", xxhash_rust::xxh3::xxh3_64(key.as_bytes()))
}

/// What grouping and silences match on: detector family, actor and resource scope.
pub fn fingerprint(alert: &Alert) -> String {
    let scope = alert.resources.first().map_or("*", String::as_str);
    format!("{}/{}/{}", alert.detector, alert.actor, scope)
}

pub fn alert_json(alert: &Alert) -> AlertJson {
    AlertJson {
        id: alert_id(alert),
        actor: alert.actor.clone(),
        actor_group: alert.actor_group.clone(),
        time: rfc3339(alert.time_ms),
        detected_at: rfc3339(alert.detected_ms),
        detector: alert.detector.clone(),
        detectors: alert.detectors.clone(),
        severity: severity_name(alert),
        score: (alert.score * 10.0).round() / 10.0,
        p_value: alert.p_value,
        summary: alert.summary.clone(),
        evidence: alert.evidence.clone(),
        resources: alert.resources.clone(),
        event_ids: alert.event_ids.clone(),
    }
}

pub fn alert_record(alert: &Alert, now_ms: i64) -> Result<AlertRecord, serde_json::Error> {
    let json = alert_json(alert);
    Ok(AlertRecord {
        fingerprint: fingerprint(alert),
        actor: alert.actor.clone(),
        actor_group: alert.actor_group.clone(),
        detector: alert.detector.clone(),
        severity: json.severity.clone(),
        score: json.score,
        time_ms: alert.time_ms,
        detected_ms: alert.detected_ms,
        status: "firing".into(),
        summary: alert.summary.clone(),
        body: serde_json::to_string(&json)?,
        id: json.id,
        created_ms: now_ms,
        updated_ms: now_ms,
    })
}

fn severity_name(alert: &Alert) -> String {
    serde_json::to_value(alert.severity)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| "medium".into())
}

pub fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}
