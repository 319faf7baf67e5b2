//! Population shift: a whole group rising together (a sale day, a migration, quarter close).
//!
//! Each closed window, the median of the active members' observed/expected ratios is the group's common
//! factor. When it is clearly above one, every member's expectation for that window is scaled by it:
//! the common rise explains that much, and only an excess *beyond* the group's (an attacker inside a
//! surging team) remains significant. The median ignores one or two outliers, so an attacker cannot
//! explain away their own export. A shift that lasts is reported once per episode, naming the group.

use serde::{Deserialize, Serialize};

use crate::config::{positive, ConfigError};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PopulationConfig {
    pub enabled: bool,
    /// Active members needed in a window to speak of the group's common level.
    pub min_members: u32,
    /// Median ratio above which the group is taken to have shifted (and expectations scale).
    pub shift_ratio: f64,
    /// Report a shift once it lasts this many consecutive windows with `report_members` active...
    pub report_windows: u32,
    pub report_members: u32,
    /// ... and its median ratio is at least this.
    pub report_ratio: f64,
    /// An episode ends after this many minutes without a shifted window.
    pub quiet_minutes: u32,
    /// Emit the group-level alert (the suppression of member alerts happens either way).
    pub report: bool,
}

impl Default for PopulationConfig {
    fn default() -> Self {
        PopulationConfig {
            enabled: true,
            min_members: 3,
            shift_ratio: 1.5,
            report_windows: 3,
            report_members: 4,
            report_ratio: 2.0,
            quiet_minutes: 240,
            report: true,
        }
    }
}

impl PopulationConfig {
    pub fn validate(&self) -> Result<(), ConfigError> {
        positive("population_shift.shift_ratio", self.shift_ratio)?;
        positive("population_shift.report_ratio", self.report_ratio)?;
        if self.min_members < 2 {
            return Err(ConfigError::new("population_shift.min_members", "a group level needs at least 2 members"));
        }
        Ok(())
    }
}

/// A group's shift episode.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ShiftState {
    pub consecutive: u32,
    pub episode_start_ms: i64,
    pub last_shift_ms: i64,
    pub in_episode: bool,
    pub reported: bool,
    /// Factor of the latest closed window (used for mid-window checks).
    pub factor: f64,
    pub peak_ratio: f64,
}

/// What to report about an episode that just qualified.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShiftReport {
    pub start_ms: i64,
    pub median_ratio: f64,
    pub active: usize,
    pub elevated: usize,
}

/// Median of `ratios` (reordered in place); `None` for an empty slice.
pub fn median(ratios: &mut [f64]) -> Option<f64> {
    if ratios.is_empty() {
        return None;
    }
    ratios.sort_by(|a, b| a.total_cmp(b));
    let n = ratios.len();
    Some(if n % 2 == 1 { ratios[n / 2] } else { 0.5 * (ratios[n / 2 - 1] + ratios[n / 2]) })
}

impl ShiftState {
    /// Folds one closed window of the group; returns the factor for its members and, once per
    /// episode, a report.
    pub fn observe(&mut self, start_ms: i64, ratios: &mut [f64], cfg: &PopulationConfig) -> (f64, Option<ShiftReport>) {
        let active = ratios.len();
        let med = if active >= cfg.min_members as usize { median(ratios).unwrap_or(1.0) } else { 1.0 };
        let shifted = cfg.enabled && med >= cfg.shift_ratio;
        let quiet_ms = i64::from(cfg.quiet_minutes) * 60_000;
        if self.in_episode && !shifted && start_ms - self.last_shift_ms > quiet_ms {
            self.in_episode = false;
            self.reported = false;
        }
        if !shifted {
            self.consecutive = 0;
            self.factor = 1.0;
            return (1.0, None);
        }
        if !self.in_episode {
            self.in_episode = true;
            self.episode_start_ms = start_ms;
            self.peak_ratio = 0.0;
        }
        self.consecutive += 1;
        self.last_shift_ms = start_ms;
        self.factor = med;
        self.peak_ratio = self.peak_ratio.max(med);
        let qualifies = self.consecutive >= cfg.report_windows && active >= cfg.report_members as usize && med >= cfg.report_ratio;
        let report = (cfg.report && qualifies && !self.reported).then(|| {
            self.reported = true;
            ShiftReport {
                start_ms: self.episode_start_ms,
                median_ratio: med,
                active,
                elevated: ratios.iter().filter(|r| **r >= cfg.shift_ratio).count(),
            }
        });
        (med, report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_surge_scales_members_and_is_reported_once() {
        let cfg = PopulationConfig::default();
        let mut s = ShiftState::default();
        let mut reports = 0;
        for w in 0..20 {
            let mut r = vec![3.0, 3.5, 2.8, 4.0, 3.2];
            let (f, rep) = s.observe(w * 300_000, &mut r, &cfg);
            assert!(f > 2.5);
            reports += usize::from(rep.is_some());
        }
        assert_eq!(reports, 1);
    }

    #[test]
    fn one_member_exporting_does_not_shift_the_group() {
        let cfg = PopulationConfig::default();
        let mut s = ShiftState::default();
        let (f, rep) = s.observe(0, &mut [100.0, 1.0, 0.9, 1.1], &cfg);
        assert_eq!(f, 1.0);
        assert!(rep.is_none());
    }

    #[test]
    fn too_few_active_members_is_no_group_level() {
        let cfg = PopulationConfig::default();
        let mut s = ShiftState::default();
        assert_eq!(s.observe(0, &mut [5.0, 5.0], &cfg).0, 1.0);
    }
}
