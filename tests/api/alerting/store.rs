//! The alerting half of the `Store` contract, on both backends.

use super::support::*;
use crate::helpers::{fresh_database, Backend};
use crate::on_both_backends;
use accesswatch::engine::record::alert_record;
use accesswatch::store::{self, Attempt, AttemptResult, FindingOutcome, NewFinding, Transition};
use detectors::Severity;

fn new_finding(observed: f64, time_ms: i64, severity: Severity) -> NewFinding {
    let alert = finding("carol", "db.loans", observed, time_ms, severity);
    NewFinding {
        record: alert_record(&alert, 0).unwrap(),
        group_key: "{actor=\"carol\"}".into(),
        receivers: vec!["a".into(), "b".into()],
        silenced_by: None,
    }
}

async fn findings_fold_into_alerts_and_changes_queue_notifications(backend: Backend) {
    let Some((url, _dir)) = fresh_database(backend).await else {
        return;
    };
    let store = store::open(&url).await.unwrap();
    let first = new_finding(900.0, T0, Severity::Medium);
    let out = store
        .record_findings(std::slice::from_ref(&first), &TIMING, 10_000)
        .await
        .unwrap();
    let id = first.record.id.clone();
    assert_eq!(
        out,
        [FindingOutcome::Opened {
            alert_id: id.clone(),
            notified: 2,
            flapping: false
        }]
    );
    assert_eq!(
        store
            .record_findings(&[first], &TIMING, 10_001)
            .await
            .unwrap(),
        [FindingOutcome::Replayed]
    );
    let worse = new_finding(5_000.0, T0 + 60_000, Severity::Critical);
    assert_eq!(
        store
            .record_findings(&[worse], &TIMING, 10_500)
            .await
            .unwrap(),
        [FindingOutcome::Repeated {
            alert_id: id.clone(),
            raised: true
        }]
    );
    let state = store.alert_state(&id).await.unwrap().unwrap();
    assert_eq!(
        (state.occurrences, state.severity.as_str()),
        (2, "critical")
    );

    // Both changes of the group flush together, group_wait after the first.
    assert!(store
        .claim_outbox(10_999, 20_000, 10)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(store.next_outbox_due().await.unwrap(), Some(11_000));
    let claimed = store.claim_outbox(11_000, 20_000, 10).await.unwrap();
    assert_eq!(claimed.len(), 4);
    assert!(
        store
            .claim_outbox(11_000, 20_000, 10)
            .await
            .unwrap()
            .is_empty(),
        "leased"
    );
    let batches: std::collections::HashSet<_> = claimed
        .iter()
        .map(|c| (c.receiver.clone(), c.batch_id))
        .collect();
    assert_eq!(batches.len(), 2, "one batch per receiver");
    let a_rows: Vec<_> = claimed
        .iter()
        .filter(|c| c.receiver == "a")
        .map(|c| (c.id, c.alert.id.clone()))
        .collect();
    store
        .finish_attempt(&Attempt {
            rows: a_rows,
            receiver: "a".into(),
            attempt: 1,
            at_ms: 11_100,
            elapsed_ms: 3,
            status_code: Some(503),
            error: Some("HTTP 503".into()),
            next: AttemptResult::RetryAt(12_000),
        })
        .await
        .unwrap();
    let retried = store.claim_outbox(12_000, 30_000, 10).await.unwrap();
    assert_eq!(retried.len(), 2);
    assert!(
        retried
            .iter()
            .all(|r| r.attempts == 1 && batches.contains(&("a".into(), r.batch_id))),
        "same batch id on retry"
    );
    let backlog = store.outbox_backlog().await.unwrap();
    assert_eq!(backlog.iter().map(|b| b.pending).sum::<i64>(), 4);
    assert_eq!(store.stats().await.unwrap().outbox_pending, 4);
    assert_eq!(store.alert_deliveries(&id).await.unwrap().len(), 2);

    // A change in a group flushed recently waits for group_interval after that flush.
    let mut other = new_finding(800.0, T0, Severity::Medium);
    other.record = alert_record(
        &finding("carol", "db.other", 800.0, T0 + 1, Severity::Medium),
        0,
    )
    .unwrap();
    store
        .record_findings(&[other], &TIMING, 12_000)
        .await
        .unwrap();
    assert!(store
        .claim_outbox(15_999, 40_000, 10)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        store.claim_outbox(16_000, 40_000, 10).await.unwrap().len(),
        2
    );

    let ack = |from: &str| Transition {
        alert_id: id.clone(),
        from: vec![from.into()],
        to: "acknowledged".into(),
        who: "ops".into(),
        action: "acknowledge".into(),
        note: None,
        at_ms: 13_000,
        notify: vec!["a".into()],
        kind: "acknowledged".into(),
        escalation_step: None,
    };
    assert!(
        store.transition(&ack("resolved")).await.unwrap().is_none(),
        "wrong state"
    );
    assert!(store.transition(&ack("firing")).await.unwrap().is_some());
    assert!(
        store.transition(&ack("firing")).await.unwrap().is_none(),
        "only once"
    );
    let history = store.alert_history(&id).await.unwrap();
    let actions: Vec<_> = history.iter().map(|h| h.action.as_str()).collect();
    assert_eq!(actions, ["open", "severity_raised", "acknowledge"]);
    assert!(store.alert_state("missing").await.unwrap().is_none());
}
on_both_backends!(findings_fold_into_alerts_and_changes_queue_notifications);

async fn a_fingerprint_that_keeps_resolving_is_flap_damped(backend: Backend) {
    let Some((url, _dir)) = fresh_database(backend).await else {
        return;
    };
    let store = store::open(&url).await.unwrap();
    let first = new_finding(900.0, T0, Severity::High);
    store
        .record_findings(std::slice::from_ref(&first), &TIMING, 1_000)
        .await
        .unwrap();
    let resolve = Transition {
        alert_id: first.record.id.clone(),
        from: vec!["firing".into()],
        to: "resolved".into(),
        who: "accesswatch".into(),
        action: "auto_resolve".into(),
        note: None,
        at_ms: 2_000,
        notify: vec![],
        kind: "resolved".into(),
        escalation_step: None,
    };
    store.transition(&resolve).await.unwrap().unwrap();
    let again = new_finding(950.0, T0 + 3_600_000, Severity::High);
    let out = store
        .record_findings(std::slice::from_ref(&again), &TIMING, 3_000)
        .await
        .unwrap();
    assert_eq!(
        out,
        [FindingOutcome::Opened {
            alert_id: again.record.id.clone(),
            notified: 0,
            flapping: true
        }]
    );
    let state = store.alert_state(&again.record.id).await.unwrap().unwrap();
    assert!(state.flapping);
}
on_both_backends!(a_fingerprint_that_keeps_resolving_is_flap_damped);
