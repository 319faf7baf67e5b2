//! What happens in the test period: which benign surprises, which attacks on whom, on which day and at
//! which strength. Accounts created for the story (new hires, a new service, misused new accounts) are
//! added to the cast here, before anything is generated.
//!
//! Targets are drawn among ordinary people with a full, clean history (no vacation in the test period,
//! not on call, not growing) so that every attack is a deviation from a baseline that really exists.

use std::collections::HashSet;

use rand::rngs::SmallRng;
use rand::seq::SliceRandom;
use rand::Rng;

use super::calendar::{Calendar, DAY_MS};
use super::cast::{Actor, Cast, Role};
use super::catalog::{LOCATIONS, TEAMS};
use super::labels::{AttackKind, BenignKind};
use super::machines::SERVICES;

mod attacks;

pub(super) use attacks::{burst_minutes, workdays_from};

/// One attack to inject.
pub(super) struct AttackPlan {
    pub kind: AttackKind,
    pub actor: usize,
    pub day: u32,
    /// Kind-specific strength: a multiple of usual volume, a count of tables or requests, a record count.
    pub level: f64,
    pub strength: String,
    /// The restricted table read, for [`AttackKind::SensitiveFirstAccess`].
    pub resource: Option<u32>,
    /// The unseen origin used, for [`AttackKind::ServiceNewOrigin`].
    pub origin: Option<u32>,
}

/// One benign surprise; `span: None` means from the actors' first event to the end of the world.
pub(super) struct BenignPlan {
    pub kind: BenignKind,
    pub group: Option<String>,
    pub actors: Vec<usize>,
    pub span: Option<(i64, i64)>,
    pub description: String,
}

pub(super) struct Plan {
    pub attacks: Vec<AttackPlan>,
    pub benign: Vec<BenignPlan>,
}

/// The team whose whole membership surges one day: support, the largest.
const SURGE_TEAM: usize = 0;

struct Planner<'a> {
    cal: &'a Calendar,
    cast: &'a mut Cast,
    rng: &'a mut SmallRng,
    used: HashSet<usize>,
    surge_day: Option<u32>,
    plan: Plan,
}

/// Decides the story of the test period and adds the accounts it needs to `cast`.
pub(super) fn plan(cal: &Calendar, cast: &mut Cast, rng: &mut SmallRng) -> Plan {
    let mut p = Planner {
        cal,
        cast,
        rng,
        used: HashSet::new(),
        surge_day: None,
        plan: Plan {
            attacks: Vec::new(),
            benign: Vec::new(),
        },
    };
    p.organic_growth();
    p.group_surge();
    p.new_hires();
    p.new_service();
    p.attacks();
    p.plan
}

impl Planner<'_> {
    fn organic_growth(&mut self) {
        let services: Vec<usize> = self
            .candidates(|a| matches!(a.role, Role::Service(_)))
            .into_iter()
            .take(2)
            .collect();
        let humans: Vec<usize> = self.eligible_humans(|_| true).into_iter().take(4).collect();
        let actors: Vec<usize> = services.into_iter().chain(humans).collect();
        for &i in &actors {
            self.cast.actors[i].growth = self.rng.gen_range(0.008..0.015);
            self.used.insert(i);
        }
        self.plan.benign.push(BenignPlan {
            kind: BenignKind::OrganicGrowth,
            group: None,
            actors,
            span: Some((self.cal.start_ms, self.cal.end_ms())),
            description: "volume grows 0.8-1.5% a day, compounded, over the whole world".into(),
        });
    }

    fn group_surge(&mut self) {
        let days = self.cal.test_workdays();
        let Some(&day) = days.get(1).or(days.first()) else {
            return;
        };
        self.surge_day = Some(day);
        let members: Vec<usize> = self
            .cast
            .founding_members(SURGE_TEAM)
            .map(|(i, _)| i)
            .collect();
        for &i in &members {
            self.cast.actors[i].surge = Some((day, self.rng.gen_range(3.0..5.0)));
        }
        let offsets = TEAMS[SURGE_TEAM]
            .locations
            .iter()
            .map(|&l| LOCATIONS[l].tz_minutes * 60_000);
        let (east, west) = (
            offsets.clone().max().unwrap_or(0),
            offsets.min().unwrap_or(0),
        );
        self.plan.benign.push(BenignPlan {
            kind: BenignKind::GroupSurge,
            group: Some(TEAMS[SURGE_TEAM].name.to_string()),
            actors: members,
            span: Some((
                self.cal.day_start(day) - east,
                self.cal.day_start(day) + DAY_MS - west,
            )),
            description: "every member of the team works 3-5x the usual volume for one day".into(),
        });
    }

    fn new_hires(&mut self) {
        // People also joined during the history, so that a join as such is nothing special.
        let history = self.cal.history_days;
        for _ in 0..2 {
            let team = self.rng.gen_range(0..TEAMS.len());
            let day = self
                .rng
                .gen_range(history / 4..(history * 3 / 4).max(history / 4 + 1));
            self.cast.add_human(self.rng, team, day, self.cal.days);
        }
        let hires = (self.cast.actors.len() / 250).clamp(1, 6);
        for _ in 0..hires {
            let team = self.rng.gen_range(1..TEAMS.len());
            let Some(day) = self.test_day(team) else {
                return;
            };
            let i = self.cast.add_human(self.rng, team, day, self.cal.days);
            self.used.insert(i);
            self.plan.benign.push(BenignPlan {
                kind: BenignKind::NewHire,
                group: Some(TEAMS[team].name.to_string()),
                actors: vec![i],
                span: None,
                description: "a new employee who works like the rest of the team".into(),
            });
        }
    }

    fn new_service(&mut self) {
        let Some(day) = self.test_day(SURGE_TEAM + 1) else {
            return;
        };
        let def = self.rng.gen_range(0..SERVICES.len());
        let k = self
            .cast
            .actors
            .iter()
            .filter(|a| matches!(a.role, Role::Service(_)))
            .count() as u32
            + 10;
        let i = self.cast.add_service(self.rng, def, k, day, self.cal.days);
        self.used.insert(i);
        self.plan.benign.push(BenignPlan {
            kind: BenignKind::NewService,
            group: None,
            actors: vec![i],
            span: None,
            description: "a newly deployed service starts working".into(),
        });
    }

    /// Actors matching `keep`, not yet part of the story, in random order.
    fn candidates(&mut self, keep: impl Fn(&Actor) -> bool) -> Vec<usize> {
        let days = self.cal.days;
        let mut v: Vec<usize> = (0..self.cast.actors.len())
            .filter(|i| !self.used.contains(i))
            .filter(|&i| {
                let a = &self.cast.actors[i];
                a.join_day == 0 && a.leave_day == days && a.growth == 0.0 && keep(a)
            })
            .collect();
        v.shuffle(self.rng);
        v
    }

    /// People with a full, ordinary history whose team passes `team_ok`.
    fn eligible_humans(&mut self, team_ok: impl Fn(usize) -> bool) -> Vec<usize> {
        let test = self.cal.history_days..self.cal.days;
        self.candidates(|a| match &a.role {
            Role::Human(h) => {
                team_ok(h.team)
                    && h.oncall.is_none()
                    && h.events_per_day >= 4.0
                    && h.vacation
                        .as_ref()
                        .is_none_or(|v| v.end <= test.start || v.start >= test.end)
            }
            _ => false,
        })
    }

    /// A random working day of the test period, avoiding the surge day for the surge team.
    fn test_day(&mut self, team: usize) -> Option<u32> {
        let surge = self.surge_day.filter(|_| team == SURGE_TEAM);
        let days: Vec<u32> = self
            .cal
            .test_workdays()
            .into_iter()
            .filter(|&d| Some(d) != surge)
            .collect();
        days.choose(self.rng).copied()
    }
}
