//! [`Alerting`]: the one place alert state changes. The engine hands it findings; the API hands it
//! acknowledgements, resolutions and feedback; the sweeper hands it timers. Each change is one store
//! transaction that also queues the notifications it owes, then wakes the outbox workers.

use std::collections::BTreeSet;
use std::sync::Arc;

use detectors::Alert;
use tokio::sync::Notify;

use super::config::AlertingConfig;
use super::feedback::{weigh, Weighed};
use super::labels::Labels;
use crate::engine::record::alert_record;
use crate::store::{
    AlertState, FindingOutcome, NewFeedback, NewFinding, Store, StoreResult, Transition,
};

pub struct Alerting {
    store: Arc<dyn Store>,
    config: Arc<AlertingConfig>,
    /// Woken whenever notifications were queued.
    pub outbox_wake: Arc<Notify>,
}

/// Why a requested change did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error("alert `{0}` not found")]
    NotFound(String),
    #[error("alert `{id}` is {status}")]
    WrongState { id: String, status: String },
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// What one batch of findings became.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Recorded {
    pub outcomes: Vec<FindingOutcome>,
    /// Findings dropped because a false-positive verdict judged that much normal.
    pub suppressed: usize,
}

impl Alerting {
    pub fn new(store: Arc<dyn Store>, config: Arc<AlertingConfig>) -> Self {
        Self {
            store,
            config,
            outbox_wake: Arc::new(Notify::new()),
        }
    }

    pub fn config(&self) -> &AlertingConfig {
        &self.config
    }

    /// Folds detector alerts into the alert table (grouping, silences, feedback, flap damping).
    pub async fn record(&self, alerts: &[Alert], now_ms: i64) -> StoreResult<Recorded> {
        let actors: Vec<String> = alerts
            .iter()
            .map(|a| a.actor.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let verdicts = self.store.false_positives(&actors).await?;
        let silences = self.store.list_silences(now_ms, false).await?;
        let mut findings = Vec::with_capacity(alerts.len());
        let mut suppressed = 0;
        for alert in alerts {
            let mut record = match alert_record(alert, now_ms) {
                Ok(r) => r,
                Err(e) => {
                    tracing::error!(error = %e, detector = %alert.detector, "alert cannot be serialised");
                    continue;
                }
            };
            if let Weighed::Suppressed { .. } = weigh(&mut record, &verdicts) {
                suppressed += 1;
                continue;
            }
            let labels = Labels {
                actor: &record.actor,
                group: record.actor_group.as_deref(),
                detector: &record.detector,
                severity: &record.severity,
                resources: &alert.resources,
            };
            findings.push(NewFinding {
                group_key: labels.group_key(&self.config.group_by),
                receivers: labels.receivers(&self.config),
                silenced_by: labels.silenced_by(&silences, now_ms).map(|s| s.id.clone()),
                record,
            });
        }
        let outcomes = self
            .store
            .record_findings(&findings, &self.config.timing(), now_ms)
            .await?;
        // Waking is cheap; working out which outcomes queued rows is not worth it.
        if outcomes.iter().any(|o| *o != FindingOutcome::Replayed) {
            self.outbox_wake.notify_one();
        }
        Ok(Recorded {
            outcomes,
            suppressed,
        })
    }

    /// Everyone who was told about the alert: its receivers and the escalation steps reached.
    pub fn told(&self, state: &AlertState) -> Vec<String> {
        if state.silenced_by.is_some() || state.flapping {
            return Vec::new();
        }
        let mut all = state.receivers.clone();
        let reached = usize::try_from(state.escalation_step).unwrap_or(0);
        for step in self.config.escalation.iter().take(reached) {
            for r in &step.receivers {
                if !all.contains(r) {
                    all.push(r.clone());
                }
            }
        }
        all
    }

    /// Applies a person's (or a timer's) change to an alert and queues its notifications.
    pub async fn change(
        &self,
        id: &str,
        from: &[&str],
        to: &str,
        action: &str,
        who: &str,
        note: Option<String>,
    ) -> Result<i64, ChangeError> {
        let state = self
            .store
            .alert_state(id)
            .await?
            .ok_or_else(|| ChangeError::NotFound(id.to_string()))?;
        let wrong = || ChangeError::WrongState {
            id: id.to_string(),
            status: state.status.clone(),
        };
        if !from.contains(&state.status.as_str()) {
            return Err(wrong());
        }
        let notify = self.told(&state);
        let transition = Transition {
            alert_id: id.to_string(),
            from: from.iter().map(|s| s.to_string()).collect(),
            to: to.to_string(),
            who: who.to_string(),
            action: action.to_string(),
            note,
            at_ms: chrono::Utc::now().timestamp_millis(),
            kind: to.to_string(),
            notify,
            escalation_step: None,
        };
        let change = self
            .store
            .transition(&transition)
            .await?
            .ok_or_else(wrong)?;
        self.outbox_wake.notify_one();
        Ok(change)
    }

    pub async fn acknowledge(
        &self,
        id: &str,
        who: &str,
        note: Option<String>,
    ) -> Result<i64, ChangeError> {
        self.change(id, &["firing"], "acknowledged", "acknowledge", who, note)
            .await
    }

    pub async fn resolve(
        &self,
        id: &str,
        who: &str,
        note: Option<String>,
    ) -> Result<i64, ChangeError> {
        self.change(
            id,
            &["firing", "acknowledged"],
            "resolved",
            "resolve",
            who,
            note,
        )
        .await
    }

    /// Records a verdict. A false positive also resolves the alert if it is still open.
    pub async fn feedback(
        &self,
        id: &str,
        verdict: &str,
        reason: &str,
        who: &str,
    ) -> Result<(), ChangeError> {
        if !matches!(verdict, "false_positive" | "true_positive") {
            return Err(ChangeError::Invalid(
                "verdict must be false_positive or true_positive".into(),
            ));
        }
        if verdict == "false_positive" && reason.trim().is_empty() {
            return Err(ChangeError::Invalid(
                "a false positive needs a reason".into(),
            ));
        }
        let alert = self
            .store
            .get_alert(id)
            .await?
            .ok_or_else(|| ChangeError::NotFound(id.to_string()))?;
        let body: serde_json::Value = serde_json::from_str(&alert.body).unwrap_or_default();
        self.store
            .add_feedback(&NewFeedback {
                alert_id: id.to_string(),
                detector: alert.detector.clone(),
                actor: alert.actor.clone(),
                verdict: verdict.to_string(),
                reason: reason.to_string(),
                observed: body["evidence"]["observed"].as_f64().unwrap_or(0.0),
                unit: body["evidence"]["unit"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                author: who.to_string(),
                at_ms: chrono::Utc::now().timestamp_millis(),
                status: alert.status.clone(),
            })
            .await?;
        if verdict == "false_positive" && alert.status != "resolved" {
            let note = Some(format!("false positive: {reason}"));
            match self.resolve(id, who, note).await {
                Ok(_) | Err(ChangeError::WrongState { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}
