//! The access event as the detectors see it: borrowed, already validated, times in epoch milliseconds.
//!
//! The service parses and validates the wire format (`POST /v1/events`, NDJSON replay) and hands the
//! detectors this view, so the hot path never allocates for strings it only compares or hashes.

use serde::{Deserialize, Serialize};

/// Who performed the access: a person or a machine identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActorType {
    #[default]
    User,
    Service,
}

impl ActorType {
    /// The peer group of actors of this type without `actor_group`: all of them.
    pub fn implicit_group(self) -> &'static str {
        match self {
            ActorType::User => "(users without a group)",
            ActorType::Service => "(services without a group)",
        }
    }
}

/// How the access ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    #[default]
    Success,
    Denied,
    Error,
}

/// One data-access event, borrowed from the caller's buffer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Event<'a> {
    /// Event time, epoch milliseconds UTC. Detectors never read a clock.
    pub time_ms: i64,
    pub event_id: Option<&'a str>,
    pub actor: &'a str,
    pub actor_type: ActorType,
    /// Peer group (team, role). Without one, the actor's peers are all actors of its type without
    /// one (see [`Event::peer_group`]).
    pub actor_group: Option<&'a str>,
    pub action: &'a str,
    pub resource: &'a str,
    pub records: u64,
    pub bytes: u64,
    pub outcome: Outcome,
    /// `public`, `internal`, `pii`, `financial`, `health`, `credentials`, ...
    pub sensitivity: Option<&'a str>,
    pub source_ip: Option<&'a str>,
    pub region: Option<&'a str>,
}

impl<'a> Event<'a> {
    /// The group the actor is judged with: `actor_group`, or [`ActorType::implicit_group`].
    pub fn peer_group(&self) -> &'a str {
        self.actor_group.unwrap_or(self.actor_type.implicit_group())
    }
}

/// An owned event, for producers (the simulator) and tests.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct OwnedEvent {
    pub time_ms: i64,
    pub event_id: Option<String>,
    pub actor: String,
    pub actor_type: ActorType,
    pub actor_group: Option<String>,
    pub action: String,
    pub resource: String,
    pub records: u64,
    pub bytes: u64,
    pub outcome: Outcome,
    pub sensitivity: Option<String>,
    pub source_ip: Option<String>,
    pub region: Option<String>,
}

impl OwnedEvent {
    /// The borrowed view the detectors consume.
    pub fn as_event(&self) -> Event<'_> {
        Event {
            time_ms: self.time_ms,
            event_id: self.event_id.as_deref(),
            actor: &self.actor,
            actor_type: self.actor_type,
            actor_group: self.actor_group.as_deref(),
            action: &self.action,
            resource: &self.resource,
            records: self.records,
            bytes: self.bytes,
            outcome: self.outcome,
            sensitivity: self.sensitivity.as_deref(),
            source_ip: self.source_ip.as_deref(),
            region: self.region.as_deref(),
        }
    }
}
