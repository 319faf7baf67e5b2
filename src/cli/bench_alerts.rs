//! `accesswatch bench alerts`: the alert pipeline measured in-process on a fresh SQLite file.
//! (1) throughput: alert changes per second into the outbox (alert row, history and outbox rows
//! in one transaction per batch); (2) latency: a steady rate of findings delivered by the real
//! outbox worker to a webhook receiver on loopback, finding → receipt, p50/p99.

use clap::Args;
use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use detectors::{Alert, Evidence, Severity};
use tokio::sync::Notify;

use crate::alerts::{Alerting, AlertingConfig};
use crate::config::Config;
use crate::notify::ReceiverConfig;

#[derive(Debug, Args)]
pub struct AlertsArgs {
    /// Alert changes written in the throughput phase.
    #[arg(long, default_value_t = 50_000)]
    pub changes: usize,
    /// Findings per `record` call (one transaction) in the throughput phase.
    #[arg(long, default_value_t = 500)]
    pub batch: usize,
    /// Findings per second in the latency phase.
    #[arg(long, default_value_t = 100)]
    pub rate: u64,
    /// Seconds of the latency phase.
    #[arg(long, default_value_t = 20)]
    pub seconds: u64,
    /// group_wait of the latency phase, in milliseconds.
    #[arg(long, default_value_t = 1_000)]
    pub group_wait_ms: u64,
}

fn finding(n: usize, time_ms: i64) -> Alert {
    Alert {
        actor: format!("bench-actor-{n}"),
        actor_group: Some("bench".into()),
        time_ms,
        detected_ms: time_ms,
        detector: "volume".into(),
        detectors: vec!["volume".into()],
        severity: Severity::High,
        score: 80.0,
        p_value: 1e-6,
        summary: "bench".into(),
        evidence: Evidence {
            observed: 1000.0,
            expected: 10.0,
            baseline: "bench".into(),
            unit: "records".into(),
            window: String::new(),
            window_start_ms: time_ms,
            window_end_ms: time_ms,
            top_resources: Vec::new(),
            contributions: Vec::new(),
        },
        resources: vec!["db.bench".into()],
        event_ids: Vec::new(),
    }
}

fn receiver(url: &str) -> anyhow::Result<ReceiverConfig> {
    Ok(toml::from_str(&format!(
        "kind = \"webhook\"\nurl = \"{url}\""
    ))?)
}

pub async fn run(args: AlertsArgs) -> anyhow::Result<ExitCode> {
    let dir = std::env::temp_dir().join(format!("aw-bench-alerts-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let result = phases(&args, &dir).await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}

async fn phases(args: &AlertsArgs, dir: &std::path::Path) -> anyhow::Result<ExitCode> {
    // Phase 1: two receivers, so every opened alert writes an alert row, a history row and two outbox rows.
    let url = format!("sqlite://{}/throughput.db", dir.display());
    let store = crate::store::open(&url).await?;
    let mut config = AlertingConfig::default();
    config
        .receivers
        .insert("a".into(), receiver("http://127.0.0.1:9/a")?);
    config
        .receivers
        .insert("b".into(), receiver("http://127.0.0.1:9/b")?);
    let alerting = Alerting::new(store.clone(), Arc::new(config));
    let now = chrono::Utc::now().timestamp_millis();
    let started = Instant::now();
    let mut n = 0;
    while n < args.changes {
        let batch: Vec<Alert> = (n..(n + args.batch).min(args.changes))
            .map(|i| finding(i, now))
            .collect();
        n += batch.len();
        alerting.record(&batch, now).await?;
    }
    let secs = started.elapsed().as_secs_f64();
    let pending = store.stats().await?.outbox_pending;
    println!(
        "throughput: {} alert changes ({} outbox rows) in {secs:.2} s = {:.0} changes/s (batch {})",
        args.changes,
        pending,
        args.changes as f64 / secs,
        args.batch
    );

    // Phase 2: the real outbox worker against a webhook receiver on loopback.
    let received: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let hook = format!("http://{}/hook", listener.local_addr()?);
    let app = Router::new()
        .route("/hook", post(receive))
        .with_state(received.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });
    let mut config = Config {
        database_url: format!("sqlite://{}/latency.db", dir.display()),
        ..Config::default()
    };
    config.alerting.group_wait = Duration::from_millis(args.group_wait_ms);
    config.alerting.outbox.poll_every = Duration::from_millis(100);
    config
        .alerting
        .receivers
        .insert("hook".into(), receiver(&hook)?);
    let store = crate::store::open(&config.database_url).await?;
    let alerting = Arc::new(Alerting::new(
        store.clone(),
        Arc::new(config.alerting.clone()),
    ));
    let outbox = Arc::new(crate::notify::outbox(&config, store.clone())?);
    let stop = Arc::new(Notify::new());
    let worker = crate::notify::worker::spawn(outbox, alerting.outbox_wake.clone(), stop.clone());
    let mut sent: HashMap<String, Instant> = HashMap::new();
    let total = (args.rate * args.seconds) as usize;
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / args.rate.max(1) as f64));
    for i in 0..total {
        tick.tick().await;
        let alert = finding(1_000_000 + i, now);
        let id = crate::engine::record::alert_json(&alert).id;
        sent.insert(id, Instant::now());
        alerting
            .record(&[alert], chrono::Utc::now().timestamp_millis())
            .await?;
    }
    let deadline =
        Instant::now() + Duration::from_millis(args.group_wait_ms) + Duration::from_secs(10);
    while received.lock().map(|r| r.len()).unwrap_or(0) < total && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.notify_one();
    worker.await?;
    let received = received.lock().map(|r| r.clone()).unwrap_or_default();
    let mut latencies: Vec<f64> = sent
        .iter()
        .filter_map(|(id, at)| {
            received
                .get(id)
                .map(|r| r.duration_since(*at).as_secs_f64() * 1e3)
        })
        .collect();
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
            .copied()
            .unwrap_or(f64::NAN)
    };
    println!(
        "latency: {} of {total} findings delivered at {}/s, group_wait {} ms: p50 {:.0} ms, p99 {:.0} ms (p99 minus group_wait {:.0} ms)",
        latencies.len(),
        args.rate,
        args.group_wait_ms,
        pct(0.5),
        pct(0.99),
        pct(0.99) - args.group_wait_ms as f64
    );
    Ok(ExitCode::SUCCESS)
}

async fn receive(
    State(received): State<Arc<Mutex<HashMap<String, Instant>>>>,
    Json(body): Json<serde_json::Value>,
) -> &'static str {
    let now = Instant::now();
    if let (Ok(mut r), Some(alerts)) = (received.lock(), body["alerts"].as_array()) {
        for a in alerts {
            if let Some(id) = a["id"].as_str() {
                r.entry(id.to_string()).or_insert(now);
            }
        }
    }
    "ok"
}
