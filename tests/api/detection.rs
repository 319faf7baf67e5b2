//! Detection through the service: a simulated world posted over HTTP raises exactly the alerts
//! `replay` computes from the same events, even when the server is SIGKILLed halfway through.
//! (Alerting folds repeats of an open alert into it; each detector alert id is still recorded.)

use crate::helpers::{fresh_database, start_server, Backend};
use crate::on_both_backends;
use accesswatch::engine::{alert_json, Shards};
use accesswatch::ingest::{encode_event, split_items, validate_item, BodyFormat, Limits};
use accesswatch::store::{self, AlertFilter, Scope};
use detectors::sim::{simulate, SimConfig};
use std::collections::BTreeSet;
use std::time::Duration;

const SHARDS: usize = 2;

fn world_ndjson() -> Vec<String> {
    let world = simulate(&SimConfig {
        seed: 7,
        days: 12,
        history_days: 8,
        actors: 120,
        ..SimConfig::default()
    })
    .unwrap();
    world
        .events
        .iter()
        .map(|e| serde_json::to_string(&encode_event(e)).unwrap())
        .collect()
}

/// The alert ids `replay` raises on these lines (no end-of-input flush, like a live server).
fn replayed_alert_ids(lines: &[String]) -> BTreeSet<String> {
    let body = lines.join("\n");
    let items = split_items(BodyFormat::Ndjson, body.as_bytes()).unwrap();
    let limits = Limits {
        latest_ms: i64::MAX,
    };
    let mut shards = Shards::new(&detectors::Config::default(), SHARDS).unwrap();
    let mut ids = BTreeSet::new();
    for item in &items {
        let event = validate_item(item, &limits).unwrap();
        for alert in shards.observe(&event.as_detector_event()) {
            ids.insert(alert_json(&alert).id);
        }
    }
    ids
}

async fn post_all(client: &reqwest::Client, url: &str, key: &str, lines: &[String]) {
    for chunk in lines.chunks(2000) {
        let r = client
            .post(format!("{url}/v1/events"))
            .bearer_auth(key)
            .header("content-type", "application/x-ndjson")
            .body(chunk.join("\n"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 202);
    }
}

async fn wait_for_detection(client: &reqwest::Client, url: &str, key: &str) {
    for _ in 0..600 {
        let stats: serde_json::Value = client
            .get(format!("{url}/v1/stats"))
            .bearer_auth(key)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if stats["events_pending_detection"] == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the engine did not catch up within 60 s");
}

async fn live_ingest_raises_the_alerts_replay_raises_even_across_a_sigkill(backend: Backend) {
    let Some((database_url, dir)) = fresh_database(backend).await else {
        return;
    };
    let lines = world_ndjson();
    let expected = replayed_alert_ids(&lines);
    assert!(
        expected.len() >= 3,
        "the world should hold detectable attacks"
    );

    let config_dir = tempfile::tempdir().unwrap();
    let config = config_dir.path().join("aw.toml");
    std::fs::write(
        &config,
        format!("[engine]\nshards = {SHARDS}\nsnapshot_every_events = 3000\npoll_every_ms = 50\n"),
    )
    .unwrap();
    let config_arg = config.to_string_lossy().into_owned();
    let (ingest, read) = {
        let store = store::open(&database_url).await.unwrap();
        let ingest = accesswatch::keys::create(store.as_ref(), "sim-ingest", Scope::Ingest)
            .await
            .unwrap();
        let read = accesswatch::keys::create(store.as_ref(), "sim-read", Scope::Read)
            .await
            .unwrap();
        (ingest, read)
    };
    let client = reqwest::Client::new();
    let half = lines.len() / 2;

    let (mut first, url) = start_server(&database_url, &["--config", &config_arg]).await;
    post_all(&client, &url, &ingest, &lines[..half]).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    first.start_kill().unwrap();
    first.wait().await.unwrap();

    // A new client: the restarted server may get the same port, and pooled connections are dead.
    let client = reqwest::Client::new();
    let (mut second, url) = start_server(&database_url, &["--config", &config_arg]).await;
    post_all(&client, &url, &ingest, &lines[half..]).await;
    wait_for_detection(&client, &url, &read).await;

    // Repeats of an open alert fold into it as occurrences: every detector alert id is recorded.
    let store = store::open(&database_url).await.unwrap();
    let alerts: BTreeSet<String> = store
        .list_alerts(&AlertFilter {
            limit: 10_000,
            ..AlertFilter::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert!(
        !alerts.is_empty() && alerts.is_subset(&expected),
        "{alerts:?}"
    );
    assert_eq!(occurrence_ids(&database_url).await, expected);
    second.start_kill().ok();
    drop(dir);
}
on_both_backends!(live_ingest_raises_the_alerts_replay_raises_even_across_a_sigkill);

/// Every detector alert id the service recorded (opened alerts and repeats folded into them).
async fn occurrence_ids(database_url: &str) -> BTreeSet<String> {
    const SQL: &str = "SELECT id FROM alert_occurrences";
    if database_url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(database_url).await.unwrap();
        sqlx::query_scalar(SQL)
            .fetch_all(&pool)
            .await
            .unwrap()
            .into_iter()
            .collect()
    } else {
        let pool = sqlx::PgPool::connect(database_url).await.unwrap();
        sqlx::query_scalar(SQL)
            .fetch_all(&pool)
            .await
            .unwrap()
            .into_iter()
            .collect()
    }
}
