//! Encoding events in the native wire schema, for producers inside accesswatch: the simulator's
//! `events.ndjson`, the load generator and tests. The inverse of `wire.rs`.

use detectors::{ActorType, Outcome, OwnedEvent};
use serde::Serialize;

use crate::engine::record::rfc3339;

/// An event in the native wire schema of DESIGN.md, omitting defaults.
#[derive(Serialize)]
pub struct WireOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    event_id: Option<&'a str>,
    time: String,
    actor: &'a str,
    #[serde(skip_serializing_if = "is_user")]
    actor_type: ActorType,
    #[serde(skip_serializing_if = "Option::is_none")]
    actor_group: Option<&'a str>,
    action: &'a str,
    resource: &'a str,
    records: u64,
    #[serde(skip_serializing_if = "is_zero")]
    bytes: u64,
    #[serde(skip_serializing_if = "is_success")]
    outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    sensitivity: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_ip: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
}

fn is_user(t: &ActorType) -> bool {
    *t == ActorType::User
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn is_success(o: &Outcome) -> bool {
    *o == Outcome::Success
}

/// `e` as producers send it to `POST /v1/events` (serialize the result as one JSON object).
pub fn encode_event(e: &OwnedEvent) -> WireOut<'_> {
    WireOut {
        event_id: e.event_id.as_deref(),
        time: rfc3339(e.time_ms),
        actor: &e.actor,
        actor_type: e.actor_type,
        actor_group: e.actor_group.as_deref(),
        action: &e.action,
        resource: &e.resource,
        records: e.records,
        bytes: e.bytes,
        outcome: e.outcome,
        sensitivity: e.sensitivity.as_deref(),
        source_ip: e.source_ip.as_deref(),
        region: e.region.as_deref(),
    }
}
