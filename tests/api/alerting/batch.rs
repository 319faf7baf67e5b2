//! A whole batch in one `record_findings` call writes the rows one call per finding writes: the
//! multi-row statements keep the row-by-row semantics (repeats, raises, replays, flap damping,
//! silences, group timers), on both backends.

use super::support::*;
use crate::helpers::{fresh_database, Backend};
use crate::on_both_backends;
use accesswatch::engine::record::alert_record;
use accesswatch::store::{self, FindingOutcome, NewFeedback, NewFinding, Store, Transition};
use detectors::Severity;
use sqlx::Row;

/// When the batch is recorded.
const NOW: i64 = 10_000;

fn new_finding(actor: &str, resource: &str, time_ms: i64, severity: Severity) -> NewFinding {
    let alert = finding(actor, resource, 900.0, time_ms, severity);
    NewFinding {
        record: alert_record(&alert, 0).unwrap(),
        group_key: format!("{{actor=\"{actor}\"}}"),
        receivers: vec!["a".into(), "b".into()],
        silenced_by: None,
    }
}

/// What the store holds before the batch: carol's alert open (its group flushes at 10,500, after
/// NOW), harry's open (his group flushed at 7,000, within group_interval of NOW), erin's resolved.
async fn before(store: &dyn Store) {
    let open = |actor: &str, resource: &str, severity| new_finding(actor, resource, T0, severity);
    store
        .record_findings(&[open("harry", "db.pay", Severity::Medium)], &TIMING, 6_000)
        .await
        .unwrap();
    let earlier = [
        open("carol", "db.loans", Severity::Medium),
        open("erin", "db.hr", Severity::High),
    ];
    store
        .record_findings(&earlier, &TIMING, 9_500)
        .await
        .unwrap();
    let resolve = Transition {
        alert_id: earlier[1].record.id.clone(),
        from: vec!["firing".into()],
        to: "resolved".into(),
        who: "ops".into(),
        action: "resolve".into(),
        note: None,
        at_ms: 9_600,
        notify: vec!["a".into()],
        kind: "resolved".into(),
        escalation_step: None,
    };
    store.transition(&resolve).await.unwrap().unwrap();
}

/// Every case of the fold, then enough new alerts sharing a few groups to fill the groups.
fn batch() -> Vec<NewFinding> {
    let mut silenced = new_finding("frank", "db.y", T0, Severity::High);
    silenced.silenced_by = Some("si_1".into());
    let mut unrouted = new_finding("gina", "db.z", T0, Severity::High);
    unrouted.receivers.clear();
    let mut batch = vec![
        new_finding("carol", "db.loans", T0 + 60_000, Severity::Medium),
        new_finding("carol", "db.loans", T0 + 120_000, Severity::Critical),
        new_finding("dave", "db.x", T0, Severity::Medium),
        new_finding("dave", "db.x", T0 + 60_000, Severity::High),
        new_finding("dave", "db.x", T0 + 120_000, Severity::Low),
        new_finding("dave", "db.x", T0, Severity::Medium),
        new_finding("carol", "db.loans", T0, Severity::Medium),
        new_finding("erin", "db.hr", T0 + 3_600_000, Severity::High),
        silenced,
        unrouted,
        new_finding("harry", "db.pay", T0 + 60_000, Severity::Critical),
    ];
    for i in 0..30 {
        let mut f = new_finding(&format!("bulk-{i}"), "db.bulk", T0, Severity::High);
        f.group_key = format!("{{team=\"{}\"}}", i % 3);
        batch.push(f);
    }
    batch
}

/// Every row of the tables `record_findings` writes, as text, in a stable order.
async fn tables(url: &str, backend: Backend) -> Vec<Vec<Vec<Option<String>>>> {
    const QUERIES: [&str; 5] = [
        "SELECT id, fingerprint, actor, actor_group, detector, severity, CAST(score AS TEXT), \
         CAST(time_ms AS TEXT), CAST(detected_ms AS TEXT), status, summary, body, \
         CAST(created_ms AS TEXT), CAST(updated_ms AS TEXT), group_key, receivers, \
         CAST(occurrences AS TEXT), CAST(last_seen_ms AS TEXT), silenced_by, \
         CAST(flapping AS TEXT), CAST(escalation_step AS TEXT), \
         CAST(last_notified_ms AS TEXT), CAST(resolved_ms AS TEXT) FROM alerts ORDER BY id",
        "SELECT id, alert_id, CAST(seen_ms AS TEXT) FROM alert_occurrences ORDER BY id",
        "SELECT CAST(id AS TEXT), alert_id, CAST(at_ms AS TEXT), who, action, from_status, \
         to_status, note FROM alert_history ORDER BY id",
        "SELECT receiver, group_key, CAST(next_flush_ms AS TEXT) FROM alert_groups \
         ORDER BY receiver, group_key",
        "SELECT CAST(id AS TEXT), alert_id, CAST(change_id AS TEXT), receiver, group_key, kind, \
         status, CAST(created_ms AS TEXT), CAST(next_attempt_ms AS TEXT) FROM outbox ORDER BY id",
    ];
    let mut tables = Vec::new();
    for sql in QUERIES {
        let rows: Vec<Vec<Option<String>>> = match backend {
            Backend::Sqlite => {
                let pool = sqlx::SqlitePool::connect(url).await.unwrap();
                let rows = sqlx::query(sql).fetch_all(&pool).await.unwrap();
                rows.iter()
                    .map(|r| (0..r.len()).map(|i| r.get(i)).collect())
                    .collect()
            }
            Backend::Postgres => {
                let pool = sqlx::PgPool::connect(url).await.unwrap();
                let rows = sqlx::query(sql).fetch_all(&pool).await.unwrap();
                rows.iter()
                    .map(|r| (0..r.len()).map(|i| r.get(i)).collect())
                    .collect()
            }
        };
        tables.push(rows);
    }
    tables
}

async fn one_call_per_batch_writes_what_one_call_per_finding_writes(backend: Backend) {
    let Some((batched_url, _batched_dir)) = fresh_database(backend).await else {
        return;
    };
    let Some((single_url, _single_dir)) = fresh_database(backend).await else {
        return;
    };
    let batched = store::open(&batched_url).await.unwrap();
    let single = store::open(&single_url).await.unwrap();
    before(batched.as_ref()).await;
    before(single.as_ref()).await;
    let findings = batch();

    let outcomes = batched
        .record_findings(&findings, &TIMING, NOW)
        .await
        .unwrap();
    let mut one_by_one = Vec::new();
    for f in &findings {
        let out = single
            .record_findings(std::slice::from_ref(f), &TIMING, NOW)
            .await
            .unwrap();
        one_by_one.extend(out);
    }

    assert_eq!(outcomes, one_by_one);
    let id = |i: usize| findings[i].record.id.clone();
    let opened = |i: usize, notified, flapping| FindingOutcome::Opened {
        alert_id: id(i),
        notified,
        flapping,
    };
    let carol = id(6);
    let harry = new_finding("harry", "db.pay", T0, Severity::Medium)
        .record
        .id;
    assert_eq!(
        outcomes[..11],
        [
            FindingOutcome::Repeated {
                alert_id: carol.clone(),
                raised: false
            },
            FindingOutcome::Repeated {
                alert_id: carol,
                raised: true
            },
            opened(2, 2, false),
            FindingOutcome::Repeated {
                alert_id: id(2),
                raised: true
            },
            FindingOutcome::Repeated {
                alert_id: id(2),
                raised: false
            },
            FindingOutcome::Replayed,
            FindingOutcome::Replayed,
            opened(7, 0, true),
            opened(8, 0, false),
            opened(9, 0, false),
            FindingOutcome::Repeated {
                alert_id: harry.clone(),
                raised: true
            },
        ]
    );
    let dave = batched.alert_state(&id(2)).await.unwrap().unwrap();
    assert_eq!((dave.occurrences, dave.severity.as_str()), (3, "high"));
    let rows = tables(&batched_url, backend).await;
    assert_eq!(
        rows,
        tables(&single_url, backend).await,
        "alerts, occurrences, history, groups and outbox rows"
    );

    // What both ways must write, whatever they share.
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let (occurrences, history, outbox) = (&rows[1], &rows[2], &rows[4]);
    let points_at = |i: usize| {
        occurrences
            .iter()
            .find(|r| text(&r[0]) == id(i))
            .map(|r| text(&r[1]))
    };
    assert_eq!(points_at(1), Some(id(6)), "folded into carol's open alert");
    assert_eq!(points_at(4), Some(id(2)), "folded into dave's new alert");
    let alert_of_change: std::collections::HashMap<_, _> =
        history.iter().map(|r| (text(&r[0]), text(&r[1]))).collect();
    for row in outbox {
        assert_eq!(alert_of_change.get(&text(&row[2])), Some(&text(&row[1])));
    }
    let due = |alert: &str, kind: &str| -> Vec<String> {
        outbox
            .iter()
            .filter(|r| text(&r[1]) == alert && text(&r[5]) == kind && text(&r[7]) == "10000")
            .map(|r| text(&r[8]))
            .collect()
    };
    assert_eq!(due(&id(6), "update"), ["10500", "10500"], "rides along");
    assert_eq!(due(&id(2), "firing"), ["11000", "11000"], "new group");
    assert_eq!(due(&id(2), "update"), ["11000", "11000"]);
    assert_eq!(due(&harry, "update"), ["12000", "12000"], "group_interval");

    let again = batched
        .record_findings(&findings, &TIMING, NOW + 1)
        .await
        .unwrap();
    assert!(again.iter().all(|o| *o == FindingOutcome::Replayed));
}
on_both_backends!(one_call_per_batch_writes_what_one_call_per_finding_writes);

async fn a_batch_larger_than_one_statement_is_written_whole(backend: Backend) {
    let Some((url, _dir)) = fresh_database(backend).await else {
        return;
    };
    let store = store::open(&url).await.unwrap();
    // 2,500 alerts of 20 bound columns and 5,000 outbox rows: several statements each on SQLite.
    let findings: Vec<NewFinding> = (0..2_500)
        .map(|i| new_finding(&format!("actor-{i}"), "db.wide", T0, Severity::High))
        .collect();
    let outcomes = store
        .record_findings(&findings, &TIMING, NOW)
        .await
        .unwrap();
    assert!(outcomes
        .iter()
        .all(|o| matches!(o, FindingOutcome::Opened { notified: 2, .. })));
    assert_eq!(store.stats().await.unwrap().outbox_pending, 5_000);
    let claimed = store
        .claim_outbox(NOW + TIMING.group_wait_ms, NOW + 60_000, 10_000)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 5_000, "every row names a stored change");
    let last = &findings[2_499].record.id;
    let history = store.alert_history(last).await.unwrap();
    assert_eq!(history.len(), 1);
    assert!(claimed
        .iter()
        .filter(|c| &c.alert.id == last)
        .all(|c| c.who == "detector:volume"));
}
on_both_backends!(a_batch_larger_than_one_statement_is_written_whole);

async fn verdicts_are_found_for_more_actors_than_one_statement_binds(backend: Backend) {
    let Some((url, _dir)) = fresh_database(backend).await else {
        return;
    };
    let store = store::open(&url).await.unwrap();
    for (actor, at_ms) in [("actor-39999", 2), ("actor-7", 1)] {
        let verdict = NewFeedback {
            alert_id: format!("al_{actor}"),
            detector: "volume".into(),
            actor: actor.into(),
            verdict: "false_positive".into(),
            reason: "month-end report".into(),
            observed: 900.0,
            unit: "records".into(),
            author: "ops".into(),
            at_ms,
            status: "firing".into(),
        };
        store.add_feedback(&verdict).await.unwrap();
    }
    let actors: Vec<String> = (0..40_000).map(|i| format!("actor-{i}")).collect();
    let found = store.false_positives(&actors).await.unwrap();
    let found: Vec<_> = found.iter().map(|f| f.actor.as_str()).collect();
    assert_eq!(found, ["actor-39999", "actor-7"], "oldest verdict first");
}
on_both_backends!(verdicts_are_found_for_more_actors_than_one_statement_binds);
