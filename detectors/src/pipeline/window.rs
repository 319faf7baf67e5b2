//! What one actor did in the current window: counters, a distinct-resource sketch, and bounded evidence
//! (heaviest resources and event ids, see `evidence`) in buffers lent by the pipeline, so after the
//! first few windows the per-event path allocates nothing.

use serde::{Deserialize, Serialize};

use super::evidence::{Evidence, Spares};
use crate::detect::size::SizeAcc;
use crate::detect::volume::Model;
use crate::event::{Event, Outcome};
use crate::stats::sketch::Distinct;

/// A first access to a sensitive resource seen in this window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct NovelAccess {
    pub resource: String,
    pub sensitivity: String,
    pub weight: f64,
    pub group_novel: bool,
    pub time_ms: i64,
}

/// Activity from a region or address block the service actor was not known to use.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct NovelOrigin {
    pub region: Option<String>,
    pub block: Option<String>,
    pub records: u64,
    pub events: u64,
    pub first_ms: i64,
}

/// Counters of the actor's open window.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct WindowAcc {
    pub open: bool,
    pub start_ms: i64,
    pub first_ms: i64,
    pub last_ms: i64,
    pub events: u64,
    pub records: u64,
    pub bytes: u64,
    pub denied: u64,
    /// Of those, denials of resources the actor routinely reads: a credential rotated or revoked
    /// makes a service retry its own tables, which is not probing.
    #[serde(default)]
    pub denied_own: u64,
    pub distinct: Distinct,
    /// Records of accesses with a size reference, against their expectation.
    pub size: SizeAcc,
    /// Records at which the window alerts before it closes (`f64::INFINITY`: never).
    /// JSON has no infinity: it is written as `null` and read back from it.
    #[serde(deserialize_with = "null_is_never")]
    pub fire_at: f64,
    pub fired: bool,
    /// The records baseline for this window, computed once when it opens.
    pub rec_model: Option<Model>,
    /// Per configured rule: matching records so far, and whether it already fired.
    pub rules: Vec<(u64, bool)>,
    pub novel: Vec<NovelAccess>,
    pub origin: Option<NovelOrigin>,
    /// Heaviest resources and largest reads (flattened: snapshots keep their field names).
    #[serde(flatten)]
    pub evidence: Evidence,
}

impl WindowAcc {
    /// Starts a new window, with evidence buffers borrowed from `spares` when it has none.
    pub fn reset(&mut self, start_ms: i64, rules: usize, spares: &mut Spares) {
        if !self.evidence.has_buffers() {
            self.evidence = spares.lend();
        }
        self.evidence.clear();
        self.open = true;
        self.start_ms = start_ms;
        self.first_ms = i64::MAX;
        self.last_ms = i64::MIN;
        self.events = 0;
        self.records = 0;
        self.bytes = 0;
        self.denied = 0;
        self.denied_own = 0;
        self.distinct.clear();
        self.size = SizeAcc::default();
        self.fire_at = f64::INFINITY;
        self.fired = false;
        self.rec_model = None;
        self.rules.clear();
        self.rules.resize(rules, (0, false));
        self.novel.clear();
        self.origin = None;
    }

    /// Counts one event; `res_hash` is the resource's stable hash.
    #[inline]
    pub fn add(&mut self, ev: &Event<'_>, res_hash: u64) {
        self.first_ms = self.first_ms.min(ev.time_ms);
        self.last_ms = self.last_ms.max(ev.time_ms);
        self.events += 1;
        self.records += ev.records;
        self.bytes += ev.bytes;
        if ev.outcome == Outcome::Denied {
            self.denied += 1;
        }
        self.distinct.insert(res_hash);
        self.evidence.add(ev, res_hash);
    }

    /// The window has closed and its evidence was read (or is not needed): the buffers go back.
    pub fn release(&mut self, spares: &mut Spares) {
        spares.give_back(std::mem::take(&mut self.evidence));
    }

    /// The window has closed and may be reported later: its evidence goes with it.
    pub fn take_evidence(&mut self) -> Evidence {
        std::mem::take(&mut self.evidence)
    }

    pub fn heap_bytes(&self) -> usize {
        self.evidence.bytes()
            + self.rules.capacity() * std::mem::size_of::<(u64, bool)>()
            + self.novel.capacity() * std::mem::size_of::<NovelAccess>()
    }
}

/// Reads `fire_at`, mapping the `null` that JSON writes for infinity back to "never".
fn null_is_never<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::INFINITY))
}
