//! `accesswatch obligations FILE|-`: every notification an incident owes, computed (not stored)
//! by the `breach` rules engine, printed as the DESIGN.md JSON.

use clap::Args;
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct ObligationsArgs {
    /// Incident facts as JSON (facts, affected, encrypted, regimes, entity), or `-` for stdin.
    pub file: PathBuf,
}

pub fn run(args: ObligationsArgs) -> anyhow::Result<ExitCode> {
    let mut text = String::new();
    if args.file.as_os_str() == "-" {
        std::io::stdin().lock().read_to_string(&mut text)?;
    } else {
        text = std::fs::read_to_string(&args.file)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", args.file.display()))?;
    }
    match breach::compute_json(&text) {
        Ok(json) => {
            println!("{json}");
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("error: {}: {e}", args.file.display());
            Ok(ExitCode::from(2))
        }
    }
}
