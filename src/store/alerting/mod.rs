//! Persistence of the alert lifecycle and of the notification outbox, kept apart from the core
//! [`Store`](super::Store) so the two concerns can grow without touching each other.
//!
//! [`AlertStore`] records findings and state changes; [`ReviewStore`] keeps feedback and silences;
//! [`OutboxStore`] is what the delivery workers need. Every method is one transaction: in particular an alert change and the outbox rows that
//! announce it commit together or not at all. Both traits are implemented for both backends by
//! the macros in `lifecycle.rs`, `review.rs` and `outbox.rs` (shared SQL, `$N` placeholders), on
//! top of the multi-row writers in `batch.rs` that `fold.rs` plans for. SQLite
//! transactions begin `IMMEDIATE`: a read-then-write transaction that starts deferred fails with
//! `SQLITE_BUSY` instead of waiting when another connection writes first.

pub(super) mod batch;
pub(super) mod fold;
pub(super) mod lifecycle;
pub(super) mod outbox;
pub(super) mod plan;
pub(super) mod review;
pub(super) mod rows;
mod types;

use async_trait::async_trait;

pub use types::*;

use super::StoreResult;

/// Alerts as a lifecycle: findings in, state changes, silences and feedback.
#[async_trait]
pub trait AlertStore: Send + Sync {
    /// Folds findings into alerts in one transaction: a detector alert id seen before is a replay
    /// (ignored); a finding whose fingerprint has an open alert updates it; otherwise a new alert
    /// is opened, with outbox rows for its receivers unless it is silenced or flapping.
    async fn record_findings(
        &self,
        findings: &[NewFinding],
        timing: &GroupTiming,
        now_ms: i64,
    ) -> StoreResult<Vec<FindingOutcome>>;
    /// Applies a state change if the alert is in one of `t.from`; returns the history id, or
    /// `None` when the alert does not exist or is not in an expected state.
    async fn transition(&self, t: &Transition) -> StoreResult<Option<i64>>;
    /// The lifecycle columns of one alert.
    async fn alert_state(&self, id: &str) -> StoreResult<Option<AlertState>>;
    /// Open alerts matching a sweep (auto-resolve, repeat, escalation).
    async fn sweep_candidates(&self, q: &Sweep, limit: i64) -> StoreResult<Vec<AlertState>>;
}

/// What people review and say about alerts: history, deliveries, feedback verdicts and silences.
#[async_trait]
pub trait ReviewStore: Send + Sync {
    async fn alert_history(&self, id: &str) -> StoreResult<Vec<HistoryEntry>>;
    async fn alert_deliveries(&self, id: &str) -> StoreResult<Vec<DeliveryEntry>>;
    /// Stores a verdict and its history entry together.
    async fn add_feedback(&self, feedback: &NewFeedback) -> StoreResult<()>;
    async fn alert_feedback(&self, id: &str) -> StoreResult<Vec<Feedback>>;
    /// False-positive verdicts about any of `actors`, to weigh new findings against.
    async fn false_positives(&self, actors: &[String]) -> StoreResult<Vec<Feedback>>;

    async fn insert_silence(&self, silence: &Silence) -> StoreResult<()>;
    /// Silences still in force at `now_ms` (or every silence with `include_expired`).
    async fn list_silences(&self, now_ms: i64, include_expired: bool) -> StoreResult<Vec<Silence>>;
    /// Ends a silence now; `false` if unknown or already over.
    async fn expire_silence(&self, id: &str, now_ms: i64) -> StoreResult<bool>;
}

/// What the delivery workers need from the store.
#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Leases due rows until `lease_until_ms`, fixing a batch for rows that had none (one batch per
    /// receiver and group). Rows leased by another worker are skipped.
    async fn claim_outbox(
        &self,
        now_ms: i64,
        lease_until_ms: i64,
        limit: i64,
    ) -> StoreResult<Vec<OutboxItem>>;
    /// Records one attempt of a batch: the log rows and the rows' new state, in one transaction.
    async fn finish_attempt(&self, attempt: &Attempt) -> StoreResult<()>;
    /// The earliest `next_attempt_ms` of a pending row, to sleep exactly until then.
    async fn next_outbox_due(&self) -> StoreResult<Option<i64>>;
    /// Pending rows and the oldest pending creation time, per receiver.
    async fn outbox_backlog(&self) -> StoreResult<Vec<Backlog>>;
}
