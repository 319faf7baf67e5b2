//! `accesswatch simulate --out DIR`: writes a labelled world (`events.ndjson` in the native wire
//! schema and `labels.json`) for `eval`, demos and load tests.

use clap::Args;
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use detectors::sim::{simulate, SimConfig};
use detectors::{ActorType, Outcome, OwnedEvent};

use crate::engine::record::rfc3339;

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Directory to write events.ndjson and labels.json into (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// Random seed: the same seed gives the same world, byte for byte.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Length of the world in days.
    #[arg(long, default_value_t = 35)]
    pub days: u32,
    /// Leading days of clean history before the test period with attacks.
    #[arg(long)]
    pub history_days: Option<u32>,
    /// Actors present from day one.
    #[arg(long, default_value_t = 800)]
    pub actors: u32,
}

pub fn run(args: SimulateArgs) -> anyhow::Result<ExitCode> {
    let defaults = SimConfig::default();
    let history_days = args
        .history_days
        .unwrap_or_else(|| (args.days * defaults.history_days / defaults.days).max(1));
    let config = SimConfig {
        seed: args.seed,
        days: args.days,
        history_days,
        actors: args.actors,
        ..defaults
    };
    let world = simulate(&config)?;
    std::fs::create_dir_all(&args.out)?;
    let events_path = args.out.join("events.ndjson");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&events_path)?);
    for event in &world.events {
        serde_json::to_writer(&mut out, &wire(event))?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    let labels_path = args.out.join("labels.json");
    std::fs::write(&labels_path, serde_json::to_vec_pretty(&world.labels)?)?;
    eprintln!(
        "simulate: {} events, {} attacks, {} benign surprises -> {} and {}",
        world.events.len(),
        world.labels.attacks.len(),
        world.labels.benign.len(),
        events_path.display(),
        labels_path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// An event in the native wire schema of DESIGN.md, omitting defaults.
#[derive(Serialize)]
struct WireOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    event_id: Option<&'a str>,
    time: String,
    actor: &'a str,
    #[serde(skip_serializing_if = "is_user")]
    actor_type: ActorType,
    #[serde(skip_serializing_if = "Option::is_none")]
    actor_group: Option<&'a str>,
    action: &'a str,
    resource: &'a str,
    records: u64,
    #[serde(skip_serializing_if = "is_zero")]
    bytes: u64,
    #[serde(skip_serializing_if = "is_success")]
    outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    sensitivity: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_ip: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
}

fn is_user(t: &ActorType) -> bool {
    *t == ActorType::User
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn is_success(o: &Outcome) -> bool {
    *o == Outcome::Success
}

fn wire(e: &OwnedEvent) -> WireOut<'_> {
    WireOut {
        event_id: e.event_id.as_deref(),
        time: rfc3339(e.time_ms),
        actor: &e.actor,
        actor_type: e.actor_type,
        actor_group: e.actor_group.as_deref(),
        action: &e.action,
        resource: &e.resource,
        records: e.records,
        bytes: e.bytes,
        outcome: e.outcome,
        sensitivity: e.sensitivity.as_deref(),
        source_ip: e.source_ip.as_deref(),
        region: e.region.as_deref(),
    }
}
