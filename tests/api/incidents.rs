//! Incidents through the API: lifecycle, promotion from alerts, obligations kept in step with the rules
//! engine, and submissions moving dependent deadlines.

use crate::breach_helpers::{admin, alert_with_events, obligation, read};
use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;
use serde_json::json;

async fn an_incident_moves_through_its_lifecycle_and_every_change_is_audited(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (status, created) = admin(
        &app,
        "POST",
        "/v1/incidents",
        json!({"title": "Support agent bulk export", "severity": "high"}),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["status"], "new");
    let id = created["id"].as_i64().unwrap();
    let path = format!("/v1/incidents/{id}");

    let (status, body) = admin(
        &app,
        "PATCH",
        &path,
        json!({"facts": {"aware_at": "2026-12-24T17:00:00+05:30"}}),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["detail"].as_str().unwrap().starts_with("reason:"),
        "{body}"
    );
    let (status, body) = admin(
        &app,
        "PATCH",
        &path,
        json!({"facts": {"aware_x": "2026-12-24T17:00:00+05:30"}, "reason": "r"}),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["detail"].as_str().unwrap().contains("facts.aware_x"),
        "{body}"
    );
    let (status, body) = admin(&app, "PATCH", &path, json!({"status": "bogus"})).await;
    assert_eq!(
        (
            status,
            body["detail"].as_str().unwrap().starts_with("status:")
        ),
        (400, true)
    );

    let (status, body) = admin(&app, "PATCH", &path, json!({"status": "in_progress", "assignee": "dpo@example.com",
        "facts": {"aware_at": "2026-12-24T17:00:00+05:30"}, "reason": "forensics confirmed the export"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["facts"]["aware_at"], "2026-12-24T17:00:00+05:30");
    assert_eq!(body["assignee"], "dpo@example.com");
    let (status, _) = admin(
        &app,
        "POST",
        &format!("{path}/comments"),
        json!({"text": "called counsel"}),
    )
    .await;
    assert_eq!(status, 201);
    let (status, body) = admin(
        &app,
        "POST",
        &format!("{path}/tasks"),
        json!({"title": "preserve logs"}),
    )
    .await;
    assert_eq!(
        (status, body["tasks"][0]["done"].clone()),
        (201, json!(false))
    );
    let (_, body) = admin(
        &app,
        "PATCH",
        &format!("{path}/tasks/1"),
        json!({"done": true}),
    )
    .await;
    assert_eq!(body["tasks"][0]["done"], true);

    let (_, stats) = read(&app, "/v1/stats").await;
    assert_eq!(stats["incidents_open"], 1);
    let (_, body) = admin(
        &app,
        "PATCH",
        &path,
        json!({"status": "closed", "verdict": "confirmed_breach"}),
    )
    .await;
    assert_eq!(body["status"], "closed");
    let (_, stats) = read(&app, "/v1/stats").await;
    assert_eq!(stats["incidents_open"], 0);

    let (status, body) = read(&app, "/v1/incidents/not-a-number").await;
    assert_eq!(status, 400);
    assert!(
        body["detail"].as_str().unwrap().starts_with("path:"),
        "{body}"
    );
    let (status, list) = read(&app, "/v1/incidents?status=closed").await;
    assert_eq!(
        (status, list["incidents"][0]["id"].as_i64()),
        (200, Some(id))
    );
    let (status, _) = admin(&app, "PATCH", &path, json!({"status": "new"})).await;
    assert_eq!(status, 200, "an admin may reopen");
    let (status, _) = app
        .client
        .patch(format!("{}{path}", app.url))
        .bearer_auth(&app.read_key)
        .json(&json!({"status": "closed"}))
        .send()
        .await
        .map(|r| (r.status().as_u16(), ()))
        .unwrap();
    assert_eq!(status, 403, "a read key cannot change incidents");

    let (_, trail) = read(&app, &format!("{path}/audit")).await;
    let rows = trail["audit"].as_array().unwrap();
    let fact = rows
        .iter()
        .find(|r| r["field"] == "facts.aware_at")
        .unwrap();
    assert_eq!(fact["actor"], "test-admin");
    assert_eq!(fact["reason"], "forensics confirmed the export");
    assert_eq!(fact["old_value"], serde_json::Value::Null);
    let status_changes: Vec<_> = rows
        .iter()
        .filter(|r| r["field"] == "status")
        .map(|r| {
            (
                r["old_value"].as_str().unwrap(),
                r["new_value"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        status_changes,
        vec![
            ("\"new\"", "\"in_progress\""),
            ("\"in_progress\"", "\"closed\""),
            ("\"closed\"", "\"new\"")
        ]
    );
    for pair in rows.windows(2) {
        assert_eq!(pair[1]["prev_hash"], pair[0]["hash"]);
    }
    app.stop().await;
}
on_both_backends!(an_incident_moves_through_its_lifecycle_and_every_change_is_audited);

async fn promoting_alerts_prefills_affected_jurisdictions_from_their_events(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    alert_with_events(&app, "al_one", 3).await;
    alert_with_events(&app, "al_two", 2).await;
    let (status, body) = admin(
        &app,
        "POST",
        "/v1/incidents",
        json!({"alert_ids": ["al_one"]}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["severity"], "high", "taken from the alert");
    assert_eq!(body["alert_ids"], json!(["al_one"]));
    let affected = |b: &serde_json::Value| {
        b["affected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["jurisdiction"].as_str().unwrap().to_string(),
                    a["subjects"].as_u64().unwrap(),
                    a["estimated"].as_bool().unwrap(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        affected(&body),
        vec![("DE".into(), 36, true), ("IN".into(), 36, true)]
    );
    assert_eq!(body["affected"][0]["categories"], json!(["pii"]));

    let id = body["id"].as_i64().unwrap();
    let (status, body) = admin(
        &app,
        "POST",
        &format!("/v1/incidents/{id}/alerts"),
        json!({"alert_ids": ["al_two"]}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["alert_ids"], json!(["al_one", "al_two"]));
    assert_eq!(
        affected(&body),
        vec![("DE".into(), 60, true), ("IN".into(), 60, true)]
    );
    let (status, body) = admin(
        &app,
        "POST",
        "/v1/incidents",
        json!({"alert_ids": ["al_missing"]}),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["detail"].as_str().unwrap().contains("alert_ids"),
        "{body}"
    );
    app.stop().await;
}
on_both_backends!(promoting_alerts_prefills_affected_jurisdictions_from_their_events);

async fn obligations_are_recomputed_when_facts_change_and_submissions_move_dependent_deadlines(
    backend: Backend,
) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (status, body) = admin(&app, "POST", "/v1/incidents", json!({
        "title": "NIS2 incident", "facts": {"aware_at": "2026-12-24T17:00:00+05:30"}, "reason": "SOC escalation",
        "affected": [{"jurisdiction": "DE", "subjects": 10, "categories": ["pii"]}],
        "regimes": ["EU-NIS2"], "entity": {"establishment": "DE"}})).await;
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_i64().unwrap();
    let path = format!("/v1/incidents/{id}");
    let gdpr = obligation(&body, "eu-gdpr-sa-de");
    assert_eq!(gdpr["due"], "2026-12-27T11:30:00Z");
    assert_eq!(gdpr["state"], "open");
    assert!(gdpr["basis"].as_str().unwrap().contains("33"), "{gdpr}");
    let final_before = obligation(&body, "eu-nis2-final-de")["due"].clone();

    let (status, body) = admin(&app, "PATCH", &path, json!({
        "facts": {"aware_at": "2026-12-25T17:00:00+05:30"}, "reason": "earlier date was the phishing mail"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        obligation(&body, "eu-gdpr-sa-de")["due"],
        "2026-12-28T11:30:00Z"
    );
    let (_, trail) = read(&app, &format!("{path}/audit")).await;
    let recomputed = trail["audit"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["action"] == "obligation.recomputed" && r["field"] == "obligations.eu-gdpr-sa-de"
        })
        .unwrap();
    assert_eq!(recomputed["old_value"], "2026-12-27T11:30:00.000Z");
    assert_eq!(recomputed["new_value"], "2026-12-28T11:30:00.000Z");

    let (status, body) = admin(&app, "POST", &format!("{path}/obligations/eu-nis2-notification-de"), json!({
        "state": "submitted", "submitted_at": "2026-12-26T10:00:00+01:00", "reference": "BSI-2026-0042",
        "attachment_note": "notification form v2"})).await;
    assert_eq!(status, 200, "{body}");
    let notified = obligation(&body, "eu-nis2-notification-de");
    assert_eq!(
        (notified["state"].as_str(), notified["reference"].as_str()),
        (Some("submitted"), Some("BSI-2026-0042"))
    );
    assert_eq!(notified["submitted_by"], "test-admin");
    let fin = obligation(&body, "eu-nis2-final-de");
    assert_ne!(fin["due"], final_before);
    assert_eq!(fin["clock_start"], "submitted:eu-nis2-notification-de");
    assert_eq!(
        fin["due"], "2027-01-26T22:59:59Z",
        "one month after the submission, end of day Berlin"
    );

    let (status, body) = admin(
        &app,
        "POST",
        &format!("{path}/obligations/eu-gdpr-subjects-de"),
        json!({"state": "not_required"}),
    )
    .await;
    assert_eq!(
        (
            status,
            body["detail"].as_str().unwrap().starts_with("reason:")
        ),
        (400, true)
    );
    let (status, body) = admin(
        &app,
        "POST",
        &format!("{path}/obligations/eu-gdpr-subjects-de"),
        json!({"state": "not_required", "reason": "Art 34(3)(a): data was encrypted at rest"}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        obligation(&body, "eu-gdpr-subjects-de")["state"],
        "not_required"
    );

    let (status, body) = admin(&app, "PATCH", &path, json!({"affected": []})).await;
    assert_eq!(status, 200);
    assert_eq!(
        obligation(&body, "eu-gdpr-sa-de")["state"],
        "withdrawn",
        "nobody affected: no GDPR notice"
    );
    assert_eq!(
        obligation(&body, "eu-nis2-notification-de")["state"],
        "submitted",
        "history stays"
    );
    app.stop().await;
}
on_both_backends!(
    obligations_are_recomputed_when_facts_change_and_submissions_move_dependent_deadlines
);
