//! The `Store` contract, run on every backend.

use crate::helpers::{fresh_database, Backend};
use crate::on_both_backends;
use accesswatch::store::{self, EventBatch, NewApiKey, NewEvent, Scope, StoreError};
use detectors::{ActorType, Outcome};
use std::sync::Arc;

fn new_event(id: Option<&str>, hash: Option<i64>, ts_ms: i64) -> NewEvent {
    NewEvent {
        eid_hash: hash,
        event_id: id.map(str::to_string),
        ts_ms,
        actor: "svc-export".into(),
        actor_type: ActorType::Service,
        actor_group: Some("batch".into()),
        action: "export".into(),
        resource: "s3://bucket/customers".into(),
        records: 10_000,
        bytes: Some(1 << 30),
        outcome: Outcome::Denied,
        sensitivity: Some("pii".into()),
        jurisdictions: Some(r#"["IN"]"#.into()),
        source_ip: Some("10.1.2.3".into()),
        region: Some("ap-south-1".into()),
        attributes: Some(r#"{"query":"select *"}"#.into()),
    }
}

async fn events_round_trip_with_every_field(backend: Backend) {
    let Some((url, _dir)) = fresh_database(backend).await else {
        return;
    };
    let store = store::open(&url).await.unwrap();
    let original = new_event(Some("a"), Some(1), 1_700_000_000_123);
    let batch = EventBatch {
        events: vec![original.clone()],
        received_ms: 42,
        ..EventBatch::default()
    };
    assert_eq!(
        store.append_events(Arc::new(batch)).await.unwrap().inserted,
        vec![true]
    );
    let stored = store.events_after(0, 10).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].event, original);
    assert_eq!(stored[0].received_ms, 42);
    assert!(
        store.migrate().await.unwrap().is_empty(),
        "migrations are idempotent"
    );
}
on_both_backends!(events_round_trip_with_every_field);

async fn a_repeated_event_is_a_duplicate_but_a_hash_collision_or_a_new_time_is_stored(
    backend: Backend,
) {
    let Some((url, _dir)) = fresh_database(backend).await else {
        return;
    };
    let store = store::open(&url).await.unwrap();
    let first = EventBatch {
        events: vec![new_event(Some("x"), Some(7), 1), new_event(None, None, 2)],
        ..Default::default()
    };
    assert_eq!(
        store.append_events(Arc::new(first)).await.unwrap().inserted,
        vec![true, true]
    );
    let again = EventBatch {
        events: vec![
            new_event(Some("x"), Some(7), 1),
            new_event(Some("y-collides-with-x"), Some(7), 1),
            new_event(None, None, 2),
            // The same id at another time is another event (the identity is id and time).
            new_event(Some("x"), Some(7), 5),
        ],
        ..Default::default()
    };
    assert_eq!(
        store.append_events(Arc::new(again)).await.unwrap().inserted,
        vec![false, true, true, true]
    );
    let mut stored: Vec<_> = store
        .events_after(0, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.event.event_id, e.event.ts_ms))
        .collect();
    stored.sort();
    assert_eq!(
        stored,
        vec![
            (None, 2),
            (None, 2),
            (Some("x".into()), 1),
            (Some("x".into()), 5),
            (Some("y-collides-with-x".into()), 1),
        ]
    );
}
on_both_backends!(a_repeated_event_is_a_duplicate_but_a_hash_collision_or_a_new_time_is_stored);

async fn api_keys_are_unique_by_name_and_revocable_once(backend: Backend) {
    let Some((url, _dir)) = fresh_database(backend).await else {
        return;
    };
    let store = store::open(&url).await.unwrap();
    let key = NewApiKey {
        name: "ops".into(),
        key_hash: "h1".into(),
        scope: Scope::Admin,
        created_ms: 5,
    };
    store.insert_api_key(&key).await.unwrap();
    let dup = NewApiKey {
        key_hash: "h2".into(),
        ..key.clone()
    };
    assert!(matches!(
        store.insert_api_key(&dup).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store.find_api_key("h1").await.unwrap().unwrap().scope,
        Scope::Admin
    );
    assert!(store.find_api_key("nope").await.unwrap().is_none());
    assert!(store.revoke_api_key("ops", 9).await.unwrap());
    assert!(!store.revoke_api_key("ops", 10).await.unwrap());
    assert_eq!(store.list_api_keys().await.unwrap()[0].revoked_ms, Some(9));
}
on_both_backends!(api_keys_are_unique_by_name_and_revocable_once);

async fn expired_events_are_swept_but_recent_and_unprocessed_ones_kept(backend: Backend) {
    let Some((url, _dir)) = fresh_database(backend).await else {
        return;
    };
    let store = store::open(&url).await.unwrap();
    let batch = |n: i64, received_ms| EventBatch {
        events: (0..n).map(|i| new_event(None, None, i)).collect(),
        received_ms,
        ..EventBatch::default()
    };
    let (_, last_old) = store
        .append_events(Arc::new(batch(20_500, 1_000)))
        .await
        .unwrap()
        .ids
        .unwrap();
    store
        .append_events(Arc::new(batch(4_500, 5_000_000)))
        .await
        .unwrap();
    let sweep = |processed| accesswatch::retention::sweep(store.as_ref(), 1_000_000, processed);
    assert_eq!(
        sweep(last_old - 100).await.unwrap(),
        20_400,
        "unprocessed events stay"
    );
    assert_eq!(sweep(i64::MAX).await.unwrap(), 100);
    assert_eq!(store.count_events().await.unwrap(), 4_500);
    assert_eq!(
        store.events_after(0, 1).await.unwrap()[0].received_ms,
        5_000_000
    );
}
on_both_backends!(expired_events_are_swept_but_recent_and_unprocessed_ones_kept);
