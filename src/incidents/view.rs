//! The JSON answered for incidents and their obligations (API, CLI, report): the stored document with its
//! id and times, and each obligation as the engine computed it plus what people recorded on it.

use serde_json::{json, Map, Value};

use super::model::Tracking;
use super::obligations;
use super::service::Loaded;
use crate::engine::record::rfc3339;
use crate::store::{IncidentRecord, ObligationRecord};

/// One line of a list.
pub fn summary(r: &IncidentRecord) -> Value {
    json!({
        "id": r.id, "title": r.title, "status": r.status, "severity": r.severity,
        "created_at": rfc3339(r.created_ms), "updated_at": rfc3339(r.updated_ms),
    })
}

/// An obligation: the engine's fields (DESIGN.md names), `state`, and the tracking fields.
pub fn obligation(o: &ObligationRecord) -> Value {
    let mut v: Map<String, Value> = serde_json::from_str(&o.computed).unwrap_or_default();
    v.insert("state".into(), Value::String(o.state.clone()));
    let tracking: Tracking = serde_json::from_str(&o.tracking).unwrap_or_default();
    if let Ok(Value::Object(t)) = serde_json::to_value(tracking) {
        v.extend(t.into_iter().filter(|(_, v)| !v.is_null()));
    }
    Value::Object(v)
}

/// The whole incident with its obligations and the notices the engine considered and found not owed.
pub fn incident(l: &Loaded) -> Value {
    let mut v = match serde_json::to_value(&l.incident) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    let not_required = obligations::compute(&l.incident, &l.obligations)
        .map(|o| o.not_required)
        .unwrap_or_default();
    let head = json!({
        "id": l.record.id,
        "version": l.record.version,
        "created_at": rfc3339(l.record.created_ms),
        "updated_at": rfc3339(l.record.updated_ms),
        "obligations": l.obligations.iter().map(obligation).collect::<Vec<_>>(),
        "not_required": not_required,
    });
    if let Value::Object(h) = head {
        v.extend(h);
    }
    Value::Object(v)
}
