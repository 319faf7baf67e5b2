//! The embedded SQLite store: a WAL file created on first run, `synchronous=FULL` so an acknowledged
//! event survives power loss. Group commit upstream keeps fsyncs to one per batch of requests.
//! Everything goes through the sqlx pool but the hot event paths, appending and reading back, which
//! run on rusqlite connections of their own (`sqlite_events`).

use super::migrations::{self, Migration};
use super::model::EventBatch;
use super::sqlite_conn::ConnThread;
use super::sqlite_events;
use super::{Appended, StoreError, StoreResult, StoredEvent};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{Sqlite, SqlitePool};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// Pragmas of every connection, the sqlx pool's and the rusqlite threads' alike: WAL, `FULL`
/// fsyncs, a 64 MiB page cache that keeps the indexes' upper levels hot, and memory-mapped reads
/// that spare a copy per page.
pub(super) const PRAGMAS: &[(&str, &str)] = &[
    ("journal_mode", "WAL"),
    ("synchronous", "FULL"),
    ("cache_size", "-65536"),
    ("mmap_size", "268435456"),
];

/// How long a connection waits for another's write lock.
pub(super) const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

pub struct SqliteStore {
    pool: SqlitePool,
    /// Appends events (the only writer of the events table but for retention).
    appender: ConnThread,
    /// Reads events back for the detection engine, beside the appender (WAL readers do not block).
    reader: ConnThread,
}

impl SqliteStore {
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let options = PRAGMAS.iter().fold(
            SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .busy_timeout(BUSY_TIMEOUT)
                .foreign_keys(true),
            |options, &(name, value)| options.pragma(name, value),
        );
        if let Some(parent) = options.get_filename().parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent).map_err(|source| StoreError::CreateDir {
                    path: parent.display().to_string(),
                    source,
                })?;
            }
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options.clone())
            .await?;
        let path = options.get_filename();
        Ok(Self {
            pool,
            appender: ConnThread::open(path, "sqlite-appender")?,
            reader: ConnThread::open(path, "sqlite-reader")?,
        })
    }
}

super::shared::impl_store!(SqliteStore, Sqlite, "sqlite");
super::incidents::impl_incident_store!(SqliteStore, Sqlite);
super::alerting::batch::impl_alert_batch!(
    SqliteStore,
    Sqlite,
    super::alerting::batch::SQLITE_HISTORY_IDS
);
super::alerting::lifecycle::impl_alert_store!(SqliteStore, Sqlite, "BEGIN IMMEDIATE");
super::alerting::review::impl_review_store!(SqliteStore, Sqlite, "BEGIN IMMEDIATE");
super::alerting::outbox::impl_outbox_store!(SqliteStore, Sqlite, "BEGIN IMMEDIATE");

impl SqliteStore {
    async fn apply_migrations(&self) -> StoreResult<Vec<String>> {
        apply(&self.pool, migrations::SQLITE).await
    }

    async fn append(&self, batch: Arc<EventBatch>) -> StoreResult<Appended> {
        self.appender
            .run(move |conn| sqlite_events::append(conn, &batch))
            .await
    }

    async fn read_events_after(&self, after_id: i64, limit: i64) -> StoreResult<Vec<StoredEvent>> {
        self.reader
            .run(move |conn| sqlite_events::events_after(conn, after_id, limit))
            .await
    }
}

async fn apply(pool: &SqlitePool, list: &[Migration]) -> StoreResult<Vec<String>> {
    sqlx::query(migrations::CREATE_TABLE).execute(pool).await?;
    let done: Vec<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations")
        .fetch_all(pool)
        .await?;
    let mut applied = Vec::new();
    for m in list {
        if done.contains(&m.version) {
            continue;
        }
        let mut tx = pool.begin().await?;
        sqlx::Executor::execute(&mut *tx, m.sql).await?;
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, applied_ms) VALUES ($1, $2, $3)",
        )
        .bind(m.version)
        .bind(m.name)
        .bind(chrono::Utc::now().timestamp_millis())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        applied.push(m.name.to_string());
    }
    Ok(applied)
}
