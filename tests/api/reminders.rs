//! Reminders before obligation deadlines reach a real HTTP receiver at the configured offsets, once each,
//! and an overdue escalation follows; the gauges count due and overdue obligations.

use crate::breach_helpers::{admin, read, receiver};
use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;
use accesswatch::incidents::reminders::{self, Policy, WebhookSink};
use serde_json::json;
use std::time::Duration;

const HOUR: i64 = 3_600_000;

async fn reminders_fire_once_at_each_offset_and_escalate_when_overdue(backend: Backend) {
    // The service's own scheduler waits an hour between passes: this test drives the clock itself.
    let Some(app) = TestApp::spawn_with(backend, |c| c.reminders.check_every_secs = 3600).await
    else {
        return;
    };
    let (_, body) = admin(&app, "POST", "/v1/incidents", json!({
        "title": "CERT-In clock", "facts": {"noticed_at": "2026-12-24T17:00:00+05:30"}, "reason": "SOC",
        "affected": [{"jurisdiction": "IN", "subjects": 5, "categories": ["pii"]}], "regimes": ["IN-CERT-In"]})).await;
    let id = body["id"].as_i64().unwrap();
    let due = chrono::DateTime::parse_from_rfc3339("2026-12-24T17:30:00Z")
        .unwrap()
        .timestamp_millis();
    let (url, got) = receiver().await;
    let sink = WebhookSink::new(url).unwrap();
    let policy = Policy {
        offsets_secs: vec![86_400, 14_400, 3_600],
        max_attempts: 3,
        public_url: "http://aw.test".into(),
    };
    for at in [
        due - 25 * HOUR,
        due - 23 * HOUR,
        due - 22 * HOUR,
        due - 3 * HOUR,
        due - HOUR + 60_000,
        due - 1,
        due + 60_000,
        due + 2 * HOUR,
    ] {
        reminders::tick(app.store.as_ref(), &sink, &policy, at)
            .await
            .unwrap();
    }
    let cert: Vec<(String, i64, Option<String>)> = got
        .lock()
        .unwrap()
        .iter()
        .filter(|(_, m)| m["rule_id"] == "in-cert-in")
        .map(|(h, m)| {
            (
                m["kind"].as_str().unwrap().to_string(),
                m["offset_secs"].as_i64().unwrap(),
                h.get("idempotency-key")
                    .map(|v| v.to_str().unwrap().to_string()),
            )
        })
        .collect();
    let kinds: Vec<_> = cert.iter().map(|(k, o, _)| (k.as_str(), *o)).collect();
    assert_eq!(
        kinds,
        vec![
            ("reminder", 86_400),
            ("reminder", 14_400),
            ("reminder", 3_600),
            ("overdue", 0)
        ]
    );
    assert!(cert
        .iter()
        .all(|(_, _, key)| key.as_deref().is_some_and(|k| k.starts_with("reminder-"))));
    let first = got
        .lock()
        .unwrap()
        .iter()
        .find(|(_, m)| m["rule_id"] == "in-cert-in")
        .unwrap()
        .1
        .clone();
    assert_eq!(first["incident_id"], id);
    assert_eq!(first["due"], "2026-12-24T17:30:00.000Z");
    assert_eq!(first["link"], format!("http://aw.test/v1/incidents/{id}"));

    let metrics = app
        .client
        .get(format!("{}/metrics", app.url))
        .bearer_auth(&app.read_key)
        .send()
        .await
        .unwrap();
    let text = metrics.text().await.unwrap();
    assert!(
        text.contains("# TYPE accesswatch_obligations_due gauge"),
        "{text}"
    );
    assert!(
        text.contains("accesswatch_obligations_overdue 0\n"),
        "the wall clock is before the deadline: {text}"
    );
    admin(
        &app,
        "POST",
        &format!("/v1/incidents/{id}/obligations/in-cert-in"),
        json!({"state": "submitted"}),
    )
    .await;
    let before = got.lock().unwrap().len();
    reminders::tick(app.store.as_ref(), &sink, &policy, due + 3 * HOUR)
        .await
        .unwrap();
    let after: Vec<_> = got.lock().unwrap()[before..]
        .iter()
        .map(|(_, m)| m["rule_id"].clone())
        .collect();
    assert!(
        !after.contains(&json!("in-cert-in")),
        "a submitted notice is not reminded"
    );
    app.stop().await;
}
on_both_backends!(reminders_fire_once_at_each_offset_and_escalate_when_overdue);

async fn the_scheduler_in_serve_delivers_a_reminder_to_the_configured_webhook(backend: Backend) {
    let (url, got) = receiver().await;
    let Some(app) = TestApp::spawn_with(backend, |c| {
        c.reminders.check_every_secs = 1;
        c.reminders.webhook_url = Some(url);
    })
    .await
    else {
        return;
    };
    // CERT-In gives 6 hours: noticed 5.5 hours ago, 30 minutes are left, so the 1-hour reminder is due.
    let noticed = chrono::Utc::now() - chrono::Duration::minutes(330);
    let (status, body) = admin(
        &app,
        "POST",
        "/v1/incidents",
        json!({
        "title": "live clock", "facts": {"noticed_at": noticed.to_rfc3339()}, "reason": "SOC",
        "affected": [{"jurisdiction": "IN", "subjects": 5}], "regimes": ["IN-CERT-In"]}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let message = loop {
        let found = got
            .lock()
            .unwrap()
            .iter()
            .map(|(_, m)| m.clone())
            .find(|m| m["rule_id"] == "in-cert-in");
        if let Some(m) = found {
            break m;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no reminder arrived"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(
        (message["kind"].as_str(), message["offset_secs"].as_i64()),
        (Some("reminder"), Some(3600))
    );
    let (_, stats) = read(&app, "/v1/stats").await;
    assert_eq!(stats["incidents_open"], 1);
    app.stop().await;
}
on_both_backends!(the_scheduler_in_serve_delivers_a_reminder_to_the_configured_webhook);
