//! Shared by the breach-workflow tests: JSON requests with the admin or read key, an alert whose events
//! are stored, and a real loopback HTTP receiver that records what it is sent.

use crate::helpers::TestApp;
use accesswatch::store::AlertRecord;
use axum::http::HeaderMap;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

/// Sends `method path` with the admin key and a JSON body; returns the status and the body as JSON (or as a
/// JSON string when it is not JSON).
pub async fn admin(app: &TestApp, method: &str, path: &str, body: Value) -> (u16, Value) {
    let request = app
        .client
        .request(method.parse().unwrap(), format!("{}{path}", app.url))
        .bearer_auth(&app.admin_key)
        .json(&body);
    answer(request.send().await.unwrap()).await
}

/// `GET path` with the read key.
pub async fn read(app: &TestApp, path: &str) -> (u16, Value) {
    let request = app
        .client
        .get(format!("{}{path}", app.url))
        .bearer_auth(&app.read_key);
    answer(request.send().await.unwrap()).await
}

async fn answer(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Stores `n` events (12 records each, subjects in IN and DE) via the API and an alert citing them.
pub async fn alert_with_events(app: &TestApp, alert_id: &str, n: usize) {
    let ids: Vec<String> = (0..n).map(|i| format!("{alert_id}-ev{i}")).collect();
    let r = app
        .post_events("application/x-ndjson", crate::helpers::ndjson(ids.clone()))
        .await;
    assert_eq!(r.status(), 202);
    let body = json!({"id": alert_id, "actor": "alice@example.com", "severity": "high",
                      "summary": "bulk read", "event_ids": ids});
    let record = AlertRecord {
        id: alert_id.into(),
        fingerprint: format!("volume/alice/{alert_id}"),
        actor: "alice@example.com".into(),
        actor_group: Some("support".into()),
        detector: "volume".into(),
        severity: "high".into(),
        score: 90.0,
        // When the helper's events happened (2026-11-29T10:00:00Z): evidence is looked up near it.
        time_ms: 1_795_946_400_000,
        detected_ms: 1_795_946_400_000,
        status: "firing".into(),
        summary: "bulk read".into(),
        body: body.to_string(),
        created_ms: 1,
        updated_ms: 1,
    };
    assert_eq!(
        app.store.insert_alerts(&[record]).await.unwrap(),
        vec![true]
    );
}

/// What a receiver got: headers and JSON bodies, in arrival order.
pub type Received = Arc<Mutex<Vec<(HeaderMap, Value)>>>;

/// A real HTTP server on 127.0.0.1:0 answering 200 to every POST and recording it. Returns its URL.
pub async fn receiver() -> (String, Received) {
    let got: Received = Arc::default();
    let sink = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: axum::Json<Value>| {
            let sink = sink.clone();
            async move {
                sink.lock().unwrap().push((headers, body.0));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, got)
}

/// The obligation with `rule_id` in an incident's JSON.
pub fn obligation<'a>(incident: &'a Value, rule_id: &str) -> &'a Value {
    incident["obligations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["rule_id"] == rule_id)
        .unwrap_or_else(|| panic!("no obligation {rule_id} in {incident:#}"))
}
