//! What one actor did in the current window: counters, a distinct-resource sketch, and bounded evidence
//! (heaviest resources and event ids) kept in reused buffers.
//!
//! The buffers keep their `String`s between windows and only overwrite them, so after the first few
//! windows the per-event path allocates nothing. A closed window hands its buffers to the
//! pipeline's [`Spares`], and the next window to open, of any actor, takes them: evidence memory
//! follows the windows open at once, not every actor ever tracked (with UUID event ids it was a
//! quarter of an idle actor's state).

use serde::{Deserialize, Serialize};

use crate::alert::ResourceCount;
use crate::detect::size::SizeAcc;
use crate::detect::volume::Model;
use crate::event::{Event, Outcome};
use crate::stats::sketch::Distinct;

/// Heaviest resources remembered per window.
const TOP: usize = 4;
/// Evidence event ids remembered per window (the largest reads).
const IDS: usize = 8;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct TopSlot {
    hash: u64,
    records: u64,
    events: u64,
    name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct IdSlot {
    records: u64,
    id: String,
}

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

/// Evidence buffers of closed windows, waiting to be lent to the next window that opens.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Spares(Vec<(Vec<TopSlot>, Vec<IdSlot>)>);

impl Spares {
    pub fn heap_bytes(&self) -> usize {
        self.0
            .iter()
            .map(|(top, ids)| evidence_bytes(top, ids))
            .sum::<usize>()
            + self.0.capacity() * std::mem::size_of::<(Vec<TopSlot>, Vec<IdSlot>)>()
    }
}

fn evidence_bytes(top: &[TopSlot], ids: &[IdSlot]) -> usize {
    top.iter().map(|s| s.name.capacity()).sum::<usize>()
        + ids.iter().map(|s| s.id.capacity()).sum::<usize>()
        + std::mem::size_of_val(top)
        + std::mem::size_of_val(ids)
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
    top: Vec<TopSlot>,
    top_used: usize,
    ids: Vec<IdSlot>,
    ids_used: usize,
}

impl WindowAcc {
    /// Starts a new window, with evidence buffers borrowed from `spares` when it has none.
    pub fn reset(&mut self, start_ms: i64, rules: usize, spares: &mut Spares) {
        if self.top.is_empty() && self.ids.is_empty() {
            if let Some((top, ids)) = spares.0.pop() {
                self.top = top;
                self.ids = ids;
            }
        }
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
        self.top_used = 0;
        self.ids_used = 0;
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
        self.add_top(ev, res_hash);
        if let Some(id) = ev.event_id {
            self.add_id(id, ev.records);
        }
    }

    /// Space-saving heavy hitters: a newcomer replaces the lightest slot and inherits its count, so a
    /// resource that dominates the window is always kept.
    fn add_top(&mut self, ev: &Event<'_>, hash: u64) {
        let used = self.top.get_mut(..self.top_used).unwrap_or_default();
        if let Some(s) = used.iter_mut().find(|s| s.hash == hash) {
            s.records += ev.records;
            s.events += 1;
            return;
        }
        let full = self.top_used >= TOP;
        let slot = if !full {
            if self.top.len() <= self.top_used {
                self.top.push(TopSlot::default());
            }
            self.top_used += 1;
            self.top_used - 1
        } else {
            let mut min = 0;
            for (i, s) in self.top.iter().enumerate().take(TOP) {
                if s.records < self.top[min].records {
                    min = i;
                }
            }
            min
        };
        if let Some(s) = self.top.get_mut(slot) {
            let inherited = if full { s.records } else { 0 };
            s.hash = hash;
            s.records = inherited + ev.records;
            s.events = 1;
            s.name.clear();
            s.name.push_str(ev.resource);
        }
    }

    /// Keeps the ids of the largest reads: the events an analyst opens first.
    fn add_id(&mut self, id: &str, records: u64) {
        let slot = if self.ids_used < IDS {
            if self.ids.len() <= self.ids_used {
                self.ids.push(IdSlot::default());
            }
            self.ids_used += 1;
            self.ids_used - 1
        } else {
            let mut min = 0;
            for (i, s) in self.ids.iter().enumerate().take(IDS) {
                if s.records < self.ids[min].records {
                    min = i;
                }
            }
            if self.ids.get(min).is_none_or(|s| s.records >= records) {
                return;
            }
            min
        };
        if let Some(s) = self.ids.get_mut(slot) {
            s.records = records;
            s.id.clear();
            s.id.push_str(id);
        }
    }

    /// Heaviest resources, largest first.
    pub fn top_resources(&self) -> Vec<ResourceCount> {
        let mut v: Vec<ResourceCount> = self
            .top
            .get(..self.top_used)
            .unwrap_or_default()
            .iter()
            .map(|s| ResourceCount {
                resource: s.name.clone(),
                records: s.records,
                events: s.events,
            })
            .collect();
        v.sort_by(|a, b| {
            b.records
                .cmp(&a.records)
                .then_with(|| a.resource.cmp(&b.resource))
        });
        v
    }

    /// Evidence ids, largest reads first.
    pub fn event_ids(&self) -> Vec<String> {
        let mut v: Vec<&IdSlot> = self
            .ids
            .get(..self.ids_used)
            .unwrap_or_default()
            .iter()
            .collect();
        v.sort_by(|a, b| b.records.cmp(&a.records).then_with(|| a.id.cmp(&b.id)));
        v.into_iter().map(|s| s.id.clone()).collect()
    }

    /// The window has closed and its evidence was read: its buffers go back to `spares`.
    pub fn release(&mut self, spares: &mut Spares) {
        if !self.top.is_empty() || !self.ids.is_empty() {
            spares
                .0
                .push((std::mem::take(&mut self.top), std::mem::take(&mut self.ids)));
        }
        self.top_used = 0;
        self.ids_used = 0;
    }

    /// Bytes held by the evidence buffers (none once the window has closed).
    pub fn evidence_bytes(&self) -> usize {
        evidence_bytes(&self.top, &self.ids)
    }

    pub fn heap_bytes(&self) -> usize {
        self.evidence_bytes()
            + self.rules.capacity() * std::mem::size_of::<(u64, bool)>()
            + self.novel.capacity() * std::mem::size_of::<NovelAccess>()
    }
}

/// Reads `fire_at`, mapping the `null` that JSON writes for infinity back to "never".
fn null_is_never<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::INFINITY))
}
