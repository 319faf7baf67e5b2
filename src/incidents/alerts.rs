//! What linked alerts tell an incident: their events (for the affected-people estimate) and their severity.

use serde_json::Value;

use super::model::Severity;
use super::prefill::{self, Estimate};
use super::IncidentError;
use crate::store::Store;

/// How far before an alert's start and after its detection its evidence events are looked for.
/// Evidence comes from the windows between the two, so a day either side is generous; the margin
/// only bounds the index range scanned.
const EVIDENCE_MARGIN_MS: i64 = 86_400_000;

/// The evidence of a set of alerts.
pub struct Evidence {
    pub estimate: Estimate,
    pub max_severity: Option<Severity>,
}

/// Loads the alerts (each must exist) and the stored events they cite.
pub async fn evidence(store: &dyn Store, alert_ids: &[String]) -> Result<Evidence, IncidentError> {
    let mut event_ids = Vec::new();
    let mut severities = Vec::new();
    let (mut since_ms, mut until_ms) = (i64::MAX, i64::MIN);
    for id in alert_ids {
        let alert = store
            .get_alert(id)
            .await?
            .ok_or_else(|| IncidentError::Invalid(format!("alert_ids: no alert `{id}`")))?;
        severities.push(alert.severity.clone());
        since_ms = since_ms.min(alert.time_ms - EVIDENCE_MARGIN_MS);
        until_ms = until_ms.max(alert.detected_ms + EVIDENCE_MARGIN_MS);
        // The body is the DESIGN.md alert JSON; `event_ids` are the client ids of its events.
        let body: Value = serde_json::from_str(&alert.body).unwrap_or_default();
        if let Some(ids) = body.get("event_ids").and_then(Value::as_array) {
            event_ids.extend(ids.iter().filter_map(Value::as_str).map(str::to_string));
        }
    }
    event_ids.sort();
    event_ids.dedup();
    let events = store
        .events_by_event_ids(&event_ids, since_ms, until_ms)
        .await?;
    Ok(Evidence {
        estimate: prefill::estimate(&events),
        max_severity: max_severity(severities.into_iter()),
    })
}

/// The highest severity among alerts, for an incident promoted without one.
pub fn max_severity(names: impl Iterator<Item = String>) -> Option<Severity> {
    names
        .filter_map(|s| serde_json::from_value::<Severity>(Value::String(s)).ok())
        .max()
}
