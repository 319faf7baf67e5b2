//! Privacy by design for accesswatch's own data: access logs are personal data too, so stored
//! events expire `retention.events_days` after they were received. Detector baselines live in the
//! engine's state and outlive the raw events they were learnt from; alerts keep their evidence
//! ids. An event the engine has not processed yet is never expired.

use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;

use crate::engine::EngineProgress;
use crate::store::Store;

/// How long accesswatch keeps what it stores.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetentionConfig {
    /// Days a stored event is kept after it was received; 0 keeps events forever.
    pub events_days: u32,
    /// How often the expiry runs, in seconds.
    pub sweep_every_secs: u64,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        Self {
            events_days: 90,
            sweep_every_secs: 3600,
        }
    }
}

/// Deletes expired events in small batches (so writers are never blocked for long), forever.
pub async fn run(store: Arc<dyn Store>, config: RetentionConfig, detection: Arc<EngineProgress>) {
    if config.events_days == 0 {
        return;
    }
    let mut tick = tokio::time::interval(Duration::from_secs(config.sweep_every_secs.max(1)));
    loop {
        tick.tick().await;
        let cutoff =
            chrono::Utc::now().timestamp_millis() - i64::from(config.events_days) * 86_400_000;
        match sweep(store.as_ref(), cutoff, detection.processed()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                deleted = n,
                days = config.events_days,
                "expired stored events"
            ),
            Err(e) => tracing::warn!(error = %e, "event expiry failed; will retry"),
        }
    }
}

/// Deletes every event received before `cutoff_ms` with an id up to `processed`, 10,000 at a time.
pub async fn sweep(
    store: &dyn Store,
    cutoff_ms: i64,
    processed: i64,
) -> crate::store::StoreResult<u64> {
    let mut total = 0;
    loop {
        let n = store
            .delete_events_before(cutoff_ms, processed, 10_000)
            .await?;
        total += n;
        if n < 10_000 {
            return Ok(total);
        }
        tokio::task::yield_now().await;
    }
}
