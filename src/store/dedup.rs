//! Dedup verdicts and id ranges of a group commit. An event's identity is `(ts_ms, eid_hash)`: the
//! same `event_id` at the same time (migration 0005 says why). PostgreSQL turns an `INSERT ... ON
//! CONFLICT (ts_ms, eid_hash) DO NOTHING RETURNING id, ts_ms, eid_hash` into per-event verdicts
//! here; SQLite inserts row by row and only tracks the [`IdRange`] it wrote.
//!
//! The hash is 64 bits, so two different `event_id`s can (very rarely) share one. A conflicting event
//! is a duplicate only if the stored row has the same `event_id`; otherwise it is stored without a hash.

use super::model::EventBatch;
use std::collections::{HashMap, HashSet};

/// One row an insert wrote.
pub(super) struct Returned {
    pub id: i64,
    pub ts_ms: i64,
    pub eid_hash: Option<i64>,
}

/// Per-event verdicts after the first insert.
pub(super) struct Resolution {
    /// Aligned with the batch: `true` when the row went in.
    pub flags: Vec<bool>,
    /// Indices whose key conflicted: duplicates unless the stored `event_id` differs.
    pub check: Vec<usize>,
}

pub(super) fn resolve_conflicts(batch: &EventBatch, returned: &[Returned]) -> Resolution {
    let inserted: HashSet<(i64, i64)> = returned
        .iter()
        .filter_map(|r| Some((r.ts_ms, r.eid_hash?)))
        .collect();
    let mut flags = Vec::with_capacity(batch.events.len());
    let mut check = Vec::new();
    for (i, e) in batch.events.iter().enumerate() {
        match e.eid_hash {
            Some(h) if !inserted.contains(&(e.ts_ms, h)) => {
                flags.push(false);
                check.push(i);
            }
            _ => flags.push(true),
        }
    }
    Resolution { flags, check }
}

/// Indices among `check` whose stored row (by key) carries a different `event_id`.
pub(super) fn differing(
    batch: &EventBatch,
    check: &[usize],
    stored: &HashMap<(i64, i64), Option<String>>,
) -> Vec<usize> {
    check
        .iter()
        .copied()
        .filter(|&i| {
            let e = &batch.events[i];
            e.eid_hash
                .and_then(|h| stored.get(&(e.ts_ms, h)))
                .is_some_and(|id| *id != e.event_id)
        })
        .collect()
}

/// The smallest and largest event id a commit wrote.
#[derive(Default)]
pub(super) struct IdRange(Option<(i64, i64)>);

impl IdRange {
    pub fn of(returned: &[Returned]) -> Self {
        let mut range = IdRange::default();
        range.extend(returned);
        range
    }

    pub fn extend(&mut self, returned: &[Returned]) {
        for r in returned {
            self.add(r.id, r.id);
        }
    }

    pub fn add(&mut self, lo: i64, hi: i64) {
        self.0 = Some(self.0.map_or((lo, hi), |(a, b)| (a.min(lo), b.max(hi))));
    }

    pub fn range(self) -> Option<(i64, i64)> {
        self.0
    }
}
