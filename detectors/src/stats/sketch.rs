//! Bounded sketches: a linear-counting bitmap for distinct resources per window, and sets of hashes
//! with least-recently-used eviction for "seen before" questions (a scanned vector for a few dozen, a
//! hash map for hundreds).
//!
//! Both keep per-actor memory fixed whatever the actor does: an enumeration of ten thousand tables
//! costs the same bytes as a quiet day.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::hash::FxBuild;

/// 512-bit linear counter: exact-ish up to tens, within a few percent up to ~1,500 distinct values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Distinct {
    bits: [u64; 8],
}

impl Distinct {
    const M: f64 = 512.0;

    #[inline]
    pub fn insert(&mut self, hash: u64) {
        let bit = (hash & 511) as usize;
        self.bits[bit >> 6] |= 1 << (bit & 63);
    }

    /// Linear-counting estimate `-m ln(empty / m)`.
    pub fn estimate(&self) -> f64 {
        let set: u32 = self.bits.iter().map(|w| w.count_ones()).sum();
        let empty = (Self::M - f64::from(set)).max(0.5);
        -Self::M * (empty / Self::M).ln()
    }

    pub fn clear(&mut self) {
        self.bits = [0; 8];
    }

    /// Adds every value counted by `other` (the union of the two sets).
    pub fn merge(&mut self, other: &Distinct) {
        for (a, b) in self.bits.iter_mut().zip(other.bits) {
            *a |= b;
        }
    }
}

/// A set of at most `cap` 64-bit hashes; when full the entry touched longest ago is forgotten.
///
/// Forgetting old entries means a resource not touched for a long time counts as new again, which is
/// the behaviour an analyst expects from "first access" anyway.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentSet {
    entries: Vec<(u64, u32)>,
}

impl RecentSet {
    #[inline]
    pub fn contains(&self, hash: u64) -> bool {
        self.entries.iter().any(|(h, _)| *h == hash)
    }

    /// Inserts or refreshes `hash`; `day` orders entries for eviction. Returns whether it was known.
    pub fn touch(&mut self, hash: u64, day: u32, cap: usize) -> bool {
        if let Some(e) = self.entries.iter_mut().find(|(h, _)| *h == hash) {
            e.1 = day;
            return true;
        }
        if self.entries.len() < cap {
            self.entries.push((hash, day));
        } else if let Some(oldest) = self.entries.iter_mut().min_by_key(|(_, d)| *d) {
            *oldest = (hash, day);
        }
        false
    }

    pub fn heap_bytes(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<(u64, u32)>()
    }
}

/// `RecentSet` for hundreds of entries (a group's resources): hashed lookup, same eviction rule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentMap {
    entries: HashMap<u64, u32, FxBuild>,
}

impl RecentMap {
    /// Inserts or refreshes `hash`; returns whether it was known.
    pub fn touch(&mut self, hash: u64, day: u32, cap: usize) -> bool {
        if let Some(d) = self.entries.get_mut(&hash) {
            *d = day;
            return true;
        }
        if self.entries.len() >= cap.max(1) {
            // Rare (only when a new entry meets a full map): the scan is not on the common path.
            if let Some(oldest) = self
                .entries
                .iter()
                .min_by_key(|(_, d)| **d)
                .map(|(h, _)| *h)
            {
                self.entries.remove(&oldest);
            }
        }
        self.entries.insert(hash, day);
        false
    }

    pub fn heap_bytes(&self) -> usize {
        self.entries.capacity() * (std::mem::size_of::<(u64, u32)>() + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::hash_str;

    #[test]
    fn distinct_counts_are_close_for_small_and_large_sets() {
        let mut d = Distinct::default();
        for i in 0..5 {
            d.insert(hash_str(&format!("t{i}")));
        }
        assert!((d.estimate() - 5.0).abs() < 1.0);
        for i in 0..300 {
            d.insert(hash_str(&format!("t{i}")));
        }
        assert!((d.estimate() - 300.0).abs() < 45.0, "{}", d.estimate());
    }

    #[test]
    fn recent_set_forgets_the_oldest_when_full() {
        let mut s = RecentSet::default();
        s.touch(1, 10, 2);
        s.touch(2, 11, 2);
        assert!(s.touch(1, 12, 2));
        assert!(!s.touch(3, 13, 2));
        assert!(s.contains(1) && s.contains(3) && !s.contains(2));
    }

    #[test]
    fn recent_map_forgets_the_oldest_when_full() {
        let mut m = RecentMap::default();
        m.touch(1, 10, 2);
        m.touch(2, 11, 2);
        assert!(m.touch(1, 12, 2));
        assert!(!m.touch(3, 13, 2));
        assert!(m.touch(1, 14, 2) && m.touch(3, 14, 2) && !m.touch(2, 14, 2));
    }
}
