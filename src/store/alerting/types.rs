//! Rows of the alert lifecycle and the outbox, as they cross the store boundary.

use serde::Serialize;

use crate::store::AlertRecord;

/// A detector alert ready to be folded into the alert table.
#[derive(Debug, Clone)]
pub struct NewFinding {
    /// `record.id` is the detector alert's deterministic id, the replay guard.
    pub record: AlertRecord,
    pub group_key: String,
    /// Receivers the routing tree chose.
    pub receivers: Vec<String>,
    /// The silence that matched, if any: the alert is recorded but nothing is sent.
    pub silenced_by: Option<String>,
}

/// Grouping and flap-damping parameters, in milliseconds.
#[derive(Debug, Clone, Copy)]
pub struct GroupTiming {
    pub group_wait_ms: i64,
    pub group_interval_ms: i64,
    pub flap_window_ms: i64,
    /// Resolved alerts of one fingerprint within the window beyond which a new one is damped.
    pub flap_threshold: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FindingOutcome {
    /// The detector alert id was already folded in (events replayed after a restart).
    Replayed,
    Opened {
        alert_id: String,
        /// Outbox rows written.
        notified: usize,
        flapping: bool,
    },
    /// An open alert with the same fingerprint absorbed it; `raised`: its severity went up.
    Repeated { alert_id: String, raised: bool },
}

/// A state change with its audit entry and the notifications it owes.
#[derive(Debug, Clone)]
pub struct Transition {
    pub alert_id: String,
    /// Statuses the alert must be in for the change to apply.
    pub from: Vec<String>,
    pub to: String,
    pub who: String,
    /// `acknowledge`, `resolve`, `auto_resolve`, `escalate`, `repeat`.
    pub action: String,
    pub note: Option<String>,
    pub at_ms: i64,
    /// Receivers told about it now, with the outbox `kind`.
    pub notify: Vec<String>,
    pub kind: String,
    /// New escalation step, when escalating.
    pub escalation_step: Option<i64>,
}

impl Transition {
    /// The same change, telling `receivers` about it as a `kind` notification.
    pub fn notifying(mut self, receivers: Vec<String>, kind: &str) -> Self {
        self.notify = receivers;
        self.kind = kind.to_string();
        self
    }
}

/// The lifecycle columns of an alert.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertState {
    pub id: String,
    pub status: String,
    pub severity: String,
    pub group_key: String,
    pub receivers: Vec<String>,
    pub occurrences: i64,
    pub created_ms: i64,
    pub last_seen_ms: i64,
    pub silenced_by: Option<String>,
    pub flapping: bool,
    pub escalation_step: i64,
    pub last_notified_ms: i64,
    pub resolved_ms: Option<i64>,
}

/// Which open alerts a periodic sweep looks at.
#[derive(Debug, Clone)]
pub enum Sweep {
    /// Firing or acknowledged, no finding since `before_ms`.
    Quiet { before_ms: i64 },
    /// Firing, sent, unsilenced, last notified before `before_ms`.
    Repeat { before_ms: i64 },
    /// Firing at one of `severities`, at escalation `step`, opened before `before_ms`.
    Escalate {
        step: i64,
        before_ms: i64,
        severities: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryEntry {
    pub id: i64,
    pub at_ms: i64,
    pub who: String,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeliveryEntry {
    pub outbox_id: i64,
    pub receiver: String,
    pub attempt: i64,
    pub at_ms: i64,
    /// `sent`, `retry` or `dead`.
    pub outcome: String,
    pub status_code: Option<i64>,
    pub error: Option<String>,
    pub elapsed_ms: i64,
}

#[derive(Debug, Clone)]
pub struct NewFeedback {
    pub alert_id: String,
    pub detector: String,
    pub actor: String,
    /// `false_positive` or `true_positive`.
    pub verdict: String,
    pub reason: String,
    pub observed: f64,
    pub unit: String,
    pub author: String,
    pub at_ms: i64,
    /// The alert's status, kept unchanged in the history entry.
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Feedback {
    pub alert_id: String,
    pub detector: String,
    pub actor: String,
    pub verdict: String,
    pub reason: String,
    pub observed: f64,
    pub unit: String,
    pub author: String,
    pub at_ms: i64,
}

/// A silence: alerts matching every given matcher between start and end are recorded, not sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Silence {
    pub id: String,
    pub matchers: Matchers,
    pub starts_ms: i64,
    pub ends_ms: i64,
    pub author: String,
    pub comment: String,
    /// The API key (or `cli`) that created it.
    pub created_by: String,
    pub created_ms: i64,
}

/// Exact values (or a `prefix*`) an alert must carry; unset matchers match anything.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Matchers {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detector: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
}

/// A due outbox row with what a notification needs to say.
#[derive(Debug, Clone)]
pub struct OutboxItem {
    pub id: i64,
    pub batch_id: i64,
    pub receiver: String,
    pub group_key: String,
    /// `firing`, `update`, `repeat`, `escalation`, `acknowledged`, `resolved`.
    pub kind: String,
    pub attempts: i64,
    pub created_ms: i64,
    /// Who made the change (a key name, `accesswatch`, `detector:...`).
    pub who: String,
    pub alert: AlertRecord,
}

/// One delivery attempt of a batch and its consequence for the batch's rows.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub rows: Vec<(i64, String)>,
    pub receiver: String,
    pub attempt: i64,
    pub at_ms: i64,
    pub elapsed_ms: i64,
    pub status_code: Option<i64>,
    pub error: Option<String>,
    pub next: AttemptResult,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AttemptResult {
    Sent,
    RetryAt(i64),
    Dead,
}

impl AttemptResult {
    pub fn outcome(self) -> &'static str {
        match self {
            AttemptResult::Sent => "sent",
            AttemptResult::RetryAt(_) => "retry",
            AttemptResult::Dead => "dead",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Backlog {
    pub receiver: String,
    pub pending: i64,
    pub oldest_created_ms: Option<i64>,
}

/// Orders severities; unknown names rank lowest.
pub fn severity_rank(s: &str) -> u8 {
    match s {
        "critical" => 4,
        "high" => 3,
        "medium" => 2,
        "low" => 1,
        _ => 0,
    }
}
