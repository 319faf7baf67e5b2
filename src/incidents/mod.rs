//! The breach workflow around the `breach` rules engine: incidents (by hand or promoted from alerts), their
//! obligations kept in step with the engine, reminders before deadlines, an append-only hash-chained audit
//! log of every change, and the report for regulators and counsel. docs/INCIDENTS.md tells the story.
//!
//! - `model`: the incident document and obligation tracking.
//! - `patch`: validating a change and describing it for the audit log.
//! - `alerts`, `prefill`: what linked alerts' events say about who was affected.
//! - `obligations`: reconciling stored obligations with the engine's answer.
//! - `service`: the operations the API and the CLI share; `records`: submissions, comments, tasks.
//! - `audit`: verifying the hash chain.
//! - `view`: the JSON answered for an incident.
//! - `reminders`: the scheduler and its delivery seam (`reminders_config`: its `[reminders]` section);
//!   `reminder_sinks`: reminders through the alerting receivers; `reminder_text`: their words;
//!   `metrics`: due/overdue gauges.
//! - `report`: the Markdown and JSON report.

mod alerts;
pub mod audit;
pub mod metrics;
pub mod model;
pub mod obligations;
mod patch;
mod prefill;
mod records;
pub mod reminder_sinks;
mod reminder_text;
pub mod reminders;
mod reminders_config;
pub mod report;
pub mod service;
pub mod view;

pub use reminders_config::RemindersConfig;

use crate::store::StoreError;

/// What an incident operation can fail with; the HTTP layer maps it to problem+json.
#[derive(Debug, thiserror::Error)]
pub enum IncidentError {
    #[error("{0} not found")]
    NotFound(String),
    /// Invalid input; the message starts with the field it is about.
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("internal error: {0}")]
    Internal(anyhow::Error),
}
