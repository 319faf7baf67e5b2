//! The actors of a world and the tables they read, drawn once per seed from the static catalog.
//!
//! Every per-person trait that should stay stable over weeks (hours, volume, favourite tables) is fixed
//! here, so the generators only add day-to-day noise on top and history stays stationary per actor.

use std::ops::Range;

use rand::rngs::SmallRng;
use rand::Rng;

use super::catalog::{ResourceDef, FIRST_NAMES, LOCATIONS, RESTRICTED, TEAMS, WAREHOUSE_TABLES};
use super::machines::{BATCHES, SERVICES, SERVICE_REGIONS};
use super::random::{lognormal, normal, WeightedPick};

/// Spread of records per access around the resource's median (log scale); heavy-tailed on purpose.
pub(super) const RECORDS_SIGMA: f64 = 0.9;

/// A table as the world knows it.
pub(super) struct Resource {
    pub name: String,
    pub sensitivity: &'static str,
    pub median_records: f64,
    pub bytes_per_record: u32,
}

/// Where a request comes from.
pub(super) struct Origin {
    pub ip: String,
    pub region: &'static str,
}

/// A person's stable habits.
pub(super) struct Human {
    pub team: usize,
    /// Local offset from UTC.
    pub tz_ms: i64,
    pub origin: u32,
    /// Local hour the working day starts, and its length in hours.
    pub start_hour: f64,
    pub day_len: f64,
    pub events_per_day: f64,
    pub records_factor: f64,
    /// Probability of a short stint on a weekend day.
    pub weekend_prob: f64,
    pub vacation: Option<Range<u32>>,
    pub resources: WeightedPick,
    /// (slot, pool size) in the weekly on-call rotation.
    pub oncall: Option<(u32, u32)>,
}

/// An API service with a diurnal load peaking in the afternoon of its customers.
pub(super) struct Service {
    pub def: usize,
    /// First of its pod addresses in `Cast::origins`; it has [`PODS`] of them.
    pub origin: u32,
    pub peak_hour_utc: f64,
    pub events_per_day: f64,
    pub records_factor: f64,
    pub resources: Vec<u32>,
}

/// Pod addresses per service.
pub(super) const PODS: u32 = 4;

pub(super) enum Role {
    Human(Human),
    Service(Service),
    Batch { def: usize, origin: u32 },
}

pub(super) struct Actor {
    pub name: String,
    pub group: Option<String>,
    pub role: Role,
    /// First and one-past-last day with activity.
    pub join_day: u32,
    pub leave_day: u32,
    /// Relative volume growth per day (compounded), for organic growth.
    pub growth: f64,
    /// Every event of this actor belongs to this attack (accounts created for misuse).
    pub attack_all: Option<u16>,
    /// (day, volume factor) of a group-wide surge this actor takes part in.
    pub surge: Option<(u32, f64)>,
}

pub(super) struct Cast {
    pub actors: Vec<Actor>,
    pub resources: Vec<Resource>,
    pub origins: Vec<Origin>,
    pub warehouse: Range<u32>,
    pub restricted: Range<u32>,
}

impl Cast {
    /// Draws `n_actors` actors (about 3% services and batch jobs) for a world of `days` days.
    pub fn draw(rng: &mut SmallRng, n_actors: u32, days: u32) -> Cast {
        let mut cast = Cast {
            actors: Vec::new(),
            resources: Vec::new(),
            origins: Vec::new(),
            warehouse: 0..0,
            restricted: 0..0,
        };
        for team in &TEAMS {
            for def in team.resources {
                cast.resource_index(def);
            }
        }
        let first = cast.resources.len() as u32;
        for i in 0..WAREHOUSE_TABLES {
            let sensitivity = ["internal", "pii", "internal", "financial"][i % 4];
            cast.resources.push(Resource {
                name: format!("dw.table_{i:03}"),
                sensitivity,
                median_records: 400.0,
                bytes_per_record: 200,
            });
        }
        cast.warehouse = first..cast.resources.len() as u32;
        let first = cast.resources.len() as u32;
        for def in &RESTRICTED {
            cast.resource_index(def);
        }
        cast.restricted = first..cast.resources.len() as u32;

        let machines = (n_actors / 33).max(BATCHES.len() as u32 + 2);
        let humans = n_actors.saturating_sub(machines);
        for (team, def) in TEAMS.iter().enumerate() {
            let size = ((f64::from(humans) * def.share).round() as u32).max(3);
            for _ in 0..size {
                cast.add_human(rng, team, 0, days);
            }
        }
        cast.assign_oncall();
        for (def, _) in BATCHES.iter().enumerate() {
            let origin = cast.add_origin(format!("10.100.{def}.10"), SERVICE_REGIONS[0]);
            cast.actors.push(Actor::new(
                format!("job-{}", BATCHES[def].name),
                None,
                Role::Batch { def, origin },
                0,
                days,
            ));
        }
        for k in 0..machines - BATCHES.len() as u32 {
            cast.add_service(rng, k as usize % SERVICES.len(), k, 0, days);
        }
        cast
    }

    /// Adds a team member joining on `join_day`, with habits drawn like everyone else's.
    pub fn add_human(
        &mut self,
        rng: &mut SmallRng,
        team: usize,
        join_day: u32,
        days: u32,
    ) -> usize {
        let def = &TEAMS[team];
        let location = def.locations[rng.gen_range(0..def.locations.len())];
        let loc = &LOCATIONS[location];
        let idx = self.actors.len();
        let origin = self.add_origin(
            format!("10.{}.{}.{}", loc.net, idx / 250, idx % 250 + 2),
            loc.region,
        );
        let mut picks = Vec::new();
        for r in def.resources {
            if rng.gen::<f64>() < 0.85 || picks.is_empty() {
                picks.push((self.resource_index(r), lognormal(rng, 1.0, 0.8)));
            }
        }
        for _ in 0..def.warehouse_tables {
            let table = rng.gen_range(self.warehouse.clone());
            picks.push((table, lognormal(rng, 0.3, 0.8)));
        }
        let vacation = (rng.gen::<f64>() < 0.3).then(|| {
            let len = rng.gen_range(5..12);
            let start = rng.gen_range(0..days.max(1));
            start..start + len
        });
        let human = Human {
            team,
            tz_ms: loc.tz_minutes * 60_000,
            origin,
            start_hour: normal(rng, 8.8, 0.6).clamp(7.0, 11.0),
            day_len: rng.gen_range(7.5..9.5),
            events_per_day: lognormal(rng, def.events_per_day, 0.5),
            records_factor: lognormal(rng, 1.0, 0.6),
            weekend_prob: if rng.gen::<f64>() < 0.1 { 0.25 } else { 0.0 },
            vacation,
            resources: WeightedPick::new(picks),
            oncall: None,
        };
        let name = format!("{}.{:04}", FIRST_NAMES[idx % FIRST_NAMES.len()], idx);
        self.actors.push(Actor::new(
            name,
            Some(def.name.to_string()),
            Role::Human(human),
            join_day,
            days,
        ));
        idx
    }

    /// Adds the `k`-th instance of service template `def`, starting on `join_day`.
    pub fn add_service(
        &mut self,
        rng: &mut SmallRng,
        def: usize,
        k: u32,
        join_day: u32,
        days: u32,
    ) -> usize {
        let region = k as usize % SERVICE_REGIONS.len();
        let origin = self.origins.len() as u32;
        for pod in 0..PODS {
            self.add_origin(
                format!("10.{}.{}.{}", 101 + region, k, 10 + pod),
                SERVICE_REGIONS[region],
            );
        }
        let resources = SERVICES[def]
            .resources
            .iter()
            .filter_map(|name| self.find(name))
            .collect();
        let service = Service {
            def,
            origin,
            peak_hour_utc: [13.0, 19.0, 9.0][region],
            events_per_day: lognormal(rng, SERVICES[def].events_per_day, 0.3),
            records_factor: lognormal(rng, 1.0, 0.3),
            resources,
        };
        let name = format!("svc-{}-{}", SERVICES[def].name, k + 1);
        self.actors.push(Actor::new(
            name,
            None,
            Role::Service(service),
            join_day,
            days,
        ));
        self.actors.len() - 1
    }

    pub fn add_origin(&mut self, ip: String, region: &'static str) -> u32 {
        self.origins.push(Origin { ip, region });
        self.origins.len() as u32 - 1
    }

    pub fn find(&self, name: &str) -> Option<u32> {
        self.resources
            .iter()
            .position(|r| r.name == name)
            .map(|i| i as u32)
    }

    fn resource_index(&mut self, def: &ResourceDef) -> u32 {
        self.find(def.name).unwrap_or_else(|| {
            self.resources.push(Resource {
                name: def.name.to_string(),
                sensitivity: def.sensitivity,
                median_records: def.median_records,
                bytes_per_record: def.bytes_per_record,
            });
            self.resources.len() as u32 - 1
        })
    }

    /// A weekly rotation among a handful of engineers, so that each of them has been on call in history.
    fn assign_oncall(&mut self) {
        let engineers: Vec<usize> = (0..self.actors.len())
            .filter(|&i| matches!(&self.actors[i].role, Role::Human(h) if TEAMS[h.team].name == "engineering"))
            .take(4)
            .collect();
        let pool = engineers.len() as u32;
        for (slot, &i) in engineers.iter().enumerate() {
            if let Role::Human(h) = &mut self.actors[i].role {
                h.oncall = Some((slot as u32, pool));
            }
        }
    }

    /// Members of `team` present from day 0.
    pub fn founding_members(&self, team: usize) -> impl Iterator<Item = (usize, &Human)> + '_ {
        self.actors
            .iter()
            .enumerate()
            .filter_map(move |(i, a)| match &a.role {
                Role::Human(h) if h.team == team && a.join_day == 0 => Some((i, h)),
                _ => None,
            })
    }

    /// Median records of one access by `h` to `resource`: the table's own, or the team's warehouse scale.
    pub fn median_records(&self, h: &Human, resource: u32) -> f64 {
        if self.warehouse.contains(&resource) {
            TEAMS[h.team].warehouse_records
        } else {
            self.resources[resource as usize].median_records
        }
    }

    /// Expected records a person reads on a working day: the yardstick attack strengths are given in.
    pub fn expected_daily_records(&self, h: &Human) -> f64 {
        let per_event: f64 = h
            .resources
            .iter()
            .map(|(r, p)| p * self.median_records(h, r))
            .sum();
        h.events_per_day
            * per_event
            * h.records_factor
            * (RECORDS_SIGMA * RECORDS_SIGMA / 2.0).exp()
    }

    /// Median of the expected daily records of a team's founding members.
    pub fn team_median_daily(&self, team: usize) -> f64 {
        let mut v: Vec<f64> = self
            .founding_members(team)
            .map(|(_, h)| self.expected_daily_records(h))
            .collect();
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(1000.0)
    }
}

impl Actor {
    fn new(
        name: String,
        group: Option<String>,
        role: Role,
        join_day: u32,
        leave_day: u32,
    ) -> Actor {
        Actor {
            name,
            group,
            role,
            join_day,
            leave_day,
            growth: 0.0,
            attack_all: None,
            surge: None,
        }
    }
}
