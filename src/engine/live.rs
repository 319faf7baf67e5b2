//! The live engine: tails the event log, so live ingest, recovery after a crash and the first
//! start on a database with history are one code path.
//!
//! A tailer reads committed events after its cursor (woken by the writer after each commit, or by
//! a poll), routes them to one task per shard, and every so often asks each shard for a snapshot
//! *after* the events it sent: the snapshots and the cursor are saved together. Shards persist
//! their alerts before answering a snapshot, so a saved cursor never covers an unsaved alert.
//! After a crash, events past the cursor are replayed; their alerts have the same ids and are
//! recognised as already stored. Alerts go to [`Alerting`], which groups, silences and queues
//! their notifications.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use detectors::{Alert, Pipeline, Snapshot};
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot, Notify};
use tokio::task::JoinHandle;

use super::route::shard_of;
use crate::alerts::Alerting;
use crate::store::{EngineState, FindingOutcome, Store, StoredEvent};

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
    Events(Vec<StoredEvent>),
    Snapshot(oneshot::Sender<Snapshot>),
}

/// Controls a running engine.
pub struct EngineHandle {
    /// Woken by the writer after each commit.
    pub wake: Arc<Notify>,
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
    alerting: Arc<Alerting>,
) -> anyhow::Result<EngineHandle> {
    let (pipelines, cursor) = restore(store.as_ref(), &settings).await?;
    let mut senders = Vec::new();
    let mut shard_tasks = Vec::new();
    for pipeline in pipelines {
        let (tx, rx) = mpsc::channel(4);
        senders.push(tx);
        shard_tasks.push(tokio::spawn(run_shard(pipeline, rx, alerting.clone())));
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
    Ok(EngineHandle { wake, stop, task })
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
    let saved: SavedShards =
        serde_json::from_str(&state.snapshot).context("reading the engine snapshot")?;
    let restored: Result<Vec<Pipeline>, _> = saved
        .pipelines
        .into_iter()
        .map(|s| Pipeline::restore(settings.detectors.clone(), s))
        .collect();
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
        let mut parts: Vec<Vec<StoredEvent>> = (0..shards).map(|_| Vec::new()).collect();
        for event in page {
            let shard = shard_of(&event.event.as_detector_event(), shards);
            parts[shard].push(event);
        }
        for (sender, part) in self.senders.iter().zip(parts) {
            if !part.is_empty() {
                sender
                    .send(ShardMsg::Events(part))
                    .await
                    .context("shard stopped")?;
            }
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

async fn run_shard(
    mut pipeline: Pipeline,
    mut rx: mpsc::Receiver<ShardMsg>,
    alerting: Arc<Alerting>,
) {
    while let Some(msg) = rx.recv().await {
        match msg {
            ShardMsg::Events(events) => {
                let mut alerts = Vec::new();
                for stored in &events {
                    alerts.extend(pipeline.observe(&stored.event.as_detector_event()));
                }
                if !alerts.is_empty() {
                    persist(&alerting, &alerts).await;
                }
            }
            ShardMsg::Snapshot(reply) => {
                let _ = reply.send(pipeline.snapshot());
            }
        }
    }
}

/// Hands alerts to the lifecycle (grouping, silences, outbox), retrying until the store takes
/// them: an alert is never dropped. Replayed alerts are recognised by their deterministic ids.
async fn persist(alerting: &Alerting, alerts: &[Alert]) {
    let mut delay = Duration::from_millis(100);
    loop {
        let now = chrono::Utc::now().timestamp_millis();
        match alerting.record(alerts, now).await {
            Ok(recorded) => {
                for outcome in &recorded.outcomes {
                    if let FindingOutcome::Opened { alert_id, .. } = outcome {
                        tracing::info!(id = %alert_id, "alert raised");
                    }
                }
                if recorded.suppressed > 0 {
                    tracing::info!(
                        count = recorded.suppressed,
                        "findings within feedback-judged normal suppressed"
                    );
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
