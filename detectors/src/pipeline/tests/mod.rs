//! Scenario tests of the whole pipeline on small deterministic worlds: what it must and must not flag.

mod hours_and_origins;
mod quiet;
mod scenarios;

use crate::event::{ActorType, Outcome, OwnedEvent};
use crate::timefmt::{DAY_MS, HOUR_MS, MINUTE_MS};
use crate::{Alert, Config, Pipeline};

/// 2025-01-06T00:00:00Z, a Monday.
pub const T0: i64 = 1_736_121_600_000;

/// Deterministic xorshift generator: tests must not depend on a random crate or a seed file.
pub struct Gen(u64);

impl Gen {
    pub fn new(seed: u64) -> Self {
        Gen(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }

    pub fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() * (hi - lo) as f64) as i64
    }

    /// Roughly log-normal around `median` (spread of about 2x).
    pub fn around(&mut self, median: f64) -> u64 {
        let z = (self.next() + self.next() + self.next() - 1.5) * 2.0;
        (median * (0.7 * z).exp()).round().max(1.0) as u64
    }
}

/// One access with the fields a test cares about.
pub fn access(
    t: i64,
    actor: &str,
    group: Option<&str>,
    resource: &str,
    records: u64,
) -> OwnedEvent {
    OwnedEvent {
        time_ms: t,
        event_id: Some(format!("{actor}-{t}-{resource}")),
        actor: actor.to_owned(),
        actor_type: ActorType::User,
        actor_group: group.map(str::to_owned),
        action: "read".to_owned(),
        resource: resource.to_owned(),
        records,
        bytes: records * 500,
        outcome: Outcome::Success,
        sensitivity: Some("pii".to_owned()),
        source_ip: None,
        region: None,
    }
}

/// A person's ordinary working day: `per_day` accesses between `start_h` and `start_h + 8` UTC on
/// weekdays, a few tables, about `median` records each.
pub fn workday(
    g: &mut Gen,
    out: &mut Vec<OwnedEvent>,
    (actor, group): (&str, Option<&str>),
    day: i64,
    start_h: i64,
    per_day: usize,
    median: f64,
) {
    let midnight = T0 + day * DAY_MS;
    if (day % 7) >= 5 {
        return;
    }
    let tables = ["crm.customers", "crm.orders", "crm.tickets"];
    for _ in 0..per_day {
        let t = midnight + start_h * HOUR_MS + g.range(0, 8 * HOUR_MS);
        let table = tables[g.range(0, tables.len() as i64) as usize];
        let records = g.around(median);
        out.push(access(t, actor, group, table, records));
    }
}

/// A team of `n` people working days `from..to`.
pub fn team(g: &mut Gen, out: &mut Vec<OwnedEvent>, name: &str, n: usize, from: i64, to: i64) {
    people(g, out, (name, Some(name)), n, from..to);
}

/// `n` users without `actor_group` (`user-0`, ...) working days `from..to`.
pub fn ungrouped(g: &mut Gen, out: &mut Vec<OwnedEvent>, n: usize, from: i64, to: i64) {
    people(g, out, ("user", None), n, from..to);
}

fn people(
    g: &mut Gen,
    out: &mut Vec<OwnedEvent>,
    (prefix, group): (&str, Option<&str>),
    n: usize,
    days: std::ops::Range<i64>,
) {
    for day in days {
        for i in 0..n {
            let actor = format!("{prefix}-{i}");
            workday(g, out, (&actor, group), day, 8, 20, 10.0);
        }
    }
}

/// Runs the default pipeline over `events` (sorted here) and returns every alert.
pub fn run(events: &mut [OwnedEvent]) -> Vec<Alert> {
    run_with(Config::default(), events)
}

pub fn run_with(cfg: Config, events: &mut [OwnedEvent]) -> Vec<Alert> {
    events.sort_by_key(|e| e.time_ms);
    let Ok(mut p) = Pipeline::new(cfg) else {
        return Vec::new();
    };
    let mut alerts = Vec::new();
    for e in events.iter() {
        alerts.extend(p.observe(&e.as_event()));
    }
    alerts.extend(p.flush());
    alerts
}

/// Minutes from the start of the activity to the alert.
pub fn delay_minutes(a: &Alert) -> i64 {
    (a.detected_ms - a.time_ms) / MINUTE_MS
}

/// Days of ordinary work before the scenarios' attacks.
pub const HISTORY: i64 = 21;

/// The support team's twelve members working through `HISTORY` days and the two after.
pub fn history(g: &mut Gen) -> Vec<OwnedEvent> {
    let mut ev = Vec::new();
    team(g, &mut ev, "support", 12, 0, HISTORY + 2);
    ev
}

/// `hour` o'clock UTC on day `day` of the scenario.
pub fn at(day: i64, hour: i64) -> i64 {
    T0 + day * DAY_MS + hour * HOUR_MS
}
