//! Volume: records and bytes an actor reads per window, against its own seasonal baseline.
//!
//! The baseline is kept per slot (hour of day x weekday/weekend, 48 slots) over *active* windows only:
//! whether someone works at 3 am is the time-of-day detector's question, how much they read when they
//! work is this one's. A slot with little history borrows from the actor's all-hours baseline, and an
//! actor with little history borrows from its peers (the group's per-member baseline), so a new hire
//! is judged against the team from the first window. Blending weighs means and squared coefficients of
//! variation: each source contributes its level and its relative spread, so a quiet 3 am slot keeps its
//! own tight spread instead of inheriting the absolute variance of the actor's busy afternoons.
//!
//! Tail model: negative binomial with the blended mean and variance (`stats::tail`). Learning is robust
//! to past outliers: an observation is clipped to the baseline's 1-in-1,000 quantile before it updates,
//! so one export last week does not mask the next one.

use serde::{Deserialize, Serialize};

use crate::explain::{count, duration, ratio};
use crate::finding::{Context, Facts, Family, Finding};
use crate::timefmt::format_utc;

use crate::config::{positive, probability, ConfigError};
use crate::stats::{fisher_ln_sf, ln_count_sf, upper_quantile, Moments};
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
    /// Volume alone alerts only when the accesses are also larger than usual for their resources
    /// (by this factor, see `size`) or more numerous than usual (by `min_ratio`).
    pub min_size_ratio: f64,
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
            min_size_ratio: 3.0,
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
        positive("volume.min_size_ratio", self.min_size_ratio)?;
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
    /// Accesses per active window (all hours).
    pub events: Moments,
}

impl Default for VolumeState {
    fn default() -> Self {
        VolumeState { slots: vec![Slot::default(); SLOTS], all: Slot::default(), events: Moments::default() }
    }
}

impl VolumeState {
    pub fn heap_bytes(&self) -> usize {
        self.slots.capacity() * std::mem::size_of::<Slot>()
    }

    /// Learns the number of accesses of one active window, clipped like volumes.
    pub fn learn_events(&mut self, events: f64, cap: Option<f64>, cfg: &VolumeConfig) {
        self.events.update(cap.map_or(events, |c| events.min(c)), cfg.all_memory_windows);
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
pub fn events_model(own: &VolumeState, peers: Option<&VolumeState>, cfg: &VolumeConfig) -> Option<Model> {
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
fn peer_moments(p: &VolumeState, slot: usize, q: Quantity, cfg: &VolumeConfig) -> Option<(f64, f64)> {
    let all = p.all.get(q);
    if all.n < 3.0 {
        return None;
    }
    let s = p.slots.get(slot).map_or(Moments::default(), |s| *s.get(q));
    let v = trust(f64::from(s.n), cfg.slot_prior_windows);
    let mean = v * f64::from(s.mean) + (1.0 - v) * f64::from(all.mean);
    Some((mean, v * cv2_of(&s) + (1.0 - v) * cv2_of(all)))
}

/// What the volume check found in a window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct VolumeHit {
    pub q: Quantity,
    pub observed: f64,
    pub model: Model,
    /// Group-wide factor the expectation was scaled by.
    pub factor: f64,
    pub ln_p: f64,
    /// The window passed the magnitude gates and its accesses were larger than usual for their
    /// resources, or more numerous than usual: it may alert alone.
    pub corroborated: bool,
}

/// A closed window's volumes, their baselines, and the access evidence (`(ln p, ratio)` of access
/// sizes against their resources, and of the number of accesses).
pub(crate) struct WindowVolume {
    pub records: u64,
    pub bytes: u64,
    pub rec_model: Option<Model>,
    pub bytes_model: Option<Model>,
    pub size: Option<(f64, f64)>,
    pub events: Option<(f64, f64)>,
}

/// Judges a window's records and bytes (expectations scaled by the group's `factor`); `None` when
/// neither is worth reporting.
///
/// A window that is both big (gates) and made of unusual accesses (larger than usual for their
/// resources, or more of them) combines the two pieces of evidence with Fisher's method: each alone
/// is often only 1-in-10,000 for actors whose windows vary a lot, together they are not. A big window
/// of ordinary accesses (the analyst's usual large query) keeps the weaker of the two.
pub(crate) fn judge(w: &WindowVolume, factor: f64, ln_report: f64, cfg: &VolumeConfig) -> Option<VolumeHit> {
    let access = [w.size, w.events].into_iter().flatten().map(|x| x.0).fold(0.0, f64::min) + std::f64::consts::LN_2;
    let corroborated = w.size.is_some_and(|s| s.1 >= cfg.min_size_ratio) || w.events.is_some_and(|e| e.1 >= cfg.min_ratio);
    let checks = [(Quantity::Records, w.rec_model, w.records, cfg.min_records), (Quantity::Bytes, w.bytes_model, w.bytes, cfg.min_bytes)];
    let tests = (checks.iter().filter(|x| x.1.is_some()).count().max(1) as f64).ln();
    checks
        .iter()
        .filter_map(|&(q, m, x, min)| {
            let m = m?;
            let observed = x as f64;
            let (ln_w, ratio) = m.check(observed, factor);
            let ln_w = (ln_w + tests).min(0.0);
            let big = ratio >= cfg.min_ratio && x >= min && ln_w <= ln_report;
            let ln_p = if big && corroborated { fisher_ln_sf(ln_w + access.min(0.0), 2) } else { ln_w.max(access) };
            Some(VolumeHit { q, observed, model: m, factor, ln_p: ln_p.min(0.0), corroborated: big && corroborated })
        })
        .filter(|h| h.ln_p <= ln_report)
        .min_by(|a, b| b.corroborated.cmp(&a.corroborated).then(a.ln_p.total_cmp(&b.ln_p)))
}

/// The window's volume finding: `peer` when the expectation comes mostly from peers (a young actor).
pub(crate) fn finding(ctx: &Context<'_>, v: &VolumeHit, slot: usize, cfg: &VolumeConfig) -> Finding {
    let VolumeHit { q, observed, model: m, factor, ln_p, corroborated } = *v;
    let expected = m.mean * factor;
    let peer = m.peer_weight > 0.5;
    let pct = (m.peer_weight * 100.0).round();
    let mut baseline = if peer {
        format!("{} at {} ({pct}% of the expectation; {} active windows of the actor's own)", ctx.peers(), slot_label(slot), count(f64::from(m.own_windows)))
    } else {
        let mut b = format!(
            "own history at {} ({} active windows in that hour, {} in all)",
            slot_label(slot),
            count(f64::from(m.own_slot_windows)),
            count(f64::from(m.own_windows))
        );
        if m.peer_weight >= 0.05 {
            b.push_str(&format!("; {pct}% from {}", ctx.peers()));
        }
        b
    };
    if factor > 1.0 {
        baseline.push_str(&format!("; scaled {factor:.1}x for a rise of the whole group"));
    }
    ctx.finding(Facts {
        family: if peer { Family::Peer } else { Family::Volume },
        ln_p,
        alone: corroborated,
        observed,
        expected,
        unit: q.unit(),
        what: format!(
            "read {} {} in {} from {}, {} the expected {}",
            count(observed),
            q.unit(),
            duration(ctx.span_ms),
            format_utc(ctx.start_ms),
            ratio(observed, expected),
            count(expected)
        ),
        baseline,
    })
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
