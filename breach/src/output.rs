//! The engine's answer, serialized exactly as DESIGN.md ("Breach obligations") promises. Fields beyond the
//! contract (`rule_id`, `confidence`, `internal_target`, ...) are listed in docs/RULES.md.

use serde::{Deserialize, Serialize};

/// Every notification an incident owes, and every one considered but not owed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Output {
    /// Notices owed, earliest first (ASAP notices by their internal target).
    pub obligations: Vec<Obligation>,
    /// Notices considered and not owed, each with its reason.
    pub not_required: Vec<NotRequired>,
}

/// One notice owed to one recipient.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Obligation {
    /// Jurisdiction code (`FR`, `US-CA`, `IN`).
    pub jurisdiction: String,
    /// Regime code (`EU-GDPR`, `US-HIPAA`, `IN-CERT-In`).
    pub regime: String,
    /// Who receives the notice.
    pub recipient: String,
    /// Which stage of the process (`notification`, `early_warning`, `final_report`, ...).
    pub stage: String,
    /// Legal deadline as RFC 3339 UTC; null when the law sets no number (`asap`).
    pub due: Option<String>,
    /// The same instant in the rule's reference time zone.
    pub due_local: Option<String>,
    /// The law says "without undue delay" (or similar) with no fixed period.
    pub asap: bool,
    /// The fact the clock runs from (`aware_at`, `submitted:<rule id>`, ...).
    pub clock_start: String,
    /// Article or section.
    pub basis: String,
    /// Where the legal text is.
    pub url: String,
    /// Caveats, fallbacks used, outer bounds and other things a manager must read.
    pub notes: String,
    /// Id of the rule that produced this entry.
    pub rule_id: String,
    /// How sure the research is of the rule (`high`, `medium`, `low`).
    pub confidence: String,
    /// Internal target (RFC 3339 UTC): for ASAP notices, or the unrelieved time limit where relief applies.
    pub internal_target: Option<String>,
    /// Rule id of the other notice this deadline depends on, if any.
    pub depends_on: Option<String>,
    /// Clock start instant (RFC 3339 UTC) actually used.
    pub clock_start_at: Option<String>,
    /// Reference time zone of the rule (IANA name).
    pub time_zone: String,
    /// Holiday calendar used for business/working days, if any.
    pub calendar: Option<String>,
}

/// A notice considered and not owed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NotRequired {
    /// The notice as it would have been (deadline fields null).
    #[serde(flatten)]
    pub obligation: Obligation,
    /// Why it is not owed, with the numbers (threshold, exemption, not in force).
    pub reason: String,
}
