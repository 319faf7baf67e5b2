//! Time of day: activity at hours the actor has essentially never been active.
//!
//! Per hour of the UTC day, the share of the actor's active days with activity in that hour (an
//! exponentially weighted average over days, 24 floats). An hour the actor has never used, and the
//! group rarely uses, gives a small tail probability; the finding never alerts alone; it must meet a
//! volume finding of the same span in the combiner. So an on-call engineer's usual night work (hours
//! already in their history, usual volume) stays quiet, while a night-time export by a nine-to-five
//! account alerts earlier than volume alone would.

use serde::{Deserialize, Serialize};

use crate::config::{positive, ConfigError};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TimeOfDayConfig {
    pub enabled: bool,
    /// Active days of history before the detector judges.
    pub min_days: f32,
    /// Effective memory in active days.
    pub memory_days: f32,
    /// An hour is "never" for the actor below this share of active days...
    pub max_fraction: f32,
    /// ... and unusual for the group below this share of member-days.
    pub peer_max_fraction: f32,
}

impl Default for TimeOfDayConfig {
    fn default() -> Self {
        TimeOfDayConfig { enabled: true, min_days: 10.0, memory_days: 60.0, max_fraction: 0.03, peer_max_fraction: 0.10 }
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
        self.share.get(hour).copied().unwrap_or(0.0)
    }
}

/// `ln p` of activity at `hour`, or `None` when the hour is not unusual (or history is too short).
pub fn check(hour: usize, own: &HourProfile, group: Option<&HourProfile>, cfg: &TimeOfDayConfig) -> Option<f64> {
    if own.days < cfg.min_days || own.share(hour) > cfg.max_fraction {
        return None;
    }
    if group.is_some_and(|g| g.days >= cfg.min_days && g.share(hour) > cfg.peer_max_fraction) {
        return None;
    }
    let seen = f64::from(own.share(hour) * own.days);
    Some(((seen + 0.5) / (f64::from(own.days) + 1.0)).ln())
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
    }

    #[test]
    fn cold_start_is_not_judged() {
        assert!(check(3, &office_hours(3, 0), None, &TimeOfDayConfig::default()).is_none());
    }

    #[test]
    fn an_hour_the_team_works_is_not_unusual_for_a_member() {
        let team = office_hours(60, 1 << 3 | 1 << 4);
        let mut busy_team = team.clone();
        busy_team.share[3] = 0.5;
        assert!(check(3, &office_hours(30, 0), Some(&busy_team), &TimeOfDayConfig::default()).is_none());
    }
}
