//! PagerDuty Events API v2: one event per alert change with `dedup_key` = alert id, so a resolve or
//! acknowledge in accesswatch closes or acknowledges the same PagerDuty incident.

use serde_json::{json, Value};

use super::message::{Item, Notification};
use super::slack::truncate;

pub fn event(n: &Notification, item: &Item, routing_key: &str) -> Value {
    let action = match item.kind.as_str() {
        "resolved" => "resolve",
        "acknowledged" => "acknowledge",
        _ => "trigger",
    };
    if action != "trigger" {
        return json!({
            "routing_key": routing_key,
            "event_action": action,
            "dedup_key": item.alert.id,
        });
    }
    let severity = match item.alert.severity.as_str() {
        "critical" => "critical",
        "high" => "error",
        "medium" => "warning",
        _ => "info",
    };
    json!({
        "routing_key": routing_key,
        "event_action": "trigger",
        "dedup_key": item.alert.id,
        "client": "accesswatch",
        "client_url": n.link(&item.alert.id),
        "payload": {
            "summary": truncate(&format!("{} — {}", item.alert.summary, item.sentence()), 1024),
            "source": item.alert.actor,
            "severity": severity,
            "timestamp": item.body["time"],
            "component": item.resources(),
            "group": item.alert.actor_group.clone().unwrap_or_default(),
            "class": item.alert.detector,
            "custom_details": {
                "score": item.alert.score,
                "evidence": item.body["evidence"],
                "change": item.kind,
            },
        },
        "links": [{"href": n.link(&item.alert.id), "text": "Alert in accesswatch"}],
    })
}
