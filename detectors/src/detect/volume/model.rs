//! The volume baseline: seasonal slots of an actor (or of a group's members), and the blended
//! expectation a window is judged against.

use serde::{Deserialize, Serialize};

use super::{VolumeConfig, SLOTS};
use crate::stats::{ln_count_sf, upper_quantile, Moments};

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
    /// Accesses per active window (all hours).
    pub events: Moments,
}

impl Default for VolumeState {
    fn default() -> Self {
        VolumeState {
            slots: vec![Slot::default(); SLOTS],
            all: Slot::default(),
            events: Moments::default(),
        }
    }
}

impl VolumeState {
    pub fn heap_bytes(&self) -> usize {
        self.slots.capacity() * std::mem::size_of::<Slot>()
    }

    /// Learns the number of accesses of one active window, clipped like volumes.
    pub fn learn_events(&mut self, events: f64, cap: Option<f64>, cfg: &VolumeConfig) {
        self.events.update(
            cap.map_or(events, |c| events.min(c)),
            cfg.all_memory_windows,
        );
    }

    /// Learns one active window; `caps` are the clipping limits (`None`: nothing to clip against yet).
    pub fn learn(
        &mut self,
        slot: usize,
        records: f64,
        bytes: f64,
        caps: (Option<f64>, Option<f64>),
        cfg: &VolumeConfig,
    ) {
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
        (
            ln_count_sf(x, mean, self.var * factor * factor),
            x / mean.max(1e-9),
        )
    }

    /// Like `check`, but skips the exact tail (returns p = 1) below 80% of the `z` quantile: most
    /// windows are ordinary, and the quantile is a closed form while the tail may be a sum.
    #[inline]
    pub fn screen(&self, x: f64, factor: f64, z: f64) -> (f64, f64) {
        if x < 0.8 * factor * self.quantile(z) {
            return (0.0, x / (self.mean * factor).max(1e-9));
        }
        self.check(x, factor)
    }

    /// The volume exceeded with probability `P(Z >= z)`.
    #[inline]
    pub fn quantile(&self, z: f64) -> f64 {
        upper_quantile(z, self.mean, self.var).max(self.mean)
    }
}

/// Blends own slot, own all-hours and peer baselines; `None` when there is nothing to judge against.
pub fn model(
    own: &VolumeState,
    peers: Option<&VolumeState>,
    slot: usize,
    q: Quantity,
    cfg: &VolumeConfig,
) -> Option<Model> {
    let own_slot = own
        .slots
        .get(slot)
        .map_or(Moments::default(), |s| *s.get(q));
    let own_all = *own.all.get(q);
    let ns = f64::from(own_slot.n);
    let na = f64::from(own_all.n);
    let w_slot = trust(ns, cfg.slot_prior_windows);
    let peer = peers.and_then(|p| peer_moments(p, slot, q, cfg));
    let (w_all, w_peer) = match peer {
        Some(_) => {
            let w_all = (1.0 - w_slot) * trust(na, cfg.all_prior_windows);
            (w_all, 1.0 - w_slot - w_all)
        }
        None if own_all.n >= cfg.min_solo_windows => (1.0 - w_slot, 0.0),
        None => return None,
    };
    let (pm, pcv2) = peer.unwrap_or((0.0, 0.0));
    let mean = w_slot * f64::from(own_slot.mean) + w_all * f64::from(own_all.mean) + w_peer * pm;
    let cv2 = w_slot * cv2_of(&own_slot) + w_all * cv2_of(&own_all) + w_peer * pcv2;
    Some(Model {
        mean,
        var: (cv2.max(cfg.min_cv * cfg.min_cv) * mean * mean).max(mean),
        peer_weight: w_peer,
        own_slot_windows: own_slot.n,
        own_windows: own_all.n,
    })
}

/// Accesses per active window: own history blended with peers, like volumes (no seasonality: the
/// count of accesses per sitting varies little by hour).
pub fn events_model(
    own: &VolumeState,
    peers: Option<&VolumeState>,
    cfg: &VolumeConfig,
) -> Option<Model> {
    let n = f64::from(own.events.n);
    let peer = peers.map(|p| p.events).filter(|p| p.n >= 3.0);
    let w = match peer {
        Some(_) => trust(n, cfg.all_prior_windows),
        None if own.events.n >= cfg.min_solo_windows => 1.0,
        None => return None,
    };
    let p = peer.unwrap_or_default();
    let mean = (w * f64::from(own.events.mean) + (1.0 - w) * f64::from(p.mean)).max(1.0);
    let cv2 = w * cv2_of(&own.events) + (1.0 - w) * cv2_of(&p);
    Some(Model {
        mean,
        var: (cv2.max(cfg.min_cv * cfg.min_cv) * mean * mean).max(mean),
        peer_weight: 1.0 - w,
        own_slot_windows: own.events.n,
        own_windows: own.events.n,
    })
}

/// Weight of a baseline with `n` observations against its fallback: one half at `n = k`, and
/// quadratic so that a well-filled slot is not diluted by a broad fallback (a 3 am slot with sixty
/// quiet windows must not inherit the variance of the actor's busy afternoons).
#[inline]
fn trust(n: f64, k: f64) -> f64 {
    n * n / (n * n + k * k)
}

/// Squared coefficient of variation (means below one record count as one).
#[inline]
fn cv2_of(m: &Moments) -> f64 {
    f64::from(m.var) / f64::from(m.mean).max(1.0).powi(2)
}

/// Peer mean and squared CV for a slot, borrowing from the peers' all-hours baseline when sparse.
fn peer_moments(
    p: &VolumeState,
    slot: usize,
    q: Quantity,
    cfg: &VolumeConfig,
) -> Option<(f64, f64)> {
    let all = p.all.get(q);
    if all.n < 3.0 {
        return None;
    }
    let s = p.slots.get(slot).map_or(Moments::default(), |s| *s.get(q));
    let v = trust(f64::from(s.n), cfg.slot_prior_windows);
    let mean = v * f64::from(s.mean) + (1.0 - v) * f64::from(all.mean);
    Some((mean, v * cv2_of(&s) + (1.0 - v) * cv2_of(all)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::z_for_p;

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
        let m = model(
            &VolumeState::default(),
            Some(&peers),
            10,
            Quantity::Records,
            &cfg,
        );
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
        let cap =
            model(&s, None, 9, Quantity::Records, &cfg).map(|m| m.quantile(z_for_p(cfg.clip_p)));
        s.learn(9, 1_000_000.0, 0.0, (cap, None), &cfg);
        let after = model(&s, None, 9, Quantity::Records, &cfg).map(|m| m.check(5_000.0, 1.0).0);
        assert!(after.is_some_and(|lp| lp < (1e-6f64).ln()), "{after:?}");
    }
}
