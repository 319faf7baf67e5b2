//! Reminders before obligation deadlines and an escalation once one passes.
//!
//! A scheduler task in `serve` calls [`tick`] every few seconds with the current time. `tick` takes the
//! clock as an argument so tests drive it through any instant. Each tick first *records* what is due (one row
//! per obligation, offset and deadline, so restarts and double runs never repeat one; a moved deadline gets
//! fresh reminders), then *delivers* the rows not yet delivered through a [`ReminderSink`], retrying on
//! later ticks until `max_attempts`. Only the nearest passed offset is recorded: an obligation created 2 h
//! before its deadline gets the 1 h reminder later, not a stale "24 h left" now.
//!
//! Delivery goes through a [`ReminderSink`]: the JSON webhook and log sink here, and the alerting
//! receivers (email, webhook, Slack) with a fan-out over several in `reminder_sinks`.

use async_trait::async_trait;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use crate::store::{NewReminder, ObligationRecord, ReminderRecord, Store};

/// When to remind and how hard to try.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Seconds before the deadline, any order.
    pub offsets_secs: Vec<i64>,
    pub max_attempts: i64,
    /// Base URL for links in messages.
    pub public_url: String,
}

/// What a receiver gets. No personal data beyond the incident title people wrote.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReminderMessage {
    /// `reminder` (deadline ahead) or `overdue` (passed, escalate).
    pub kind: String,
    /// Stable per reminder: receivers use it to drop redeliveries.
    pub reminder_id: i64,
    pub incident_id: i64,
    pub incident_title: String,
    pub rule_id: String,
    pub jurisdiction: String,
    pub regime: String,
    pub recipient: String,
    pub stage: String,
    pub basis: String,
    /// The deadline (or an ASAP notice's internal target), RFC 3339 UTC.
    pub due: String,
    pub asap: bool,
    /// How long before the deadline this reminder was set for (0 for `overdue`).
    pub offset_secs: i64,
    pub link: String,
}

/// Where reminders go.
#[async_trait]
pub trait ReminderSink: Send + Sync {
    async fn deliver(&self, message: &ReminderMessage) -> anyhow::Result<()>;
}

/// Logs reminders (ids and deadlines only) when no receiver is configured.
pub struct LogSink;

#[async_trait]
impl ReminderSink for LogSink {
    async fn deliver(&self, m: &ReminderMessage) -> anyhow::Result<()> {
        tracing::warn!(kind = %m.kind, incident_id = m.incident_id, rule_id = %m.rule_id, due = %m.due,
            "breach notification deadline reminder (no reminders receiver configured)");
        Ok(())
    }
}

/// POSTs the message as JSON with an `Idempotency-Key` header; any non-2xx answer is a failed attempt.
/// For Slack the body is `{"text": ...}`, the one shape an incoming webhook accepts without blocks.
pub struct WebhookSink {
    client: reqwest::Client,
    url: String,
    slack: bool,
}

impl WebhookSink {
    pub fn new(url: String) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()?;
        Ok(Self {
            client,
            url,
            slack: false,
        })
    }

    /// A Slack (or Mattermost) incoming webhook: the reminder as a `text` message.
    pub fn slack(url: String) -> anyhow::Result<Self> {
        Ok(Self {
            slack: true,
            ..Self::new(url)?
        })
    }
}

#[async_trait]
impl ReminderSink for WebhookSink {
    async fn deliver(&self, m: &ReminderMessage) -> anyhow::Result<()> {
        let request = self
            .client
            .post(&self.url)
            .header("idempotency-key", format!("reminder-{}", m.reminder_id));
        let request = if self.slack {
            request.json(&serde_json::json!({ "text": m.text() }))
        } else {
            request.json(m)
        };
        // Without the URL: webhook URLs carry tokens and this error reaches the logs and the store.
        let response = request
            .send()
            .await
            .map_err(|e| anyhow::anyhow!("{}", e.without_url()))?;
        anyhow::ensure!(
            response.status().is_success(),
            "receiver answered {}",
            response.status()
        );
        Ok(())
    }
}

/// The reminder due for an obligation at `now_ms`, if any: overdue once the deadline passed, else the
/// smallest offset already reached.
pub fn due_reminder(o: &ObligationRecord, offsets: &[i64], now_ms: i64) -> Option<NewReminder> {
    let due = o.due_ms?;
    let (kind, offset_secs) = if now_ms >= due {
        ("overdue", 0)
    } else {
        let reached = offsets
            .iter()
            .copied()
            .filter(|s| *s > 0 && now_ms >= due.saturating_sub(s.saturating_mul(1000)))
            .min()?;
        ("reminder", reached)
    };
    Some(NewReminder {
        obligation_id: o.id,
        kind: kind.into(),
        offset_secs,
        due_ms: due,
        created_ms: now_ms,
    })
}

/// One pass: records the reminders due at `now_ms` and delivers every undelivered one. Returns the number
/// delivered.
pub async fn tick(
    store: &dyn Store,
    sink: &dyn ReminderSink,
    policy: &Policy,
    now_ms: i64,
) -> anyhow::Result<usize> {
    let open = store.open_obligations().await?;
    for o in &open {
        if let Some(r) = due_reminder(o, &policy.offsets_secs, now_ms) {
            store.record_reminder(&r).await?;
        }
    }
    let by_id: HashMap<i64, &ObligationRecord> = open.iter().map(|o| (o.id, o)).collect();
    let mut titles: HashMap<i64, String> = HashMap::new();
    let mut delivered = 0;
    for r in store.pending_reminders().await? {
        let Some(o) = by_id.get(&r.obligation_id) else {
            // Submitted, marked not required or withdrawn since it was recorded: nothing to remind.
            store
                .finish_reminder(
                    r.id,
                    Some("cancelled: obligation no longer open"),
                    true,
                    now_ms,
                )
                .await?;
            continue;
        };
        let title = match titles.get(&o.incident_id) {
            Some(t) => t.clone(),
            None => {
                let t = store
                    .get_incident(o.incident_id)
                    .await?
                    .map(|i| i.title)
                    .unwrap_or_default();
                titles.insert(o.incident_id, t.clone());
                t
            }
        };
        let message = message(&r, o, title, &policy.public_url);
        let outcome = sink.deliver(&message).await;
        let give_up = r.attempts + 1 >= policy.max_attempts;
        match &outcome {
            Ok(()) => delivered += 1,
            Err(e) => {
                tracing::warn!(reminder_id = r.id, error = %e, give_up, "reminder delivery failed")
            }
        }
        let error = outcome.err().map(|e| e.to_string());
        store
            .finish_reminder(r.id, error.as_deref(), give_up, now_ms)
            .await?;
    }
    Ok(delivered)
}

fn message(
    r: &ReminderRecord,
    o: &ObligationRecord,
    incident_title: String,
    public_url: &str,
) -> ReminderMessage {
    let computed: breach::Obligation = serde_json::from_str(&o.computed).unwrap_or_default();
    ReminderMessage {
        kind: r.kind.clone(),
        reminder_id: r.id,
        incident_id: o.incident_id,
        incident_title,
        rule_id: o.rule_id.clone(),
        jurisdiction: computed.jurisdiction,
        regime: computed.regime,
        recipient: computed.recipient,
        stage: computed.stage,
        basis: computed.basis,
        due: crate::engine::record::rfc3339(r.due_ms),
        asap: computed.asap,
        offset_secs: r.offset_secs,
        link: format!(
            "{}/v1/incidents/{}",
            public_url.trim_end_matches('/'),
            o.incident_id
        ),
    }
}

/// Runs `tick` every `every` on the wall clock until the task is aborted.
pub fn spawn(
    store: Arc<dyn Store>,
    sink: Arc<dyn ReminderSink>,
    policy: Policy,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(every);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            let now = chrono::Utc::now().timestamp_millis();
            if let Err(e) = tick(store.as_ref(), sink.as_ref(), &policy, now).await {
                tracing::warn!(error = %e, "reminder scheduler pass failed");
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obligation(due_ms: i64) -> ObligationRecord {
        ObligationRecord {
            id: 1,
            incident_id: 1,
            rule_id: "r".into(),
            state: "open".into(),
            due_ms: Some(due_ms),
            computed: "{}".into(),
            tracking: "{}".into(),
            updated_ms: 0,
        }
    }

    #[test]
    fn the_nearest_reached_offset_is_chosen_and_a_passed_deadline_escalates() {
        let hour = 3_600_000;
        let offsets = [86_400, 14_400, 3_600];
        let o = obligation(100 * hour);
        assert_eq!(due_reminder(&o, &offsets, 75 * hour), None);
        let at = |h| due_reminder(&o, &offsets, h).map(|r| (r.kind, r.offset_secs));
        assert_eq!(at(76 * hour), Some(("reminder".into(), 86_400)));
        assert_eq!(at(97 * hour), Some(("reminder".into(), 14_400)));
        assert_eq!(at(99 * hour + 1), Some(("reminder".into(), 3_600)));
        assert_eq!(at(100 * hour), Some(("overdue".into(), 0)));
    }
}
