//! Volume: records and bytes an actor reads per window, against its own seasonal baseline.
//!
//! The baseline is kept per slot (hour of day x weekday/weekend, 48 slots) over *active* windows only:
//! whether someone works at 3 am is the time-of-day detector's question, how much they read when they
//! work is this one's. A slot with little history borrows from the actor's all-hours baseline, and an
//! actor with little history borrows from its peers (the group's per-member baseline), so a new hire
//! is judged against the team from the first window. Blending is a mixture: mean and second moment are
//! weighted sums, so disagreement between the sources widens the variance instead of hiding it.
//!
//! Tail model: negative binomial with the blended mean and variance (`stats::tail`). Learning is robust
//! to past outliers: an observation is clipped to the baseline's 1-in-1,000 quantile before it updates,
//! so one export last week does not mask the next one.

use serde::{Deserialize, Serialize};

use crate::config::{positive, probability, ConfigError};
use crate::stats::{ln_count_sf, upper_quantile, Moments};
use crate::timefmt::{hour_of_day, is_weekend};

/// Seasonal slots: 24 hours x {weekday, weekend}.
pub const SLOTS: usize = 48;

/// The seasonal slot of an instant.
#[inline]
pub fn slot_of(t: i64) -> usize {
    usize::from(is_weekend(t)) * 24 + hour_of_day(t)
}

/// `14:00 UTC on weekdays`.
pub fn slot_label(slot: usize) -> String {
    let days = if slot >= 24 { "weekends" } else { "weekdays" };
    format!("{:02}:00 UTC on {days}", slot % 24)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VolumeConfig {
    pub enabled: bool,
    /// Active windows in a slot after which the slot's own history outweighs the fallbacks.
    pub slot_prior_windows: f64,
    /// Active windows (all hours) after which the actor's own history outweighs its peers.
    pub all_prior_windows: f64,
    /// Effective memory of a slot, in active windows (about three weeks of a working hour).
    pub slot_memory_windows: f32,
    /// Effective memory of the all-hours baseline, in active windows.
    pub all_memory_windows: f32,
    /// Without peers (no `actor_group`), no judgement before this many of the actor's own windows.
    pub min_solo_windows: f32,
    /// Weaker evidence than this is not passed on, even for corroboration.
    pub report_p: f64,
    /// An alert on volume alone needs at least this multiple of the expected volume...
    pub min_ratio: f64,
    /// ... and at least this many records (or `min_bytes` bytes) in the window.
    pub min_records: u64,
    pub min_bytes: u64,
    /// Variance floor as a coefficient of variation: very regular actors still vary this much.
    pub min_cv: f64,
    /// Observations are clipped to this upper quantile of the baseline before learning.
    pub clip_p: f64,
    /// Mid-window alert: a window that already exceeds this quantile and `early_ratio` x expected
    /// alerts at once instead of waiting for the window to close.
    pub early_p: f64,
    pub early_ratio: f64,
}

impl Default for VolumeConfig {
    fn default() -> Self {
        VolumeConfig {
            enabled: true,
            slot_prior_windows: 8.0,
            all_prior_windows: 24.0,
            slot_memory_windows: 120.0,
            all_memory_windows: 600.0,
            min_solo_windows: 24.0,
            report_p: 0.01,
            min_ratio: 4.0,
            min_records: 500,
            min_bytes: 20_000_000,
            min_cv: 0.3,
            clip_p: 1e-3,
            early_p: 1e-12,
            early_ratio: 25.0,
        }
    }
}

impl VolumeConfig {
    pub fn validate(&self) -> Result<(), ConfigError> {
        positive("volume.slot_prior_windows", self.slot_prior_windows)?;
        positive("volume.all_prior_windows", self.all_prior_windows)?;
        positive("volume.slot_memory_windows", f64::from(self.slot_memory_windows))?;
        positive("volume.all_memory_windows", f64::from(self.all_memory_windows))?;
        positive("volume.min_ratio", self.min_ratio)?;
        positive("volume.early_ratio", self.early_ratio)?;
        probability("volume.report_p", self.report_p)?;
        probability("volume.clip_p", self.clip_p)?;
        probability("volume.early_p", self.early_p)?;
        if !(0.0..10.0).contains(&self.min_cv) {
            return Err(ConfigError::new("volume.min_cv", "must be within 0..10"));
        }
        Ok(())
    }
}

/// Baseline of one slot.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Slot {
    pub records: Moments,
    /// Only windows that reported bytes.
    pub bytes: Moments,
}

impl Slot {
    fn get(&self, q: Quantity) -> &Moments {
        match q {
            Quantity::Records => &self.records,
            Quantity::Bytes => &self.bytes,
        }
    }
}

/// Seasonal baseline of an actor, or of a group's members (the peer prior).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VolumeState {
    pub slots: Vec<Slot>,
    pub all: Slot,
}

impl Default for VolumeState {
    fn default() -> Self {
        VolumeState { slots: vec![Slot::default(); SLOTS], all: Slot::default() }
    }
}

impl VolumeState {
    pub fn heap_bytes(&self) -> usize {
        self.slots.capacity() * std::mem::size_of::<Slot>()
    }

    /// Learns one active window; `caps` are the clipping limits (`None`: nothing to clip against yet).
    pub fn learn(&mut self, slot: usize, records: f64, bytes: f64, caps: (Option<f64>, Option<f64>), cfg: &VolumeConfig) {
        let clip = |x: f64, cap: Option<f64>| cap.map_or(x, |c| x.min(c));
        let r = clip(records, caps.0);
        let b = clip(bytes, caps.1);
        if let Some(s) = self.slots.get_mut(slot) {
            s.records.update(r, cfg.slot_memory_windows);
            if bytes > 0.0 {
                s.bytes.update(b, cfg.slot_memory_windows);
            }
        }
        self.all.records.update(r, cfg.all_memory_windows);
        if bytes > 0.0 {
            self.all.bytes.update(b, cfg.all_memory_windows);
        }
    }

    /// Active windows learned over all hours.
    pub fn windows(&self) -> f32 {
        self.all.records.n
    }
}

/// Which volume a model describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Quantity {
    Records,
    Bytes,
}

impl Quantity {
    pub fn unit(self) -> &'static str {
        match self {
            Quantity::Records => "records",
            Quantity::Bytes => "bytes",
        }
    }
}

/// The expectation for one window: a blended mean and variance and where they came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub mean: f64,
    pub var: f64,
    /// Share of the expectation that comes from peers rather than the actor's own history.
    pub peer_weight: f64,
    pub own_slot_windows: f32,
    pub own_windows: f32,
}

impl Model {
    /// `ln P(X >= x)` and `x / mean`, with the expectation scaled by a group-wide `factor`.
    #[inline]
    pub fn check(&self, x: f64, factor: f64) -> (f64, f64) {
        let mean = self.mean * factor;
        (ln_count_sf(x, mean, self.var * factor * factor), x / mean.max(1e-9))
    }

    /// The volume exceeded with probability `P(Z >= z)`.
    #[inline]
    pub fn quantile(&self, z: f64) -> f64 {
        upper_quantile(z, self.mean, self.var).max(self.mean)
    }
}

/// Blends own slot, own all-hours and peer baselines; `None` when there is nothing to judge against.
pub fn model(own: &VolumeState, peers: Option<&VolumeState>, slot: usize, q: Quantity, cfg: &VolumeConfig) -> Option<Model> {
    let own_slot = own.slots.get(slot).map_or(Moments::default(), |s| *s.get(q));
    let own_all = *own.all.get(q);
    let ns = f64::from(own_slot.n);
    let na = f64::from(own_all.n);
    let w_slot = ns / (ns + cfg.slot_prior_windows);
    let peer = peers.and_then(|p| peer_moments(p, slot, q, cfg));
    let (w_all, w_peer) = match peer {
        Some(_) => {
            let w_all = (1.0 - w_slot) * na / (na + cfg.all_prior_windows);
            (w_all, 1.0 - w_slot - w_all)
        }
        None if own_all.n >= cfg.min_solo_windows => (1.0 - w_slot, 0.0),
        None => return None,
    };
    let (pm, p2) = peer.unwrap_or((0.0, 0.0));
    let mean = w_slot * f64::from(own_slot.mean) + w_all * f64::from(own_all.mean) + w_peer * pm;
    let second = w_slot * own_slot.second() + w_all * own_all.second() + w_peer * p2;
    let floor = (cfg.min_cv * mean).powi(2).max(mean);
    Some(Model {
        mean,
        var: (second - mean * mean).max(floor),
        peer_weight: w_peer,
        own_slot_windows: own_slot.n,
        own_windows: own_all.n,
    })
}

/// Peer mean and second moment for a slot, borrowing from the peers' all-hours baseline when sparse.
fn peer_moments(p: &VolumeState, slot: usize, q: Quantity, cfg: &VolumeConfig) -> Option<(f64, f64)> {
    let all = p.all.get(q);
    if all.n < 3.0 {
        return None;
    }
    let s = p.slots.get(slot).map_or(Moments::default(), |s| *s.get(q));
    let v = f64::from(s.n) / (f64::from(s.n) + cfg.slot_prior_windows);
    let mean = v * f64::from(s.mean) + (1.0 - v) * f64::from(all.mean);
    Some((mean, v * s.second() + (1.0 - v) * all.second()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn learned(records: &[(usize, f64)]) -> VolumeState {
        let mut s = VolumeState::default();
        let cfg = VolumeConfig::default();
        for &(slot, r) in records {
            s.learn(slot, r, 0.0, (None, None), &cfg);
        }
        s
    }

    #[test]
    fn an_actor_without_history_or_peers_is_not_judged() {
        let cfg = VolumeConfig::default();
        assert!(model(&VolumeState::default(), None, 10, Quantity::Records, &cfg).is_none());
    }

    #[test]
    fn a_new_actor_is_judged_by_its_peers() {
        let cfg = VolumeConfig::default();
        let peers = learned(&vec![(10, 100.0); 50]);
        let m = model(&VolumeState::default(), Some(&peers), 10, Quantity::Records, &cfg);
        assert!(m.is_some_and(|m| (m.mean - 100.0).abs() < 1e-6 && m.peer_weight > 0.99));
    }

    #[test]
    fn seasonality_keeps_a_busy_hour_from_flagging_and_a_quiet_hour_sensitive() {
        let cfg = VolumeConfig::default();
        let mut hist = Vec::new();
        for i in 0..60 {
            hist.push((14, 1000.0 + f64::from(i % 7) * 50.0));
            hist.push((3, 20.0 + f64::from(i % 5)));
        }
        let s = learned(&hist);
        let busy = model(&s, None, 14, Quantity::Records, &cfg).map(|m| m.check(1500.0, 1.0).0);
        let quiet = model(&s, None, 3, Quantity::Records, &cfg).map(|m| m.check(1500.0, 1.0).0);
        assert!(busy.is_some_and(|lp| lp > (0.01f64).ln()), "{busy:?}");
        assert!(quiet.is_some_and(|lp| lp < (1e-9f64).ln()), "{quiet:?}");
    }

    #[test]
    fn a_clipped_past_outlier_does_not_mask_the_next_export() {
        let cfg = VolumeConfig::default();
        let mut s = learned(&vec![(9, 100.0); 60]);
        let cap = model(&s, None, 9, Quantity::Records, &cfg).map(|m| m.quantile(crate::stats::z_for_p(cfg.clip_p)));
        s.learn(9, 1_000_000.0, 0.0, (cap, None), &cfg);
        let after = model(&s, None, 9, Quantity::Records, &cfg).map(|m| m.check(5_000.0, 1.0).0);
        assert!(after.is_some_and(|lp| lp < (1e-6f64).ln()), "{after:?}");
    }
}
