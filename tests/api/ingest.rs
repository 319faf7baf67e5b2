//! `POST /v1/events`: statuses, per-item errors, and exactly the valid events stored.

use crate::helpers::{event, ndjson, Backend, TestApp};
use crate::on_both_backends;
use serde_json::Value;
use std::io::Write;

async fn valid_ndjson_batch_is_acknowledged_and_stored(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let ids: Vec<String> = (0..50).map(|i| format!("v-{i}")).collect();
    let r = app
        .post_events("application/x-ndjson", ndjson(ids.clone()))
        .await;
    assert_eq!(r.status(), 202);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["accepted"], 50);
    assert_eq!(body["duplicates"], 0);
    assert_eq!(body["rejected"], 0);
    assert_eq!(app.stored_ids().await, ids);
    let stored = app.store.events_after(0, 1).await.unwrap().remove(0).event;
    assert_eq!(stored.actor, "alice@example.com");
    assert_eq!(stored.records, 12);
    assert_eq!(stored.jurisdictions.as_deref(), Some(r#"["IN","DE"]"#));
    app.stop().await;
}
on_both_backends!(valid_ndjson_batch_is_acknowledged_and_stored);

async fn mixed_batch_stores_exactly_the_valid_events_and_names_each_bad_field(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let big = "x".repeat(2 << 20);
    let lines = [
        event("ok-1"),
        "{\"event_id\":\"bad-json\",\"time\":".to_string(),
        r#"{"event_id":"no-time","actor":"a","action":"read","resource":"r"}"#.to_string(),
        event("unknown").replace("\"records\"", "\"recrods\""),
        event("negative").replace("\"records\":12", "\"records\":-3"),
        event("huge").replace("db.customers", &big),
        event("ok-2"),
    ];
    let r = app
        .post_events("application/x-ndjson", lines.join("\n"))
        .await;
    assert_eq!(r.status(), 202);
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        (body["accepted"].as_u64(), body["rejected"].as_u64()),
        (Some(2), Some(5))
    );
    let errors: Vec<(u64, Value)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["index"].as_u64().unwrap(), e["field"].clone()))
        .collect();
    assert_eq!(
        errors,
        vec![
            (1, Value::Null),
            (2, "time".into()),
            (3, "recrods".into()),
            (4, "records".into()),
            (5, "resource".into()),
        ]
    );
    assert_eq!(body["errors"][1]["line"], 3);
    assert_eq!(body["errors"][3]["event_id"], "negative");
    assert_eq!(app.stored_ids().await, vec!["ok-1", "ok-2"]);
    app.stop().await;
}
on_both_backends!(mixed_batch_stores_exactly_the_valid_events_and_names_each_bad_field);

async fn wholly_invalid_batch_is_a_400_problem_with_item_errors(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let r = app
        .post_events(
            "application/json",
            r#"[{"actor":"a"},{"time":"2026-01-01T00:00:00Z"}]"#,
        )
        .await;
    assert_eq!(r.status(), 400);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["status"], 400);
    assert_eq!(body["errors"][0]["field"], "time");
    assert_eq!(body["errors"][1]["field"], "actor");
    assert!(app.stored_ids().await.is_empty());
    app.stop().await;
}
on_both_backends!(wholly_invalid_batch_is_a_400_problem_with_item_errors);

async fn sixty_four_concurrent_clients_lose_and_duplicate_nothing(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let mut clients = Vec::new();
    for c in 0..64 {
        let (client, url, key) = (app.client.clone(), app.url.clone(), app.ingest_key.clone());
        clients.push(tokio::spawn(async move {
            // Half the clients resend a slice of another client's ids: dedup across requests.
            let ids: Vec<String> = (0..1000)
                .map(|i| format!("c{}-{i}", if c % 2 == 1 && i < 100 { c - 1 } else { c }))
                .collect();
            loop {
                let r = client
                    .post(format!("{url}/v1/events"))
                    .bearer_auth(&key)
                    .header("content-type", "application/x-ndjson")
                    .body(ndjson(ids.clone()))
                    .send()
                    .await
                    .unwrap();
                match r.status().as_u16() {
                    202 => return (ids, r.json::<Value>().await.unwrap()),
                    429 | 503 => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
                    other => panic!("unexpected status {other}"),
                }
            }
        }));
    }
    let mut acknowledged = std::collections::HashSet::new();
    let mut accepted = 0;
    for c in clients {
        let (ids, body) = c.await.unwrap();
        assert_eq!(body["rejected"], 0);
        accepted += body["accepted"].as_u64().unwrap();
        acknowledged.extend(ids);
    }
    let stored = app.stored_ids().await;
    let distinct: std::collections::HashSet<_> = stored.iter().cloned().collect();
    assert_eq!(distinct.len(), stored.len(), "an event was stored twice");
    assert_eq!(distinct, acknowledged, "an acknowledged event is missing");
    assert_eq!(accepted as usize, stored.len());
    assert_eq!(stored.len(), 64 * 1000 - 32 * 100);
    app.stop().await;
}
on_both_backends!(sixty_four_concurrent_clients_lose_and_duplicate_nothing);

async fn wrong_content_type_is_415(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let r = app.post_events("text/plain", event("x")).await;
    assert_eq!(r.status(), 415);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let body: Value = r.json().await.unwrap();
    assert!(body["detail"].as_str().unwrap().contains("text/plain"));
    app.stop().await;
}
on_both_backends!(wrong_content_type_is_415);

async fn gzip_bomb_is_413_naming_the_decompressed_limit(backend: Backend) {
    let Some(app) =
        TestApp::spawn_with(backend, |c| c.ingest.max_decompressed_bytes = 1 << 20).await
    else {
        return;
    };
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(&vec![b' '; 200 << 20]).unwrap();
    let bomb = enc.finish().unwrap();
    let r = app
        .client
        .post(format!("{}/v1/events", app.url))
        .bearer_auth(&app.ingest_key)
        .header("content-type", "application/x-ndjson")
        .header("content-encoding", "gzip")
        .body(bomb)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    let body: Value = r.json().await.unwrap();
    assert!(
        body["detail"].as_str().unwrap().contains("1048576"),
        "{body}"
    );
    app.stop().await;
}
on_both_backends!(gzip_bomb_is_413_naming_the_decompressed_limit);

async fn compressed_bodies_are_accepted(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(ndjson(["g-1".to_string()]).as_bytes())
        .unwrap();
    let zs = zstd::encode_all(ndjson(["z-1".to_string()]).as_bytes(), 3).unwrap();
    for (encoding, body) in [("gzip", gz.finish().unwrap()), ("zstd", zs)] {
        let r = app
            .client
            .post(format!("{}/v1/events", app.url))
            .bearer_auth(&app.ingest_key)
            .header("content-type", "application/x-ndjson")
            .header("content-encoding", encoding)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 202, "{encoding}");
    }
    assert_eq!(app.stored_ids().await, vec!["g-1", "z-1"]);
    app.stop().await;
}
on_both_backends!(compressed_bodies_are_accepted);

async fn oversized_body_is_413_before_anything_is_stored(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |c| c.ingest.max_body_bytes = 64 << 10).await
    else {
        return;
    };
    let r = app
        .post_events(
            "application/x-ndjson",
            ndjson((0..1000).map(|i| format!("big-{i}"))),
        )
        .await;
    assert_eq!(r.status(), 413);
    let body: Value = r.json().await.unwrap();
    assert!(body["detail"].as_str().unwrap().contains("65536"), "{body}");
    assert!(app.stored_ids().await.is_empty());
    app.stop().await;
}
on_both_backends!(oversized_body_is_413_before_anything_is_stored);

async fn a_single_json_object_and_an_array_are_both_accepted(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    assert_eq!(
        app.post_events("application/json", event("one"))
            .await
            .status(),
        202
    );
    let array = format!("[{},{}]", event("a-1"), event("a-2"));
    assert_eq!(
        app.post_events("application/json", array).await.status(),
        202
    );
    assert_eq!(app.stored_ids().await, vec!["one", "a-1", "a-2"]);
    app.stop().await;
}
on_both_backends!(a_single_json_object_and_an_array_are_both_accepted);

async fn ocsf_events_are_mapped_onto_the_native_schema(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let body = [
        r#"{"class_uid":6005,"activity_name":"Read","time":1796013000000,"metadata":{"uid":"ocsf-1"},"actor":{"user":{"name":"bob@example.com"}},"database":{"name":"crm"},"table":{"name":"customers"},"unmapped":{"records":4000,"sensitivity":"pii"}}"#,
        r#"{"class_uid":4001,"time":1796013000000}"#,
    ]
    .join("\n");
    let r = app
        .client
        .post(format!("{}/v1/events/ocsf", app.url))
        .bearer_auth(&app.ingest_key)
        .header("content-type", "application/x-ndjson")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let report: Value = r.json().await.unwrap();
    assert_eq!(
        (report["accepted"].as_u64(), report["rejected"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(report["errors"][0]["field"], "class_uid");
    let stored = app.store.events_after(0, 10).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].event.resource, "crm.customers");
    assert_eq!(stored[0].event.records, 4000);
    assert_eq!(stored[0].event.event_id.as_deref(), Some("ocsf-1"));
    app.stop().await;
}
on_both_backends!(ocsf_events_are_mapped_onto_the_native_schema);
