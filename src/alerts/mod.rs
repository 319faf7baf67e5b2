//! The alert lifecycle: findings become alerts (fingerprint, grouping, silences, feedback, flap
//! damping), people and timers move them through `firing → acknowledged → resolved`, and every
//! change queues its notifications in the outbox inside the same transaction (see docs/ALERTING.md).
//!
//! - [`config`]: the `[alerting]` section; [`duration`]: `30s`-style durations.
//! - [`labels`]: routing, group keys and silence matching over an alert's labels.
//! - [`feedback`]: false-positive verdicts raise the bar for later findings.
//! - [`service`]: [`Alerting`], where every change happens.
//! - [`silences`]: silence requests (API and CLI) and their JSON.
//! - [`sweeper`]: auto-resolve, repeats and escalation on a timer.

pub mod config;
pub mod duration;
pub mod feedback;
pub mod labels;
pub mod service;
pub mod silences;
pub mod sweeper;

pub use config::AlertingConfig;
pub use service::{Alerting, ChangeError, Recorded};
