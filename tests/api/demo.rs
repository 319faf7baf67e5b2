//! `accesswatch demo` runs the whole job through the real binary: traffic, the alert, the incident
//! and its deadlines.

#[tokio::test]
async fn the_demo_shows_the_alert_the_incident_and_the_deadlines() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/demo.db", dir.path().display());
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_accesswatch"))
        .args(["demo", "--database-url", &url])
        .env("RUST_LOG", "warn")
        .output()
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("2. Alert al_"), "{text}");
    assert!(text.contains("crm.customers"), "{text}");
    assert!(text.contains("3. Incident #1"), "{text}");
    assert!(
        text.contains("CERT-In") && text.contains("GDPR Art 33"),
        "{text}"
    );
}
