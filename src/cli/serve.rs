//! `accesswatch serve`: bind, say where, say how to get a key, run until a signal.

use clap::Args;
use std::net::SocketAddr;
use std::process::ExitCode;
use tokio::net::TcpListener;

use crate::app;
use crate::config::Config;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on. [default: 127.0.0.1:8080]
    #[arg(long, env = "ACCESSWATCH_LISTEN")]
    pub listen: Option<SocketAddr>,
}

pub async fn run(mut config: Config, args: ServeArgs) -> anyhow::Result<ExitCode> {
    if let Some(listen) = args.listen {
        config.listen = listen;
    }
    let store = app::open_store(&config).await?;
    if store.list_api_keys().await?.is_empty() {
        eprintln!(
            "No API keys exist yet. Create the first one with:\n  accesswatch keys create --name ops --scope admin{}",
            database_flag(&config)
        );
    }
    drop(store);
    let listener = TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    eprintln!(
        "accesswatch listening on http://{addr} (store: {})",
        crate::store::redact_url(&config.database_url)
    );
    tracing::info!(%addr, "listening");
    app::run(config, listener, app::shutdown_signal()).await?;
    Ok(ExitCode::SUCCESS)
}

fn database_flag(config: &Config) -> String {
    if config.database_url == Config::default().database_url {
        String::new()
    } else {
        format!(
            " --database-url '{}'",
            crate::store::redact_url(&config.database_url)
        )
    }
}
