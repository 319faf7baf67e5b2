//! The SQLite store's hot event paths, run on rusqlite connections of their own ([`ConnThread`]s).
//!
//! Appends: a cached prepared `INSERT ... ON CONFLICT (ts_ms, eid_hash) DO NOTHING` runs row by row
//! in one `BEGIN IMMEDIATE` transaction. The unique index answers the dedup question in the same
//! B-tree descent as the insert, and each row's verdict is its change count; sqlx instead built,
//! shipped and compiled a 17,000-parameter statement per commit, after looking every hash up.
//! Re-reading events (the detection engine catching up) decodes columns by position straight into
//! owned rows: through sqlx it managed ~140k events/s and the engine fell ever further behind a
//! faster ingest (docs/BENCHMARKS.md). Other writers (alerts,
//! retention) keep the sqlx pool and wait for the write lock through `busy_timeout`.
//!
//! [`ConnThread`]: super::sqlite_conn::ConnThread

use super::dedup::IdRange;
use super::model::{
    actor_type_code, actor_type_from_code, outcome_code, outcome_from_code, EventBatch, NewEvent,
    StoredEvent,
};
use super::row::EVENT_COLUMNS;
use super::{Appended, StoreResult};
use rusqlite::{params, CachedStatement, Connection, OptionalExtension, Row, TransactionBehavior};

const INSERT_HASHED: &str = "INSERT INTO events (received_ms, eid_hash, event_id, ts_ms, actor, \
     actor_type, actor_group, action, resource, records, bytes, outcome, sensitivity, \
     jurisdictions, source_ip, region, attributes) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17) \
     ON CONFLICT (ts_ms, eid_hash) DO NOTHING";
const STORED_ID: &str = "SELECT event_id FROM events WHERE ts_ms = ?1 AND eid_hash = ?2";
const INSERT_ACTOR: &str = "INSERT INTO actors (name, actor_type, actor_group, first_seen_ms) \
     VALUES (?1, ?2, ?3, ?4) ON CONFLICT (name) DO NOTHING";

pub(super) fn append(conn: &mut Connection, batch: &EventBatch) -> StoreResult<Appended> {
    // IMMEDIATE: take the write lock first; a read-then-write transaction could not upgrade while
    // another connection writes.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut inserted = Vec::with_capacity(batch.events.len());
    let mut ids = IdRange::default();
    {
        let mut insert = tx.prepare_cached(INSERT_HASHED)?;
        let mut stored_id = tx.prepare_cached(STORED_ID)?;
        for e in &batch.events {
            // A genuine 64-bit collision is stored without a hash rather than lost.
            let stored = insert_row(&mut insert, batch.received_ms, e, e.eid_hash)? == 1
                || (collides(&mut stored_id, e)?
                    && insert_row(&mut insert, batch.received_ms, e, None)? == 1);
            if stored {
                let id = tx.last_insert_rowid();
                ids.add(id, id);
            }
            inserted.push(stored);
        }
        let mut actor = tx.prepare_cached(INSERT_ACTOR)?;
        for a in &batch.new_actors {
            actor.execute(params![
                a.name,
                actor_type_code(a.actor_type),
                a.actor_group,
                a.first_seen_ms
            ])?;
        }
    }
    tx.commit()?;
    Ok(Appended {
        inserted,
        ids: ids.range(),
    })
}

/// Whether the row stored under `e`'s key, `(ts_ms, eid_hash)`, carries another `event_id`.
fn collides(stored_id: &mut CachedStatement<'_>, e: &NewEvent) -> rusqlite::Result<bool> {
    let stored: Option<Option<String>> = stored_id
        .query_row(params![e.ts_ms, e.eid_hash], |r| r.get(0))
        .optional()?;
    Ok(stored.as_ref() != Some(&e.event_id))
}

fn insert_row(
    insert: &mut CachedStatement<'_>,
    received_ms: i64,
    e: &NewEvent,
    eid_hash: Option<i64>,
) -> rusqlite::Result<usize> {
    insert.execute(params![
        received_ms,
        eid_hash,
        e.event_id,
        e.ts_ms,
        e.actor,
        actor_type_code(e.actor_type),
        e.actor_group,
        e.action,
        e.resource,
        e.records,
        e.bytes,
        outcome_code(e.outcome),
        e.sensitivity,
        e.jurisdictions,
        e.source_ip,
        e.region,
        e.attributes,
    ])
}

/// Up to `limit` events with ids above `after_id`, in id order.
pub(super) fn events_after(
    conn: &mut Connection,
    after_id: i64,
    limit: i64,
) -> StoreResult<Vec<StoredEvent>> {
    let sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE id > ?1 ORDER BY id LIMIT ?2");
    let mut select = conn.prepare_cached(&sql)?;
    let rows = select.query_map([after_id, limit], stored_event)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Decodes a row of [`EVENT_COLUMNS`] by position.
fn stored_event(r: &Row<'_>) -> rusqlite::Result<StoredEvent> {
    Ok(StoredEvent {
        id: r.get(0)?,
        received_ms: r.get(1)?,
        event: NewEvent {
            eid_hash: r.get(2)?,
            event_id: r.get(3)?,
            ts_ms: r.get(4)?,
            actor: r.get(5)?,
            actor_type: actor_type_from_code(r.get(6)?),
            actor_group: r.get(7)?,
            action: r.get(8)?,
            resource: r.get(9)?,
            records: r.get(10)?,
            bytes: r.get(11)?,
            outcome: outcome_from_code(r.get(12)?),
            sensitivity: r.get(13)?,
            jurisdictions: r.get(14)?,
            source_ip: r.get(15)?,
            region: r.get(16)?,
            attributes: r.get(17)?,
        },
    })
}
