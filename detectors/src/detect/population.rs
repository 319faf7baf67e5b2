//! Population shift: a whole group rising together (a sale day, a migration, quarter close).
//!
//! Each closed window, the median of the active members' observed/expected ratios is the group's common
//! factor. When it is clearly above one, every member's expectation for that window is scaled by it:
//! the common rise explains that much, and only an excess *beyond* the group's (an attacker inside a
//! surging team) remains significant. The median ignores one or two outliers, so an attacker cannot
//! explain away their own export. A shift that lasts is reported once per episode, naming the group.

use serde::{Deserialize, Serialize};

use crate::alert::{Alert, Contribution, Evidence, Severity};
use crate::config::{positive, probability, ConfigError};
use crate::explain::ratio;
use crate::finding::Family;
use crate::stats::ln_count_sf;
use crate::timefmt::format_utc;

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
    /// ... and the group's level (active members against usual, times the median member ratio) is
    /// at least this.
    pub report_ratio: f64,
    /// Tail probability below which the number of active members is a crowd, not noise.
    pub crowd_p: f64,
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
            report_members: 8,
            report_ratio: 2.5,
            crowd_p: 1e-4,
            quiet_minutes: 240,
            report: true,
        }
    }
}

impl PopulationConfig {
    pub fn validate(&self) -> Result<(), ConfigError> {
        positive("population_shift.shift_ratio", self.shift_ratio)?;
        positive("population_shift.report_ratio", self.report_ratio)?;
        probability("population_shift.crowd_p", self.crowd_p)?;
        if self.min_members < 2 {
            return Err(ConfigError::new(
                "population_shift.min_members",
                "a group level needs at least 2 members",
            ));
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
}

/// What to report about an episode that just qualified.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShiftReport {
    pub start_ms: i64,
    /// Activity x median member ratio.
    pub level: f64,
    /// Active members against the usual number for the hour.
    pub activity: f64,
    pub median_ratio: f64,
    pub active: usize,
}

/// Median of `ratios` (reordered in place); `None` for an empty slice.
pub fn median(ratios: &mut [f64]) -> Option<f64> {
    if ratios.is_empty() {
        return None;
    }
    ratios.sort_by(|a, b| a.total_cmp(b));
    let n = ratios.len();
    Some(if n % 2 == 1 {
        ratios[n / 2]
    } else {
        0.5 * (ratios[n / 2 - 1] + ratios[n / 2])
    })
}

impl ShiftState {
    /// Folds one closed window of the group: `ratios` are the active members' observed/expected
    /// volumes, `usual_active` how many members are usually active in this slot. Returns the factor
    /// for the members' expectations and, once per episode, a report.
    pub fn observe(
        &mut self,
        start_ms: i64,
        ratios: &mut [f64],
        usual_active: Option<f64>,
        cfg: &PopulationConfig,
    ) -> (f64, Option<ShiftReport>) {
        let active = ratios.len();
        let med = if active >= cfg.min_members as usize {
            median(ratios).unwrap_or(1.0)
        } else {
            1.0
        };
        let factor = if cfg.enabled && med >= cfg.shift_ratio {
            med
        } else {
            1.0
        };
        self.factor = factor;
        // A group rises in two ways: each member reads more per window, or more members are at work
        // at once (more sittings per day). Their product is the group's level.
        let usual = usual_active.filter(|u| *u >= 1.0);
        let activity = usual.map_or(1.0, |u| active as f64 / u);
        let level = activity * med.max(1.0);
        // More members at work must be more than the count's own noise (Poisson), or each member must
        // read clearly more: a quiet hour with five people instead of two is not a surge.
        let crowd = usual.is_some_and(|u| ln_count_sf(active as f64, u, u) <= cfg.crowd_p.ln());
        let heavier = med >= cfg.report_ratio;
        let shifted = cfg.enabled
            && active >= cfg.report_members as usize
            && level >= cfg.report_ratio
            && (crowd || heavier);
        let quiet_ms = i64::from(cfg.quiet_minutes) * 60_000;
        if self.in_episode && !shifted && start_ms - self.last_shift_ms > quiet_ms {
            self.in_episode = false;
            self.reported = false;
        }
        if !shifted {
            self.consecutive = 0;
            return (factor, None);
        }
        if !self.in_episode {
            self.in_episode = true;
            self.episode_start_ms = start_ms;
        }
        self.consecutive += 1;
        self.last_shift_ms = start_ms;
        let report =
            (cfg.report && self.consecutive >= cfg.report_windows && !self.reported).then(|| {
                self.reported = true;
                ShiftReport {
                    start_ms: self.episode_start_ms,
                    level,
                    activity,
                    median_ratio: med,
                    active,
                }
            });
        (factor, report)
    }
}

/// The group-level alert, reported once per episode instead of one alert per member.
pub(crate) fn alert(group: &str, members: u32, r: &ShiftReport, detected_ms: i64) -> Alert {
    // The tail probability of "the median member is this far up" is not a per-actor p-value; the
    // score follows the size of the shift instead, and severity stays low: it is context, not a threat.
    let score = (20.0 * r.level.log2()).clamp(0.0, 39.0);
    let baseline =
        "members active per window at this hour, and each active member's own seasonal baseline"
            .to_owned();
    let what = format!(
        "rose together from {}: {} members active at once ({} the usual number), the median one reading {} their usual volume per window ({members} members in all)",
        format_utc(r.start_ms),
        r.active,
        ratio(r.activity, 1.0),
        ratio(r.median_ratio, 1.0)
    );
    Alert {
        actor: group.to_owned(),
        actor_group: Some(group.to_owned()),
        time_ms: r.start_ms,
        detected_ms,
        detector: Family::PopulationShift.name().to_owned(),
        detectors: vec![Family::PopulationShift.name().to_owned()],
        severity: Severity::from_score(score),
        score,
        p_value: 1.0,
        summary: format!("Group '{group}' {what}: a group-wide change, so members' volume alerts are suppressed while it lasts."),
        evidence: Evidence {
            observed: r.level,
            expected: 1.0,
            baseline: baseline.clone(),
            unit: "group level (activity x median member ratio)".to_owned(),
            window: format!("since {}", format_utc(r.start_ms)),
            window_start_ms: r.start_ms,
            window_end_ms: detected_ms,
            top_resources: Vec::new(),
            contributions: vec![Contribution {
                detector: Family::PopulationShift.name().to_owned(),
                score,
                p_value: 1.0,
                observed: r.level,
                expected: 1.0,
                unit: "group level (activity x median member ratio)".to_owned(),
                baseline,
            }],
        },
        resources: Vec::new(),
        event_ids: Vec::new(),
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
            let mut r = vec![3.0, 3.5, 2.8, 4.0, 3.2, 2.9, 3.1, 3.6, 2.7, 3.3];
            let (f, rep) = s.observe(w * 300_000, &mut r, Some(10.0), &cfg);
            assert!(f > 2.5);
            reports += usize::from(rep.is_some());
        }
        assert_eq!(reports, 1);
    }

    #[test]
    fn one_member_exporting_does_not_shift_the_group() {
        let cfg = PopulationConfig::default();
        let mut s = ShiftState::default();
        let (f, rep) = s.observe(0, &mut [100.0, 1.0, 0.9, 1.1], Some(4.0), &cfg);
        assert_eq!(f, 1.0);
        assert!(rep.is_none());
    }

    #[test]
    fn too_few_active_members_is_no_group_level() {
        let cfg = PopulationConfig::default();
        let mut s = ShiftState::default();
        assert_eq!(s.observe(0, &mut [5.0, 5.0], None, &cfg).0, 1.0);
    }

    #[test]
    fn three_times_as_many_members_at_work_is_a_shift_even_at_usual_volume_each() {
        let cfg = PopulationConfig::default();
        let mut s = ShiftState::default();
        let mut reports = 0;
        for w in 0..5 {
            let mut r = vec![1.0; 30];
            let (f, rep) = s.observe(w * 300_000, &mut r, Some(10.0), &cfg);
            assert_eq!(f, 1.0, "members' windows are not scaled: each is usual");
            reports += usize::from(rep.is_some_and(|r| r.activity > 2.5));
        }
        assert_eq!(reports, 1);
    }
}
