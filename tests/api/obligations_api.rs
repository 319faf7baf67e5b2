//! `POST /v1/obligations`: the HTTP twin of `accesswatch obligations`, computed and never stored.

use crate::breach_helpers::{obligation, read};
use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;
use serde_json::json;

async fn the_obligations_endpoint_computes_without_storing_and_names_bad_fields(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let post = |body: serde_json::Value| {
        app.client
            .post(format!("{}/v1/obligations", app.url))
            .bearer_auth(&app.read_key)
            .json(&body)
            .send()
    };
    let r = post(json!({"facts": {"aware_at": "2026-12-24T17:00:00+05:30"},
        "affected": [{"jurisdiction": "IN", "subjects": 120000, "categories": ["pii"]}], "regimes": ["IN-CERT-In"]})).await.unwrap();
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        obligation(&body, "in-cert-in")["due"],
        "2026-12-24T17:30:00Z"
    );
    assert!(body["not_required"].is_array());
    let r = post(json!({"facts": {"aware_at": "yesterday"}}))
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .starts_with("facts.aware_at"),
        "{body}"
    );
    let (_, stats) = read(&app, "/v1/stats").await;
    assert_eq!(stats["incidents_open"], 0);
    app.stop().await;
}
on_both_backends!(the_obligations_endpoint_computes_without_storing_and_names_bad_fields);
