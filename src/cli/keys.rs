//! `accesswatch keys`: API keys are created here, shown once, stored hashed.

use clap::Subcommand;
use std::process::ExitCode;

use crate::config::Config;
use crate::engine::record::rfc3339;
use crate::store::Scope;

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create a key and print it on stdout, once: it is stored only as a hash.
    Create {
        /// A unique name saying who uses the key (e.g. "billing-service").
        #[arg(long)]
        name: String,
        /// ingest: post events; read: read alerts, stats, incidents; admin: everything.
        #[arg(long, value_enum)]
        scope: Scope,
    },
    /// List keys (names, scopes, creation and revocation times; never the keys).
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a key by name; requests with it are refused from now on.
    Revoke {
        /// The key's name.
        name: String,
    },
}

pub async fn run(config: Config, cmd: KeysCommand) -> anyhow::Result<ExitCode> {
    let store = crate::app::open_store(&config).await?;
    match cmd {
        KeysCommand::Create { name, scope } => {
            let secret = crate::keys::create(store.as_ref(), &name, scope).await?;
            eprintln!(
                "created {} key `{name}`; it is shown only this once:",
                scope.as_str()
            );
            println!("{secret}");
        }
        KeysCommand::List { json } => {
            let keys = store.list_api_keys().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&keys)?);
            } else {
                println!("{:<32} {:<7} {:<25} revoked", "name", "scope", "created");
                for k in keys {
                    println!(
                        "{:<32} {:<7} {:<25} {}",
                        k.name,
                        k.scope.as_str(),
                        rfc3339(k.created_ms),
                        k.revoked_ms.map(rfc3339).unwrap_or_else(|| "-".into())
                    );
                }
            }
        }
        KeysCommand::Revoke { name } => {
            if !store
                .revoke_api_key(&name, chrono::Utc::now().timestamp_millis())
                .await?
            {
                eprintln!("no active key named `{name}`");
                return Ok(ExitCode::FAILURE);
            }
            eprintln!("revoked key `{name}`");
        }
    }
    Ok(ExitCode::SUCCESS)
}
