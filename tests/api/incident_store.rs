//! The `IncidentStore` contract, run on every backend: optimistic versions, obligation upserts, the audit
//! chain's links, and reminders recorded at most once.

use crate::helpers::{fresh_database, Backend};
use crate::on_both_backends;
use accesswatch::store::{
    self, IncidentChange, IncidentFilter, NewAudit, NewReminder, ObligationUpsert, StoreError,
};

fn change(id: Option<i64>, version: i64, status: &str, due_ms: Option<i64>) -> IncidentChange {
    IncidentChange {
        id,
        expected_version: version,
        title: "t".into(),
        status: status.into(),
        severity: "high".into(),
        body: "{}".into(),
        now_ms: 10,
        obligations: vec![ObligationUpsert {
            rule_id: "in-cert-in".into(),
            state: "open".into(),
            due_ms,
            computed: "{}".into(),
            tracking: "{}".into(),
        }],
        audit: vec![NewAudit {
            at_ms: 10,
            actor: "ops".into(),
            action: status.into(),
            ..NewAudit::default()
        }],
    }
}

async fn incidents_are_versioned_and_their_audit_rows_form_one_chain(backend: Backend) {
    let Some((url, _dir)) = fresh_database(backend).await else {
        return;
    };
    let store = store::open(&url).await.unwrap();
    let id = store
        .save_incident(&change(None, 0, "new", Some(100)))
        .await
        .unwrap();
    let other = store
        .save_incident(&change(None, 0, "new", None))
        .await
        .unwrap();
    assert_ne!(id, other);
    assert_eq!(
        store
            .save_incident(&change(Some(id), 1, "in_progress", Some(200)))
            .await
            .unwrap(),
        id
    );
    let stale = store
        .save_incident(&change(Some(id), 1, "closed", None))
        .await;
    assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
    let row = store.get_incident(id).await.unwrap().unwrap();
    assert_eq!((row.version, row.status.as_str()), (2, "in_progress"));
    let obligations = store.obligations_of(id).await.unwrap();
    assert_eq!((obligations.len(), obligations[0].due_ms), (1, Some(200)));
    assert_eq!(
        store.open_obligations().await.unwrap().len(),
        1,
        "undated obligations are not counted down"
    );

    let audit = store.audit_entries(None, 0, 100).await.unwrap();
    assert_eq!(audit.len(), 3, "the stale update wrote nothing");
    assert_eq!(audit[0].prev_hash, store::GENESIS_HASH);
    for pair in audit.windows(2) {
        assert_eq!(pair[1].prev_hash, pair[0].hash);
    }
    assert!(audit.iter().all(|a| a.hash == a.expected_hash()));
    assert_eq!(
        store
            .audit_entries(Some(other), 0, 100)
            .await
            .unwrap()
            .len(),
        1
    );
    let open = store
        .list_incidents(&IncidentFilter {
            status: Some("new".into()),
            limit: 10,
        })
        .await
        .unwrap();
    assert_eq!(open.iter().map(|r| r.id).collect::<Vec<_>>(), vec![other]);
    assert_eq!(store.stats().await.unwrap().incidents_open, 2);

    let reminder = NewReminder {
        obligation_id: obligations[0].id,
        kind: "reminder".into(),
        offset_secs: 3600,
        due_ms: 200,
        created_ms: 1,
    };
    let first = store.record_reminder(&reminder).await.unwrap();
    assert!(first.is_some());
    assert_eq!(
        store.record_reminder(&reminder).await.unwrap(),
        None,
        "once per offset and deadline"
    );
    let moved = NewReminder {
        due_ms: 300,
        ..reminder
    };
    assert!(
        store.record_reminder(&moved).await.unwrap().is_some(),
        "a moved deadline is reminded again"
    );
    let first = first.unwrap();
    store
        .finish_reminder(first, Some("timeout"), false, 5)
        .await
        .unwrap();
    store.finish_reminder(first, None, false, 6).await.unwrap();
    let all = store.reminders_of(id).await.unwrap();
    assert_eq!(
        (all[0].state.as_str(), all[0].attempts, all[0].sent_ms),
        ("sent", 2, Some(6))
    );
    assert_eq!(store.pending_reminders().await.unwrap().len(), 1);
}
on_both_backends!(incidents_are_versioned_and_their_audit_rows_form_one_chain);
