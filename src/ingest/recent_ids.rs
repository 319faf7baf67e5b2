//! Event ids the writer stored recently, whatever their time.
//!
//! The store recognises a repeat by `(time, event_id)`: its dedup index leads with time so inserts
//! stay in order (migration 0005). A client that re-sends an event with a new `time` (a retry that
//! re-stamps its events, a script posting "now") would then have it stored twice. So the writer also
//! remembers the hashes of the ids it stored in the last `ingest.dedup_window_secs`, at most
//! [`MAX_REMEMBERED`] of them: a repeat of one of those is a duplicate at any time. At start the
//! writer reads the window's ids back from the store, so a restart does not shorten it.
//!
//! Only the 64-bit hash is kept (~40 bytes an id): two different ids in the window share one with a
//! probability of about `window size / 2^64` per event, which is below anything measurable.

use std::collections::{HashMap, VecDeque};

/// Bound on the remembered ids (~40 MB), whatever the window: at very high rates the window shrinks.
pub const MAX_REMEMBERED: usize = 1_000_000;

pub struct RecentIds {
    window_ms: i64,
    /// `(stored at, hash)`, oldest first.
    order: VecDeque<(i64, i64)>,
    /// Hash to the time it was stored at (its entry in `order`).
    stored_at: HashMap<i64, i64>,
}

impl RecentIds {
    /// A window of 0 seconds remembers nothing.
    pub fn new(window_secs: u64) -> Self {
        Self {
            window_ms: i64::try_from(window_secs.saturating_mul(1_000)).unwrap_or(i64::MAX),
            order: VecDeque::new(),
            stored_at: HashMap::new(),
        }
    }

    /// Where the window starts at `now_ms`; `None` when it is off.
    pub fn window_start(&self, now_ms: i64) -> Option<i64> {
        (self.window_ms > 0).then(|| now_ms.saturating_sub(self.window_ms))
    }

    /// Whether an event id with this hash was stored within the window.
    pub fn contains(&self, hash: i64) -> bool {
        self.stored_at.contains_key(&hash)
    }

    /// Records that an event id with this hash was stored at `now_ms`, forgetting what fell out of
    /// the window.
    pub fn remember(&mut self, hash: i64, now_ms: i64) {
        if self.window_ms == 0 {
            return;
        }
        while let Some(&(at, oldest)) = self.order.front() {
            if at > now_ms.saturating_sub(self.window_ms) && self.order.len() < MAX_REMEMBERED {
                break;
            }
            self.order.pop_front();
            // The hash may have been stored again later; only its latest entry counts.
            if self.stored_at.get(&oldest) == Some(&at) {
                self.stored_at.remove(&oldest);
            }
        }
        self.stored_at.insert(hash, now_ms);
        self.order.push_back((now_ms, hash));
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.stored_at.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_remembered_for_the_window_and_then_forgotten() {
        let mut recent = RecentIds::new(600);
        recent.remember(7, 1_000);
        assert!(recent.contains(7));
        assert!(!recent.contains(8));
        recent.remember(8, 1_000 + 599_999);
        assert!(recent.contains(7), "still inside the window");
        recent.remember(9, 1_000 + 600_000);
        assert!(!recent.contains(7), "fell out of the window");
        assert!(recent.contains(8) && recent.contains(9));
        assert_eq!(recent.len(), 2);
    }

    #[test]
    fn a_hash_stored_again_keeps_its_latest_time() {
        let mut recent = RecentIds::new(10);
        recent.remember(7, 0);
        recent.remember(7, 9_000);
        recent.remember(8, 12_000);
        assert!(
            recent.contains(7),
            "the entry at 0 expired, the one at 9 s did not"
        );
    }

    #[test]
    fn a_zero_window_remembers_nothing() {
        let mut recent = RecentIds::new(0);
        recent.remember(7, 0);
        assert!(!recent.contains(7));
        assert_eq!(recent.len(), 0);
    }

    #[test]
    fn the_number_of_ids_is_bounded() {
        let mut recent = RecentIds::new(3_600);
        for h in 0..(MAX_REMEMBERED as i64 + 10) {
            recent.remember(h, 0);
        }
        assert_eq!(recent.len(), MAX_REMEMBERED);
        assert!(!recent.contains(0), "the oldest made room");
        assert!(recent.contains(MAX_REMEMBERED as i64 + 9));
    }
}
