//! The live engine: tails the event log, so live ingest, recovery after a crash and the first
//! start on a database with history are one code path.
//!
//! The writer hands each commit over in memory; when a hand-off was skipped (the engine was busy),
//! after a restart, or on a poll, the tailer reads events after its cursor from the store instead.
//! It routes them to one task per shard, and every so often asks each shard for a snapshot
//! *after* the events it sent: the snapshots and the cursor are saved together. Shards persist
//! their alerts before answering a snapshot, so a saved cursor never covers an unsaved alert.
//! After a crash, events past the cursor are replayed; their alerts have the same ids and are
//! recognised as already stored. Alerts go to [`Alerting`], which groups, silences and queues
//! their notifications.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use detectors::{Alert, Pipeline, Snapshot};
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot, Notify};
use tokio::task::JoinHandle;

use super::route::shard_of;
use crate::alerts::Alerting;
use crate::ingest::Committed;
use crate::store::{EngineState, FindingOutcome, NewEvent, Store};

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
    /// The shard's part of a step, and the last event id of the whole step.
    Events(Vec<NewEvent>, i64),
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
    /// The writer offers each commit here (see [`Committed`]).
    pub committed: mpsc::Sender<Committed>,
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
    alerting: Arc<Alerting>,
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
            alerting: alerting.clone(),
            progress: progress.clone(),
            index: shard,
        };
        shard_tasks.push(tokio::spawn(shard.run(rx)));
    }
    // A few commits of slack; beyond that the writer skips the hand-off and we read the store.
    let (committed, handoff) = mpsc::channel(16);
    let stop = Arc::new(Notify::new());
    let tailer = Tailer {
        store,
        settings,
        senders,
        cursor,
        since_snapshot: 0,
        last_snapshot: Instant::now(),
    };
    let task = tokio::spawn(tailer.run(handoff, stop.clone(), shard_tasks));
    Ok(EngineHandle {
        committed,
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
    since_snapshot: u64,
    last_snapshot: Instant,
}

impl Tailer {
    async fn run(
        mut self,
        mut handoff: mpsc::Receiver<Committed>,
        stop: Arc<Notify>,
        shard_tasks: Vec<JoinHandle<()>>,
    ) -> anyhow::Result<()> {
        let mut handoff_open = true;
        self.catch_up().await?;
        loop {
            tokio::select! {
                committed = handoff.recv(), if handoff_open => match committed {
                    Some(c) if c.last_id <= self.cursor => {}
                    Some(c) if c.first_id == self.cursor + 1 => {
                        self.dispatch(c.events, c.last_id).await?;
                    }
                    // A commit was skipped while the engine was busy: read the gap from the store.
                    Some(_) => self.catch_up().await?,
                    None => handoff_open = false,
                },
                () = stop.notified() => break,
                () = tokio::time::sleep(self.settings.poll_every) => self.catch_up().await?,
            }
            if self.snapshot_due() {
                self.snapshot().await?;
            }
        }
        self.catch_up().await?;
        if self.since_snapshot > 0 {
            self.snapshot().await?;
        }
        drop(self.senders);
        for task in shard_tasks {
            task.await.context("shard task panicked")?;
        }
        Ok(())
    }

    /// Reads every stored event past the cursor (after a restart, a skipped hand-off, or writes
    /// by another process), page by page.
    async fn catch_up(&mut self) -> anyhow::Result<()> {
        loop {
            let page = match self
                .store
                .events_after(self.cursor, self.settings.page_size)
                .await
            {
                Ok(page) => page,
                Err(e) => {
                    tracing::warn!(error = %e, "engine cannot read events; will retry");
                    return Ok(());
                }
            };
            let full = page.len() as i64 >= self.settings.page_size;
            let Some(last) = page.last().map(|e| e.id) else {
                return Ok(());
            };
            self.dispatch(page.into_iter().map(|e| e.event).collect(), last)
                .await?;
            if self.snapshot_due() {
                self.snapshot().await?;
            }
            if !full {
                return Ok(());
            }
        }
    }

    fn snapshot_due(&self) -> bool {
        self.since_snapshot >= self.settings.snapshot_every_events
            || (self.since_snapshot > 0
                && self.last_snapshot.elapsed() >= self.settings.snapshot_every)
    }

    /// Routes events (all with ids up to `upto`) to their shards and moves the cursor.
    async fn dispatch(&mut self, events: Vec<NewEvent>, upto: i64) -> anyhow::Result<()> {
        let shards = self.senders.len();
        self.since_snapshot += events.len() as u64;
        let mut parts: Vec<Vec<NewEvent>> = (0..shards).map(|_| Vec::new()).collect();
        for event in events {
            let shard = shard_of(&event.as_detector_event(), shards);
            parts[shard].push(event);
        }
        // Every shard hears of every step, so each can report progress up to `upto`.
        for (sender, part) in self.senders.iter().zip(parts) {
            sender
                .send(ShardMsg::Events(part, upto))
                .await
                .context("shard stopped")?;
        }
        self.cursor = upto;
        Ok(())
    }

    async fn snapshot(&mut self) -> anyhow::Result<()> {
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
        self.since_snapshot = 0;
        self.last_snapshot = Instant::now();
        tracing::debug!(
            cursor = self.cursor,
            bytes = state.snapshot.len(),
            "engine snapshot saved"
        );
        Ok(())
    }
}

/// One shard's task: its pipeline, where its alerts go, and where it reports progress.
struct Shard {
    pipeline: Pipeline,
    alerting: Arc<Alerting>,
    progress: Arc<EngineProgress>,
    index: usize,
}

impl Shard {
    async fn run(mut self, mut rx: mpsc::Receiver<ShardMsg>) {
        while let Some(msg) = rx.recv().await {
            match msg {
                ShardMsg::Events(events, upto) => {
                    let mut alerts = Vec::new();
                    for event in &events {
                        alerts.extend(self.pipeline.observe(&event.as_detector_event()));
                    }
                    if !alerts.is_empty() {
                        persist(&self.alerting, &alerts).await;
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
