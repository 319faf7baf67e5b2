//! The incident document (stored as JSON in `incidents.body`) and what people record on an obligation.
//! Engine-facing fields reuse the `breach` crate's types so an incident always converts to a valid engine
//! input, and the JSON names are the ones of DESIGN.md ("Breach obligations").

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// Where an incident is in its handling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    New,
    InProgress,
    OnHold,
    Resolved,
    Closed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::InProgress => "in_progress",
            Status::OnHold => "on_hold",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
        }
    }
}

/// Same scale as alerts, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    #[default]
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// People affected in one jurisdiction, as the engine reads them plus whether the count is an estimate
/// from linked alerts' events (see docs/INCIDENTS.md) rather than a figure someone entered.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AffectedEntry {
    pub jurisdiction: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subjects: Option<u64>,
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub estimated: bool,
}

/// A piece of work on the incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    pub id: u32,
    pub title: String,
    #[serde(default)]
    pub assignee: Option<String>,
    #[serde(default)]
    pub done: bool,
}

/// A note on the incident; its author and time come from the request, not the body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    pub id: u32,
    pub author: String,
    pub at: String,
    pub text: String,
}

/// Everything known about one incident except its id and version (columns of the row).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Incident {
    pub title: String,
    pub description: String,
    pub severity: Severity,
    pub status: Status,
    /// The conclusion (`confirmed_breach`, `no_breach`, `false_positive`, ...), free text.
    pub verdict: Option<String>,
    pub assignee: Option<String>,
    /// Clock-start facts; setting or changing one needs a reason.
    pub facts: breach::Facts,
    pub affected: Vec<AffectedEntry>,
    pub encrypted: bool,
    pub key_compromised: bool,
    pub risk: Option<breach::Risk>,
    pub malicious: bool,
    pub regimes: Vec<String>,
    pub entity: breach::Entity,
    pub alert_ids: Vec<String>,
    /// Events of linked alerts that carried no jurisdiction, so no count could be attributed.
    pub unattributed_records: u64,
    pub tasks: Vec<Task>,
    pub comments: Vec<Comment>,
}

impl Incident {
    /// The engine's view of the incident, with the notices already submitted.
    pub fn engine_input(&self, submissions: Vec<breach::Submission>) -> breach::Input {
        breach::Input {
            facts: self.facts.clone(),
            affected: self
                .affected
                .iter()
                .map(|a| breach::Affected {
                    jurisdiction: a.jurisdiction.clone(),
                    subjects: a.subjects,
                    categories: a.categories.clone(),
                })
                .collect(),
            encrypted: self.encrypted,
            key_compromised: self.key_compromised,
            risk: self.risk,
            malicious: self.malicious,
            regimes: self.regimes.clone(),
            entity: self.entity.clone(),
            submissions,
        }
    }

    /// Whether any clock-start fact is known (without one no deadline can be computed).
    pub fn has_facts(&self) -> bool {
        breach::Fact::ALL
            .iter()
            .any(|f| self.facts.get(*f).is_some())
    }
}

/// What people recorded on one obligation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Tracking {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submitted_at: Option<DateTime<FixedOffset>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submitted_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachment_note: Option<String>,
    /// Why a person decided the notice is not required (state `not_required`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The engine's reason when it no longer computes the notice (state `withdrawn`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withdrawn_reason: Option<String>,
}

/// Obligation states (column `obligations.state`).
pub mod state {
    pub const OPEN: &str = "open";
    pub const SUBMITTED: &str = "submitted";
    pub const NOT_REQUIRED: &str = "not_required";
    pub const WITHDRAWN: &str = "withdrawn";
}
