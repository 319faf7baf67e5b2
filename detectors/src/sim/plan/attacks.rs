//! The attack roster: every kind the detectors cover, each at several strengths from blatant to subtle.
//!
//! Strengths are relative to what the target (or its team) normally does, so an attack is as hard in a
//! small world as in a large one; the weakest level of each kind is meant to be near the edge of what a
//! good detector can separate from noise without flooding analysts.

use rand::seq::SliceRandom;
use rand::Rng;

use super::{AttackPlan, Planner, SURGE_TEAM};
use crate::sim::calendar::Calendar;
use crate::sim::cast::Role;
use crate::sim::catalog::{TEAMS, WAREHOUSE_TABLES};
use crate::sim::labels::AttackKind;

/// Minutes a denied burst of `n` requests lasts.
pub(in crate::sim) fn burst_minutes(n: f64) -> i64 {
    if n <= 20.0 {
        10
    } else if n <= 50.0 {
        15
    } else {
        20
    }
}

/// The first `n` working days from `day` on, within the world.
pub(in crate::sim) fn workdays_from(cal: &Calendar, day: u32, n: usize) -> Vec<u32> {
    (day..cal.days)
        .filter(|&d| !cal.is_weekend(d))
        .take(n)
        .collect()
}

impl Planner<'_> {
    pub(super) fn attacks(&mut self) {
        use AttackKind::*;
        for x in [5.0, 10.0, 30.0, 100.0] {
            self.on_human(
                BulkExport,
                x,
                |_| true,
                format!("{x}x the actor's usual daily records in one sitting"),
            );
        }
        for x in [0.3, 0.6, 1.0, 2.0] {
            self.low_and_slow(x);
        }
        for (x, day) in [(20.0, 1), (100.0, 2)] {
            self.new_account(
                NewHireExfil,
                x,
                format!("{x}x the team's median daily records on day {day} of a new account"),
            );
        }
        for x in [8.0, 15.0, 30.0] {
            self.new_account(
                PeerOutlier,
                x,
                format!("{x}x the team's median daily records, steadily, from the first day"),
            );
        }
        for n in [25.0, 60.0, 150.0, 400.0_f64.min(WAREHOUSE_TABLES as f64)] {
            self.on_human(
                Enumeration,
                n,
                |_| true,
                format!("{n} distinct warehouse tables in one sitting"),
            );
        }
        for (n, table) in [(1.0, 2), (2.0, 3), (3.0, 0), (8.0, 1)] {
            let resource = self.cast.restricted.start + table;
            let r = &self.cast.resources[resource as usize];
            let strength = format!(
                "{n} reads of {} ({}), never read by the actor's group",
                r.name, r.sensitivity
            );
            if let Some(a) = self.on_human(SensitiveFirstAccess, n, |_| true, strength) {
                self.plan.attacks[a].resource = Some(resource);
            }
        }
        for x in [0.5, 1.0, 3.0, 10.0] {
            self.on_human(
                OffHours,
                x,
                |_| true,
                format!("{x}x the actor's usual daily records between 01:00 and 04:00 local"),
            );
        }
        for n in [15.0, 40.0, 150.0] {
            let strength = format!("{n} denied requests within {} minutes", burst_minutes(n));
            self.on_human(DeniedBurst, n, |_| true, strength);
        }
        for (i, x) in [2.0, 5.0, 20.0].into_iter().enumerate() {
            self.service_new_origin(i, x);
        }
        let hr = TEAMS.iter().position(|t| t.name == "hr");
        for n in [12_000.0, 30_000.0] {
            self.on_human(
                RuleBreach,
                n,
                |t| Some(t) == hr,
                format!("one export of {n} health records"),
            );
        }
    }

    /// An attack by an ordinary person of a team passing `team_ok`; returns its index.
    fn on_human(
        &mut self,
        kind: AttackKind,
        level: f64,
        team_ok: impl Fn(usize) -> bool,
        strength: String,
    ) -> Option<usize> {
        let &actor = self.eligible_humans(team_ok).first()?;
        let Role::Human(h) = &self.cast.actors[actor].role else {
            return None;
        };
        let day = self.test_day(h.team)?;
        Some(self.push(kind, actor, day, level, strength))
    }

    fn low_and_slow(&mut self, extra: f64) {
        // Several consecutive working days, so the surge team (whose surge day would blur them) is left out.
        let Some(&actor) = self.eligible_humans(|t| t != SURGE_TEAM).first() else {
            return;
        };
        let days = self.cal.test_workdays();
        let Some(&day) = days
            .iter()
            .take(2)
            .collect::<Vec<_>>()
            .choose(self.rng)
            .copied()
        else {
            return;
        };
        let n = workdays_from(self.cal, day, 4).len();
        let strength = format!(
            "+{:.0}% of the actor's usual daily records on each of {n} working days",
            extra * 100.0
        );
        self.push(AttackKind::LowAndSlow, actor, day, extra, strength);
    }

    /// A new account in a random team (not the surge team) that misuses its access from the start.
    fn new_account(&mut self, kind: AttackKind, level: f64, strength: String) {
        let team = self.rng.gen_range(SURGE_TEAM + 1..TEAMS.len());
        let Some(join) = self.test_day(team) else {
            return;
        };
        let actor = self.cast.add_human(self.rng, team, join, self.cal.days);
        let index = self.plan.attacks.len() as u16;
        let mut day = join;
        if kind == AttackKind::NewHireExfil && level >= 100.0 {
            day = workdays_from(self.cal, join + 1, 1)
                .first()
                .copied()
                .unwrap_or(join);
        }
        if kind == AttackKind::PeerOutlier {
            let target = level * self.cast.team_median_daily(team);
            let leave = workdays_from(self.cal, join, 3)
                .last()
                .map_or(join + 1, |d| d + 1);
            let expected = match &self.cast.actors[actor].role {
                Role::Human(h) => self.cast.expected_daily_records(h),
                _ => target,
            };
            let a = &mut self.cast.actors[actor];
            a.leave_day = leave;
            a.attack_all = Some(index);
            if let Role::Human(h) = &mut a.role {
                h.records_factor *= target / expected.max(1.0);
            }
        }
        self.push(kind, actor, day, level, strength);
    }

    fn service_new_origin(&mut self, i: usize, level: f64) {
        let Some(&actor) = self
            .candidates(|a| matches!(a.role, Role::Service(_)))
            .first()
        else {
            return;
        };
        let Some(day) = self.test_day(SURGE_TEAM + 1) else {
            return;
        };
        let region = ["sa-east-1", "ap-northeast-2", "eu-north-1"][i % 3];
        let ip = format!("203.0.113.{}", 10 + i);
        let strength = format!("{level}x the service's usual hourly records from {region} {ip}");
        let origin = self.cast.add_origin(ip, region);
        let a = self.push(AttackKind::ServiceNewOrigin, actor, day, level, strength);
        self.plan.attacks[a].origin = Some(origin);
    }

    fn push(
        &mut self,
        kind: AttackKind,
        actor: usize,
        day: u32,
        level: f64,
        strength: String,
    ) -> usize {
        self.used.insert(actor);
        self.plan.attacks.push(AttackPlan {
            kind,
            actor,
            day,
            level,
            strength,
            resource: None,
            origin: None,
        });
        self.plan.attacks.len() - 1
    }
}
