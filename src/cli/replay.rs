//! `accesswatch replay FILE|-`: events in, alerts out as NDJSON (DESIGN.md shape) on stdout.

use clap::Args;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::events_file::{read_events, report_errors};
use super::progress::Progress;
use crate::config::Config;
use crate::engine::{self, alert_json};

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// NDJSON events file in the native schema, or `-` for stdin. Any order: events are sorted by time.
    pub file: PathBuf,
}

pub fn run(config: &Config, args: ReplayArgs) -> anyhow::Result<ExitCode> {
    let (mut events, errors) = read_events(&args.file)?;
    report_errors(&args.file, &errors);
    let mut progress = Progress::new("replay");
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut write_error = None;
    let shards = engine::route::shard_count(config.engine.shards);
    let alerts = engine::replay(
        &mut events,
        &config.detectors,
        shards,
        |alert| {
            let line = serde_json::to_string(&alert_json(alert)).map_err(std::io::Error::other);
            if let Err(e) = line.and_then(|l| writeln!(out, "{l}")) {
                write_error.get_or_insert(e);
            }
        },
        |done| progress.update(done, ""),
    )?;
    out.flush()?;
    if let Some(e) = write_error {
        return Err(e.into());
    }
    progress.finish(
        events.len(),
        &format!(", {alerts} alerts, {} invalid lines", errors.len()),
    );
    Ok(ExitCode::SUCCESS)
}
