//! What one detector concluded about one actor: the unit the combiner folds into alerts.

use serde::{Deserialize, Serialize};

use crate::alert::ResourceCount;

/// The detector families, a closed set dispatched with `match`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    Volume,
    SustainedVolume,
    Peer,
    PopulationShift,
    Breadth,
    NewAccess,
    TimeOfDay,
    DeniedBurst,
    Origin,
    Rule,
}

impl Family {
    /// The name alerts carry in `detector` / `detectors`.
    pub fn name(self) -> &'static str {
        match self {
            Family::Volume => "volume",
            Family::SustainedVolume => "sustained_volume",
            Family::Peer => "peer",
            Family::PopulationShift => "population_shift",
            Family::Breadth => "breadth",
            Family::NewAccess => "new_access",
            Family::TimeOfDay => "time_of_day",
            Family::DeniedBurst => "denied_burst",
            Family::Origin => "origin",
            Family::Rule => "rule",
        }
    }

    /// Families whose decision is a tail probability; the others decide by their gates (a rule, a
    /// first access, an unusual hour with volume, a CUSUM alarm) and their p-value only ranks the alert.
    pub fn is_statistical(self) -> bool {
        matches!(
            self,
            Family::Volume | Family::Peer | Family::Breadth | Family::DeniedBurst
        )
    }
}

/// One detector's result for one actor and one stretch of time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub family: Family,
    /// First event of the anomalous activity.
    pub start_ms: i64,
    /// Event time at which the detector concluded.
    pub detected_ms: i64,
    /// Natural log of the tail probability of what was observed under the baseline.
    pub ln_p: f64,
    /// Whether the finding passed its detector's decision rule (magnitude gates and, for statistical
    /// families, the alert p-value) and so alerts without corroboration.
    pub alone: bool,
    pub observed: f64,
    pub expected: f64,
    /// What `observed` counts: `records`, `bytes`, `distinct resources`, ...
    pub unit: String,
    /// Length of the stretch `observed` covers, in milliseconds.
    pub span_ms: i64,
    /// Which baseline `expected` comes from: hours, days of history, peers.
    pub baseline: String,
    /// A clause for the summary, e.g. `read 48,200 records in 5 min`.
    pub what: String,
    pub top_resources: Vec<ResourceCount>,
    pub event_ids: Vec<String>,
}

impl Finding {
    pub fn p_value(&self) -> f64 {
        self.ln_p.exp()
    }
}

/// Where and when a finding's activity happened, and the evidence gathered there: what every
/// detector's explanation needs besides its own numbers.
pub(crate) struct Context<'a> {
    /// Group name, or `None` for an actor without peers.
    pub group: Option<&'a str>,
    pub members: u32,
    pub start_ms: i64,
    pub span_ms: i64,
    pub detected_ms: i64,
    pub top: &'a [ResourceCount],
    pub ids: &'a [String],
    /// `ln` of the p-value a statistical finding needs to alert on its own.
    pub ln_alert: f64,
}

/// A finding's own numbers and words.
pub(crate) struct Facts {
    pub family: Family,
    pub ln_p: f64,
    pub alone: bool,
    pub observed: f64,
    pub expected: f64,
    pub unit: &'static str,
    pub baseline: String,
    pub what: String,
}

impl Context<'_> {
    pub fn finding(&self, f: Facts) -> Finding {
        Finding {
            family: f.family,
            start_ms: self.start_ms,
            detected_ms: self.detected_ms,
            ln_p: f.ln_p,
            alone: f.alone && (!f.family.is_statistical() || f.ln_p <= self.ln_alert),
            observed: f.observed,
            expected: f.expected,
            unit: f.unit.to_owned(),
            span_ms: self.span_ms,
            baseline: f.baseline,
            what: f.what,
            top_resources: self.top.to_vec(),
            event_ids: self.ids.to_vec(),
        }
    }

    /// `peers in 'support' (12 members)`.
    pub fn peers(&self) -> String {
        match self.group {
            Some(g) => format!("peers in '{g}' ({} members)", self.members),
            None => "no peer group".to_owned(),
        }
    }
}
