//! The incident as the engine sees it: clock-start facts, who was affected where, and the organisation's
//! regimes. Mirrors the JSON input of DESIGN.md ("Breach obligations"); `check` turns malformed JSON into errors
//! that name the field, because a typo in a fact name must never silently move a legal deadline.

mod check;
mod facts;

pub use facts::{Fact, Facts};

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::Error;

/// Everything the engine needs to know about one incident.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Input {
    /// Clock-start facts that are known. A rule whose fact is missing falls back to `aware_at`.
    pub facts: Facts,
    /// Affected people per jurisdiction of residence (`IN`, `DE`, `US-TX`, `CA-QC`).
    #[serde(default)]
    pub affected: Vec<Affected>,
    /// The data was encrypted (or otherwise unintelligible) when taken.
    #[serde(default)]
    pub encrypted: bool,
    /// The key or credentials needed to read encrypted data were taken too, which voids encryption safe harbours.
    #[serde(default)]
    pub key_compromised: bool,
    /// The documented risk assessment. Absent means "not assessed", which the engine treats as high risk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<Risk>,
    /// The breach involved a malicious act or unlawful purpose (attack, theft, insider abuse): lowers some
    /// thresholds (Japan: one person suffices; Korea: external access).
    #[serde(default)]
    pub malicious: bool,
    /// Sector regimes that apply to the organisation (`US-SEC`, `EU-NIS2`, `EU-DORA`, ...).
    #[serde(default)]
    pub regimes: Vec<String>,
    /// Facts about the organisation that some regimes need.
    #[serde(default)]
    pub entity: Entity,
    /// Notices already submitted: relative deadlines ("1 month after the notification") run from these.
    #[serde(default)]
    pub submissions: Vec<Submission>,
}

/// People affected in one jurisdiction.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Affected {
    /// ISO 3166-1 alpha-2 (`FR`) or ISO 3166-2 style (`US-CA`, `CA-QC`).
    pub jurisdiction: String,
    /// Number of affected people resident there; absent when not yet known (thresholds then count as met).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subjects: Option<u64>,
    /// Data categories (`pii`, `financial`, `health`, `credentials`, ...).
    #[serde(default)]
    pub categories: Vec<String>,
}

/// The organisation's own situation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entity {
    /// DORA financial-entity class (`credit_institution`, `payment_institution`, `investment_firm`, ...):
    /// decides whether DORA's weekend/holiday relief applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dora_class: Option<String>,
    /// Member State (or country) of establishment, or of the EU representative: picks the NIS2/DORA authority
    /// and the bank-holiday calendar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub establishment: Option<String>,
    /// NIS2 class under national law (`essential` or `important`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nis2_class: Option<String>,
    /// Qualified or non-qualified trust service provider (NIS2 72 h notification becomes 24 h).
    #[serde(default)]
    pub trust_service_provider: bool,
    /// Main establishment in the EEA for GDPR one-stop shop; absent means a non-EU controller that notifies
    /// every authority where affected people live (EDPB Guidelines 9/2022 para 73).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eu_main_establishment: Option<String>,
    /// Brazilian small processing agent (ANPD Res. 2/2022): LGPD periods are doubled.
    #[serde(default)]
    pub small_processing_agent: bool,
}

/// Outcome of the documented risk assessment, on the scale the laws use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    /// Unlikely to result in a risk (GDPR Art 33(1) exemption; "no harm" determinations).
    #[serde(alias = "none", alias = "no_risk")]
    Unlikely,
    /// A risk, but not a high one.
    #[serde(alias = "low", alias = "medium", alias = "some")]
    Risk,
    /// High, serious or significant risk of harm.
    #[serde(alias = "serious", alias = "significant", alias = "likely_high")]
    High,
}

/// A notice already submitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    /// Rule id of the obligation that was met (see `RuleSet::rules`).
    pub rule_id: String,
    /// When it was submitted.
    pub submitted_at: DateTime<FixedOffset>,
}

impl Input {
    /// Parses the JSON input; errors name the offending field (`facts.aware_at`, `affected[0].subjects`).
    pub fn from_json(text: &str) -> Result<Self, Error> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| Error::input("input", format!("not valid JSON: {e}")))?;
        Self::from_value(value)
    }

    /// Like `from_json` for an already parsed value.
    pub fn from_value(value: serde_json::Value) -> Result<Self, Error> {
        check::shape(&value)?;
        serde_json::from_value(value).map_err(|e| Error::input("input", e.to_string()))
    }

    /// Time of the submission recorded for `rule_id`, if any (the latest when several were recorded, because
    /// an updated report restarts the next stage's clock).
    pub(crate) fn submitted(&self, rule_id: &str) -> Option<DateTime<FixedOffset>> {
        self.submissions
            .iter()
            .filter(|s| s.rule_id == rule_id)
            .map(|s| s.submitted_at)
            .max()
    }
}

/// Whether `code` looks like `FR`, `US-CA` or `CA-QC` (upper case).
pub(crate) fn jurisdiction_code_is_valid(code: &str) -> bool {
    let mut parts = code.splitn(2, '-');
    let country = parts.next().unwrap_or_default();
    let country_ok = country.len() == 2 && country.chars().all(|c| c.is_ascii_uppercase());
    let sub_ok = parts.next().is_none_or(|s| {
        (1..=3).contains(&s.len())
            && s.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    });
    country_ok && sub_ok
}

/// Upper-cases a jurisdiction code and maps common aliases (`UK` is `GB`, `EL` is `GR`).
pub(crate) fn normalize_jurisdiction(code: &str) -> Option<String> {
    let upper = code.trim().to_ascii_uppercase();
    let (country, rest) = match upper.split_once('-') {
        Some((c, r)) => (c.to_string(), Some(r.to_string())),
        None => (upper.clone(), None),
    };
    let country = match country.as_str() {
        "UK" => "GB".to_string(),
        "EL" => "GR".to_string(),
        _ => country,
    };
    let code = match rest {
        Some(r) => format!("{country}-{r}"),
        None => country,
    };
    jurisdiction_code_is_valid(&code).then_some(code)
}
