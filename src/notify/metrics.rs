//! Delivery metrics per receiver in the Prometheus text format, without a metrics crate: four
//! counters kept in atomics and two gauges read from the outbox when scraped (so they are right
//! across restarts and across several instances sharing a database).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::store::{Store, StoreResult};

/// Which counter of a receiver to bump.
pub type Pick = fn(&Counters) -> &AtomicU64;

#[derive(Debug, Default)]
pub struct Counters {
    /// Notifications (outbox rows) delivered.
    pub sent: AtomicU64,
    /// Attempts that failed, per row.
    pub failed: AtomicU64,
    /// Rows scheduled for another attempt.
    pub retried: AtomicU64,
    /// Rows given up on.
    pub dead: AtomicU64,
}

/// Counters of every configured receiver; the set is fixed at start, so labels stay bounded.
#[derive(Debug, Default)]
pub struct Metrics {
    receivers: BTreeMap<String, Counters>,
}

impl Metrics {
    pub fn new<'a>(names: impl IntoIterator<Item = &'a String>) -> Self {
        Self {
            receivers: names
                .into_iter()
                .map(|n| (n.clone(), Counters::default()))
                .collect(),
        }
    }

    pub fn add(&self, receiver: &str, pick: Pick, n: u64) {
        if let Some(c) = self.receivers.get(receiver) {
            pick(c).fetch_add(n, Ordering::Relaxed);
        }
    }

    /// The exposition text, with the store's backlog per receiver.
    pub async fn render(&self, store: &dyn Store, now_ms: i64) -> StoreResult<String> {
        let backlog = store.outbox_backlog().await?;
        let mut out = String::new();
        let counters: [(&str, &str, Pick); 4] = [
            ("sent", "Notifications delivered", |c| &c.sent),
            ("failed", "Delivery attempts that failed", |c| &c.failed),
            (
                "retried",
                "Notifications scheduled for another attempt",
                |c| &c.retried,
            ),
            ("dead_lettered", "Notifications given up on", |c| &c.dead),
        ];
        for (name, help, pick) in counters {
            let _ = writeln!(
                out,
                "# HELP accesswatch_notifications_{name}_total {help}, by receiver."
            );
            let _ = writeln!(out, "# TYPE accesswatch_notifications_{name}_total counter");
            for (receiver, c) in &self.receivers {
                let _ = writeln!(
                    out,
                    "accesswatch_notifications_{name}_total{{receiver=\"{}\"}} {}",
                    label(receiver),
                    pick(c).load(Ordering::Relaxed)
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP accesswatch_outbox_pending Notifications waiting in the outbox, by receiver."
        );
        let _ = writeln!(out, "# TYPE accesswatch_outbox_pending gauge");
        let _ = writeln!(out, "# HELP accesswatch_outbox_oldest_pending_age_seconds Age of the oldest waiting notification, by receiver.");
        let _ = writeln!(
            out,
            "# TYPE accesswatch_outbox_oldest_pending_age_seconds gauge"
        );
        for receiver in self.receivers.keys() {
            let b = backlog.iter().find(|b| &b.receiver == receiver);
            let pending = b.map_or(0, |b| b.pending);
            let age = b
                .and_then(|b| b.oldest_created_ms)
                .map_or(0.0, |t| (now_ms - t).max(0) as f64 / 1e3);
            let _ = writeln!(
                out,
                "accesswatch_outbox_pending{{receiver=\"{}\"}} {pending}",
                label(receiver)
            );
            let _ = writeln!(
                out,
                "accesswatch_outbox_oldest_pending_age_seconds{{receiver=\"{}\"}} {age}",
                label(receiver)
            );
        }
        Ok(out)
    }
}

/// Escapes a label value per the exposition format.
fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
