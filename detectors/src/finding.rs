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

    /// Families explained by a whole group rising together, which a population shift suppresses.
    pub fn is_volume_like(self) -> bool {
        matches!(self, Family::Volume | Family::Peer | Family::SustainedVolume)
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
    /// Whether the finding passed its detector's magnitude gates and may alert without corroboration
    /// (time of day, for instance, never alerts alone).
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
