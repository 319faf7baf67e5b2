//! Timers of the lifecycle, checked every `sweep_every` against the store (so they survive
//! restarts): automatic resolution after a quiet period, repeats of unacknowledged alerts every
//! `repeat_interval`, and escalation of unacknowledged high/critical alerts through ordered steps.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio::task::JoinHandle;

use super::duration::ms;
use super::service::Alerting;
use crate::store::{Store, StoreResult, Sweep, Transition};

/// Most alerts handled per timer per sweep; the next sweep takes the rest.
const PER_SWEEP: i64 = 500;

/// Runs sweeps until `stop` is notified.
pub fn spawn(alerting: Arc<Alerting>, store: Arc<dyn Store>, stop: Arc<Notify>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let every = alerting.config().sweep_every.max(Duration::from_millis(10));
        loop {
            tokio::select! {
                () = stop.notified() => return,
                () = tokio::time::sleep(every) => {}
            }
            let now = chrono::Utc::now().timestamp_millis();
            if let Err(e) = sweep(&alerting, store.as_ref(), now).await {
                tracing::warn!(error = %e, "alert sweep failed; retrying next time");
            }
        }
    })
}

/// One pass of every timer at `now_ms`; returns how many changes it made.
pub async fn sweep(alerting: &Alerting, store: &dyn Store, now_ms: i64) -> StoreResult<usize> {
    let config = alerting.config();
    let mut changes = 0;
    let quiet = Sweep::Quiet {
        before_ms: now_ms - ms(config.resolve_after),
    };
    for alert in store.sweep_candidates(&quiet, PER_SWEEP).await? {
        let note = format!("no new finding for {:?}", config.resolve_after);
        let t = transition(
            &alert.id,
            &alert.status,
            "resolved",
            "auto_resolve",
            note,
            now_ms,
        )
        .notifying(alerting.told(&alert), "resolved");
        changes += usize::from(store.transition(&t).await?.is_some());
    }
    if !config.repeat_interval.is_zero() {
        let repeat = Sweep::Repeat {
            before_ms: now_ms - ms(config.repeat_interval),
        };
        for alert in store.sweep_candidates(&repeat, PER_SWEEP).await? {
            let note = "still firing and unacknowledged".to_string();
            let t = transition(&alert.id, "firing", "firing", "repeat", note, now_ms)
                .notifying(alerting.told(&alert), "repeat");
            changes += usize::from(store.transition(&t).await?.is_some());
        }
    }
    for (step, rule) in config.escalation.iter().enumerate() {
        let step = step as i64;
        let due = Sweep::Escalate {
            step,
            before_ms: now_ms - ms(rule.after),
            severities: config.escalate_severities.clone(),
        };
        for alert in store.sweep_candidates(&due, PER_SWEEP).await? {
            let note = format!(
                "unacknowledged after {:?}: escalated to step {} ({})",
                rule.after,
                step + 1,
                rule.receivers.join(", ")
            );
            let mut t = transition(&alert.id, "firing", "firing", "escalate", note, now_ms)
                .notifying(rule.receivers.clone(), "escalation");
            t.escalation_step = Some(step + 1);
            changes += usize::from(store.transition(&t).await?.is_some());
        }
    }
    if changes > 0 {
        alerting.outbox_wake.notify_one();
    }
    Ok(changes)
}

fn transition(
    id: &str,
    from: &str,
    to: &str,
    action: &str,
    note: String,
    now_ms: i64,
) -> Transition {
    Transition {
        alert_id: id.to_string(),
        from: vec![from.to_string()],
        to: to.to_string(),
        who: "accesswatch".into(),
        action: action.into(),
        note: Some(note),
        at_ms: now_ms,
        notify: Vec::new(),
        kind: String::new(),
        escalation_step: None,
    }
}
