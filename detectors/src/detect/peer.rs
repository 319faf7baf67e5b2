//! Peer group: a young actor's day so far against what members of its group read in a whole day.
//!
//! Two ways an actor is compared with peers. (1) The volume baseline of an actor with little history
//! *is* its peers' baseline (see `volume::model`), which catches a new account's burst in its first
//! windows. (2) This check catches the steady kind: a new account that reads many times what its peers
//! read, spread evenly so that no window stands out and its own baseline learns the excess as normal.
//! Only actors younger than `young_days` are checked: established actors have their own baseline, and
//! a senior analyst who always reads more than the team is not news.

use serde::{Deserialize, Serialize};

use crate::explain::{count, ratio};
use crate::finding::{Context, Facts, Family, Finding};
use crate::timefmt::format_hm;

use crate::config::{positive, ConfigError};
use crate::detect::size::SizeAcc;
use crate::stats::{fisher_ln_sf, ln_count_sf, Moments};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PeerConfig {
    pub enabled: bool,
    /// Actors whose first event is less than this many days old are compared with their group.
    pub young_days: u32,
    /// Member-days the group needs before it can serve as a baseline.
    pub min_member_days: f32,
    /// Effective memory of the group's daily baseline, in member-days.
    pub memory_member_days: f32,
    /// An alert needs the day so far to exceed this multiple of a member's typical whole day...
    pub min_ratio: f64,
    /// ... and this many records...
    pub min_records: u64,
    /// ... and today's accesses must be this much larger than usual for their resources, at this
    /// tail probability (see `size`).
    pub min_size_ratio: f64,
    pub size_p: f64,
}

impl Default for PeerConfig {
    fn default() -> Self {
        PeerConfig {
            enabled: true,
            young_days: 14,
            min_member_days: 10.0,
            memory_member_days: 400.0,
            min_ratio: 3.0,
            min_records: 1000,
            min_size_ratio: 3.0,
            size_p: 1e-4,
        }
    }
}

impl PeerConfig {
    pub fn validate(&self) -> Result<(), ConfigError> {
        positive("peer.min_ratio", self.min_ratio)?;
        positive(
            "peer.memory_member_days",
            f64::from(self.memory_member_days),
        )
    }
}

/// Outcome of comparing a day so far with the group's member-days.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PeerCheck {
    pub ln_p: f64,
    pub ratio: f64,
    pub expected: f64,
    pub alone: bool,
}

/// Compares `today` (records so far) with the group's daily member totals scaled by `factor`, and
/// today's access sizes (`size`) with the resources' usual sizes. Steady over-reading shows in both: a
/// day's total is wide across members (people differ), but each access of an outlier is also larger.
pub fn check(
    today: f64,
    group_daily: &Moments,
    factor: f64,
    size: &SizeAcc,
    cfg: &PeerConfig,
) -> Option<PeerCheck> {
    if group_daily.n < cfg.min_member_days {
        return None;
    }
    let mean = f64::from(group_daily.mean).max(1.0) * factor;
    let var = f64::from(group_daily.var) * factor * factor;
    let ln_daily = ln_count_sf(today, mean, var.max(mean * mean * 0.25));
    let ratio = today / mean;
    let sized = size
        .check()
        .filter(|(ln_p, r)| *r >= cfg.min_size_ratio && *ln_p <= cfg.size_p.ln());
    let ln_p = match sized {
        Some((ln_size, _)) => fisher_ln_sf(ln_daily + ln_size, 2),
        None => ln_daily,
    };
    Some(PeerCheck {
        ln_p,
        ratio,
        expected: mean,
        alone: sized.is_some() && ratio >= cfg.min_ratio && today >= cfg.min_records as f64,
    })
}

/// The steady-excess finding: the young actor's day so far against a member's whole day.
pub(crate) fn finding(ctx: &Context<'_>, today: f64, c: &PeerCheck, own_days: u32) -> Finding {
    ctx.finding(Facts {
        family: Family::Peer,
        ln_p: c.ln_p,
        alone: c.alone,
        observed: today,
        expected: c.expected,
        unit: "records",
        baseline: format!("daily totals of {} (the actor is {own_days} days old)", ctx.peers()),
        what: format!(
            "has read {} records today by {}, {} what a member of the team reads in a whole day ({})",
            count(today),
            format_hm(ctx.detected_ms),
            ratio(today, c.expected),
            count(c.expected)
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn team(days: usize, per_day: f64) -> Moments {
        let mut m = Moments::default();
        for i in 0..days {
            m.update(per_day * (0.7 + 0.1 * (i % 7) as f64), 400.0);
        }
        m
    }

    /// A day of 25 accesses, each `ratio` times its resource's usual size of 4 records.
    fn sizes(ratio: f64) -> SizeAcc {
        SizeAcc {
            observed: 25.0 * 4.0 * ratio,
            expected: 100.0,
            var: 25.0 * 16.0 * 1.2,
            ..SizeAcc::default()
        }
    }

    #[test]
    fn a_new_employee_reading_fifty_times_the_team_in_ordinary_sized_accesses_is_not_an_outlier() {
        let c = check(
            5000.0,
            &team(200, 100.0),
            1.0,
            &sizes(1.0),
            &PeerConfig::default(),
        );
        assert!(c.is_some_and(|c| !c.alone));
    }

    #[test]
    fn a_new_employee_reading_like_the_team_is_not_flagged() {
        let c = check(
            110.0,
            &team(200, 100.0),
            1.0,
            &sizes(1.0),
            &PeerConfig::default(),
        );
        assert!(c.is_some_and(|c| !c.alone && c.ln_p > (0.01f64).ln()));
    }

    #[test]
    fn a_new_employee_reading_fifty_times_the_team_is_flagged() {
        let c = check(
            5000.0,
            &team(200, 100.0),
            1.0,
            &sizes(50.0),
            &PeerConfig::default(),
        );
        assert!(
            c.is_some_and(|c| c.alone && c.ln_p < (1e-9f64).ln()),
            "{c:?}"
        );
    }

    #[test]
    fn a_group_without_enough_history_is_no_baseline() {
        assert!(check(
            5000.0,
            &team(3, 100.0),
            1.0,
            &sizes(50.0),
            &PeerConfig::default()
        )
        .is_none());
    }
}
