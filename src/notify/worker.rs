//! The outbox workers: lease due rows, deliver each batch (one receiver, one group) as one
//! notification, and record the attempt. Delivery is at least once: a row is marked sent only
//! after the receiver accepted it, so a crash between the two sends it again, with the same
//! notification id for the receiver to deduplicate.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{Notify, Semaphore};
use tokio::task::{JoinHandle, JoinSet};

use super::deliver::{backoff, Failure};
use super::message::{Item, Notification};
use super::metrics::Metrics;
use super::receiver::Receiver;
use crate::alerts::config::OutboxConfig;
use crate::alerts::duration::ms;
use crate::store::{Attempt, AttemptResult, OutboxItem, Store};

pub struct Outbox {
    pub store: Arc<dyn Store>,
    pub receivers: HashMap<String, Receiver>,
    pub http: reqwest::Client,
    pub config: OutboxConfig,
    pub public_url: String,
    pub metrics: Arc<Metrics>,
}

/// Delivers until `stop` is notified, then finishes the attempts in flight.
pub fn spawn(outbox: Arc<Outbox>, wake: Arc<Notify>, stop: Arc<Notify>) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let delivered = match outbox.round().await {
                Ok(n) => n,
                Err(e) => {
                    tracing::warn!(error = %e, "outbox unavailable; retrying");
                    0
                }
            };
            if delivered > 0 {
                continue;
            }
            let sleep = outbox.idle_for().await;
            tokio::select! {
                () = stop.notified() => return,
                () = wake.notified() => {}
                () = tokio::time::sleep(sleep) => {}
            }
        }
    })
}

impl Outbox {
    /// Until the next row is due, at most `poll_every`.
    async fn idle_for(&self) -> Duration {
        let now = chrono::Utc::now().timestamp_millis();
        match self.store.next_outbox_due().await {
            Ok(Some(due)) if due > now => {
                Duration::from_millis(u64::try_from(due - now).unwrap_or(0))
                    .min(self.config.poll_every)
            }
            Ok(Some(_)) => Duration::from_millis(20).min(self.config.poll_every),
            _ => self.config.poll_every,
        }
    }

    /// Leases due rows and delivers them; returns how many batches were attempted.
    pub async fn round(self: &Arc<Self>) -> anyhow::Result<usize> {
        let now = chrono::Utc::now().timestamp_millis();
        // Long enough for every batch of this round to finish its attempt.
        let lease = ms(self.config.timeout) * 4 + 1_000;
        let items = self
            .store
            .claim_outbox(now, now + lease, self.config.batch_size)
            .await?;
        let mut batches: BTreeMap<i64, Vec<OutboxItem>> = BTreeMap::new();
        for item in items {
            batches.entry(item.batch_id).or_default().push(item);
        }
        let count = batches.len();
        let permits = Arc::new(Semaphore::new(self.config.concurrency));
        let mut tasks = JoinSet::new();
        for (batch_id, rows) in batches {
            let (me, permits) = (self.clone(), permits.clone());
            tasks.spawn(async move {
                let _permit = permits.acquire_owned().await;
                me.deliver(batch_id, rows).await;
            });
        }
        while tasks.join_next().await.is_some() {}
        Ok(count)
    }

    async fn deliver(&self, batch_id: i64, rows: Vec<OutboxItem>) {
        let Some(first) = rows.first() else { return };
        let receiver = first.receiver.clone();
        let notification = Notification {
            id: format!("aw-{batch_id}"),
            receiver: receiver.clone(),
            group_key: first.group_key.clone(),
            items: rows.iter().map(Item::from_outbox).collect(),
            public_url: self.public_url.clone(),
        };
        let attempts = rows.iter().map(|r| r.attempts).max().unwrap_or(0);
        let oldest = rows.iter().map(|r| r.created_ms).min().unwrap_or(0);
        let started = Instant::now();
        let result = match self.receivers.get(&receiver) {
            Some(r) => r.send(&notification, &self.http).await,
            None => Err(Failure::Permanent {
                status: None,
                message: format!("receiver `{receiver}` is no longer configured"),
            }),
        };
        let at_ms = chrono::Utc::now().timestamp_millis();
        let n = rows.len() as u64;
        let (next, status_code, error) = match &result {
            Ok(status) => {
                self.metrics.add(&receiver, |c| &c.sent, n);
                (AttemptResult::Sent, status.map(i64::from), None)
            }
            Err(failure) => {
                self.metrics.add(&receiver, |c| &c.failed, n);
                let next = match failure {
                    Failure::Permanent { .. } => AttemptResult::Dead,
                    Failure::Transient { .. }
                        if at_ms - oldest >= ms(self.config.dead_letter_after) =>
                    {
                        AttemptResult::Dead
                    }
                    Failure::Transient { retry_after, .. } => {
                        let wait = backoff(
                            attempts,
                            self.config.retry_initial,
                            self.config.retry_max,
                            *retry_after,
                        );
                        AttemptResult::RetryAt(at_ms + ms(wait))
                    }
                };
                match next {
                    AttemptResult::Dead => self.metrics.add(&receiver, |c| &c.dead, n),
                    _ => self.metrics.add(&receiver, |c| &c.retried, n),
                }
                // The receiver's answer may echo the payload (personal data): it goes to the
                // delivery log in the store, the process log gets the status only.
                let reason = match failure.status() {
                    Some(code) => format!("status {code}"),
                    None => failure.message().to_string(),
                };
                tracing::warn!(receiver = %receiver, notification = %notification.id, attempt = attempts + 1,
                    outcome = next.outcome(), reason = %reason, "notification not delivered");
                (
                    next,
                    failure.status().map(i64::from),
                    Some(failure.message().to_string()),
                )
            }
        };
        let attempt = Attempt {
            rows: rows.iter().map(|r| (r.id, r.alert.id.clone())).collect(),
            receiver: receiver.clone(),
            attempt: attempts + 1,
            at_ms,
            elapsed_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
            status_code,
            error,
            next,
        };
        // If this write fails the lease runs out and the batch is sent again: at least once.
        if let Err(e) = self.store.finish_attempt(&attempt).await {
            tracing::warn!(error = %e, notification = %notification.id, "cannot record a delivery attempt");
        } else if next == AttemptResult::Sent {
            tracing::info!(receiver = %receiver, notification = %notification.id, alerts = rows.len(), "notification delivered");
        }
    }
}
