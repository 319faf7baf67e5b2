//! The single event writer: group commit of concurrent requests.
//!
//! Requests hand their validated events to one task, which drains whatever else is queued (up to
//! `max_commit_events`) and stores it in one transaction, so a hundred small concurrent requests
//! cost one fsync, not a hundred. Each request gets its own verdicts back only after the commit.
//! The committed events are then handed to the detection engine in memory ([`Committed`]); if the
//! engine is busy the hand-off is skipped and the engine reads them back from the store instead.

use super::recent_ids::{RecentIds, MAX_REMEMBERED};
use crate::store::{EventBatch, NewActor, NewEvent, Store, StoreError};
use std::collections::HashSet;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

/// One group commit as handed to the engine: the stored events in commit order and the range of
/// ids they were written under (every id in the range belongs to this commit).
#[derive(Debug)]
pub struct Committed {
    pub first_id: i64,
    pub last_id: i64,
    pub events: Vec<NewEvent>,
}

/// Why a write was not acknowledged.
#[derive(Debug, thiserror::Error, Clone)]
pub enum WriteError {
    #[error("storage failed: {0}")]
    Store(Arc<StoreError>),
    #[error("the writer has stopped")]
    Stopped,
}

struct Job {
    events: Vec<NewEvent>,
    reply: oneshot::Sender<Result<Vec<bool>, WriteError>>,
}

/// Cheap to clone; dropping every handle lets the writer finish its queue and stop.
#[derive(Clone)]
pub struct WriterHandle {
    jobs: mpsc::Sender<Job>,
}

impl WriterHandle {
    /// Stores `events` durably. Returns, aligned with them, `true` for each event stored now and
    /// `false` for a duplicate of an event stored before (same `event_id`).
    pub async fn write(&self, events: Vec<NewEvent>) -> Result<Vec<bool>, WriteError> {
        let (reply, verdict) = oneshot::channel();
        self.jobs
            .send(Job { events, reply })
            .await
            .map_err(|_| WriteError::Stopped)?;
        verdict.await.map_err(|_| WriteError::Stopped)?
    }
}

/// How the writer batches and deduplicates.
pub struct WriterSettings {
    /// Most events in one transaction.
    pub max_commit_events: usize,
    /// Requests waiting for a commit.
    pub queue: usize,
    /// How long a stored `event_id` is a duplicate at any time ([`RecentIds`]).
    pub dedup_window_secs: u64,
}

/// Starts the writer. Each commit is offered to `committed` without waiting (the engine catches up
/// from the store if it was full).
pub async fn spawn_writer(
    store: Arc<dyn Store>,
    settings: WriterSettings,
    committed: mpsc::Sender<Committed>,
) -> Result<(WriterHandle, JoinHandle<()>), StoreError> {
    let mut recent = RecentIds::new(settings.dedup_window_secs);
    if let Some(since_ms) = recent.window_start(chrono::Utc::now().timestamp_millis()) {
        // A restart keeps the window: the ids stored in it are read back.
        let stored = store
            .recent_event_hashes(since_ms, MAX_REMEMBERED as i64)
            .await?;
        for (hash, received_ms) in stored {
            recent.remember(hash, received_ms);
        }
    }
    let memory = Memory {
        known: store.known_actors().await?.into_iter().collect(),
        recent,
    };
    let (tx, rx) = mpsc::channel(settings.queue.max(1));
    let task = tokio::spawn(run(
        store,
        rx,
        memory,
        settings.max_commit_events,
        committed,
    ));
    Ok((WriterHandle { jobs: tx }, task))
}

/// What the writer remembers between commits.
struct Memory {
    /// Actors already in the `actors` table.
    known: HashSet<String>,
    /// Event ids stored within the dedup window.
    recent: RecentIds,
}

async fn run(
    store: Arc<dyn Store>,
    mut rx: mpsc::Receiver<Job>,
    mut memory: Memory,
    max_commit_events: usize,
    committed: mpsc::Sender<Committed>,
) {
    while let Some(first) = rx.recv().await {
        let mut size = first.events.len();
        let mut jobs = vec![first];
        while size < max_commit_events {
            match rx.try_recv() {
                Ok(job) => {
                    size += job.events.len();
                    jobs.push(job);
                }
                Err(_) => break,
            }
        }
        if let Some(handoff) = commit(store.as_ref(), jobs, &mut memory).await {
            // Full or closed: the engine reads these events back from the store instead.
            let _ = committed.try_send(handoff);
        }
    }
}

/// Stores the jobs' events in one transaction, answers each job, and returns what was stored.
async fn commit(store: &dyn Store, jobs: Vec<Job>, memory: &mut Memory) -> Option<Committed> {
    let received_ms = chrono::Utc::now().timestamp_millis();
    let mut batch = EventBatch {
        received_ms,
        ..EventBatch::default()
    };
    // Where each job's events went: Some(position in batch) or None for an in-group duplicate.
    let mut placement: Vec<Vec<Option<usize>>> = Vec::with_capacity(jobs.len());
    // Ids of this commit, at any time: a repeat inside one commit is a duplicate like one across
    // commits within the window.
    let mut seen: HashSet<i64> = HashSet::new();
    let mut new_names: HashSet<String> = HashSet::new();
    let mut replies = Vec::with_capacity(jobs.len());
    for job in jobs {
        replies.push(job.reply);
        let mut places = Vec::with_capacity(job.events.len());
        for e in job.events {
            if e.eid_hash
                .is_some_and(|h| memory.recent.contains(h) || !seen.insert(h))
            {
                places.push(None);
                continue;
            }
            if !memory.known.contains(&e.actor) && !new_names.contains(&e.actor) {
                new_names.insert(e.actor.clone());
                batch.new_actors.push(NewActor {
                    name: e.actor.clone(),
                    actor_type: e.actor_type,
                    actor_group: e.actor_group.clone(),
                    first_seen_ms: e.ts_ms,
                });
            }
            places.push(Some(batch.events.len()));
            batch.events.push(e);
        }
        placement.push(places);
    }
    let batch = Arc::new(batch);
    let outcome = store.append_events(Arc::clone(&batch)).await;
    // The store has let go of its handle by now, so this takes the batch back without a copy.
    let batch = Arc::unwrap_or_clone(batch);
    match outcome {
        Ok(appended) => {
            let stored = |i: usize| appended.inserted.get(i).copied().unwrap_or(false);
            memory
                .known
                .extend(batch.new_actors.into_iter().map(|a| a.name));
            for (reply, places) in replies.into_iter().zip(placement) {
                let verdicts = places.iter().map(|p| p.is_some_and(stored)).collect();
                let _ = reply.send(Ok(verdicts));
            }
            let (first_id, last_id) = appended.ids?;
            let events: Vec<NewEvent> = batch
                .events
                .into_iter()
                .enumerate()
                .filter_map(|(i, e)| stored(i).then_some(e))
                .collect();
            for hash in events.iter().filter_map(|e| e.eid_hash) {
                memory.recent.remember(hash, received_ms);
            }
            Some(Committed {
                first_id,
                last_id,
                events,
            })
        }
        Err(err) => {
            tracing::error!(error = %err, events = batch.events.len(), "group commit failed");
            let err = WriteError::Store(Arc::new(err));
            for reply in replies {
                let _ = reply.send(Err(err.clone()));
            }
            None
        }
    }
}
