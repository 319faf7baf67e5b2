//! The incident report for regulators and counsel: facts, obligations with their basis and submissions,
//! the timeline and the audit excerpt, as JSON and Markdown.

use crate::breach_helpers::{admin, obligation, read};
use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;
use serde_json::json;

async fn the_report_carries_facts_obligations_with_basis_and_an_audit_excerpt(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, body) = admin(&app, "POST", "/v1/incidents", json!({
        "title": "CERT-In report", "facts": {"noticed_at": "2026-12-24T17:00:00+05:30"}, "reason": "SOC ticket 7",
        "affected": [{"jurisdiction": "IN", "subjects": 120000, "categories": ["pii"]}], "regimes": ["IN-CERT-In"]})).await;
    let id = body["id"].as_i64().unwrap();
    admin(
        &app,
        "POST",
        &format!("/v1/incidents/{id}/obligations/in-cert-in"),
        json!({"state": "submitted", "reference": "CERTIN-991"}),
    )
    .await;

    let (status, report) = read(&app, &format!("/v1/incidents/{id}/report?format=json")).await;
    assert_eq!(status, 200);
    assert_eq!(
        report["incident"]["facts"]["noticed_at"],
        "2026-12-24T17:00:00+05:30"
    );
    let cert = obligation(&report["incident"], "in-cert-in");
    assert_eq!(
        (cert["due"].as_str(), cert["reference"].as_str()),
        (Some("2026-12-24T17:30:00Z"), Some("CERTIN-991"))
    );
    assert!(cert["basis"].as_str().unwrap().contains("70B"), "{cert}");
    assert!(report["audit_excerpt"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["action"] == "obligation.submitted"));
    assert_eq!(
        report["audit_excerpt"]["chain"]["broken"],
        serde_json::Value::Null
    );
    assert!(report["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["reason"] == "SOC ticket 7"));

    let md = app
        .client
        .get(format!("{}/v1/incidents/{id}/report?format=md", app.url))
        .bearer_auth(&app.read_key)
        .send()
        .await
        .unwrap();
    assert!(md.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/markdown"));
    let md = md.text().await.unwrap();
    for needle in [
        "# Incident",
        "| noticed_at | 2026-12-24T17:00:00+05:30 |",
        "CERTIN-991",
        "70B",
        "## Audit excerpt",
        "Chain intact",
    ] {
        assert!(md.contains(needle), "missing {needle:?} in\n{md}");
    }
    let (status, _) = read(&app, &format!("/v1/incidents/{id}/report?format=pdf")).await;
    assert_eq!(status, 400);
    let (status, _) = read(&app, "/v1/incidents/999/report").await;
    assert_eq!(status, 404);
    app.stop().await;
}
on_both_backends!(the_report_carries_facts_obligations_with_basis_and_an_audit_excerpt);
