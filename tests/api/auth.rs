//! API keys: wrong, missing, revoked and wrong-scope keys are refused; only `/healthz` is open.

use crate::helpers::{ndjson, Backend, TestApp};
use crate::on_both_backends;

const PROTECTED: &[(&str, &str)] = &[
    ("POST", "/v1/events"),
    ("GET", "/v1/stats"),
    ("GET", "/readyz"),
    ("GET", "/v1/keys"),
    ("POST", "/v1/keys"),
    ("DELETE", "/v1/keys/test-read"),
];

async fn no_route_but_healthz_answers_without_a_valid_key(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let health = app
        .client
        .get(format!("{}/healthz", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    for (method, path) in PROTECTED {
        for key in [
            None,
            Some("aw_wrongwrongwrongwrongwrongwrongwrongwrongwro"),
            Some("garbage"),
        ] {
            let mut req = app
                .client
                .request(method.parse().unwrap(), format!("{}{path}", app.url));
            if let Some(k) = key {
                req = req.bearer_auth(k);
            }
            let r = req.send().await.unwrap();
            assert_eq!(r.status(), 401, "{method} {path} with {key:?}");
            assert_eq!(r.headers()["content-type"], "application/problem+json");
        }
    }
    app.stop().await;
}
on_both_backends!(no_route_but_healthz_answers_without_a_valid_key);

async fn a_key_without_the_needed_scope_is_forbidden(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let stats = |key: &str| {
        app.client
            .get(format!("{}/v1/stats", app.url))
            .bearer_auth(key.to_string())
            .send()
    };
    assert_eq!(stats(&app.ingest_key).await.unwrap().status(), 403);
    assert_eq!(stats(&app.read_key).await.unwrap().status(), 200);
    assert_eq!(stats(&app.admin_key).await.unwrap().status(), 200);
    let post = app
        .client
        .post(format!("{}/v1/events", app.url))
        .bearer_auth(&app.read_key)
        .header("content-type", "application/x-ndjson")
        .body(ndjson(["scoped".to_string()]))
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 403);
    let keys = app
        .client
        .get(format!("{}/v1/keys", app.url))
        .bearer_auth(&app.read_key)
        .send()
        .await
        .unwrap();
    assert_eq!(keys.status(), 403);
    assert!(app.stored_ids().await.is_empty());
    app.stop().await;
}
on_both_backends!(a_key_without_the_needed_scope_is_forbidden);

async fn a_revoked_key_is_refused_at_once(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let post = || app.post_events("application/x-ndjson", ndjson(["rev".to_string()]));
    assert_eq!(post().await.status(), 202);
    let r = app
        .client
        .delete(format!("{}/v1/keys/test-ingest", app.url))
        .bearer_auth(&app.admin_key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(post().await.status(), 401);
    app.stop().await;
}
on_both_backends!(a_revoked_key_is_refused_at_once);

async fn stats_count_what_was_stored(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    app.post_events(
        "application/x-ndjson",
        ndjson((0..7).map(|i| format!("s-{i}"))),
    )
    .await;
    let stats: serde_json::Value = app
        .client
        .get(format!("{}/v1/stats", app.url))
        .bearer_auth(&app.read_key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats["events_stored"], 7);
    assert_eq!(stats["actors_tracked"], 1);
    for key in ["alerts_open", "incidents_open", "outbox_pending"] {
        assert!(stats[key].is_i64(), "{key} missing from {stats}");
    }
    app.stop().await;
}
on_both_backends!(stats_count_what_was_stored);
