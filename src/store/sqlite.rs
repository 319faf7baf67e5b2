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

    async fn insert_events(
        tx: &mut sqlx::Transaction<'_, Sqlite>,
        batch: &EventBatch,
        indices: &[usize],
        with_hash: bool,
    ) -> StoreResult<Vec<(i64, Option<i64>)>> {
        let mut returned = Vec::with_capacity(indices.len());
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
            q.push(" ON CONFLICT (eid_hash) DO NOTHING RETURNING id, eid_hash");
            for r in q.build().fetch_all(&mut **tx).await? {
                returned.push((r.try_get(0)?, r.try_get(1)?));
            }
        }
        Ok(returned)
    }
}

super::shared::impl_store!(SqliteStore, Sqlite, "sqlite");
super::incidents::impl_incident_store!(SqliteStore, Sqlite);
super::alerting::lifecycle::impl_alert_store!(SqliteStore, Sqlite, "BEGIN IMMEDIATE");
super::alerting::outbox::impl_outbox_store!(SqliteStore, Sqlite, "BEGIN IMMEDIATE");

impl SqliteStore {
    async fn apply_migrations(&self) -> StoreResult<Vec<String>> {
        apply(&self.pool, migrations::SQLITE).await
    }

    async fn append(&self, batch: &EventBatch) -> StoreResult<Appended> {
        let mut tx = self.pool.begin().await?;
        let all: Vec<usize> = (0..batch.events.len()).collect();
        let returned = Self::insert_events(&mut tx, batch, &all, true).await?;
        let mut ids = IdRange::of(&returned);
        let inserted = super::dedup::resolve_conflicts(batch, &returned);
        let mut flags = inserted.flags;
        if !inserted.check.is_empty() {
            let collided = collisions(&mut tx, batch, &inserted.check).await?;
            ids.extend(&Self::insert_events(&mut tx, batch, &collided, false).await?);
            for i in collided {
                flags[i] = true;
            }
        }
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

/// Of the events whose hash was already stored, those whose stored `event_id` differs: a genuine
/// 64-bit collision. They are stored without a hash rather than lost.
async fn collisions(
    tx: &mut sqlx::Transaction<'_, Sqlite>,
    batch: &EventBatch,
    check: &[usize],
) -> StoreResult<Vec<usize>> {
    let mut stored: HashMap<i64, Option<String>> = HashMap::new();
    for chunk in check.chunks(ROWS_PER_STATEMENT) {
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
    Ok(super::dedup::differing(batch, check, &stored))
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
