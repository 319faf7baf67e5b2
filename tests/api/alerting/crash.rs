//! SIGKILL mid-delivery: the real binary is killed while notifications are in flight and
//! restarted; every alert still reaches the receiver (at least once, deduplicable by id).

use super::support::*;
use crate::helpers::{fresh_database, Backend};
use crate::on_both_backends;
use accesswatch::alerts::Alerting;
use accesswatch::config::Config;
use detectors::Severity;
use std::collections::HashSet;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

async fn start(database_url: &str, config: &std::path::Path) -> Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_accesswatch"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            database_url,
            "--config",
        ])
        .arg(config)
        .env("RUST_LOG", "warn")
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn accesswatch");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    loop {
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("server did not start in 30 s")
            .unwrap()
            .expect("server exited before listening");
        if line.contains("listening on ") {
            break;
        }
    }
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    child
}

/// Alert ids in every accepted notification, and how many notification ids arrived twice.
fn delivered(sink: &Sink) -> (HashSet<String>, usize) {
    let mut alerts = HashSet::new();
    let mut ids = HashSet::new();
    let mut repeats = 0;
    for r in sink.accepted() {
        if !ids.insert(r.body["id"].as_str().unwrap().to_string()) {
            repeats += 1;
        }
        for a in r.body["alerts"].as_array().unwrap() {
            alerts.insert(a["id"].as_str().unwrap().to_string());
        }
    }
    (alerts, repeats)
}

async fn notifications_in_flight_survive_a_sigkill(backend: Backend) {
    let Some((database_url, dir)) = fresh_database(backend).await else {
        return;
    };
    let sink = Sink::slow(Duration::from_millis(150)).await;
    let dir = dir.unwrap_or_else(|| tempfile::tempdir().unwrap());
    let config = dir.path().join("aw.toml");
    std::fs::write(
        &config,
        format!(
            "[alerting]\ngroup_wait = \"50ms\"\n[alerting.outbox]\npoll_every = \"50ms\"\n\
             timeout = \"400ms\"\nconcurrency = 2\nretry_initial = \"100ms\"\n\
             [alerting.receivers.hook]\nkind = \"webhook\"\nurl = \"{}\"\n",
            sink.url
        ),
    )
    .unwrap();
    let store = accesswatch::store::open(&database_url).await.unwrap();
    let mut server = start(&database_url, &config).await;
    // The same configuration as the server: routing happens where findings are recorded.
    let alerting = Config::load(Some(&config), Vec::new()).unwrap().alerting;
    let feeder = Alerting::new(store.clone(), Arc::new(alerting));
    let now = chrono::Utc::now().timestamp_millis();
    let findings: Vec<_> = (0..40)
        .map(|i| {
            finding(
                &format!("actor{i}"),
                "db.customers",
                9_000.0,
                T0,
                Severity::High,
            )
        })
        .collect();
    let recorded = feeder.record(&findings, now).await.unwrap();
    let expected: HashSet<String> = recorded
        .outcomes
        .iter()
        .map(|o| match o {
            accesswatch::store::FindingOutcome::Opened { alert_id, .. } => alert_id.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    eventually(20, "some deliveries before the kill", || async {
        sink.accepted().len() >= 3
    })
    .await;
    server.start_kill().unwrap();
    server.wait().await.unwrap();
    let before = delivered(&sink).0.len();
    assert!(
        before < expected.len(),
        "killed mid-delivery ({before} delivered)"
    );
    let mut restarted = start(&database_url, &config).await;
    eventually(30, "every alert delivered after the restart", || async {
        delivered(&sink).0 == expected
    })
    .await;
    let (_, repeats) = delivered(&sink);
    // At least once: only the requests cut by the kill may arrive twice, under the same id.
    assert!(repeats <= 2, "{repeats} notifications repeated");
    restarted.start_kill().ok();
}
on_both_backends!(notifications_in_flight_survive_a_sigkill);
