//! Time of day: activity at hours the actor has essentially never been active.
//!
//! Per hour of the UTC day, the share of the actor's active days with activity in that hour (an
//! exponentially weighted average over days, 24 floats). An hour is unusual when the actor has
//! essentially never been active within `band_hours` (3) of it (so an evening just after the usual end, or an
//! on-call rotation's scattered night hours, are not). The group is not asked which hours are usual:
//! teams span time zones, so one member's night is another's afternoon. It is asked how often its
//! members work in their *own* night ([`GroupNights`]): that sets how much night reading is enough
//! to alert alone (less where nobody does, much more where night shifts are routine). Activity at an unusual
//! hour alerts only with volume: when what the actor read at unusual hours today reaches a good share of
//! a typical day (`min_daily_fraction`), or beside a volume finding in the combiner. So an on-call
//! engineer's usual night work stays quiet, while a night-time export by a nine-to-five account alerts.

use serde::{Deserialize, Serialize};

use crate::explain::{count, ratio};
use crate::finding::{Context, Facts, Family, Finding};
use crate::timefmt::format_utc;

use crate::config::{positive, ConfigError};
use crate::stats::Moments;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TimeOfDayConfig {
    pub enabled: bool,
    /// Active days of history before the detector judges.
    pub min_days: f32,
    /// Effective memory in active days.
    pub memory_days: f32,
    /// An hour is "never" for the actor when the hours within `band_hours` of it together were
    /// active on less than `max_fraction` of active days.
    pub band_hours: usize,
    pub max_fraction: f32,
    /// Records read at unusual hours today, as a share of a typical day, that alert.
    pub min_daily_fraction: f64,
    /// ... and at least this many records.
    pub min_records: u64,
    /// Hours at least this far (circularly) from the centre of the actor's usual day are its night,
    /// where `min_daily_fraction` applies. Closer to the usual day (a late evening, an early
    /// morning just beyond the band), each hour multiplies the share of a day required by
    /// `evening_factor`: a session a few hours past the usual end is a late session more often
    /// than not.
    pub night_hours: f64,
    pub evening_factor: f64,
    /// In a group whose members work in their night on fewer than this share of member-days (no
    /// on-call rotation, no night shift: a first night is not routine there), the share of a day
    /// that alerts in the night is `quiet_group_fraction` instead of `min_daily_fraction`.
    pub quiet_group_rate: f64,
    pub quiet_group_fraction: f64,
    /// In a group whose members work in their night on at least this share of member-days (a
    /// lower estimate: night shifts, rotas, frequent on-call), a member's first nights are the
    /// group's routine, so the share that alerts in the night is `routine_group_fraction`: there,
    /// unusual hours corroborate volume rather than alert alone.
    pub routine_group_rate: f64,
    pub routine_group_fraction: f64,
    /// Effective memory of the group's night rate, in member-days.
    pub group_memory_days: f32,
}

impl Default for TimeOfDayConfig {
    fn default() -> Self {
        TimeOfDayConfig {
            enabled: true,
            min_days: 10.0,
            memory_days: 60.0,
            band_hours: 3,
            max_fraction: 0.05,
            min_daily_fraction: 0.75,
            min_records: 20,
            night_hours: 9.0,
            evening_factor: 4.0,
            quiet_group_rate: 0.002,
            quiet_group_fraction: 0.25,
            routine_group_rate: 0.02,
            routine_group_fraction: 10.0,
            group_memory_days: 4000.0,
        }
    }
}

impl TimeOfDayConfig {
    pub fn validate(&self) -> Result<(), ConfigError> {
        positive("time_of_day.memory_days", f64::from(self.memory_days))?;
        if !(0.0..=12.0).contains(&self.night_hours) {
            return Err(ConfigError::new(
                "time_of_day.night_hours",
                "must be within 0..12 (hours from the centre of the day)",
            ));
        }
        if self.evening_factor.is_nan() || self.evening_factor < 1.0 {
            return Err(ConfigError::new(
                "time_of_day.evening_factor",
                "must be at least 1",
            ));
        }
        positive(
            "time_of_day.group_memory_days",
            f64::from(self.group_memory_days),
        )?;
        positive(
            "time_of_day.quiet_group_fraction",
            self.quiet_group_fraction,
        )?;
        positive(
            "time_of_day.routine_group_fraction",
            self.routine_group_fraction,
        )?;
        positive("time_of_day.max_fraction", f64::from(self.max_fraction))
    }
}

/// Hourly activity profile of an actor or a group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HourProfile {
    pub share: [f32; 24],
    pub days: f32,
}

impl HourProfile {
    /// Folds one active day whose active hours are the set bits of `mask`.
    pub fn learn_day(&mut self, mask: u32, memory_days: f32) {
        self.days = (self.days + 1.0).min(memory_days.max(1.0));
        let a = 1.0 / self.days;
        for (h, s) in self.share.iter_mut().enumerate() {
            let x = if mask & (1 << h) != 0 { 1.0 } else { 0.0 };
            *s += a * (x - *s);
        }
    }

    fn share(&self, hour: usize) -> f32 {
        self.share.get(hour % 24).copied().unwrap_or(0.0)
    }

    /// Circular distance, in hours (0-12), from the centre of the actor's day (the circular mean
    /// of its hourly shares) to `hour`; `None` without activity. Works across midnight UTC.
    pub fn depth(&self, hour: usize) -> Option<f64> {
        let w = std::f64::consts::TAU / 24.0;
        let (s, c) = self
            .share
            .iter()
            .enumerate()
            .fold((0.0, 0.0), |(s, c), (h, &x)| {
                let a = w * h as f64;
                (s + f64::from(x) * a.sin(), c + f64::from(x) * a.cos())
            });
        if s.hypot(c) < 1e-9 {
            return None;
        }
        let centre = s.atan2(c) / w;
        let d = (hour as f64 - centre).rem_euclid(24.0);
        Some(d.min(24.0 - d))
    }

    /// Summed share of the hours within `half` of `hour`.
    fn band(&self, hour: usize, half: usize) -> f32 {
        let half = half.min(11);
        (hour + 24 - half..=hour + 24 + half)
            .map(|h| self.share(h))
            .sum()
    }

    /// Whether the actor worked in its night on the day whose active UTC hours are `mask`.
    pub fn worked_night(&self, mask: u32, night_hours: f64) -> bool {
        (0..24)
            .filter(|h| mask & (1 << h) != 0)
            .any(|h| self.depth(h).is_some_and(|d| d >= night_hours))
    }
}

/// `ln p` of activity at `hour`, or `None` when the hour is not unusual (or history is too short).
pub fn check(hour: usize, own: &HourProfile, cfg: &TimeOfDayConfig) -> Option<f64> {
    if own.days < cfg.min_days || own.band(hour, cfg.band_hours) > cfg.max_fraction {
        return None;
    }
    let seen = f64::from(own.band(hour, cfg.band_hours) * own.days);
    Some(((seen + 0.5) / (f64::from(own.days) + 1.0)).ln())
}

/// How often a group's members work in their own night.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupNights {
    /// Essentially never (an upper estimate below `quiet_group_rate`): a first night is suspect.
    Quiet,
    /// Now and then (an on-call rotation): a first night may be a first call-out.
    Occasional,
    /// Routinely (a lower estimate at `routine_group_rate` or more): night shifts, rotas.
    Routine,
}

/// Classifies a group by its member-days worked at night (`night`: mean = share of such days). The
/// estimates move by one night either way, so a group with few member-days is `Occasional`. Only a
/// `team` (an `actor_group`, not everyone without one) can be `Routine`: night shifts among some
/// actors without a group say nothing about the others' nights.
pub fn group_nights(night: &Moments, team: bool, cfg: &TimeOfDayConfig) -> GroupNights {
    let n = f64::from(night.n);
    if n <= 0.0 {
        return GroupNights::Occasional;
    }
    let k = f64::from(night.mean) * n;
    if (k + 1.0) / n <= cfg.quiet_group_rate {
        GroupNights::Quiet
    } else if team && (k - 1.0) / n >= cfg.routine_group_rate {
        GroupNights::Routine
    } else {
        GroupNights::Occasional
    }
}

/// Share of a typical day that reading at an unusual hour `depth` hours from the centre of the
/// actor's day must reach to alert alone (see `night_hours`): lower in the night of a quiet group,
/// higher in the night of a group that works nights.
pub fn required_share(depth: Option<f64>, group: GroupNights, cfg: &TimeOfDayConfig) -> f64 {
    let short = depth.map_or(0.0, |d| (cfg.night_hours - d).max(0.0));
    // Evenings are late sessions in any group; the group's nights only speak for the night.
    let base = match group {
        _ if short > 0.0 => cfg.min_daily_fraction,
        GroupNights::Quiet => cfg.quiet_group_fraction.min(cfg.min_daily_fraction),
        GroupNights::Occasional => cfg.min_daily_fraction,
        GroupNights::Routine => cfg.routine_group_fraction.max(cfg.min_daily_fraction),
    };
    base * cfg.evening_factor.powf(short)
}

/// Reading at unusual hours today: how much, against a typical whole day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct OddHours {
    pub hour: usize,
    pub ln_p: f64,
    pub records: f64,
    pub typical_day: f64,
    pub alone: bool,
}

/// The unusual-hour finding.
pub(crate) fn finding(ctx: &Context<'_>, o: &OddHours, own: &HourProfile) -> Finding {
    ctx.finding(Facts {
        family: Family::TimeOfDay,
        ln_p: o.ln_p,
        alone: o.alone,
        observed: o.records,
        expected: o.typical_day,
        unit: "records at unusual hours",
        baseline: format!(
            "own activity by hour over {} active days ({:.0}% of them active within three hours of {:02}:00 UTC) and own daily totals",
            count(f64::from(own.days).round()),
            own.band(o.hour, 3) * 100.0,
            o.hour
        ),
        what: format!(
            "read {} records at hours it has essentially never worked (around {:02}:00 UTC, from {}), {} of a typical day's {}",
            count(o.records),
            o.hour,
            format_utc(ctx.start_ms),
            ratio(o.records, o.typical_day),
            count(o.typical_day)
        ),
    })
}

#[cfg(test)]
mod tests;
