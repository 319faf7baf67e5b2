//! The live engine: tails the event log, so live ingest, recovery after a crash and the first
//! start on a database with history are one code path.
//!
//! A tailer reads committed events after its cursor (woken by the writer after each commit, or by
//! a poll), routes them to one task per shard, and every so often asks each shard for a snapshot
//! *after* the events it sent: the snapshots and the cursor are saved together. Shards persist
//! their alerts before answering a snapshot, so a saved cursor never covers an unsaved alert.
//! After a crash, events past the cursor are replayed; their alerts have the same ids and are
//! recognised as already stored.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use detectors::{Alert, Pipeline, Snapshot};
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot, Notify};
use tokio::task::JoinHandle;

use super::record::alert_record;
use super::route::shard_of;
use crate::store::{EngineState, Store, StoredEvent};

/// How the live engine runs.
#[derive(Debug, Clone)]
pub struct EngineSettings {
    pub detectors: detectors::Config,
    pub shards: usize,
    /// Events read from the store per step.
    pub page_size: i64,
    /// Snapshot after this many events ...
    pub snapshot_every_events: u64,
    /// ... or this long after the last snapshot, whichever comes first.
    pub snapshot_every: Duration,
    /// Poll the store this often even without a commit notification (other writers, missed wakes).
    pub poll_every: Duration,
}

#[derive(Serialize, Deserialize)]
struct SavedShards {
    pipelines: Vec<Snapshot>,
}

enum ShardMsg {
    /// The shard's part of a page, and the last event id of the whole page.
    Events(Vec<StoredEvent>, i64),
    Snapshot(oneshot::Sender<Snapshot>),
}

/// How far detection has got: each shard's last fully processed event id (alerts stored).
pub struct EngineProgress {
    shards: Vec<AtomicI64>,
}

impl EngineProgress {
    fn new(shards: usize, cursor: i64) -> Self {
        Self {
            shards: (0..shards).map(|_| AtomicI64::new(cursor)).collect(),
        }
    }

    /// Every event with an id up to this one has been through the detectors.
    pub fn processed(&self) -> i64 {
        self.shards
            .iter()
            .map(|s| s.load(Ordering::Acquire))
            .min()
            .unwrap_or(0)
    }
}

/// Controls a running engine.
pub struct EngineHandle {
    /// Woken by the writer after each commit.
    pub wake: Arc<Notify>,
    pub progress: Arc<EngineProgress>,
    stop: Arc<Notify>,
    task: JoinHandle<anyhow::Result<()>>,
}

impl EngineHandle {
    /// Processes every committed event, saves a final snapshot and stops.
    pub async fn shutdown(self) -> anyhow::Result<()> {
        self.stop.notify_one();
        self.task.await.context("engine task panicked")?
    }
}

/// Restores the last snapshot (or starts fresh) and starts tailing.
pub async fn start(
    store: Arc<dyn Store>,
    settings: EngineSettings,
) -> anyhow::Result<EngineHandle> {
    let (pipelines, cursor) = restore(store.as_ref(), &settings).await?;
    let progress = Arc::new(EngineProgress::new(pipelines.len(), cursor));
    let mut senders = Vec::new();
    let mut shard_tasks = Vec::new();
    for (shard, pipeline) in pipelines.into_iter().enumerate() {
        let (tx, rx) = mpsc::channel(4);
        senders.push(tx);
        let shard = Shard {
            pipeline,
            store: store.clone(),
            progress: progress.clone(),
            index: shard,
        };
        shard_tasks.push(tokio::spawn(shard.run(rx)));
    }
    let wake = Arc::new(Notify::new());
    let stop = Arc::new(Notify::new());
    let tailer = Tailer {
        store,
        settings,
        senders,
        cursor,
    };
    let task = tokio::spawn(tailer.run(wake.clone(), stop.clone(), shard_tasks));
    Ok(EngineHandle {
        wake,
        progress,
        stop,
        task,
    })
}

async fn restore(
    store: &dyn Store,
    settings: &EngineSettings,
) -> anyhow::Result<(Vec<Pipeline>, i64)> {
    let fresh = || -> anyhow::Result<Vec<Pipeline>> {
        (0..settings.shards)
            .map(|_| Pipeline::new(settings.detectors.clone()).context("detector configuration"))
            .collect()
    };
    let Some(state) = store.load_engine_state().await? else {
        return Ok((fresh()?, 0));
    };
    if state.shards != settings.shards as i64 {
        tracing::warn!(
            saved = state.shards,
            now = settings.shards,
            "shard count changed: relearning from every stored event"
        );
        return Ok((fresh()?, 0));
    }
    let restored = serde_json::from_str::<SavedShards>(&state.snapshot)
        .map_err(|e| e.to_string())
        .and_then(|saved| {
            saved
                .pipelines
                .into_iter()
                .map(|s| Pipeline::restore(settings.detectors.clone(), s))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| e.to_string())
        });
    match restored {
        Ok(pipelines) => {
            tracing::info!(cursor = state.cursor_id, "engine restored from snapshot");
            Ok((pipelines, state.cursor_id))
        }
        Err(e) => {
            tracing::warn!(error = %e, "snapshot unusable: relearning from every stored event");
            Ok((fresh()?, 0))
        }
    }
}

struct Tailer {
    store: Arc<dyn Store>,
    settings: EngineSettings,
    senders: Vec<mpsc::Sender<ShardMsg>>,
    cursor: i64,
}

impl Tailer {
    async fn run(
        mut self,
        wake: Arc<Notify>,
        stop: Arc<Notify>,
        shard_tasks: Vec<JoinHandle<()>>,
    ) -> anyhow::Result<()> {
        let mut since_snapshot = 0u64;
        let mut last_snapshot = Instant::now();
        let mut stopping = false;
        loop {
            let page = match self
                .store
                .events_after(self.cursor, self.settings.page_size)
                .await
            {
                Ok(page) => page,
                Err(e) => {
                    tracing::warn!(error = %e, "engine cannot read events; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            let full = page.len() as i64 >= self.settings.page_size;
            if let Some(last) = page.last() {
                self.cursor = last.id;
                since_snapshot += page.len() as u64;
                self.dispatch(page).await?;
            }
            let due = since_snapshot >= self.settings.snapshot_every_events
                || (since_snapshot > 0 && last_snapshot.elapsed() >= self.settings.snapshot_every);
            if due {
                self.snapshot().await?;
                since_snapshot = 0;
                last_snapshot = Instant::now();
            }
            if full {
                continue;
            }
            if stopping {
                break;
            }
            tokio::select! {
                () = wake.notified() => {}
                () = stop.notified() => stopping = true,
                () = tokio::time::sleep(self.settings.poll_every) => {}
            }
        }
        if since_snapshot > 0 {
            self.snapshot().await?;
        }
        drop(self.senders);
        for task in shard_tasks {
            task.await.context("shard task panicked")?;
        }
        Ok(())
    }

    async fn dispatch(&self, page: Vec<StoredEvent>) -> anyhow::Result<()> {
        let shards = self.senders.len();
        let upto = page.last().map_or(self.cursor, |e| e.id);
        let mut parts: Vec<Vec<StoredEvent>> = (0..shards).map(|_| Vec::new()).collect();
        for event in page {
            let shard = shard_of(&event.event.as_detector_event(), shards);
            parts[shard].push(event);
        }
        // Every shard hears of every page, so each can report progress up to its last id.
        for (sender, part) in self.senders.iter().zip(parts) {
            sender
                .send(ShardMsg::Events(part, upto))
                .await
                .context("shard stopped")?;
        }
        Ok(())
    }

    async fn snapshot(&self) -> anyhow::Result<()> {
        let mut pipelines = Vec::with_capacity(self.senders.len());
        for sender in &self.senders {
            let (tx, rx) = oneshot::channel();
            sender
                .send(ShardMsg::Snapshot(tx))
                .await
                .context("shard stopped")?;
            pipelines.push(rx.await.context("shard stopped")?);
        }
        let snapshot = serde_json::to_string(&SavedShards { pipelines })?;
        let state = EngineState {
            cursor_id: self.cursor,
            shards: self.senders.len() as i64,
            snapshot,
        };
        while let Err(e) = self.store.save_engine_state(&state).await {
            tracing::warn!(error = %e, "cannot save the engine snapshot; retrying");
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        tracing::debug!(
            cursor = self.cursor,
            bytes = state.snapshot.len(),
            "engine snapshot saved"
        );
        Ok(())
    }
}

/// One shard's task: its pipeline, and where to store alerts and report progress.
struct Shard {
    pipeline: Pipeline,
    store: Arc<dyn Store>,
    progress: Arc<EngineProgress>,
    index: usize,
}

impl Shard {
    async fn run(mut self, mut rx: mpsc::Receiver<ShardMsg>) {
        while let Some(msg) = rx.recv().await {
            match msg {
                ShardMsg::Events(events, upto) => {
                    let mut alerts = Vec::new();
                    for stored in &events {
                        alerts.extend(self.pipeline.observe(&stored.event.as_detector_event()));
                    }
                    if !alerts.is_empty() {
                        persist(self.store.as_ref(), &alerts).await;
                    }
                    self.progress.shards[self.index].store(upto, Ordering::Release);
                }
                ShardMsg::Snapshot(reply) => {
                    let _ = reply.send(self.pipeline.snapshot());
                }
            }
        }
    }
}

/// Stores alerts, retrying until the store takes them: an alert is never dropped.
async fn persist(store: &dyn Store, alerts: &[Alert]) {
    let now = chrono::Utc::now().timestamp_millis();
    let records: Vec<_> = alerts
        .iter()
        .filter_map(|a| match alert_record(a, now) {
            Ok(r) => Some(r),
            Err(e) => {
                tracing::error!(error = %e, detector = %a.detector, "alert cannot be serialised");
                None
            }
        })
        .collect();
    let mut delay = Duration::from_millis(100);
    loop {
        match store.insert_alerts(&records).await {
            Ok(inserted) => {
                for (r, new) in records.iter().zip(inserted) {
                    if new {
                        tracing::info!(id = %r.id, detector = %r.detector, severity = %r.severity, "alert raised");
                    }
                }
                return;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot store alerts; retrying");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
            }
        }
    }
}
