//! Duplicates: a retried batch is stored once; within the dedup window any repeat of an `event_id`
//! is a duplicate, after it the same id at the same time is; a restart keeps the window.

use crate::helpers::{ndjson, Backend, TestApp};
use crate::on_both_backends;
use serde_json::Value;

async fn a_batch_retried_three_times_is_stored_once(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let batch = ndjson((0..100).map(|i| format!("r-{i}")));
    for attempt in 0..4 {
        let body: Value = app
            .post_events("application/x-ndjson", batch.clone())
            .await
            .json()
            .await
            .unwrap();
        let expected = if attempt == 0 { (100, 0) } else { (0, 100) };
        assert_eq!(
            (
                body["accepted"].as_u64().unwrap(),
                body["duplicates"].as_u64().unwrap()
            ),
            expected
        );
    }
    assert_eq!(app.stored_ids().await.len(), 100);
    app.stop().await;
}
on_both_backends!(a_batch_retried_three_times_is_stored_once);

/// The same event at the given time.
fn event_at(id: &str, time: &str) -> String {
    crate::helpers::event(id).replace("2026-11-29T10:00:00Z", time)
}

/// Posts NDJSON lines and returns `(accepted, duplicates)`.
async fn post_lines(app: &TestApp, lines: &[String]) -> (u64, u64) {
    let body: Value = app
        .post_events("application/x-ndjson", lines.join("\n"))
        .await
        .json()
        .await
        .unwrap();
    (
        body["accepted"].as_u64().unwrap(),
        body["duplicates"].as_u64().unwrap(),
    )
}

async fn a_repeated_event_id_is_a_duplicate_whatever_its_time_within_the_window(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let first = [
        event_at("same", "2026-11-29T10:00:00Z"),
        event_at("same", "2026-11-29T10:00:00Z"),
        event_at("same", "2026-11-29T11:00:00Z"),
    ];
    assert_eq!(post_lines(&app, &first).await, (1, 2));
    let later = [event_at("same", "2026-11-29T12:00:00Z")];
    assert_eq!(post_lines(&app, &later).await, (0, 1));
    assert_eq!(app.stored_ids().await.len(), 1);
    app.stop().await;
}
on_both_backends!(a_repeated_event_id_is_a_duplicate_whatever_its_time_within_the_window);

async fn without_the_window_an_event_id_is_a_duplicate_at_its_own_time_only(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |c| c.ingest.dedup_window_secs = 0).await else {
        return;
    };
    // What a restart leaves: the store knows each event by its id and its time.
    let at_ten = [event_at("same", "2026-11-29T10:00:00Z")];
    assert_eq!(post_lines(&app, &at_ten).await, (1, 0));
    assert_eq!(
        post_lines(&app, &at_ten).await,
        (0, 1),
        "the same event again"
    );
    let at_eleven = [event_at("same", "2026-11-29T11:00:00Z")];
    assert_eq!(post_lines(&app, &at_eleven).await, (1, 0), "another access");
    assert_eq!(post_lines(&app, &at_eleven).await, (0, 1));
    assert_eq!(app.stored_ids().await.len(), 2);
    app.stop().await;
}
on_both_backends!(without_the_window_an_event_id_is_a_duplicate_at_its_own_time_only);

async fn the_dedup_window_survives_a_restart(backend: Backend) {
    use accesswatch::ingest::{hash_event_id, spawn_writer, WriterSettings};
    use accesswatch::store::NewEvent;
    use detectors::{ActorType, Outcome};
    let Some((url, _dir)) = crate::helpers::fresh_database(backend).await else {
        return;
    };
    let store = accesswatch::store::open(&url).await.unwrap();
    let at = |ts_ms: i64| NewEvent {
        eid_hash: Some(hash_event_id("same")),
        event_id: Some("same".into()),
        ts_ms,
        actor: "alice@example.com".into(),
        actor_type: ActorType::User,
        actor_group: None,
        action: "read".into(),
        resource: "db.customers".into(),
        records: 1,
        bytes: None,
        outcome: Outcome::Success,
        sensitivity: None,
        jurisdictions: None,
        source_ip: None,
        region: None,
        attributes: None,
    };
    let start = || async {
        let (committed, _) = tokio::sync::mpsc::channel(1);
        let settings = WriterSettings {
            max_commit_events: 1_000,
            queue: 8,
            dedup_window_secs: 600,
        };
        spawn_writer(store.clone(), settings, committed)
            .await
            .unwrap()
    };
    let (writer, task) = start().await;
    assert_eq!(writer.write(vec![at(1_000)]).await.unwrap(), vec![true]);
    drop(writer);
    task.await.unwrap();
    let (writer, _task) = start().await;
    assert_eq!(
        writer.write(vec![at(2_000)]).await.unwrap(),
        vec![false],
        "the restarted writer still knows the id"
    );
    assert_eq!(store.count_events().await.unwrap(), 1);
}
on_both_backends!(the_dedup_window_survives_a_restart);
