//! The rows one batch of findings writes, as `fold` plans them and `batch` writes them: alerts
//! opened, alerts updated, history, outbox. Plain data, so the planning is tested without a database.

use super::types::FindingOutcome;
use crate::store::AlertRecord;

/// An alert opened by the batch. Later findings of the batch may have raised it already.
#[derive(Debug, Clone, PartialEq)]
pub(in crate::store) struct NewAlert {
    pub record: AlertRecord,
    pub group_key: String,
    /// JSON array, as stored.
    pub receivers: String,
    pub occurrences: i64,
    pub silenced_by: Option<String>,
    pub flapping: bool,
    pub last_notified_ms: i64,
}

/// What the batch does to an alert that was open before it.
#[derive(Debug, Clone, PartialEq)]
pub(in crate::store) struct AlertUpdate {
    pub id: String,
    /// Findings folded in.
    pub occurrences: i64,
    /// The last severity raise: the alert takes this finding's severity and evidence.
    pub raised: Option<Raise>,
}

#[derive(Debug, Clone, PartialEq)]
pub(in crate::store) struct Raise {
    pub severity: String,
    pub score: f64,
    pub summary: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq)]
pub(in crate::store) struct HistoryRow {
    pub alert_id: String,
    pub at_ms: i64,
    pub who: String,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub note: Option<String>,
}

/// One notification owed to a receiver about the change `history[change]`.
#[derive(Debug, Clone, PartialEq)]
pub(in crate::store) struct OutboxRow {
    pub change: usize,
    pub alert_id: String,
    pub receiver: String,
    pub group_key: String,
    pub kind: String,
}

/// Everything one batch writes, in the order one call per finding would have written it.
#[derive(Debug, Default, PartialEq)]
pub(in crate::store) struct Plan {
    pub outcomes: Vec<FindingOutcome>,
    pub opened: Vec<NewAlert>,
    pub updated: Vec<AlertUpdate>,
    pub history: Vec<HistoryRow>,
    pub outbox: Vec<OutboxRow>,
    /// (occurrence id, alert id) of findings folded into an open alert: their occurrence rows were
    /// written pointing at themselves before it was known.
    pub repointed: Vec<(String, String)>,
}
