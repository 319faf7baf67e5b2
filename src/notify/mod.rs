//! Delivery: everything that leaves the process goes through the outbox (rows written with the
//! alert change they announce) and these workers.
//!
//! - [`config`]: receiver kinds and their settings (secrets redacted in `Debug`).
//! - [`worker`]: leases due rows, delivers batches, retries with backoff, dead-letters.
//! - [`deliver`]: one HTTP attempt and what its answer means; the retry schedule.
//! - [`message`]: a batch as a notification, with the sentences people read.
//! - [`webhook`], [`slack`], [`pagerduty`], [`alertmanager`], [`teams`], [`email`]: the formats.
//! - [`metrics`]: per-receiver counters and backlog in the Prometheus text format.

pub mod alertmanager;
pub mod config;
pub mod deliver;
pub mod email;
pub mod message;
pub mod metrics;
pub mod pagerduty;
pub mod receiver;
pub mod slack;
pub mod teams;
pub mod webhook;
pub mod worker;

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::Context;

pub use config::ReceiverConfig;
pub use metrics::Metrics;
pub use worker::Outbox;

use crate::config::Config;
use crate::store::Store;

/// Builds every configured receiver (SMTP pools, HTTP client) and the metrics they report to.
pub fn outbox(config: &Config, store: Arc<dyn Store>) -> anyhow::Result<Outbox> {
    let alerting = &config.alerting;
    let mut receivers = HashMap::new();
    for (name, rc) in &alerting.receivers {
        let receiver = receiver::Receiver::new(rc, alerting.outbox.timeout)
            .with_context(|| format!("receiver `{name}`"))?;
        receivers.insert(name.clone(), receiver);
    }
    let http = reqwest::Client::builder()
        .timeout(alerting.outbox.timeout)
        .user_agent(concat!("accesswatch/", env!("CARGO_PKG_VERSION")))
        .build()
        .context("HTTP client")?;
    Ok(Outbox {
        store,
        receivers,
        http,
        config: alerting.outbox.clone(),
        public_url: config.public_url.clone(),
        metrics: Arc::new(Metrics::new(alerting.receivers.keys())),
    })
}
