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
use crate::stats::{ln_normal_sf, Moments};

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
    /// ... and the newcomer's typical day and access sizes, against the members' as people, must be
    /// this far out (one-sided tail probability). Laxer than `combiner.alert_p` because it is asked
    /// of a handful of young actors once a day, not of every actor's every window.
    pub alert_p: f64,
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
            alert_p: 1e-2,
        }
    }
}

impl PeerConfig {
    pub fn validate(&self) -> Result<(), ConfigError> {
        positive("peer.min_ratio", self.min_ratio)?;
        crate::config::probability("peer.alert_p", self.alert_p)?;
        positive(
            "peer.memory_member_days",
            f64::from(self.memory_member_days),
        )
    }
}

/// What a young actor has shown so far: the sum of its whole days' log totals and their number, and
/// its accesses' sizes against its peers' for the same resources.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct YoungRecord {
    pub log_sum: f64,
    pub days: f64,
    pub size: SizeAcc,
}

/// The group's members as people: the spread of their typical (log) weekday totals between members
/// (`between`: mean and variance over member-days) and the average day-to-day variance within a member
/// (`within.mean`).
#[derive(Debug, Clone, Copy)]
pub struct MemberDays<'a> {
    pub raw: &'a Moments,
    pub between: &'a Moments,
    pub within: &'a Moments,
}

impl YoungRecord {
    /// Folds a whole day of the young actor into its record.
    pub fn close_day(&mut self, records: f64, factor: f64, size: &SizeAcc) {
        self.log_sum += (records / factor.max(1e-9)).ln_1p();
        self.days += 1.0;
        self.size.add(size);
    }
}

/// Floor of the spread of members' typical log daily totals.
const MIN_LOG_SD: f64 = 0.3;
/// People differ in how much one access returns even on the same resources (a manager's reports are
/// larger than a clerk's lookups): the variance, in units of the resources' own log-size variance, of
/// a person's mean offset from the group's usual size. Without it a newcomer's consistent offset would
/// grow into certainty with every access.
const PERSON_SIZE_VAR: f64 = 0.25;

/// Outcome of comparing a young actor with the group's members.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PeerCheck {
    pub ln_p: f64,
    pub ratio: f64,
    pub expected: f64,
    pub alone: bool,
}

/// Compares a young actor (its whole days so far in `record`, today so far: `today` records in
/// accesses `size`) with its group's members as people: where does its typical day fall among the
/// members' typical days, and are its accesses larger than the members' for the same resources?
/// People in a team differ by several times in what they read, so the question is how far out among
/// them the newcomer sits; the tail is judged with the few young actors in mind (`alert_p`), not the
/// thousands of windows the volume detector judges. Today's partial total only ever understates.
pub fn check(
    today: f64,
    group: MemberDays<'_>,
    factor: f64,
    size: &SizeAcc,
    record: &YoungRecord,
    cfg: &PeerConfig,
) -> Option<PeerCheck> {
    if group.raw.n < cfg.min_member_days || group.between.n < cfg.min_member_days {
        return None;
    }
    let mean = f64::from(group.raw.mean).max(1.0) * factor;
    let between = f64::from(group.between.var).max(MIN_LOG_SD * MIN_LOG_SD);
    let within = f64::from(group.within.mean).max(0.0);
    let mu = f64::from(group.between.mean) + factor.max(1e-9).ln();
    let z_of = |log_sum: f64, days: f64| (log_sum / days - mu) / (between + within / days).sqrt();
    let x_today = today.ln_1p();
    let mut z_days = z_of(x_today, 1.0);
    if record.days > 0.0 {
        z_days = z_days
            .max(z_of(record.log_sum + x_today, record.days + 1.0))
            .max(z_of(record.log_sum, record.days));
    }
    let mut sizes = record.size;
    sizes.add(size);
    let z_size = (sizes.z_n > 0.0)
        .then(|| sizes.z_sum / sizes.z_n / (1.0 / sizes.z_n + PERSON_SIZE_VAR).sqrt());
    let z = match z_size {
        Some(zs) => crate::detect::day_evidence::stouffer_correlated(z_days, zs),
        None => z_days,
    };
    let ratio = today / mean;
    let ln_p = ln_normal_sf(z);
    Some(PeerCheck {
        ln_p,
        ratio,
        expected: mean,
        alone: ln_p <= cfg.alert_p.ln()
            && z_size.is_some_and(|zs| zs > 0.0)
            && ratio >= cfg.min_ratio
            && today >= cfg.min_records as f64,
    })
}

/// The steady-excess finding: the young actor's day so far against a member's whole day.
pub(crate) fn finding(ctx: &Context<'_>, today: f64, c: &PeerCheck, own_days: u32) -> Finding {
    // Decided against `peer.alert_p` (see `check`), not the per-window `combiner.alert_p`.
    let ctx = Context {
        ln_alert: 0.0,
        ..*ctx
    };
    ctx.finding(Facts {
        family: Family::Peer,
        ln_p: c.ln_p,
        alone: c.alone,
        observed: today,
        expected: c.expected,
        unit: "records",
        baseline: format!(
            "typical daily totals and access sizes of {} (the actor is {own_days} days old)",
            ctx.peers()
        ),
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

    /// A team whose members typically read 100 records a day, people spreading by a factor of e
    /// (log sd 1) and each person's days by a log sd of 0.45.
    struct Team {
        raw: Moments,
        between: Moments,
        within: Moments,
    }

    fn team(n: f32) -> Team {
        let m = |mean: f32, var: f32| Moments { n, mean, var };
        Team {
            raw: m(150.0, 150.0 * 150.0),
            between: m(100f32.ln(), 1.0),
            within: m(0.2, 0.01),
        }
    }

    fn members(t: &Team) -> MemberDays<'_> {
        MemberDays {
            raw: &t.raw,
            between: &t.between,
            within: &t.within,
        }
    }

    /// `n` accesses, each `z` of its resource's log-size spreads above its peers' usual size.
    fn sizes(n: f64, z: f64) -> SizeAcc {
        SizeAcc {
            z_sum: n * z,
            z_n: n,
            ..SizeAcc::default()
        }
    }

    /// A young actor's record after `days` whole days like `today`.
    fn record(days: usize, per_day: f64, size: &SizeAcc) -> YoungRecord {
        let mut r = YoungRecord::default();
        for _ in 0..days {
            r.close_day(per_day, 1.0, size);
        }
        r
    }

    #[test]
    fn a_new_employee_reading_fifty_times_the_team_in_ordinary_sized_accesses_is_not_an_outlier() {
        let t = team(400.0);
        let day = sizes(25.0, 0.0);
        let c = check(
            5000.0,
            members(&t),
            1.0,
            &day,
            &record(2, 5000.0, &day),
            &PeerConfig::default(),
        );
        assert!(c.is_some_and(|c| !c.alone), "{c:?}");
    }

    #[test]
    fn a_new_employee_reading_like_the_team_is_not_flagged() {
        let t = team(400.0);
        let day = sizes(25.0, 0.1);
        let c = check(
            110.0,
            members(&t),
            1.0,
            &day,
            &record(3, 100.0, &day),
            &PeerConfig::default(),
        );
        assert!(
            c.is_some_and(|c| !c.alone && c.ln_p > (0.1f64).ln()),
            "{c:?}"
        );
    }

    #[test]
    fn a_new_employee_reading_three_times_the_team_in_slightly_larger_accesses_is_not_flagged() {
        // The team's busier members read that much: one person in ten or so.
        let t = team(400.0);
        let day = sizes(25.0, 0.3);
        let c = check(
            300.0,
            members(&t),
            1.0,
            &day,
            &record(3, 300.0, &day),
            &PeerConfig::default(),
        );
        assert!(c.is_some_and(|c| !c.alone), "{c:?}");
    }

    #[test]
    fn a_new_employee_reading_fifteen_times_the_team_day_after_day_in_larger_accesses_is_flagged() {
        let t = team(400.0);
        let day = sizes(25.0, 1.0);
        let c = check(
            1500.0,
            members(&t),
            1.0,
            &day,
            &record(2, 1500.0, &day),
            &PeerConfig::default(),
        );
        assert!(c.is_some_and(|c| c.alone), "{c:?}");
    }

    #[test]
    fn a_group_without_enough_history_is_no_baseline() {
        let t = team(3.0);
        let day = sizes(25.0, 3.0);
        assert!(check(
            5000.0,
            members(&t),
            1.0,
            &day,
            &YoungRecord::default(),
            &PeerConfig::default()
        )
        .is_none());
    }
}
