//! The Grafana dashboard only queries metrics that `/metrics` serves.

use crate::helpers::{Backend, TestApp};
use std::collections::BTreeSet;

fn metric_names(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = text;
    while let Some(start) = rest.find("accesswatch_") {
        let tail = &rest[start..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(tail.len());
        let name = tail[..end]
            .trim_end_matches("_bucket")
            .trim_end_matches("_count")
            .trim_end_matches("_sum");
        names.insert(name.to_string());
        rest = &tail[end..];
    }
    names
}

#[tokio::test]
async fn every_metric_the_dashboard_queries_is_served() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let served = app
        .client
        .get(format!("{}/metrics", app.url))
        .bearer_auth(&app.read_key)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let dashboard = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/dashboards/accesswatch.json"
    ))
    .unwrap();
    let _: serde_json::Value = serde_json::from_str(&dashboard).expect("dashboard is JSON");
    let wanted = metric_names(&dashboard);
    assert!(wanted.len() >= 5, "{wanted:?}");
    let served = metric_names(&served);
    let missing: Vec<_> = wanted.difference(&served).collect();
    assert!(
        missing.is_empty(),
        "dashboard queries metrics /metrics does not serve: {missing:?}"
    );
    app.stop().await;
}
