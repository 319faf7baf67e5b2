//! The `accesswatch` command line: one subcommand per verb of DESIGN.md, each in its own file.

mod audit;
mod bench;
mod bench_alerts;
mod demo;
mod eval;
mod events_file;
mod incidents;
mod keys;
mod nab;
mod obligations;
mod progress;
mod replay;
mod serve;
mod silences;
mod simulate;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::config::{Config, LogFormat};

/// accesswatch: catches abnormal reads of personal data and tracks breach-notification deadlines.
#[derive(Debug, Parser)]
#[command(name = "accesswatch", version, about, long_about = None)]
pub struct Cli {
    /// Database: sqlite://PATH (embedded, created on first run) or postgres://USER:PASS@HOST/DB.
    /// [default: sqlite://data/accesswatch.db]
    #[arg(
        long,
        global = true,
        env = "ACCESSWATCH_DATABASE_URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// TOML configuration file; see accesswatch.sample.toml for every key.
    #[arg(long, global = true, env = "ACCESSWATCH_CONFIG")]
    pub config: Option<PathBuf>,
    /// Log format on stderr: text for people, json for log shippers. [default: text]
    #[arg(long, global = true, env = "ACCESSWATCH_LOG_FORMAT", value_enum)]
    pub log_format: Option<LogFormat>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP service (ingest, API) until Ctrl-C or SIGTERM.
    Serve(serve::ServeArgs),
    /// Create, list and revoke API keys.
    #[command(subcommand)]
    Keys(keys::KeysCommand),
    /// Apply pending database migrations and exit.
    Migrate,
    /// The whole job in one command on an embedded database: traffic, an exfiltration, the alert,
    /// the incident and its deadlines.
    Demo(demo::DemoArgs),
    /// Run detection over an NDJSON events file (or - for stdin); alerts as NDJSON on stdout.
    Replay(replay::ReplayArgs),
    /// Write a labelled simulated world (events.ndjson, labels.json) with attacks and benign surprises.
    Simulate(simulate::SimulateArgs),
    /// Replay a simulated world and score detection: recall, precision, false alerts, delay.
    Eval(eval::EvalArgs),
    /// Score series in the Numenta Anomaly Benchmark layout and write NAB result files.
    Nab(nab::NabArgs),
    /// Compute every breach notification owed (jurisdiction, recipient, deadline, legal basis).
    Obligations(obligations::ObligationsArgs),
    /// Incidents: create, promote alerts, change facts, record submissions, report.
    Incidents(incidents::IncidentsArgs),
    /// Check the audit log's hash chain.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Create, list and expire alert silences.
    #[command(subcommand)]
    Silences(silences::SilencesCommand),
    /// Load generators that measure a running server.
    #[command(subcommand)]
    Bench(bench::BenchCommand),
}

impl Cli {
    /// The configuration: defaults < --config file < ACCESSWATCH_* variables < flags.
    pub fn load_config(&self) -> anyhow::Result<Config> {
        let mut config = Config::load(self.config.as_deref(), std::env::vars())?;
        if let Some(url) = &self.database_url {
            config.database_url = url.clone();
        }
        if let Some(format) = self.log_format {
            config.log_format = format;
        }
        Ok(config)
    }
}

/// Runs the parsed command line to completion.
pub fn execute(cli: Cli) -> anyhow::Result<ExitCode> {
    let config = cli.load_config()?;
    crate::telemetry::init(config.log_format);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        match cli.command {
            Command::Serve(args) => serve::run(config, args).await,
            Command::Keys(cmd) => keys::run(config, cmd).await,
            Command::Silences(cmd) => silences::run(config, cmd).await,
            Command::Migrate => migrate(config).await,
            Command::Demo(args) => demo::run(config, args).await,
            Command::Bench(cmd) => bench::run(cmd).await,
            Command::Replay(args) => replay::run(&config, args),
            Command::Simulate(args) => simulate::run(args),
            Command::Eval(args) => eval::run(&config, args),
            Command::Nab(args) => nab::run(args),
            Command::Obligations(args) => obligations::run(args),
            Command::Incidents(args) => incidents::run(config, args).await,
            Command::Audit(cmd) => audit::run(config, cmd).await,
        }
    })
}

async fn migrate(config: Config) -> anyhow::Result<ExitCode> {
    let store = crate::app::open_store(&config).await?;
    println!(
        "database {} is up to date ({})",
        crate::store::redact_url(&config.database_url),
        store.backend()
    );
    Ok(ExitCode::SUCCESS)
}
