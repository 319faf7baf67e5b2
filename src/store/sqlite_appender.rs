//! SQLite event appends on one dedicated thread with its own rusqlite connection.
//!
//! Appends are the hot path: every accepted event is one row. Through sqlx each group commit was
//! a 17,000-parameter statement assembled, handed to sqlx's worker thread and compiled anew, plus a
//! lookup of every hash before the insert; the single SQLite writer thread was the bottleneck.
//! Here a cached prepared `INSERT ... ON CONFLICT (ts_ms, eid_hash) DO NOTHING` runs row by row in
//! one `BEGIN IMMEDIATE` transaction: the unique index answers the dedup question in the same B-tree
//! descent as the insert, and the verdict of each row is its change count. Other writers (alerts,
//! retention) keep using the sqlx pool and wait for the write lock through `busy_timeout`.

use super::dedup::IdRange;
use super::model::{actor_type_code, outcome_code, EventBatch, NewEvent};
use super::{Appended, StoreError, StoreResult};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::path::Path;
use std::sync::{mpsc, Arc};
use std::time::Duration;
use tokio::sync::oneshot;

const INSERT_HASHED: &str = "INSERT INTO events (received_ms, eid_hash, event_id, ts_ms, actor, \
     actor_type, actor_group, action, resource, records, bytes, outcome, sensitivity, \
     jurisdictions, source_ip, region, attributes) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17) \
     ON CONFLICT (ts_ms, eid_hash) DO NOTHING";
const STORED_ID: &str = "SELECT event_id FROM events WHERE ts_ms = ?1 AND eid_hash = ?2";
const INSERT_ACTOR: &str = "INSERT INTO actors (name, actor_type, actor_group, first_seen_ms) \
     VALUES (?1, ?2, ?3, ?4) ON CONFLICT (name) DO NOTHING";

struct Job {
    batch: Arc<EventBatch>,
    reply: oneshot::Sender<StoreResult<Appended>>,
}

/// Handle to the appender thread; the thread ends when the handle is dropped.
pub(super) struct Appender {
    jobs: mpsc::Sender<Job>,
}

impl Appender {
    /// Opens a second connection to the (already created and migrated) database file.
    pub fn open(path: &Path) -> StoreResult<Self> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "cache_size", -65_536)?;
        conn.pragma_update(None, "mmap_size", 268_435_456)?;
        let (jobs, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("sqlite-appender".into())
            .spawn(move || serve(conn, rx))
            .map_err(|source| StoreError::Thread { source })?;
        Ok(Self { jobs })
    }

    pub async fn append(&self, batch: Arc<EventBatch>) -> StoreResult<Appended> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job { batch, reply })
            .map_err(|_| StoreError::AppenderStopped)?;
        answer.await.map_err(|_| StoreError::AppenderStopped)?
    }
}

fn serve(mut conn: Connection, jobs: mpsc::Receiver<Job>) {
    while let Ok(Job { batch, reply }) = jobs.recv() {
        let result = append(&mut conn, &batch);
        // Give the batch back before answering, so the caller can take it out of its `Arc`.
        drop(batch);
        let _ = reply.send(result);
    }
}

fn append(conn: &mut Connection, batch: &EventBatch) -> StoreResult<Appended> {
    // IMMEDIATE: take the write lock first; a read-then-write transaction could not upgrade while
    // another connection writes.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut inserted = Vec::with_capacity(batch.events.len());
    let mut ids = IdRange::default();
    {
        let mut insert = tx.prepare_cached(INSERT_HASHED)?;
        let mut stored_id = tx.prepare_cached(STORED_ID)?;
        for e in &batch.events {
            let fresh = insert_row(&mut insert, batch.received_ms, e, e.eid_hash)? == 1;
            let stored = fresh
                || match stored_id
                    .query_row(params![e.ts_ms, e.eid_hash], |r| {
                        r.get::<_, Option<String>>(0)
                    })
                    .optional()?
                {
                    Some(id) if id == e.event_id => false,
                    // A genuine 64-bit collision: stored without a hash rather than lost.
                    _ => insert_row(&mut insert, batch.received_ms, e, None)? == 1,
                };
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

fn insert_row(
    insert: &mut rusqlite::CachedStatement<'_>,
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
