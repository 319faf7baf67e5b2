//! Ingest counters for `/metrics`: what came in, what was kept, how long requests took. Plain
//! atomics written on the request path and rendered in the Prometheus text format at scrape time.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

/// Upper bounds (seconds) of the request-duration histogram buckets.
const BUCKETS: [f64; 8] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

#[derive(Default)]
pub struct IngestMetrics {
    accepted: AtomicU64,
    duplicates: AtomicU64,
    rejected: AtomicU64,
    refused_busy: AtomicU64,
    requests: AtomicU64,
    duration_micros: AtomicU64,
    buckets: [AtomicU64; BUCKETS.len()],
}

impl IngestMetrics {
    /// One answered `202`.
    pub fn record(&self, accepted: usize, duplicates: usize, rejected: usize, seconds: f64) {
        self.accepted.fetch_add(accepted as u64, Ordering::Relaxed);
        self.duplicates
            .fetch_add(duplicates as u64, Ordering::Relaxed);
        self.rejected.fetch_add(rejected as u64, Ordering::Relaxed);
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.duration_micros
            .fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
        for (bucket, bound) in self.buckets.iter().zip(BUCKETS) {
            if seconds <= bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// One request refused with 429 because every ingest permit was taken.
    pub fn refused_busy(&self) {
        self.refused_busy.fetch_add(1, Ordering::Relaxed);
    }

    /// The counters, and the engine's lag, in the Prometheus text format.
    pub fn prometheus_text(&self, pending_detection: i64) -> String {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        let mut out = String::new();
        for (name, help, value) in [
            (
                "accesswatch_events_accepted_total",
                "Events stored.",
                get(&self.accepted),
            ),
            (
                "accesswatch_events_duplicate_total",
                "Events acknowledged as repeats of stored events.",
                get(&self.duplicates),
            ),
            (
                "accesswatch_events_rejected_total",
                "Events refused as invalid.",
                get(&self.rejected),
            ),
            (
                "accesswatch_ingest_busy_total",
                "Ingest requests refused with 429 (no permit left).",
                get(&self.refused_busy),
            ),
        ] {
            let _ = write!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n"
            );
        }
        let name = "accesswatch_ingest_request_duration_seconds";
        let _ = write!(
            out,
            "# HELP {name} Time to answer a 202 on POST /v1/events.\n# TYPE {name} histogram\n"
        );
        for (bucket, bound) in self.buckets.iter().zip(BUCKETS) {
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {}", get(bucket));
        }
        let count = get(&self.requests);
        let _ = write!(
            out,
            "{name}_bucket{{le=\"+Inf\"}} {count}\n{name}_sum {}\n{name}_count {count}\n",
            get(&self.duration_micros) as f64 / 1e6
        );
        let lag = "accesswatch_detection_pending_events";
        let _ = write!(
            out,
            "# HELP {lag} Stored events the detection engine has not processed yet.\n# TYPE {lag} gauge\n{lag} {pending_detection}\n"
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_and_histogram_render_in_prometheus_text() {
        let m = IngestMetrics::default();
        m.record(900, 50, 50, 0.02);
        m.record(10, 0, 0, 0.3);
        m.refused_busy();
        let text = m.prometheus_text(7);
        assert!(text.contains("accesswatch_events_accepted_total 910\n"));
        assert!(text.contains("accesswatch_events_rejected_total 50\n"));
        assert!(text.contains("accesswatch_ingest_busy_total 1\n"));
        assert!(
            text.contains("accesswatch_ingest_request_duration_seconds_bucket{le=\"0.025\"} 1\n")
        );
        assert!(text.contains("accesswatch_ingest_request_duration_seconds_bucket{le=\"0.5\"} 2\n"));
        assert!(text.contains("accesswatch_ingest_request_duration_seconds_count 2\n"));
        assert!(text.contains("accesswatch_detection_pending_events 7\n"));
    }
}
