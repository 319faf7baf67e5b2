//! The alert as it leaves the crate: one per actor and span, self-explaining, serialisable as is.

use serde::{Deserialize, Serialize};

/// How urgently a human should look, derived from the combined score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// Severity bands of the 0-100 score.
    pub fn from_score(score: f64) -> Self {
        if score >= 85.0 {
            Severity::Critical
        } else if score >= 65.0 {
            Severity::High
        } else if score >= 40.0 {
            Severity::Medium
        } else {
            Severity::Low
        }
    }
}

/// A resource and how much of it the anomalous activity touched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceCount {
    pub resource: String,
    pub records: u64,
    pub events: u64,
}

/// One detector's share of an alert.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    pub detector: String,
    pub score: f64,
    pub p_value: f64,
    pub observed: f64,
    pub expected: f64,
    pub unit: String,
    pub baseline: String,
}

/// Why the alert was raised, in numbers a reviewer can check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The dominant detector's observation and expectation.
    pub observed: f64,
    pub expected: f64,
    /// Which hours, how many days of history, which peers.
    pub baseline: String,
    pub unit: String,
    /// Human-readable span, e.g. `5 min from 2026-03-04 14:05 UTC`.
    pub window: String,
    pub window_start_ms: i64,
    pub window_end_ms: i64,
    pub top_resources: Vec<ResourceCount>,
    pub contributions: Vec<Contribution>,
}

/// A combined, explained alert about one actor (or one group for a population shift).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    pub actor: String,
    pub actor_group: Option<String>,
    /// Start of the anomalous activity (epoch ms UTC).
    pub time_ms: i64,
    /// Event time at which the alert was raised; `detected_ms - time_ms` is the detection delay.
    pub detected_ms: i64,
    /// The dominant detector family.
    pub detector: String,
    /// Every contributing family, strongest first.
    pub detectors: Vec<String>,
    pub severity: Severity,
    /// 0-100, from the combined tail probability.
    pub score: f64,
    /// Combined tail probability (Fisher's method over families).
    pub p_value: f64,
    pub summary: String,
    pub evidence: Evidence,
    pub resources: Vec<String>,
    /// Evidence events, at most 20.
    pub event_ids: Vec<String>,
}
