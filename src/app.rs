//! Wiring: opens the store, starts the alerting workers (outbox, timers), the engine and the writer, serves HTTP until `shutdown`
//! resolves, then lets in-flight requests finish, the writer drain and the engine catch up. `main` and the tests call the same [`run`].

use anyhow::Context;
use std::future::Future;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::{Notify, Semaphore};

use crate::alerts::{sweeper, Alerting};
use crate::config::Config;
use crate::engine;
use crate::http::{self, AppState};
use crate::ingest::{spawn_writer, WriterSettings};
use crate::notify;
use crate::store::{self, Store};

/// Opens the configured store (applying migrations).
pub async fn open_store(config: &Config) -> anyhow::Result<Arc<dyn Store>> {
    store::open(&config.database_url)
        .await
        .with_context(|| format!("opening {}", store::redact_url(&config.database_url)))
}

/// Runs the service on an already bound listener until `shutdown` completes.
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let store = open_store(&config).await?;
    let alerting = Arc::new(Alerting::new(
        store.clone(),
        Arc::new(config.alerting.clone()),
    ));
    let outbox = Arc::new(notify::outbox(&config, store.clone()).context("alert receivers")?);
    let (stop_outbox, stop_sweeper) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
    let outbox_task = notify::worker::spawn(
        outbox.clone(),
        alerting.outbox_wake.clone(),
        stop_outbox.clone(),
    );
    let sweeper_task = sweeper::spawn(alerting.clone(), store.clone(), stop_sweeper.clone());
    let engine = engine::start(
        store.clone(),
        config.engine.settings(&config.detectors),
        alerting.clone(),
    )
    .await
    .context("starting the detection engine")?;
    let (writer, writer_task) = spawn_writer(
        store.clone(),
        WriterSettings {
            max_commit_events: config.ingest.max_commit_events,
            queue: config.ingest.max_inflight_requests,
            dedup_window_secs: config.ingest.dedup_window_secs,
        },
        engine.committed.clone(),
    )
    .await
    .context("starting the event writer")?;
    let retention = tokio::spawn(crate::retention::run(
        store.clone(),
        config.retention.clone(),
        engine.progress.clone(),
    ));
    let reminders = spawn_reminders(store.clone(), &config)?;
    let state = AppState {
        store,
        ingest_permits: Arc::new(Semaphore::new(config.ingest.max_inflight_requests)),
        detection: engine.progress.clone(),
        ingest_metrics: Arc::default(),
        config: Arc::new(config),
        writer,
        alerting,
        metrics: outbox.metrics.clone(),
    };
    let app = http::router(state);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .context("serving HTTP")?;
    // The router (and with it every writer handle) is dropped: the writer commits what is queued.
    writer_task.await.context("event writer panicked")?;
    reminders.abort();
    engine.shutdown().await?;
    retention.abort();
    // Last: the engine's final alerts are queued; the outbox finishes the attempts in flight.
    stop_sweeper.notify_one();
    stop_outbox.notify_one();
    sweeper_task.await.context("alert sweeper panicked")?;
    outbox_task.await.context("outbox worker panicked")?;
    tracing::info!("stopped");
    Ok(())
}

/// Starts the breach-deadline reminder scheduler with the configured receivers.
fn spawn_reminders(
    store: Arc<dyn Store>,
    config: &Config,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    use crate::incidents::{reminder_sinks, reminders};
    let r = &config.reminders;
    let sink = reminder_sinks::from_config(config).context("reminder receivers")?;
    let every = std::time::Duration::from_secs(r.check_every_secs.max(1));
    Ok(reminders::spawn(
        store,
        sink,
        r.policy(&config.public_url),
        every,
    ))
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing requests in flight");
}
