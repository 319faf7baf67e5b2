//! Time of day: activity at hours the actor has essentially never been active.
//!
//! Per hour of the UTC day, the share of the actor's active days with activity in that hour (an
//! exponentially weighted average over days, 24 floats). An hour is unusual when the actor has
//! essentially never been active within two hours of it (so an evening just after the usual end, or an
//! on-call rotation's scattered night hours, are not) and its group rarely is. Activity at an unusual
//! hour alerts only with volume: when what the actor read at unusual hours today reaches a good share of
//! a typical day (`min_daily_fraction`), or beside a volume finding in the combiner. So an on-call
//! engineer's usual night work stays quiet, while a night-time export by a nine-to-five account alerts.

use serde::{Deserialize, Serialize};

use crate::explain::{count, ratio};
use crate::finding::{Context, Facts, Family, Finding};
use crate::timefmt::format_utc;

use crate::config::{positive, ConfigError};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TimeOfDayConfig {
    pub enabled: bool,
    /// Active days of history before the detector judges.
    pub min_days: f32,
    /// Effective memory in active days.
    pub memory_days: f32,
    /// An hour is "never" for the actor when the hours within two of it together were active on less
    /// than this share of active days...
    pub max_fraction: f32,
    /// ... and unusual for the group below this share of member-days (same five-hour band).
    pub peer_max_fraction: f32,
    /// Records read at unusual hours today, as a share of a typical day, that alert.
    pub min_daily_fraction: f64,
    /// ... and at least this many records.
    pub min_records: u64,
}

impl Default for TimeOfDayConfig {
    fn default() -> Self {
        TimeOfDayConfig {
            enabled: true,
            min_days: 10.0,
            memory_days: 60.0,
            max_fraction: 0.05,
            peer_max_fraction: 0.15,
            min_daily_fraction: 0.75,
            min_records: 100,
        }
    }
}

impl TimeOfDayConfig {
    pub fn validate(&self) -> Result<(), ConfigError> {
        positive("time_of_day.memory_days", f64::from(self.memory_days))?;
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

    /// Summed share of the five hours centred on `hour`.
    fn band(&self, hour: usize) -> f32 {
        (hour + 22..=hour + 26).map(|h| self.share(h)).sum()
    }
}

/// `ln p` of activity at `hour`, or `None` when the hour is not unusual (or history is too short).
pub fn check(hour: usize, own: &HourProfile, group: Option<&HourProfile>, cfg: &TimeOfDayConfig) -> Option<f64> {
    if own.days < cfg.min_days || own.band(hour) > cfg.max_fraction {
        return None;
    }
    if group.is_some_and(|g| g.days >= cfg.min_days && g.band(hour) > cfg.peer_max_fraction) {
        return None;
    }
    let seen = f64::from(own.band(hour) * own.days);
    Some(((seen + 0.5) / (f64::from(own.days) + 1.0)).ln())
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
            "own activity by hour over {} active days ({:.0}% of them active within two hours of {:02}:00 UTC) and own daily totals",
            count(f64::from(own.days).round()),
            own.band(o.hour) * 100.0,
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
mod tests {
    use super::*;

    fn office_hours(days: usize, extra: u32) -> HourProfile {
        let mut p = HourProfile::default();
        for d in 0..days {
            let mut mask = (9..18).fold(0u32, |m, h| m | (1 << h));
            if d % 7 == 0 {
                mask |= extra;
            }
            p.learn_day(mask, 60.0);
        }
        p
    }

    #[test]
    fn three_am_for_a_nine_to_five_account_is_unusual() {
        let lp = check(3, &office_hours(30, 0), None, &TimeOfDayConfig::default());
        assert!(lp.is_some_and(|lp| lp < (0.05f64).ln()));
    }

    #[test]
    fn on_call_nights_already_in_history_are_not_unusual() {
        assert!(check(3, &office_hours(30, 1 << 3), None, &TimeOfDayConfig::default()).is_none());
        assert!(check(2, &office_hours(30, 1 << 1 | 1 << 4), None, &TimeOfDayConfig::default()).is_none());
    }

    #[test]
    fn an_evening_just_after_the_usual_end_is_not_unusual() {
        assert!(check(19, &office_hours(30, 0), None, &TimeOfDayConfig::default()).is_none());
    }

    #[test]
    fn cold_start_is_not_judged() {
        assert!(check(3, &office_hours(3, 0), None, &TimeOfDayConfig::default()).is_none());
    }

    #[test]
    fn an_hour_the_team_works_is_not_unusual_for_a_member() {
        let mut busy_team = office_hours(60, 0);
        busy_team.share[3] = 0.5;
        assert!(check(3, &office_hours(30, 0), Some(&busy_team), &TimeOfDayConfig::default()).is_none());
    }
}
