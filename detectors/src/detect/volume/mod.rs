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

mod judge;
mod model;
mod peak;

use serde::{Deserialize, Serialize};

use crate::config::{positive, probability, ConfigError};
use crate::timefmt::{hour_of_day, is_weekend};

pub(crate) use judge::{finding, judge, VolumeHit, WindowVolume};
pub use model::{events_model, model, Model, Quantity, Slot, VolumeState};
pub use peak::{daily_decay, Peak};

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
    /// (by this factor, see `size`) or more numerous than usual (by `min_ratio`)...
    pub min_size_ratio: f64,
    /// ... with at most this tail probability: single accesses vary a lot (log-normal sizes), so a
    /// few times the usual size is ordinary.
    pub access_p: f64,
    /// ... and the window must hold at least this share of a typical whole day's records (the
    /// actor's own daily baseline, or its peers' while it is young): a bulk read is measured in days.
    pub min_daily_fraction: f64,
    /// A window holding `bulk_days` typical days or more needs only `bulk_access_p` of access evidence.
    pub bulk_days: f64,
    pub bulk_access_p: f64,
    /// ... and the window must hold at least this multiple of the largest window the actor read
    /// before (0 turns the check off): a heavy-tailed reader's usual big query is not an export.
    pub peak_ratio: f64,
    /// How fast that peak fades: it halves every this many days.
    pub peak_half_life_days: f64,
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
            min_size_ratio: 5.0,
            access_p: 1e-6,
            min_daily_fraction: 1.0,
            bulk_days: 3.0,
            bulk_access_p: 1e-4,
            peak_ratio: 1.0,
            peak_half_life_days: 30.0,
        }
    }
}

impl VolumeConfig {
    pub fn validate(&self) -> Result<(), ConfigError> {
        positive("volume.slot_prior_windows", self.slot_prior_windows)?;
        positive("volume.all_prior_windows", self.all_prior_windows)?;
        positive(
            "volume.slot_memory_windows",
            f64::from(self.slot_memory_windows),
        )?;
        positive(
            "volume.all_memory_windows",
            f64::from(self.all_memory_windows),
        )?;
        positive("volume.min_ratio", self.min_ratio)?;
        positive("volume.early_ratio", self.early_ratio)?;
        positive("volume.min_size_ratio", self.min_size_ratio)?;
        positive("volume.peak_half_life_days", self.peak_half_life_days)?;
        if self.peak_ratio < 0.0 || !self.peak_ratio.is_finite() {
            return Err(ConfigError::new("volume.peak_ratio", "must be 0 or more"));
        }
        probability("volume.report_p", self.report_p)?;
        probability("volume.clip_p", self.clip_p)?;
        probability("volume.early_p", self.early_p)?;
        probability("volume.access_p", self.access_p)?;
        probability("volume.bulk_access_p", self.bulk_access_p)?;
        if !(0.0..10.0).contains(&self.min_cv) {
            return Err(ConfigError::new("volume.min_cv", "must be within 0..10"));
        }
        Ok(())
    }
}
