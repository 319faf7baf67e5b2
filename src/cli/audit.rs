//! `accesswatch audit verify`: walks the audit log's hash chain and names the first row that does not fit.
//! Exit status 0 when intact, 1 when broken, so cron and CI can alarm on it.

use clap::Subcommand;
use std::process::ExitCode;

use crate::config::Config;

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain; prints the row count and head hash (record it to detect truncation later).
    Verify {
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(config: Config, cmd: AuditCommand) -> anyhow::Result<ExitCode> {
    let store = crate::app::open_store(&config).await?;
    let AuditCommand::Verify { json } = cmd;
    let report = crate::incidents::audit::verify(store.as_ref()).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else if let Some(bad) = &report.broken {
        println!(
            "audit chain BROKEN at row {}: {} ({} rows verified before it)",
            bad.seq, bad.problem, report.rows
        );
    } else {
        println!(
            "audit chain intact: {} rows, head {}",
            report.rows,
            if report.head.is_empty() {
                "-"
            } else {
                &report.head
            }
        );
    }
    Ok(if report.broken.is_some() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
