//! `accesswatch eval DIR`: replays a labelled world (from `simulate`) and scores the alerts:
//! per-attack-kind recall, alert precision, false alerts per 1,000 actor-days, detection delay.

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

use detectors::eval::{evaluate, ScoredAlert};
use detectors::sim::Labels;

use super::events_file::{read_events, report_errors};
use super::progress::Progress;
use crate::config::Config;
use crate::engine;

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// A world directory holding events.ndjson and labels.json.
    pub dir: PathBuf,
    /// Print the report as JSON (for scripts) instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(config: &Config, args: EvalArgs) -> anyhow::Result<ExitCode> {
    let labels_path = args.dir.join("labels.json");
    let labels: Labels = serde_json::from_slice(
        &std::fs::read(&labels_path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", labels_path.display()))?,
    )
    .map_err(|e| anyhow::anyhow!("{}: {e}", labels_path.display()))?;
    let events_path = args.dir.join("events.ndjson");
    let (mut events, errors) = read_events(&events_path)?;
    report_errors(&events_path, &errors);
    let mut progress = Progress::new("eval");
    let mut alerts: Vec<ScoredAlert> = Vec::new();
    engine::replay(
        &mut events,
        &config.detectors,
        engine::route::shard_count(config.engine.shards),
        |a| alerts.push(ScoredAlert::from(a)),
        |done| progress.update(done, ""),
    )?;
    progress.finish(events.len(), &format!(", {} alerts", alerts.len()));
    let report = evaluate(&labels, &alerts);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.to_text());
    }
    Ok(ExitCode::SUCCESS)
}
