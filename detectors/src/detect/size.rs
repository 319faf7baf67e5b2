//! Access size: how many records one access to a given resource usually returns for this actor.
//!
//! Windowed volume alone cannot tell a bulk export from an analyst's ordinary warehouse query: both
//! are many times the actor's usual window. What differs is the size *per access relative to the
//! resource*: a query on a fact table returns thousands of rows every time, an export of 7,500 rows
//! from a CRM table whose reads return ten is not ordinary. Each actor keeps the log-size of its eight
//! most used resources (bounded), each group a bounded table of its members' resources (the prior for
//! a resource new to the actor). Each access with a reference is judged against its resource on the
//! log scale (Student's t, the spread pooled with a prior), and a window keeps its few most surprising
//! accesses: how rare they are among the window's accesses is the size evidence the volume detector
//! requires before it alerts on its own. Sizes are heavy-tailed, so a sum of records would be ruled by
//! its single largest access, and one ordinary far-tail query among thousands would look like an export.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::hash::FxBuild;
use crate::stats::{ln_t_sf, Moments};

pub use super::size_evidence::SizeAcc;

/// Resources whose access size an actor remembers.
const ACTOR_RESOURCES: usize = 8;
/// Resources whose access size a group remembers.
const GROUP_RESOURCES: usize = 4096;
/// Effective memory, in accesses.
const MEMORY: f32 = 200.0;
/// Accesses before a size is a reference.
const MIN_N: f32 = 3.0;
/// Log-scale variance floor: sizes of repeated reads still vary by about a third.
const MIN_LOG_VAR: f64 = 0.1;

/// Log-size of one resource's accesses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct SizeEntry {
    pub hash: u64,
    pub log: Moments,
}

/// An actor's access sizes for its most used resources.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ActorSizes {
    entries: Vec<SizeEntry>,
}

/// A group's access sizes over its members' resources.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupSizes {
    map: HashMap<u64, Moments, FxBuild>,
}

/// Expected records and their variance for one access (log-normal with the learned moments).
#[inline]
fn expectation(m: &Moments) -> (f64, f64) {
    let v = f64::from(m.var).max(MIN_LOG_VAR);
    let mean = (f64::from(m.mean) + 0.5 * v).exp();
    (mean - 1.0, mean * mean * (v.exp() - 1.0))
}

/// Learns `lx = ln(1 + records)`, clipped to three deviations once the entry is established.
#[inline]
fn learn(m: &mut Moments, lx: f64) {
    let lx = if m.n >= 5.0 {
        lx.min(f64::from(m.mean) + 3.0 * f64::from(m.var).sqrt().max(0.3))
    } else {
        lx
    };
    m.update(lx, MEMORY);
}

impl ActorSizes {
    fn get(&self, hash: u64) -> Option<&Moments> {
        self.entries.iter().find(|e| e.hash == hash).map(|e| &e.log)
    }

    fn learn(&mut self, hash: u64, lx: f64) {
        if let Some(e) = self.entries.iter_mut().find(|e| e.hash == hash) {
            learn(&mut e.log, lx);
            return;
        }
        let mut fresh = SizeEntry {
            hash,
            log: Moments::default(),
        };
        learn(&mut fresh.log, lx);
        if self.entries.len() < ACTOR_RESOURCES {
            self.entries.push(fresh);
        } else if let Some(e) = self
            .entries
            .iter_mut()
            .min_by(|a, b| a.log.n.total_cmp(&b.log.n))
        {
            // The least established entry gives way; counts of the others decay towards it.
            *e = fresh;
        }
    }

    /// Whether the actor routinely reads `hash` (learned from a few successful reads).
    pub fn knows(&self, hash: u64) -> bool {
        self.get(hash).is_some_and(|m| m.n >= 3.0)
    }

    pub fn heap_bytes(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<SizeEntry>()
    }
}

impl GroupSizes {
    fn learn(&mut self, hash: u64, lx: f64) {
        if let Some(m) = self.map.get_mut(&hash) {
            learn(m, lx);
        } else if self.map.len() < GROUP_RESOURCES {
            let mut m = Moments::default();
            learn(&mut m, lx);
            self.map.insert(hash, m);
        }
    }

    pub fn heap_bytes(&self) -> usize {
        self.map.capacity() * (std::mem::size_of::<(u64, Moments)>() + 1)
    }
}

/// Weight, in accesses, of the prior spread a resource's own spread is pooled with.
const PRIOR_SPREAD_N: f64 = 30.0;
/// Accesses within this many spreads of their resource's mean are not worth a tail probability.
const RARE_Z: f64 = 2.0;

/// Counts one successful access of `records` to resource `hash` and learns its size. A young actor
/// (`young`) is measured against its group first: its own sizes are still being learned from the very
/// behaviour under judgement.
#[inline]
pub fn observe(
    acc: &mut SizeAcc,
    own: &mut ActorSizes,
    group: Option<&mut GroupSizes>,
    hash: u64,
    records: u64,
    young: bool,
) {
    let x = records as f64;
    let from_group = || {
        group
            .as_ref()
            .and_then(|g| g.map.get(&hash))
            .filter(|m| m.n >= MIN_N)
            .copied()
    };
    let from_own = || own.get(hash).filter(|m| m.n >= MIN_N).copied();
    let reference = if young {
        from_group().or_else(from_own)
    } else {
        from_own().or_else(from_group)
    };
    if let Some(m) = reference {
        let (e, v) = expectation(&m);
        let var = f64::from(m.var).max(MIN_LOG_VAR);
        let d = x.ln_1p() - f64::from(m.mean);
        acc.count(x, e, v, d / var.sqrt());
        if d > RARE_Z * var.sqrt() {
            // Predictive spread of one more access: the resource's sample variance pooled with a
            // prior (the group's spread for it, else its own) worth `PRIOR_SPREAD_N` accesses, and
            // the uncertain mean. A spread learned from a dozen accesses is itself uncertain; the
            // prior keeps it from making every large access either certain or hopeless.
            let n = f64::from(m.n);
            let prior = from_group().map_or(var, |g| f64::from(g.var).max(MIN_LOG_VAR));
            let nu = n - 1.0 + PRIOR_SPREAD_N;
            let pooled = (var * n + prior * PRIOR_SPREAD_N) / nu;
            let s = (pooled * (1.0 + 1.0 / n)).sqrt();
            acc.note_rare(ln_t_sf(d / s, nu) as f32);
        }
    }
    let lx = x.ln_1p();
    own.learn(hash, lx);
    if let Some(g) = group {
        g.learn(hash, lx);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history(own: &mut ActorSizes, group: &mut GroupSizes, hash: u64, sizes: &[u64]) {
        for &s in sizes {
            observe(&mut SizeAcc::default(), own, Some(group), hash, s, false);
        }
    }

    #[test]
    fn a_big_query_on_a_table_that_always_returns_thousands_is_ordinary() {
        let (mut own, mut group) = (ActorSizes::default(), GroupSizes::default());
        history(
            &mut own,
            &mut group,
            1,
            &[800, 2500, 400, 1500, 3000, 900, 1200, 700, 2000, 600],
        );
        let mut acc = SizeAcc::default();
        observe(&mut acc, &mut own, Some(&mut group), 1, 4000, false);
        assert!(
            acc.check().is_some_and(|(lp, _)| lp > (1e-3f64).ln()),
            "{:?}",
            acc.check()
        );
    }

    #[test]
    fn an_export_of_thousands_from_a_table_read_by_the_dozen_is_not() {
        let (mut own, mut group) = (ActorSizes::default(), GroupSizes::default());
        history(
            &mut own,
            &mut group,
            2,
            &[8, 12, 5, 20, 10, 9, 15, 7, 11, 6],
        );
        let mut acc = SizeAcc::default();
        observe(&mut acc, &mut own, Some(&mut group), 2, 7500, false);
        assert!(
            acc.check()
                .is_some_and(|(lp, r)| lp < (1e-9f64).ln() && r > 100.0),
            "{:?}",
            acc.check()
        );
    }

    #[test]
    fn a_resource_new_to_the_actor_is_judged_by_the_group() {
        let (mut own, mut group) = (ActorSizes::default(), GroupSizes::default());
        history(
            &mut ActorSizes::default(),
            &mut group,
            3,
            &[3, 4, 2, 5, 3, 3, 4],
        );
        let mut acc = SizeAcc::default();
        observe(&mut acc, &mut own, Some(&mut group), 3, 5000, true);
        assert!(acc.check().is_some_and(|(_, r)| r > 100.0));
    }

    #[test]
    fn many_moderately_larger_accesses_outweigh_one_huge_one_on_the_log_scale() {
        let sizes = [8, 12, 5, 20, 10, 9, 15, 7, 11, 6, 10, 9];
        let (mut own, mut group) = (ActorSizes::default(), GroupSizes::default());
        history(&mut own, &mut group, 2, &sizes);
        let mut one_huge = SizeAcc::default();
        observe(&mut one_huge, &mut own.clone(), None, 2, 100_000, false);
        for _ in 0..9 {
            observe(&mut one_huge, &mut own.clone(), None, 2, 10, false);
        }
        let mut steady = SizeAcc::default();
        for _ in 0..10 {
            observe(&mut steady, &mut own.clone(), None, 2, 40, false);
        }
        let (huge, raised) = (
            one_huge.log_z().unwrap_or(0.0),
            steady.log_z().unwrap_or(0.0),
        );
        assert!(huge < 2.0, "{huge}");
        assert!(raised > 3.0, "{raised}");
    }

    /// Log-normal sizes around `median` (log spread about 0.9), deterministic.
    fn spread_sizes(median: f64, n: usize) -> Vec<u64> {
        let z: [f64; 10] = [-1.5, -0.8, -0.3, 0.0, 0.3, 0.8, 1.5, -1.0, 1.0, 0.0];
        (0..n)
            .map(|i| (median * (0.9 * z[i % z.len()]).exp()).round() as u64)
            .collect()
    }

    #[test]
    fn one_far_tail_query_in_a_window_of_ordinary_ones_is_not_proof() {
        // 30x the median is about four spreads out: it happens among thousands of accesses.
        let (mut own, mut group) = (ActorSizes::default(), GroupSizes::default());
        history(&mut own, &mut group, 4, &spread_sizes(140.0, 60));
        let mut acc = SizeAcc::default();
        for &x in &[120, 4300, 90, 200] {
            observe(&mut acc, &mut own, Some(&mut group), 4, x, false);
        }
        let (lp, ratio) = acc.check().unwrap_or((0.0, 0.0));
        assert!(ratio > 5.0, "linear ratio alone would pass: {ratio}");
        assert!(lp > (1e-6f64).ln(), "{lp}");
    }

    #[test]
    fn an_export_in_three_goes_each_far_beyond_the_resource_is_proof() {
        let (mut own, mut group) = (ActorSizes::default(), GroupSizes::default());
        history(&mut own, &mut group, 5, &spread_sizes(140.0, 60));
        let mut acc = SizeAcc::default();
        for &x in &[5000, 5000, 5000] {
            observe(&mut acc, &mut own, Some(&mut group), 5, x, false);
        }
        let (lp, _) = acc.check().unwrap_or((0.0, 0.0));
        assert!(lp < (1e-6f64).ln(), "{lp}");
    }

    #[test]
    fn a_spread_learned_from_few_accesses_is_trusted_less() {
        let few = spread_sizes(140.0, 10);
        let many = spread_sizes(140.0, 60);
        let tail = |sizes: &[u64]| {
            let mut own = ActorSizes::default();
            history(&mut own, &mut GroupSizes::default(), 6, sizes);
            let mut acc = SizeAcc::default();
            observe(&mut acc, &mut own, None, 6, 5000, false);
            acc.check().map_or(0.0, |c| c.0)
        };
        assert!(
            tail(&few) > tail(&many) + 0.5,
            "{} {}",
            tail(&few),
            tail(&many)
        );
    }

    #[test]
    fn an_actor_remembers_at_most_eight_resources() {
        let mut own = ActorSizes::default();
        for h in 0..20 {
            observe(&mut SizeAcc::default(), &mut own, None, h, 10, false);
        }
        assert_eq!(own.entries.len(), ACTOR_RESOURCES);
    }
}
