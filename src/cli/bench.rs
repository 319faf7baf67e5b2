//! `accesswatch bench ingest`: a load generator that posts NDJSON batches of realistic events to a
//! running server and reports events/s and request latency percentiles. Benchmarks, not tests:
//! figures go to docs/BENCHMARKS.md with the command that produced them.

use clap::{Args, Subcommand};
use std::fmt::Write as _;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Post NDJSON batches to POST /v1/events and report throughput and latency.
    Ingest(IngestArgs),
    /// Alert changes/s into the outbox, and finding-to-webhook latency, in-process on SQLite.
    Alerts(super::bench_alerts::AlertsArgs),
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Base URL of the running server.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub url: String,
    /// An API key with the ingest scope.
    #[arg(long, env = "ACCESSWATCH_KEY", hide_env_values = true)]
    pub key: String,
    /// Concurrent clients.
    #[arg(long, default_value_t = 16)]
    pub concurrency: usize,
    /// Events per request.
    #[arg(long, default_value_t = 1000)]
    pub batch: usize,
    /// How long to post, in seconds.
    #[arg(long, default_value_t = 20)]
    pub seconds: u64,
    /// Distinct actors in the generated traffic.
    #[arg(long, default_value_t = 5000)]
    pub actors: u64,
}

pub async fn run(cmd: BenchCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        BenchCommand::Ingest(args) => ingest(args).await,
        BenchCommand::Alerts(args) => super::bench_alerts::run(args).await,
    }
}

async fn ingest(args: IngestArgs) -> anyhow::Result<ExitCode> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .build()?;
    let url = format!("{}/v1/events", args.url.trim_end_matches('/'));
    let run_id = chrono::Utc::now().timestamp_millis();
    let counter = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..args.concurrency {
        let (client, url, key, counter) = (
            client.clone(),
            url.clone(),
            args.key.clone(),
            counter.clone(),
        );
        let (batch, actors) = (args.batch, args.actors.max(1));
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let (mut accepted, mut failures) = (0u64, 0u64);
            while Instant::now() < deadline {
                let first = counter.fetch_add(batch as u64, Ordering::Relaxed);
                let body = ndjson_batch(run_id, first, batch, actors);
                let t = Instant::now();
                let response = client
                    .post(&url)
                    .bearer_auth(&key)
                    .header("content-type", "application/x-ndjson")
                    .body(body)
                    .send()
                    .await;
                match response {
                    Ok(r) if r.status().as_u16() == 202 => {
                        latencies.push(t.elapsed());
                        let report: serde_json::Value = r.json().await.unwrap_or_default();
                        accepted += report["accepted"].as_u64().unwrap_or(0);
                    }
                    Ok(r) => {
                        failures += 1;
                        if r.status().as_u16() == 429 {
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                    }
                    Err(_) => failures += 1,
                }
            }
            (latencies, accepted, failures)
        }));
    }
    let (mut latencies, mut accepted, mut failures) = (Vec::new(), 0u64, 0u64);
    for task in tasks {
        let (l, a, f) = task.await?;
        latencies.extend(l);
        accepted += a;
        failures += f;
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1e3)
    };
    println!(
        "{{\"events_per_sec\": {:.0}, \"accepted\": {accepted}, \"requests\": {}, \"failed_requests\": {failures}, \
         \"p50_ms\": {:.1}, \"p99_ms\": {:.1}, \"seconds\": {elapsed:.1}, \"concurrency\": {}, \"batch\": {}}}",
        accepted as f64 / elapsed,
        latencies.len(),
        pct(0.50),
        pct(0.99),
        args.concurrency,
        args.batch
    );
    Ok(ExitCode::SUCCESS)
}

const ACTIONS: [&str; 4] = ["read", "query", "list", "export"];
const SENSITIVITY: [&str; 4] = ["pii", "internal", "financial", "pii"];
const JURISDICTIONS: [&str; 4] = ["IN", "DE", "US-CA", "FR"];

/// `count` events with unique ids; roughly 280 bytes each, like a real access log line.
fn ndjson_batch(run_id: i64, first: u64, count: usize, actors: u64) -> String {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let mut out = String::with_capacity(count * 300);
    for n in first..first + count as u64 {
        let mix = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let actor = mix % actors;
        let i = (mix >> 32) as usize % 4;
        let _ = writeln!(
            out,
            "{{\"event_id\":\"bench-{run_id}-{n}\",\"time\":\"{}\",\"actor\":\"user{actor}@example.com\",\
             \"actor_group\":\"team{}\",\"action\":\"{}\",\"resource\":\"db.customers.t{}\",\"records\":{},\
             \"bytes\":{},\"sensitivity\":\"{}\",\"subject_jurisdictions\":[\"{}\"],\"source_ip\":\"10.0.{}.{}\"}}",
            now,
            actor % 40,
            ACTIONS[i],
            mix % 50,
            1 + (mix >> 40) % 200,
            512 + (mix >> 20) % 65_536,
            SENSITIVITY[i],
            JURISDICTIONS[(mix >> 8) as usize % 4],
            actor % 250,
            mix % 250,
        );
    }
    out
}
