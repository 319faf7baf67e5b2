//! A window's evidence: its heaviest resources and the ids of its largest reads, in buffers that
//! keep their `String`s and are only overwritten.
//!
//! A closed window hands its buffers to the pipeline's [`Spares`], and the next window to open, of
//! any actor, takes them: evidence memory follows the windows open at once, not every actor ever
//! tracked (with UUID event ids it was a quarter of an idle actor's state). A closed window that
//! may still be reported when its group is judged keeps its buffers until then, and the evidence is
//! turned into strings only for a finding: most windows are never reported.

use serde::{Deserialize, Serialize};

use crate::alert::ResourceCount;
use crate::event::Event;

/// Heaviest resources remembered per window.
const TOP: usize = 4;
/// Evidence event ids remembered per window (the largest reads).
const IDS: usize = 8;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct TopSlot {
    hash: u64,
    records: u64,
    events: u64,
    name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct IdSlot {
    records: u64,
    id: String,
}

/// One window's evidence buffers and how many slots of each it uses.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Evidence {
    top: Vec<TopSlot>,
    top_used: usize,
    ids: Vec<IdSlot>,
    ids_used: usize,
}

impl Evidence {
    /// Counts one event; `hash` is its resource's stable hash.
    #[inline]
    pub fn add(&mut self, ev: &Event<'_>, hash: u64) {
        self.add_top(ev, hash);
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

    /// Bytes held by the buffers.
    pub fn bytes(&self) -> usize {
        self.top.iter().map(|s| s.name.capacity()).sum::<usize>()
            + self.ids.iter().map(|s| s.id.capacity()).sum::<usize>()
            + std::mem::size_of_val(self.top.as_slice())
            + std::mem::size_of_val(self.ids.as_slice())
    }

    /// Whether it holds buffers to reuse (a window that has not lent them back).
    pub fn has_buffers(&self) -> bool {
        !self.top.is_empty() || !self.ids.is_empty()
    }

    /// Empties it for a new window, keeping the buffers.
    pub fn clear(&mut self) {
        self.top_used = 0;
        self.ids_used = 0;
    }
}

/// Evidence buffers of closed windows, waiting to be lent to the next window that opens.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Spares(Vec<Evidence>);

impl Spares {
    /// Buffers for a window that opens (empty ones when none are spare).
    pub fn lend(&mut self) -> Evidence {
        self.0.pop().unwrap_or_default()
    }

    /// Takes back a closed window's buffers, emptied.
    pub fn give_back(&mut self, mut evidence: Evidence) {
        if evidence.has_buffers() {
            evidence.clear();
            self.0.push(evidence);
        }
    }

    pub fn heap_bytes(&self) -> usize {
        self.0.iter().map(Evidence::bytes).sum::<usize>()
            + self.0.capacity() * std::mem::size_of::<Evidence>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{ActorType, Outcome};

    fn read<'a>(resource: &'a str, id: &'a str, records: u64) -> Event<'a> {
        Event {
            time_ms: 0,
            event_id: Some(id),
            actor: "a",
            actor_type: ActorType::User,
            actor_group: None,
            action: "read",
            resource,
            records,
            bytes: 0,
            outcome: Outcome::Success,
            sensitivity: None,
            source_ip: None,
            region: None,
        }
    }

    #[test]
    fn keeps_the_heaviest_resource_and_the_largest_reads_first() {
        let mut e = Evidence::default();
        for i in 0..20u64 {
            let name = format!("t{i}");
            e.add(&read(&name, &format!("small-{i}"), 1), i);
        }
        e.add(&read("big", "huge", 5_000), 99);
        assert_eq!(e.top_resources()[0].resource, "big");
        assert_eq!(e.event_ids()[0], "huge");
        assert_eq!(e.event_ids().len(), IDS);
    }

    #[test]
    fn buffers_given_back_are_lent_empty_to_the_next_window() {
        let mut spares = Spares::default();
        let mut e = Evidence::default();
        e.add(&read("t", "id-1", 10), 1);
        spares.give_back(e);
        let again = spares.lend();
        assert!(again.has_buffers(), "the buffers are reused");
        assert!(again.top_resources().is_empty() && again.event_ids().is_empty());
        spares.give_back(Evidence::default());
        assert!(spares.0.is_empty(), "empty evidence is not kept");
    }
}
