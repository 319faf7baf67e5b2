//! The embedded SQLite store: a WAL file created on first run, `synchronous=FULL` so an acknowledged
//! event survives power loss. Group commit upstream keeps fsyncs to one per batch of requests.

use super::dedup::IdRange;
use super::migrations::{self, Migration};
use super::model::{actor_type_code, outcome_code, EventBatch};
use super::{Appended, StoreError, StoreResult};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{QueryBuilder, Row, Sqlite, SqlitePool};
use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

/// Rows per INSERT statement: 17 bound columns stay well under SQLite's 32,766 parameter limit.
const ROWS_PER_STATEMENT: usize = 1_000;

pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10))
            // The dedup index is random by nature: a 64 MiB page cache keeps its upper levels hot,
            // and memory-mapped reads spare a copy per page.
            .pragma("cache_size", "-65536")
            .pragma("mmap_size", "268435456")
            .foreign_keys(true);
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
            .connect_with(options)
            .await?;
        Ok(Self { pool })
    }

    /// Inserts the given events with plain multi-row INSERTs (duplicates were filtered before, and
    /// the single writer rules out races). Rowids of one statement are consecutive, so
    /// `last_insert_rowid` gives each statement's id range without returning a row per event.
    async fn insert_events(
        tx: &mut sqlx::Transaction<'_, Sqlite>,
        batch: &EventBatch,
        indices: &[usize],
        with_hash: bool,
    ) -> StoreResult<IdRange> {
        let mut ids = IdRange::default();
        for chunk in indices.chunks(ROWS_PER_STATEMENT) {
            let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
                "INSERT INTO events (received_ms, eid_hash, event_id, ts_ms, actor, actor_type, \
                 actor_group, action, resource, records, bytes, outcome, sensitivity, jurisdictions, \
                 source_ip, region, attributes) ",
            );
            q.push_values(chunk, |mut b, &i| {
                let e = &batch.events[i];
                b.push_bind(batch.received_ms)
                    .push_bind(if with_hash { e.eid_hash } else { None })
                    .push_bind(&e.event_id)
                    .push_bind(e.ts_ms)
                    .push_bind(&e.actor)
                    .push_bind(actor_type_code(e.actor_type))
                    .push_bind(&e.actor_group)
                    .push_bind(&e.action)
                    .push_bind(&e.resource)
                    .push_bind(e.records)
                    .push_bind(e.bytes)
                    .push_bind(outcome_code(e.outcome))
                    .push_bind(&e.sensitivity)
                    .push_bind(&e.jurisdictions)
                    .push_bind(&e.source_ip)
                    .push_bind(&e.region)
                    .push_bind(&e.attributes);
            });
            let last = q.build().execute(&mut **tx).await?.last_insert_rowid();
            ids.add(last - chunk.len() as i64 + 1, last);
        }
        Ok(ids)
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

    async fn append(&self, batch: &EventBatch) -> StoreResult<Appended> {
        // IMMEDIATE: take the write lock first (waiting out other writers with busy_timeout); a
        // read-then-write transaction could not upgrade while another connection writes.
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let hashed: Vec<usize> = (0..batch.events.len())
            .filter(|&i| batch.events[i].eid_hash.is_some())
            .collect();
        let stored = stored_event_ids(&mut tx, batch, &hashed).await?;
        let mut flags = vec![true; batch.events.len()];
        let (mut fresh, mut collided) = (Vec::new(), Vec::new());
        for (i, e) in batch.events.iter().enumerate() {
            match e.eid_hash.and_then(|h| stored.get(&h)) {
                Some(id) if *id == e.event_id => flags[i] = false,
                // A genuine 64-bit collision: stored without a hash rather than lost.
                Some(_) => collided.push(i),
                None => fresh.push(i),
            }
        }
        let mut ids = Self::insert_events(&mut tx, batch, &fresh, true).await?;
        ids.merge(Self::insert_events(&mut tx, batch, &collided, false).await?);
        for chunk in batch.new_actors.chunks(ROWS_PER_STATEMENT) {
            let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
                "INSERT INTO actors (name, actor_type, actor_group, first_seen_ms) ",
            );
            q.push_values(chunk, |mut b, a| {
                b.push_bind(&a.name)
                    .push_bind(actor_type_code(a.actor_type))
                    .push_bind(&a.actor_group)
                    .push_bind(a.first_seen_ms);
            });
            q.push(" ON CONFLICT (name) DO NOTHING");
            q.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(Appended {
            inserted: flags,
            ids: ids.range(),
        })
    }
}

/// The stored `event_id` for each of the batch's hashes already in the table (usually none).
async fn stored_event_ids(
    tx: &mut sqlx::Transaction<'_, Sqlite>,
    batch: &EventBatch,
    hashed: &[usize],
) -> StoreResult<HashMap<i64, Option<String>>> {
    let mut stored = HashMap::new();
    for chunk in hashed.chunks(ROWS_PER_STATEMENT) {
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new("SELECT eid_hash, event_id FROM events WHERE eid_hash IN (");
        let mut list = q.separated(", ");
        for &i in chunk {
            list.push_bind(batch.events[i].eid_hash);
        }
        q.push(")");
        for r in q.build().fetch_all(&mut **tx).await? {
            stored.insert(r.try_get(0)?, r.try_get(1)?);
        }
    }
    Ok(stored)
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
