//! `accesswatch demo`: the whole job in one command, through the real service on an embedded
//! database: a simulated company's traffic, a support agent's bulk export of customer data, the
//! alert that explains it, the incident promoted from it, and every notification owed with its
//! deadline. The database is kept so `serve` can show it in the web UI afterwards.

use anyhow::Context;
use clap::Args;
use serde_json::{json, Value};
use std::process::ExitCode;
use std::time::Duration;

use detectors::sim::{simulate, SimConfig};
use detectors::OwnedEvent;

use super::progress::Progress;
use crate::config::Config;
use crate::ingest::encode_event;
use crate::store::Scope;

const DAY_MS: i64 = 86_400_000;

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Seed of the simulated company.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
}

pub async fn run(mut config: Config, args: DemoArgs) -> anyhow::Result<ExitCode> {
    if config.database_url == Config::default().database_url {
        let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
        config.database_url = format!("sqlite://data/demo-{stamp}.db");
    }
    config.engine.poll_every_ms = 100;
    let (events, exporter) = traffic(args.seed)?;
    let store = crate::app::open_store(&config).await?;
    let admin =
        crate::keys::create(store.as_ref(), &format!("demo-{}", args.seed), Scope::Admin).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(crate::app::run(config.clone(), listener, async {
        let _ = stopped.await;
    }));
    let api = Api {
        client: reqwest::Client::new(),
        url,
        key: admin,
    };

    eprintln!("1. Traffic: {} access events of a simulated company over 10 days, ending with {exporter} exporting customer records", events.len());
    let mut progress = Progress::new("ingest");
    for (n, chunk) in events.chunks(5_000).enumerate() {
        let mut body = String::new();
        for e in chunk {
            let mut line = serde_json::to_value(encode_event(e))?;
            if e.event_id
                .as_deref()
                .is_some_and(|id| id.starts_with("demo-export"))
            {
                // Whose data it was: the customers live in India, the EU, California and the UK.
                line["subject_jurisdictions"] = json!(["IN", "DE", "FR", "US-CA", "GB"]);
            }
            body.push_str(&line.to_string());
            body.push('\n');
        }
        api.post_ndjson("/v1/events", body).await?;
        progress.update((n + 1) * 5_000, "");
    }
    progress.finish(events.len(), "");
    api.wait_for_detection().await?;

    let alerts = api
        .get(&format!(
            "/v1/alerts?actor={}&limit=20",
            crate::web::encode_segment(&exporter)
        ))
        .await?;
    let alert = alerts["alerts"]
        .as_array()
        .and_then(|a| {
            a.iter().max_by(|x, y| {
                x["score"]
                    .as_f64()
                    .partial_cmp(&y["score"].as_f64())
                    .unwrap_or(std::cmp::Ordering::Equal)
            })
        })
        .cloned()
        .context("the export raised no alert")?;
    let id = alert["id"].as_str().unwrap_or_default().to_string();
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    eprintln!(
        "\n2. Alert {id} ({}, score {}):\n   {}",
        text(&alert["severity"]),
        alert["score"],
        text(&alert["summary"])
    );
    let evidence = &alert["evidence"];
    eprintln!(
        "   observed {:.0} {} vs expected {:.1}; baseline: {}",
        evidence["observed"].as_f64().unwrap_or_default(),
        text(&evidence["unit"]),
        evidence["expected"].as_f64().unwrap_or_default(),
        text(&evidence["baseline"])
    );

    let aware = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let incident = api
        .post_json(
            "/v1/incidents",
            json!({
                "alert_ids": [id],
                "title": format!("Bulk export of customer data by {exporter}"),
                "facts": {"aware_at": aware},
                "regimes": ["IN-CERT-In"],
                "reason": "demo: security team confirmed the export was not authorised",
            }),
        )
        .await?;
    let incident_id = incident["id"].as_i64().context("incident id")?;
    let view = api.get(&format!("/v1/incidents/{incident_id}")).await?;
    eprintln!("\n3. Incident #{incident_id} promoted from the alert; affected (estimated from the alert's events):");
    for a in view["affected"].as_array().into_iter().flatten() {
        eprintln!(
            "   {:<8} {:>8} subjects  {}",
            a["jurisdiction"].as_str().unwrap_or_default(),
            a["subjects"],
            a["categories"]
        );
    }
    eprintln!("\n4. Notifications owed (aware at {aware}):");
    for o in view["obligations"].as_array().into_iter().flatten() {
        let c = if o["computed"].is_object() {
            &o["computed"]
        } else {
            o
        };
        eprintln!(
            "   {:<10} {:<44} due {:<26} {}",
            c["jurisdiction"].as_str().unwrap_or_default(),
            c["recipient"].as_str().unwrap_or_default(),
            c["due"].as_str().unwrap_or(if c["asap"] == true {
                "without undue delay"
            } else {
                "-"
            }),
            c["basis"].as_str().unwrap_or_default(),
        );
    }
    let _ = stop.send(());
    server.await.context("server task")??;
    eprintln!(
        "\nThe demo database is kept: accesswatch serve --database-url {} and sign in at /ui with an admin key\n(accesswatch keys create --name me --scope admin --database-url {}).",
        config.database_url, config.database_url
    );
    Ok(ExitCode::SUCCESS)
}

/// Ten days of a simulated company ending at the last UTC midnight, then one support agent's
/// bulk export of customer records (20 exports of 5,000 records in ten minutes, two hours earlier).
/// Returns the events in time order and the exporting agent's name.
fn traffic(seed: u64) -> anyhow::Result<(Vec<OwnedEvent>, String)> {
    let today = chrono::Utc::now().timestamp_millis().div_euclid(DAY_MS) * DAY_MS;
    let world = simulate(&SimConfig {
        seed,
        days: 10,
        history_days: 9,
        actors: 120,
        start_ms: today - 10 * DAY_MS,
    })?;
    let mut events = world.events;
    let agent = events
        .iter()
        .find(|e| e.actor_group.as_deref() == Some("support"))
        .or_else(|| events.first())
        .cloned()
        .context("empty world")?;
    let start = today - 2 * 3_600_000;
    for i in 0..20 {
        events.push(OwnedEvent {
            time_ms: start + i * 30_000,
            event_id: Some(format!("demo-export-{seed}-{i}")),
            action: "export".into(),
            resource: "crm.customers".into(),
            records: 5_000,
            bytes: 2_400_000,
            sensitivity: Some("pii".into()),
            ..agent.clone()
        });
    }
    events.sort_by_key(|e| e.time_ms);
    Ok((events, agent.actor))
}

struct Api {
    client: reqwest::Client,
    url: String,
    key: String,
}

impl Api {
    async fn post_ndjson(&self, path: &str, body: String) -> anyhow::Result<Value> {
        self.send(
            self.client
                .post(format!("{}{path}", self.url))
                .header("content-type", "application/x-ndjson")
                .body(body),
        )
        .await
    }

    async fn post_json(&self, path: &str, body: Value) -> anyhow::Result<Value> {
        self.send(self.client.post(format!("{}{path}", self.url)).json(&body))
            .await
    }

    async fn get(&self, path: &str) -> anyhow::Result<Value> {
        self.send(self.client.get(format!("{}{path}", self.url)))
            .await
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> anyhow::Result<Value> {
        let response = request.bearer_auth(&self.key).send().await?;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        anyhow::ensure!(status.is_success(), "{status}: {body}");
        Ok(body)
    }

    async fn wait_for_detection(&self) -> anyhow::Result<()> {
        for _ in 0..600 {
            if self.get("/v1/stats").await?["events_pending_detection"] == 0 {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        anyhow::bail!("detection did not catch up within a minute")
    }
}
