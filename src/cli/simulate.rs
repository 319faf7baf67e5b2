//! `accesswatch simulate --out DIR`: writes a labelled world (`events.ndjson` in the native wire
//! schema and `labels.json`) for `eval`, demos and load tests.

use clap::Args;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::ingest::encode_event;
use detectors::sim::{simulate, SimConfig};

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
        serde_json::to_writer(&mut out, &encode_event(event))?;
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
