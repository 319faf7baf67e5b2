//! `accesswatch incidents ...`: the breach workflow from a shell, on the same service functions as the API
//! (so the CLI audits and recomputes exactly alike). The actor in the audit log is `cli:<user>`.

use clap::{Args, Subcommand, ValueEnum};
use serde_json::{Map, Value};
use std::process::ExitCode;

use crate::config::Config;
use crate::incidents::{report, service, view};
use crate::store::IncidentFilter;

#[derive(Debug, Args)]
pub struct IncidentsArgs {
    /// Who is acting, for the audit log. [default: cli:$USER]
    #[arg(long, global = true)]
    pub actor: Option<String>,
    #[command(subcommand)]
    pub command: IncidentsCommand,
}

#[derive(Debug, Subcommand)]
pub enum IncidentsCommand {
    /// Open an incident by hand or promote alerts (`--alert ID`, repeatable).
    Create {
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        description: Option<String>,
        /// low, medium, high or critical.
        #[arg(long)]
        severity: Option<String>,
        #[arg(long = "alert")]
        alerts: Vec<String>,
    },
    /// List incidents, newest first.
    List {
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Print one incident with its obligations as JSON.
    Show { id: i64 },
    /// Change fields: `--set status=in_progress --set facts.aware_at=2026-12-24T17:00:00+05:30 --reason ...`
    /// (values are JSON when they parse as JSON, else text).
    Update {
        id: i64,
        #[arg(long = "set", value_name = "FIELD=VALUE", required = true)]
        sets: Vec<String>,
        /// Why; required when a clock-start fact changes.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Merge more alerts into an incident.
    Link {
        id: i64,
        #[arg(long = "alert", required = true)]
        alerts: Vec<String>,
    },
    /// Record an obligation as submitted (relative deadlines then run from it).
    Submit {
        id: i64,
        rule_id: String,
        /// When it was submitted (RFC 3339). [default: now]
        #[arg(long)]
        at: Option<chrono::DateTime<chrono::FixedOffset>>,
        #[arg(long)]
        reference: Option<String>,
        #[arg(long)]
        attachment_note: Option<String>,
    },
    /// Record that an obligation is not required, and why.
    NotRequired {
        id: i64,
        rule_id: String,
        #[arg(long)]
        reason: String,
    },
    /// Add a comment.
    Comment { id: i64, text: String },
    /// Print the report for regulators and counsel.
    Report {
        id: i64,
        #[arg(long, value_enum, default_value_t = Format::Md)]
        format: Format,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Md,
    Json,
}

pub async fn run(config: Config, args: IncidentsArgs) -> anyhow::Result<ExitCode> {
    let store = crate::app::open_store(&config).await?;
    let store = store.as_ref();
    let actor = args.actor.unwrap_or_else(|| {
        format!(
            "cli:{}",
            std::env::var("USER").unwrap_or_else(|_| "unknown".into())
        )
    });
    let now = chrono::Utc::now().timestamp_millis();
    let print = |v: &Value| println!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
    match args.command {
        IncidentsCommand::Create {
            title,
            description,
            severity,
            alerts,
        } => {
            let mut body = Map::new();
            let fields = [
                ("title", title),
                ("description", description),
                ("severity", severity),
            ];
            for (k, v) in fields {
                if let Some(v) = v {
                    body.insert(k.into(), Value::String(v));
                }
            }
            if !alerts.is_empty() {
                body.insert("alert_ids".into(), alerts.into());
            }
            let id = service::create(store, &actor, now, body).await?;
            print(&view::incident(&service::load(store, id).await?));
        }
        IncidentsCommand::List { status, json } => {
            let rows = store
                .list_incidents(&IncidentFilter {
                    status,
                    limit: 1000,
                })
                .await?;
            if json {
                print(&rows.iter().map(view::summary).collect::<Vec<_>>().into());
            } else {
                println!("{:>6} {:<12} {:<9} title", "id", "status", "severity");
                for r in rows {
                    println!("{:>6} {:<12} {:<9} {}", r.id, r.status, r.severity, r.title);
                }
            }
        }
        IncidentsCommand::Show { id } => print(&view::incident(&service::load(store, id).await?)),
        IncidentsCommand::Update { id, sets, reason } => {
            let mut body = parse_sets(&sets)?;
            if let Some(r) = reason {
                body.insert("reason".into(), Value::String(r));
            }
            service::update(store, id, &actor, now, &body).await?;
            print(&view::incident(&service::load(store, id).await?));
        }
        IncidentsCommand::Link { id, alerts } => {
            service::link_alerts(store, id, &actor, now, &alerts).await?;
            print(&view::incident(&service::load(store, id).await?));
        }
        IncidentsCommand::Submit {
            id,
            rule_id,
            at,
            reference,
            attachment_note,
        } => {
            let mark = service::Mark {
                state: "submitted".into(),
                submitted_at: at,
                reference,
                attachment_note,
                reason: None,
            };
            service::mark_obligation(store, id, &rule_id, &actor, now, &mark).await?;
            print(&view::incident(&service::load(store, id).await?));
        }
        IncidentsCommand::NotRequired {
            id,
            rule_id,
            reason,
        } => {
            let mark = service::Mark {
                state: "not_required".into(),
                submitted_at: None,
                reference: None,
                attachment_note: None,
                reason: Some(reason),
            };
            service::mark_obligation(store, id, &rule_id, &actor, now, &mark).await?;
            print(&view::incident(&service::load(store, id).await?));
        }
        IncidentsCommand::Comment { id, text } => {
            service::comment(store, id, &actor, now, &text).await?;
            print(&view::incident(&service::load(store, id).await?));
        }
        IncidentsCommand::Report { id, format } => match format {
            Format::Json => print(&report::json(store, id, now).await?),
            Format::Md => print!("{}", report::markdown(store, id, now).await?),
        },
    }
    Ok(ExitCode::SUCCESS)
}

/// `field=value` pairs as a patch object; `facts.NAME=...` goes into `facts`.
fn parse_sets(sets: &[String]) -> anyhow::Result<Map<String, Value>> {
    let mut body = Map::new();
    for set in sets {
        let (key, raw) = set
            .split_once('=')
            .ok_or_else(|| anyhow::anyhow!("--set {set}: expected FIELD=VALUE"))?;
        let value = serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_string()));
        match key.strip_prefix("facts.") {
            Some(fact) => {
                let facts = body
                    .entry("facts")
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(f) = facts {
                    f.insert(fact.to_string(), value);
                }
            }
            None => {
                body.insert(key.to_string(), value);
            }
        }
    }
    Ok(body)
}
