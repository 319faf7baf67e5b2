//! The PostgreSQL store, for deployments that outgrow one file. Bulk inserts go through
//! `INSERT ... SELECT FROM UNNEST(arrays)`: one statement and 17 parameters for any batch size.

use super::dedup::{IdRange, Returned};
use super::migrations::{self, Migration};
use super::model::{actor_type_code, outcome_code, EventBatch};
use super::{Appended, StoreResult, StoredEvent};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::{Postgres, Row};
use std::collections::HashMap;
use std::sync::Arc;

const INSERT_EVENTS: &str = "INSERT INTO events (received_ms, eid_hash, event_id, ts_ms, actor, \
    actor_type, actor_group, action, resource, records, bytes, outcome, sensitivity, jurisdictions, \
    source_ip, region, attributes) \
    SELECT $1::bigint, * FROM UNNEST($2::bigint[], $3::text[], $4::bigint[], $5::text[], \
    $6::smallint[], $7::text[], $8::text[], $9::text[], $10::bigint[], $11::bigint[], $12::smallint[], \
    $13::text[], $14::text[], $15::text[], $16::text[], $17::text[]) \
    ON CONFLICT (ts_ms, eid_hash) DO NOTHING RETURNING id, ts_ms, eid_hash";

pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let pool = PgPoolOptions::new().max_connections(8).connect(url).await?;
        Ok(Self { pool })
    }

    async fn insert_events(
        tx: &mut sqlx::Transaction<'_, Postgres>,
        batch: &EventBatch,
        indices: &[usize],
        with_hash: bool,
    ) -> StoreResult<Vec<Returned>> {
        let rows: Vec<_> = indices.iter().map(|&i| &batch.events[i]).collect();
        let col = |f: fn(&super::NewEvent) -> Option<&str>| -> Vec<Option<&str>> {
            rows.iter().map(|e| f(e)).collect()
        };
        let returned = sqlx::query(INSERT_EVENTS)
            .bind(batch.received_ms)
            .bind(
                rows.iter()
                    .map(|e| if with_hash { e.eid_hash } else { None })
                    .collect::<Vec<_>>(),
            )
            .bind(col(|e| e.event_id.as_deref()))
            .bind(rows.iter().map(|e| e.ts_ms).collect::<Vec<_>>())
            .bind(rows.iter().map(|e| e.actor.as_str()).collect::<Vec<_>>())
            .bind(
                rows.iter()
                    .map(|e| actor_type_code(e.actor_type))
                    .collect::<Vec<_>>(),
            )
            .bind(col(|e| e.actor_group.as_deref()))
            .bind(rows.iter().map(|e| e.action.as_str()).collect::<Vec<_>>())
            .bind(rows.iter().map(|e| e.resource.as_str()).collect::<Vec<_>>())
            .bind(rows.iter().map(|e| e.records).collect::<Vec<_>>())
            .bind(rows.iter().map(|e| e.bytes).collect::<Vec<_>>())
            .bind(
                rows.iter()
                    .map(|e| outcome_code(e.outcome))
                    .collect::<Vec<_>>(),
            )
            .bind(col(|e| e.sensitivity.as_deref()))
            .bind(col(|e| e.jurisdictions.as_deref()))
            .bind(col(|e| e.source_ip.as_deref()))
            .bind(col(|e| e.region.as_deref()))
            .bind(col(|e| e.attributes.as_deref()))
            .fetch_all(&mut **tx)
            .await?;
        Ok(returned
            .iter()
            .map(|r| {
                Ok(Returned {
                    id: r.try_get(0)?,
                    ts_ms: r.try_get(1)?,
                    eid_hash: r.try_get(2)?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()?)
    }
}

super::shared::impl_store!(PgStore, Postgres, "postgres");
super::incidents::impl_incident_store!(PgStore, Postgres);
super::alerting::batch::impl_alert_batch!(
    PgStore,
    Postgres,
    super::alerting::batch::POSTGRES_HISTORY_IDS
);
super::alerting::lifecycle::impl_alert_store!(PgStore, Postgres, "BEGIN");
super::alerting::review::impl_review_store!(PgStore, Postgres, "BEGIN");
super::alerting::outbox::impl_outbox_store!(PgStore, Postgres, "BEGIN");

impl PgStore {
    async fn apply_migrations(&self) -> StoreResult<Vec<String>> {
        apply(&self.pool, migrations::POSTGRES).await
    }

    async fn read_events_after(&self, after_id: i64, limit: i64) -> StoreResult<Vec<StoredEvent>> {
        let sql = format!(
            "SELECT {} FROM events WHERE id > $1 ORDER BY id LIMIT $2",
            super::row::EVENT_COLUMNS
        );
        let rows = sqlx::query(&sql)
            .bind(after_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(super::row::stored_event)
            .collect::<Result<_, _>>()?)
    }

    async fn append(&self, batch: Arc<EventBatch>) -> StoreResult<Appended> {
        let batch = &*batch;
        let mut tx = self.pool.begin().await?;
        let all: Vec<usize> = (0..batch.events.len()).collect();
        let returned = Self::insert_events(&mut tx, batch, &all, true).await?;
        let mut ids = IdRange::of(&returned);
        let resolution = super::dedup::resolve_conflicts(batch, &returned);
        let mut flags = resolution.flags;
        if !resolution.check.is_empty() {
            let checked = resolution.check.iter().map(|&i| &batch.events[i]);
            let stored: HashMap<(i64, i64), Option<String>> = sqlx::query(
                "SELECT e.ts_ms, e.eid_hash, e.event_id FROM events e \
                 JOIN UNNEST($1::bigint[], $2::bigint[]) AS k(ts_ms, eid_hash) \
                 ON e.ts_ms = k.ts_ms AND e.eid_hash = k.eid_hash",
            )
            .bind(checked.clone().map(|e| e.ts_ms).collect::<Vec<_>>())
            .bind(checked.map(|e| e.eid_hash).collect::<Vec<_>>())
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| Ok(((r.try_get(0)?, r.try_get(1)?), r.try_get(2)?)))
            .collect::<Result<_, sqlx::Error>>()?;
            let collided = super::dedup::differing(batch, &resolution.check, &stored);
            if !collided.is_empty() {
                ids.extend(&Self::insert_events(&mut tx, batch, &collided, false).await?);
            }
            for i in collided {
                flags[i] = true;
            }
        }
        if !batch.new_actors.is_empty() {
            let a = &batch.new_actors;
            sqlx::query(
                "INSERT INTO actors (name, actor_type, actor_group, first_seen_ms) \
                 SELECT * FROM UNNEST($1::text[], $2::smallint[], $3::text[], $4::bigint[]) \
                 ON CONFLICT (name) DO NOTHING",
            )
            .bind(a.iter().map(|a| a.name.as_str()).collect::<Vec<_>>())
            .bind(
                a.iter()
                    .map(|a| actor_type_code(a.actor_type))
                    .collect::<Vec<_>>(),
            )
            .bind(
                a.iter()
                    .map(|a| a.actor_group.as_deref())
                    .collect::<Vec<_>>(),
            )
            .bind(a.iter().map(|a| a.first_seen_ms).collect::<Vec<_>>())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(Appended {
            inserted: flags,
            ids: ids.range(),
        })
    }
}

async fn apply(pool: &PgPool, list: &[Migration]) -> StoreResult<Vec<String>> {
    sqlx::query(migrations::CREATE_TABLE).execute(pool).await?;
    let mut applied = Vec::new();
    for m in list {
        let mut tx = pool.begin().await?;
        // Serialises concurrent starters: the second waits, then sees the version applied.
        sqlx::query("LOCK TABLE schema_migrations IN EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await?;
        let done: Option<i64> =
            sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                .bind(m.version)
                .fetch_optional(&mut *tx)
                .await?;
        if done.is_none() {
            sqlx::Executor::execute(&mut *tx, m.sql).await?;
            sqlx::query(
                "INSERT INTO schema_migrations (version, name, applied_ms) VALUES ($1, $2, $3)",
            )
            .bind(m.version)
            .bind(m.name)
            .bind(chrono::Utc::now().timestamp_millis())
            .execute(&mut *tx)
            .await?;
            applied.push(m.name.to_string());
        }
        tx.commit().await?;
    }
    Ok(applied)
}
