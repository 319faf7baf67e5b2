//! Persistence behind one `Store` trait: SQLite (embedded default) and PostgreSQL (scale).
//!
//! Each method is one unit of work (its own transaction); transactions never cross the trait.
//! The backend is chosen by the database URL scheme in [`open`].

pub(crate) mod alerting;
mod dedup;
mod incident_model;
pub(crate) mod incident_row;
mod incidents;
mod migrations;
mod model;
mod postgres;
pub(crate) mod row;
mod shared;
mod sqlite;
mod sqlite_conn;
mod sqlite_events;

use async_trait::async_trait;
use std::sync::Arc;

pub use alerting::{
    severity_rank, AlertState, AlertStore, Attempt, AttemptResult, Backlog, DeliveryEntry,
    Feedback, FindingOutcome, GroupTiming, HistoryEntry, Matchers, NewFeedback, NewFinding,
    OutboxItem, OutboxStore, ReviewStore, Silence, Sweep, Transition,
};
pub use incident_model::{
    audit_hash, AuditRecord, IncidentChange, IncidentFilter, IncidentRecord, NewAudit, NewReminder,
    ObligationRecord, ObligationUpsert, ReminderRecord, GENESIS_HASH,
};
pub use incidents::IncidentStore;
pub use migrations::{Migration, POSTGRES as POSTGRES_MIGRATIONS, SQLITE as SQLITE_MIGRATIONS};
pub use model::{
    AlertFilter, AlertRecord, ApiKey, Appended, EngineState, EventBatch, NewActor, NewApiKey,
    NewEvent, Scope, Stats, StoredEvent,
};
pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// What can go wrong in the store, typed so callers can map it (conflict → 409, unavailable → 503).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("{0} already exists")]
    Conflict(String),
    #[error("unsupported database URL `{0}`: use sqlite://PATH or postgres://...")]
    UnsupportedUrl(String),
    #[error("database error: {0}")]
    Embedded(#[from] rusqlite::Error),
    #[error("a SQLite connection thread has stopped")]
    ConnThreadStopped,
    #[error("cannot start a SQLite connection thread: {source}")]
    Thread { source: std::io::Error },
    #[error("cannot create the database directory {path}: {source}")]
    CreateDir {
        path: String,
        source: std::io::Error,
    },
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Everything the service keeps. Implemented once per backend; the contract tests run on both.
#[async_trait]
pub trait Store:
    IncidentStore + AlertStore + ReviewStore + OutboxStore + Send + Sync + 'static
{
    /// `sqlite` or `postgres`, for logs and `/readyz`.
    fn backend(&self) -> &'static str;
    /// Applies pending migrations; returns the names applied now.
    async fn migrate(&self) -> StoreResult<Vec<String>>;
    /// Cheap round trip for readiness.
    async fn ping(&self) -> StoreResult<()>;

    /// Stores a group commit in one transaction: whether each event was inserted (`false`: an
    /// event with the same `event_id` and time was already stored) and the ids written.
    /// The caller guarantees no two events of the batch share a `(ts_ms, eid_hash)`.
    async fn append_events(&self, batch: Arc<EventBatch>) -> StoreResult<Appended>;
    /// Names of every actor ever stored.
    async fn known_actors(&self) -> StoreResult<Vec<String>>;
    /// Events with `id > after_id` in id order, at most `limit`.
    async fn events_after(&self, after_id: i64, limit: i64) -> StoreResult<Vec<StoredEvent>>;
    async fn count_events(&self) -> StoreResult<i64>;
    /// Records read by `actor` per hour (`(hour start ms, records)`) in `[since_ms, until_ms)`.
    async fn actor_hourly_records(
        &self,
        actor: &str,
        since_ms: i64,
        until_ms: i64,
    ) -> StoreResult<Vec<(i64, i64)>>;
    /// Deletes expired events: among the `limit` oldest events with `id <= max_id`, those received
    /// before `received_before_ms`. Returns how many went (fewer than `limit`: nothing older is left).
    async fn delete_events_before(
        &self,
        received_before_ms: i64,
        max_id: i64,
        limit: i64,
    ) -> StoreResult<u64>;
    /// `(eid_hash, received_ms)` of hashed events received since `since_received_ms`, among the
    /// last `limit` stored, in the order they were stored (the writer's dedup window after a restart).
    async fn recent_event_hashes(
        &self,
        since_received_ms: i64,
        limit: i64,
    ) -> StoreResult<Vec<(i64, i64)>>;
    /// Events with `id > after_id` (the detection engine's lag behind its cursor).
    async fn count_events_after(&self, after_id: i64) -> StoreResult<i64>;

    async fn insert_api_key(&self, key: &NewApiKey) -> StoreResult<()>;
    async fn find_api_key(&self, key_hash: &str) -> StoreResult<Option<ApiKey>>;
    async fn list_api_keys(&self) -> StoreResult<Vec<ApiKey>>;
    /// Marks the named key revoked; `false` if no active key has that name.
    async fn revoke_api_key(&self, name: &str, at_ms: i64) -> StoreResult<bool>;

    /// Stores alerts, skipping ids already stored; returns which were new.
    async fn insert_alerts(&self, alerts: &[AlertRecord]) -> StoreResult<Vec<bool>>;
    /// Alerts matching the filter, newest first.
    async fn list_alerts(&self, filter: &AlertFilter) -> StoreResult<Vec<AlertRecord>>;
    async fn get_alert(&self, id: &str) -> StoreResult<Option<AlertRecord>>;

    /// The engine's last detector-state snapshot, if any.
    async fn load_engine_state(&self) -> StoreResult<Option<EngineState>>;
    async fn save_engine_state(&self, state: &EngineState) -> StoreResult<()>;

    async fn stats(&self) -> StoreResult<Stats>;
}

/// Opens the store the URL names and applies migrations.
pub async fn open(url: &str) -> StoreResult<Arc<dyn Store>> {
    let store: Arc<dyn Store> = if url.starts_with("sqlite:") {
        Arc::new(SqliteStore::connect(url).await?)
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Arc::new(PgStore::connect(url).await?)
    } else {
        return Err(StoreError::UnsupportedUrl(redact_url(url)));
    };
    store.migrate().await?;
    Ok(store)
}

/// The URL with any password replaced, safe for logs and errors.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &userinfo[..colon],
                    &url[at..]
                ),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Maps a unique-key violation to `Conflict(what)`, everything else to `Database`.
pub(crate) fn conflict_or(err: sqlx::Error, what: impl Into<String>) -> StoreError {
    match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(what.into()),
        _ => StoreError::Database(err),
    }
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn passwords_in_database_urls_are_redacted() {
        assert_eq!(
            redact_url("postgres://aw:s3cret@db:5432/aw"),
            "postgres://aw:***@db:5432/aw"
        );
        assert_eq!(redact_url("postgres://aw@db/aw"), "postgres://aw@db/aw");
        assert_eq!(redact_url("sqlite://data/a.db"), "sqlite://data/a.db");
    }
}
