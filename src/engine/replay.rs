//! Offline replay: the same routing and pipelines as the live engine, driven synchronously over
//! events sorted by event time (so a file in any order within the lateness bound, or none, works).

use detectors::{Alert, Config, ConfigError};

use super::route::Shards;
use crate::store::NewEvent;

/// Runs every event through the detectors, in event-time order; calls `on_alert` for each alert
/// and `on_progress` with the count of events done every 64k events.
pub fn replay(
    events: &mut [NewEvent],
    config: &Config,
    shards: usize,
    mut on_alert: impl FnMut(&Alert),
    mut on_progress: impl FnMut(usize),
) -> Result<usize, ConfigError> {
    // Stable: events with equal times keep their file order, as they would arriving live.
    events.sort_by_key(|e| e.ts_ms);
    let mut pipelines = Shards::new(config, shards)?;
    let mut alerts = 0;
    for (i, event) in events.iter().enumerate() {
        for alert in pipelines.observe(&event.as_detector_event()) {
            alerts += 1;
            on_alert(&alert);
        }
        if i % 65_536 == 65_535 {
            on_progress(i + 1);
        }
    }
    for alert in pipelines.flush() {
        alerts += 1;
        on_alert(&alert);
    }
    on_progress(events.len());
    Ok(alerts)
}
