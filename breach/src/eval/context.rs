//! The incident prepared for evaluation: jurisdiction codes normalized, regimes and submissions checked against
//! the rule set, so every later step can trust its input and errors still name the input field.

use std::collections::BTreeSet;

use chrono::{DateTime, FixedOffset, Utc};

use crate::input::{normalize_jurisdiction, Fact};
use crate::ruleset::RuleSet;
use crate::{Error, Input, Options};

/// One affected entry with its code normalized.
pub(crate) struct Entry {
    pub jurisdiction: String,
    pub subjects: Option<u64>,
    pub categories: Vec<String>,
}

pub(crate) struct Context<'a> {
    pub set: &'a RuleSet,
    pub input: &'a Input,
    pub options: &'a Options,
    pub entries: Vec<Entry>,
    /// Listed regimes, upper-cased.
    pub regimes: BTreeSet<String>,
    pub establishment: Option<String>,
    pub main_establishment: Option<String>,
}

impl<'a> Context<'a> {
    pub(crate) fn new(
        set: &'a RuleSet,
        input: &'a Input,
        options: &'a Options,
    ) -> Result<Self, Error> {
        let mut entries = Vec::new();
        for (i, a) in input.affected.iter().enumerate() {
            let jurisdiction = normalize_jurisdiction(&a.jurisdiction).ok_or_else(|| {
                Error::input(
                    format!("affected[{i}].jurisdiction"),
                    format!("{:?} is not a code like FR, US-CA or CA-QC", a.jurisdiction),
                )
            })?;
            entries.push(Entry {
                jurisdiction,
                subjects: a.subjects,
                categories: a
                    .categories
                    .iter()
                    .map(|c| c.trim().to_ascii_lowercase())
                    .collect(),
            });
        }
        let known: BTreeSet<String> = set
            .rules()
            .iter()
            .map(|r| r.regime.to_ascii_uppercase())
            .collect();
        let mut regimes = BTreeSet::new();
        for (i, r) in input.regimes.iter().enumerate() {
            let upper = r.trim().to_ascii_uppercase();
            let upper = REGIME_ALIASES
                .iter()
                .find(|(alias, _)| *alias == upper)
                .map_or(upper, |(_, canonical)| canonical.to_string());
            if !known.contains(&upper) {
                let list: Vec<&str> = sector_regimes(set);
                return Err(Error::input(
                    format!("regimes[{i}]"),
                    format!(
                        "unknown regime {r:?}; known sector regimes: {}",
                        list.join(", ")
                    ),
                ));
            }
            regimes.insert(upper);
        }
        for (i, s) in input.submissions.iter().enumerate() {
            if set.rule(&s.rule_id).is_none() {
                return Err(Error::input(
                    format!("submissions[{i}].rule_id"),
                    format!("no rule has id {:?}", s.rule_id),
                ));
            }
        }
        let code = |field: &str, v: &Option<String>| -> Result<Option<String>, Error> {
            v.as_deref()
                .map(|c| {
                    normalize_jurisdiction(c).ok_or_else(|| {
                        Error::input(field, format!("{c:?} is not a country code like DE"))
                    })
                })
                .transpose()
        };
        Ok(Context {
            set,
            input,
            options,
            entries,
            regimes,
            establishment: code("entity.establishment", &input.entity.establishment)?,
            main_establishment: code(
                "entity.eu_main_establishment",
                &input.entity.eu_main_establishment,
            )?,
        })
    }

    /// The value of a fact, in UTC.
    pub(crate) fn fact(&self, fact: Fact) -> Option<DateTime<Utc>> {
        self.input
            .facts
            .get(fact)
            .map(|t: DateTime<FixedOffset>| t.with_timezone(&Utc))
    }

    /// The instant a missing fact falls back to: `aware_at`, else the earliest fact given.
    pub(crate) fn fallback(&self) -> Option<(Fact, DateTime<Utc>)> {
        if let Some(t) = self.fact(Fact::AwareAt) {
            return Some((Fact::AwareAt, t));
        }
        Fact::ALL
            .iter()
            .filter_map(|&f| self.fact(f).map(|t| (f, t)))
            .min_by_key(|&(_, t)| t)
    }

    /// Whether the organisation listed `regime`.
    pub(crate) fn has_regime(&self, regime: &str) -> bool {
        self.regimes.contains(&regime.to_ascii_uppercase())
    }
}

/// Names people commonly use for the sector regimes, mapped to the rule files' codes (upper case). Anything else
/// unknown is still an error: a typo must not silently drop a regime.
const REGIME_ALIASES: &[(&str, &str)] = &[
    ("CERT-IN", "IN-CERT-IN"),
    ("IN-CERTIN", "IN-CERT-IN"),
    ("NIS2", "EU-NIS2"),
    ("DORA", "EU-DORA"),
    ("SEC", "US-SEC"),
    ("US-SEC-8K", "US-SEC"),
    ("NYDFS", "US-NYDFS"),
    ("US-NYDFS-500", "US-NYDFS"),
    ("HIPAA", "US-HIPAA"),
    ("US-HBNR", "US-FTC-HBNR"),
    ("US-FTC-HEALTH", "US-FTC-HBNR"),
    ("US-GLBA", "US-FTC-GLBA"),
    ("US-FTC-SAFEGUARDS", "US-FTC-GLBA"),
    ("US-SAFEGUARDS", "US-FTC-GLBA"),
    ("US-BANK-36H", "US-BANK"),
    ("US-BANKING", "US-BANK"),
    ("PECR", "GB-PECR"),
    ("UK-PECR", "GB-PECR"),
];

/// Regimes that must be listed to apply (for error messages).
fn sector_regimes(set: &RuleSet) -> Vec<&str> {
    let mut v: Vec<&str> = set
        .rules()
        .iter()
        .filter(|r| r.applies != crate::ruleset::Applies::Residence)
        .map(|r| r.regime.as_str())
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}
