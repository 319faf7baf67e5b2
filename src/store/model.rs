//! Rows as the service moves them in and out of the store, independent of the backend.

use detectors::{ActorType, Outcome};
use serde::Serialize;

/// A validated event ready to be stored. Strings are owned because the event crosses the
/// writer channel; JSON-shaped fields are already serialized text.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    /// xxh3-64 of `event_id`, the dedup key; `None` when the client sent no id.
    pub eid_hash: Option<i64>,
    pub event_id: Option<String>,
    pub ts_ms: i64,
    pub actor: String,
    pub actor_type: ActorType,
    pub actor_group: Option<String>,
    pub action: String,
    pub resource: String,
    pub records: i64,
    pub bytes: Option<i64>,
    pub outcome: Outcome,
    pub sensitivity: Option<String>,
    /// JSON array of jurisdiction codes.
    pub jurisdictions: Option<String>,
    pub source_ip: Option<String>,
    pub region: Option<String>,
    /// JSON object, kept as the client sent it.
    pub attributes: Option<String>,
}

impl NewEvent {
    /// The view the detectors consume.
    pub fn as_detector_event(&self) -> detectors::Event<'_> {
        detectors::Event {
            time_ms: self.ts_ms,
            event_id: self.event_id.as_deref(),
            actor: &self.actor,
            actor_type: self.actor_type,
            actor_group: self.actor_group.as_deref(),
            action: &self.action,
            resource: &self.resource,
            records: u64::try_from(self.records).unwrap_or(0),
            bytes: self.bytes.and_then(|b| u64::try_from(b).ok()).unwrap_or(0),
            outcome: self.outcome,
            sensitivity: self.sensitivity.as_deref(),
            source_ip: self.source_ip.as_deref(),
            region: self.region.as_deref(),
        }
    }
}

/// An actor seen for the first time by this process, recorded beside its first events.
#[derive(Debug, Clone, PartialEq)]
pub struct NewActor {
    pub name: String,
    pub actor_type: ActorType,
    pub actor_group: Option<String>,
    pub first_seen_ms: i64,
}

/// One group commit: events of several requests and the actors they introduce.
#[derive(Debug, Default, Clone)]
pub struct EventBatch {
    pub events: Vec<NewEvent>,
    pub new_actors: Vec<NewActor>,
    pub received_ms: i64,
}

/// What one group commit wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Appended {
    /// Aligned with the batch: `true` when the event was stored now, `false` for a duplicate.
    pub inserted: Vec<bool>,
    /// Smallest and largest id written, `None` when every event was a duplicate.
    pub ids: Option<(i64, i64)>,
}

/// An event as stored, with its position in the log.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    pub id: i64,
    pub received_ms: i64,
    pub event: NewEvent,
}

/// What an API key may do. `Admin` implies every other scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Post events.
    Ingest,
    /// Read alerts, stats, incidents.
    Read,
    /// Everything, including keys and configuration.
    Admin,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Ingest => "ingest",
            Scope::Read => "read",
            Scope::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ingest" => Some(Scope::Ingest),
            "read" => Some(Scope::Read),
            "admin" => Some(Scope::Admin),
            _ => None,
        }
    }

    /// Whether a key of this scope may use a route that requires `needed`.
    pub fn allows(self, needed: Scope) -> bool {
        self == Scope::Admin || self == needed
    }
}

/// A key to store: only its hash is kept.
#[derive(Debug, Clone)]
pub struct NewApiKey {
    pub name: String,
    pub key_hash: String,
    pub scope: Scope,
    pub created_ms: i64,
}

/// A stored key, as `keys list` shows it and auth checks it.
#[derive(Debug, Clone, Serialize)]
pub struct ApiKey {
    pub name: String,
    pub scope: Scope,
    pub created_ms: i64,
    pub revoked_ms: Option<i64>,
}

/// Counts an operator checks at a glance (`GET /v1/stats`).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Stats {
    pub events_stored: i64,
    pub actors_tracked: i64,
    pub alerts_open: i64,
    pub incidents_open: i64,
    pub outbox_pending: i64,
    /// Stored events the detection engine has not processed yet (its lag).
    pub events_pending_detection: i64,
}

pub(crate) fn actor_type_code(t: ActorType) -> i16 {
    match t {
        ActorType::User => 0,
        ActorType::Service => 1,
    }
}

pub(crate) fn actor_type_from_code(c: i16) -> ActorType {
    if c == 1 {
        ActorType::Service
    } else {
        ActorType::User
    }
}

pub(crate) fn outcome_code(o: Outcome) -> i16 {
    match o {
        Outcome::Success => 0,
        Outcome::Denied => 1,
        Outcome::Error => 2,
    }
}

pub(crate) fn outcome_from_code(c: i16) -> Outcome {
    match c {
        1 => Outcome::Denied,
        2 => Outcome::Error,
        _ => Outcome::Success,
    }
}

/// An alert as stored: the columns the API filters on, and the full alert JSON in `body`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertRecord {
    pub id: String,
    /// Detector family + actor + resource scope: what grouping and silences match on.
    pub fingerprint: String,
    pub actor: String,
    pub actor_group: Option<String>,
    pub detector: String,
    pub severity: String,
    pub score: f64,
    pub time_ms: i64,
    pub detected_ms: i64,
    /// `firing`, `acknowledged` or `resolved`.
    pub status: String,
    pub summary: String,
    /// The alert as JSON (the DESIGN.md shape).
    pub body: String,
    pub created_ms: i64,
    pub updated_ms: i64,
}

/// Which alerts to list; `before` is the paging cursor `(time_ms, id)` of the last alert seen.
#[derive(Debug, Clone, Default)]
pub struct AlertFilter {
    pub status: Option<String>,
    pub actor: Option<String>,
    pub detector: Option<String>,
    pub severity: Option<String>,
    pub since_ms: Option<i64>,
    pub until_ms: Option<i64>,
    pub before: Option<(i64, String)>,
    pub limit: i64,
}

/// The engine's detector state and the last event id it covers.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineState {
    pub cursor_id: i64,
    pub shards: i64,
    /// JSON of every shard's snapshot.
    pub snapshot: String,
}
