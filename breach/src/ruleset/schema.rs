//! The rule-file format (docs/RULES.md "File format"). A rule is one notice to one recipient: where and when it
//! applies, which fact starts its clock, how long the clock runs, and the citation that justifies it. Parsed with
//! `deny_unknown_fields` so a misspelt key in a reviewed file fails loudly instead of dropping a condition.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::input::{Fact, Risk};

/// One notice obligation as written in a rule file (after member-state expansion).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Unique id, lower-case (`us-ca-ag`); submissions refer to it.
    pub id: String,
    /// Jurisdiction code (`FR`, `US-CA`, `EU`, `US`).
    pub jurisdiction: String,
    /// Regime code (`EU-GDPR`, `US-HIPAA`); sector regimes are matched against `Input::regimes`.
    pub regime: String,
    /// What makes the rule relevant to an incident.
    #[serde(default)]
    pub applies: Applies,
    /// Who receives the notice.
    pub recipient: String,
    /// Kind of recipient; picks the default internal target of ASAP notices.
    pub recipient_kind: RecipientKind,
    /// Stage name (`notification`, `early_warning`, `final_report`, ...).
    pub stage: String,
    /// Fact(s) the clock runs from; with several, the latest (all must have happened, e.g. Maine).
    pub clock_start: ClockStart,
    /// The clock runs from the latest recorded submission of these other rules' notices when there is one
    /// ("1 month after the notification was submitted").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<String>,
    /// The rule is relevant only once this fact is given (NYDFS extortion payment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when_fact: Option<Fact>,
    /// Due no later than this other notice (its sending time, else its own deadline).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_later_than: Option<String>,
    /// Fixed period; absent when the law gives no number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    /// The law's timing words ("without undue delay"); a rule with no period is ASAP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standard: Option<String>,
    /// A regulator's published expectation for ASAP notices (NZ OPC 72 h); becomes the internal target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Period>,
    /// A second clock that caps the first (DORA: 4 h after classification but no later than 24 h after
    /// awareness); it lapses when the main clock starts after the cap has passed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backstop: Option<Backstop>,
    /// Weekend/holiday relief granted by the law itself (DORA).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relief: Option<Relief>,
    /// IANA time zone whose days the deadline is counted in.
    pub zone: String,
    /// Holiday calendar id for business/working days and relief.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
    /// A second candidate calendar where the law's calendar is unclear (state vs federal business days): the
    /// earlier deadline is used and the later one is noted as the possible legal outer bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alt_calendar: Option<String>,
    /// Category group the affected data must include for the law to apply (`personal`, `health`, `any`).
    #[serde(default = "personal")]
    pub data: String,
    /// Conditions that must all hold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requires: Vec<Condition>,
    /// Conditions of which at least one must hold (empty: none needed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<Condition>,
    /// Encrypted data is exempt unless the key was compromised too.
    #[serde(default)]
    pub exempt_if_encrypted: bool,
    /// One notice per affected subdivision of the jurisdiction (HIPAA media: per State).
    #[serde(default)]
    pub per_subdivision: bool,
    /// GDPR one-stop shop: with an EEA main establishment only the lead authority is notified.
    #[serde(default)]
    pub one_stop_shop: bool,
    /// Fact that, when earlier than the clock start, deserves a note (processor told the controller late).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lag_fact: Option<Fact>,
    /// The fact whose date selects the version in force, when it is not the clock start (California's and
    /// Oklahoma's attorney-general clocks run from the consumer notice, but the law in force is the one at
    /// discovery).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_by: Option<Fact>,
    /// First day (in the rule's zone) of the clock starts the rule governs.
    pub effective_from: NaiveDate,
    /// First day it no longer governs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_to: Option<NaiveDate>,
    /// Article or section.
    pub citation: String,
    /// Where the legal text is.
    pub url: String,
    /// Confidence of the research.
    pub confidence: Confidence,
    /// What a manager must know beyond the deadline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// File the rule came from (filled by the loader).
    #[serde(default, skip_deserializing)]
    pub file: String,
}

fn personal() -> String {
    "personal".to_string()
}

/// What makes a rule relevant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Applies {
    /// General data-protection law: people resident in the jurisdiction are affected.
    #[default]
    Residence,
    /// Sector regime listed in `Input::regimes`; one notice for the organisation.
    Regime,
    /// Listed regime, and the rule's jurisdiction is the entity's establishment (NIS2, DORA per Member State).
    RegimeAtEstablishment,
    /// Listed regime, or residents affected (CERT-In covers anyone serving users in India).
    RegimeOrResidence,
}

/// Recipient kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecipientKind {
    Authority,
    Individuals,
    Media,
    CreditAgencies,
    Controller,
}

/// One fact or several (the latest of them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ClockStart {
    One(Fact),
    LatestOf(Vec<Fact>),
}

impl ClockStart {
    /// The facts named.
    pub fn facts(&self) -> &[Fact] {
        match self {
            ClockStart::One(f) => std::slice::from_ref(f),
            ClockStart::LatestOf(v) => v,
        }
    }
}

/// A length of time in one unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    pub amount: u32,
    pub unit: Unit,
    /// Count the day of the trigger as day 1 (conservative reading where the convention is unverified).
    #[serde(default)]
    pub first_day_counts: bool,
}

/// Units of legal periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Elapsed hours added to the instant.
    Hours,
    /// Calendar days; ends 23:59:59 local on the last day.
    CalendarDays,
    /// Business days (Mon-Fri minus the calendar's holidays).
    BusinessDays,
    /// Working days (Brazil "dias úteis"); counted like business days.
    WorkingDays,
    /// Calendar months, same date or last day of a shorter month (Reg 1182/71 Art 3(2)(c)).
    Months,
    /// Days after the end of the calendar year of the clock start (HIPAA annual log).
    DaysAfterYearEnd,
}

/// Cap from a second fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Backstop {
    pub fact: Fact,
    pub period: Period,
}

/// Relief granted by the law when a time limit falls on a weekend or holiday.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Relief {
    /// Local hour of the next working day by which the notice may then be submitted.
    pub next_working_day_hour: u32,
    /// `entity.dora_class` values the relief does not cover.
    #[serde(default)]
    pub not_for_classes: Vec<String>,
    /// The relief does not cover NIS2 essential/important entities.
    #[serde(default)]
    pub not_for_nis2: bool,
    /// Citation of the relief.
    pub citation: String,
}

/// A condition on the incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Condition {
    Count(CountCondition),
    Categories(CategoriesCondition),
    Flag(FlagCondition),
    Risk(RiskCondition),
    RiskBelow(RiskBelowCondition),
}

/// Affected-people threshold with its exact operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountCondition {
    pub count: Op,
    pub value: u64,
    #[serde(default)]
    pub scope: CountScope,
}

/// Comparison operators; `>` and `>=` differ at the boundary the laws care about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
}

/// Whose people a threshold counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CountScope {
    /// Residents of the rule's jurisdiction (or of the subdivision, for per-subdivision rules).
    #[default]
    Jurisdiction,
    /// Everyone affected, wherever they live.
    Total,
}

/// Data of one of these groups or categories is involved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoriesCondition {
    pub categories: Vec<String>,
}

/// An incident or entity flag has a given value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlagCondition {
    pub flag: Flag,
    #[serde(default = "yes")]
    pub is: bool,
}

fn yes() -> bool {
    true
}

/// Flags conditions can test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    Malicious,
    TrustServiceProvider,
    SmallProcessingAgent,
}

/// The assessed risk is at least this level (unassessed counts as high).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskCondition {
    pub risk: Risk,
}

/// The assessed risk is below this level: for notices owed only when relying on a no-harm determination
/// (Alaska, South Dakota, Florida). Unassessed risk is not below anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskBelowCondition {
    pub risk_below: Risk,
}

/// Confidence levels of breach-rules.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    High,
    Medium,
    Low,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::High => "high",
            Confidence::Medium => "medium",
            Confidence::Low => "low",
        }
    }
}
