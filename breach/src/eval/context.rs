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
    pub(crate) fn new(set: &'a RuleSet, input: &'a Input, options: &'a Options) -> Result<Self, Error> {
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
                categories: a.categories.iter().map(|c| c.trim().to_ascii_lowercase()).collect(),
            });
        }
        let known: BTreeSet<String> = set.rules().iter().map(|r| r.regime.to_ascii_uppercase()).collect();
        let mut regimes = BTreeSet::new();
        for (i, r) in input.regimes.iter().enumerate() {
            let upper = r.trim().to_ascii_uppercase();
            if !known.contains(&upper) {
                let list: Vec<&str> = sector_regimes(set);
                return Err(Error::input(
                    format!("regimes[{i}]"),
                    format!("unknown regime {r:?}; known sector regimes: {}", list.join(", ")),
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
                    normalize_jurisdiction(c)
                        .ok_or_else(|| Error::input(field, format!("{c:?} is not a country code like DE")))
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
            main_establishment: code("entity.eu_main_establishment", &input.entity.eu_main_establishment)?,
        })
    }

    /// The value of a fact, in UTC.
    pub(crate) fn fact(&self, fact: Fact) -> Option<DateTime<Utc>> {
        self.input.facts.get(fact).map(|t: DateTime<FixedOffset>| t.with_timezone(&Utc))
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
