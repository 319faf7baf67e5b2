//! `accesswatch silences create|list|expire`: the CLI twin of `/v1/silences`, on the store directly.

use clap::{Args, Subcommand};
use std::process::ExitCode;

use crate::alerts::silences::{to_json, SilenceRequest};
use crate::config::Config;
use crate::store::Matchers;

#[derive(Debug, Subcommand)]
pub enum SilencesCommand {
    /// Silence matching alerts for a while: they are still recorded, just not sent.
    Create(CreateArgs),
    /// List silences in force (or all with --all).
    List {
        #[arg(long)]
        all: bool,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// End a silence now.
    Expire {
        /// The silence id (sil_...).
        id: String,
    },
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Actor to match (exact, or a prefix ending in *).
    #[arg(long)]
    actor: Option<String>,
    /// Actor group to match.
    #[arg(long)]
    group: Option<String>,
    /// Detector family to match.
    #[arg(long)]
    detector: Option<String>,
    /// Resource to match.
    #[arg(long)]
    resource: Option<String>,
    /// Severity to match.
    #[arg(long)]
    severity: Option<String>,
    /// How long, e.g. 2h, 30m, 1d.
    #[arg(long, conflicts_with = "ends_at", required_unless_present = "ends_at")]
    duration: Option<String>,
    /// End time, RFC 3339.
    #[arg(long)]
    ends_at: Option<String>,
    /// Who asks for the silence.
    #[arg(long)]
    author: String,
    /// Why.
    #[arg(long)]
    comment: String,
}

pub async fn run(config: Config, cmd: SilencesCommand) -> anyhow::Result<ExitCode> {
    let store = crate::app::open_store(&config).await?;
    let now = chrono::Utc::now().timestamp_millis();
    match cmd {
        SilencesCommand::Create(a) => {
            let request = SilenceRequest {
                matchers: Matchers {
                    actor: a.actor,
                    group: a.group,
                    detector: a.detector,
                    resource: a.resource,
                    severity: a.severity,
                },
                starts_at: None,
                ends_at: a.ends_at,
                duration: a.duration,
                author: Some(a.author),
                comment: a.comment,
            };
            let silence = request.build("cli", now).map_err(anyhow::Error::msg)?;
            store.insert_silence(&silence).await?;
            eprintln!(
                "silence created until {}",
                to_json(&silence, now)["ends_at"]
            );
            println!("{}", silence.id);
        }
        SilencesCommand::List { all, json } => {
            let silences = store.list_silences(now, all).await?;
            if json {
                let list: Vec<_> = silences.iter().map(|s| to_json(s, now)).collect();
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                println!(
                    "{:<21} {:<8} {:<25} {:<16} matchers / comment",
                    "id", "state", "ends", "author"
                );
                for s in &silences {
                    let j = to_json(s, now);
                    println!(
                        "{:<21} {:<8} {:<25} {:<16} {} / {}",
                        s.id,
                        j["state"].as_str().unwrap_or_default(),
                        j["ends_at"].as_str().unwrap_or_default(),
                        s.author,
                        serde_json::to_string(&s.matchers)?,
                        s.comment
                    );
                }
            }
        }
        SilencesCommand::Expire { id } => {
            if !store.expire_silence(&id, now).await? {
                eprintln!("no active silence `{id}`");
                return Ok(ExitCode::FAILURE);
            }
            eprintln!("silence `{id}` expired");
        }
    }
    Ok(ExitCode::SUCCESS)
}
