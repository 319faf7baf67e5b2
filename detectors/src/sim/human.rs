//! A person's days: office hours in their time zone with a lunch dip, work in short sittings on a few
//! favourite tables, weekends mostly off, vacations and sick days, the odd late evening, and night work
//! for whoever is on call that week.
//!
//! The noise here is what detectors must learn to live with; every deviation that should alert is
//! injected separately by `attacks`.

use rand::rngs::SmallRng;
use rand::Rng;

use crate::event::Outcome;

use super::calendar::{Calendar, HOUR_MS};
use super::cast::{Actor, Human, RECORDS_SIGMA};
use super::catalog::TEAMS;
use super::draft::Sink;
use super::random::{exp_ms, lognormal, poisson};

/// A night an on-call engineer worked, for the benign labels.
pub(super) struct NightWork {
    pub actor: u32,
    pub start_ms: i64,
    pub end_ms: i64,
}

/// Everything a person does over the world's days.
pub(super) fn generate(
    cal: &Calendar,
    actor: &Actor,
    h: &Human,
    rng: &mut SmallRng,
    sink: &mut Sink,
    nights: &mut Vec<NightWork>,
) {
    for day in actor.join_day..actor.leave_day.min(cal.days) {
        let midnight = cal.day_start(day) - h.tz_ms;
        let growth = (1.0 + actor.growth).powf(f64::from(day));
        if is_on_call(h, day) && rng.gen::<f64>() < 0.4 {
            let start = sink.drafts.len();
            let at = midnight + rng.gen_range(0..4 * HOUR_MS);
            for _ in 0..rng.gen_range(1..=2) {
                let (t, size) = (at + rng.gen_range(0..HOUR_MS), rng.gen_range(2..8));
                session(rng, sink, h, t, size);
            }
            let times = sink.drafts[start..].iter().map(|d| d.time_ms);
            if let (Some(first), Some(last)) = (times.clone().min(), times.max()) {
                nights.push(NightWork {
                    actor: sink.actor,
                    start_ms: first,
                    end_ms: last,
                });
            }
        }
        if h.vacation.as_ref().is_some_and(|v| v.contains(&day)) {
            continue;
        }
        if cal.is_weekend(day) {
            if rng.gen::<f64>() < h.weekend_prob {
                let n = poisson(rng, h.events_per_day * 0.3 * growth);
                let stint = midnight + 10 * HOUR_MS + rng.gen_range(0..4 * HOUR_MS);
                sittings(rng, sink, h, n, |rng| stint + rng.gen_range(0..2 * HOUR_MS));
            }
            continue;
        }
        if rng.gen::<f64>() < 0.02 {
            continue; // sick day
        }
        let surge = actor.surge.filter(|s| s.0 == day).map_or(1.0, |s| s.1);
        let mood = lognormal(rng, 1.0, 0.3);
        let n = poisson(rng, h.events_per_day * mood * growth * surge);
        workday(rng, sink, h, midnight, n);
        if rng.gen::<f64>() < 0.05 {
            let evening = midnight
                + ((h.start_hour + h.day_len + rng.gen_range(1.0..3.5)) * HOUR_MS as f64) as i64;
            let size = rng.gen_range(1..5);
            session(rng, sink, h, evening, size);
        }
    }
}

/// `n` accesses spread over the working hours of the local day starting at `midnight`.
fn workday(rng: &mut SmallRng, sink: &mut Sink, h: &Human, midnight: i64, n: u32) {
    sittings(rng, sink, h, n, |rng| midnight + work_time(rng, h));
}

/// `n` accesses in sittings of a few, each sitting starting at a time drawn by `at`.
fn sittings(
    rng: &mut SmallRng,
    sink: &mut Sink,
    h: &Human,
    n: u32,
    mut at: impl FnMut(&mut SmallRng) -> i64,
) {
    let mut left = n;
    while left > 0 {
        let size = (1 + poisson(rng, 2.0)).min(left);
        let start = at(rng);
        session(rng, sink, h, start, size);
        left -= size;
    }
}

/// One sitting: `size` accesses to one table, tens of seconds apart.
fn session(rng: &mut SmallRng, sink: &mut Sink, h: &Human, at_ms: i64, size: u32) {
    let Some(resource) = h.resources.pick(rng) else {
        return;
    };
    let median = sink.cast.median_records(h, resource) * h.records_factor;
    let mut t = at_ms;
    for _ in 0..size {
        let records = lognormal(rng, median, RECORDS_SIGMA).round().max(1.0) as u64;
        let action = pick_action(rng, h.team);
        let draft = sink.access(rng, t, action, resource, records);
        let roll = rng.gen::<f64>();
        if roll < 0.002 {
            draft.outcome = Outcome::Denied;
        } else if roll < 0.005 {
            draft.outcome = Outcome::Error;
        }
        t += 5_000 + exp_ms(rng, 40_000.0);
    }
}

/// Milliseconds after local midnight at which a sitting starts: office hours, fewer over lunch.
pub(super) fn work_time(rng: &mut SmallRng, h: &Human) -> i64 {
    let mut hour = h.start_hour;
    for _ in 0..8 {
        hour = h.start_hour + rng.gen::<f64>() * h.day_len;
        if !(12.0..13.0).contains(&hour) || rng.gen::<f64>() < 0.35 {
            break;
        }
    }
    (hour * HOUR_MS as f64) as i64
}

/// An action in the team's usual mix.
pub(super) fn pick_action(rng: &mut SmallRng, team: usize) -> &'static str {
    let actions = TEAMS[team].actions;
    let total: f64 = actions.iter().map(|a| a.1).sum();
    let mut x = rng.gen::<f64>() * total;
    for &(action, w) in actions {
        if x < w {
            return action;
        }
        x -= w;
    }
    actions.last().map_or("read", |a| a.0)
}

/// Weekly rotation: slot `s` of a pool of `n` is on call in weeks `s, s + n, ...`.
fn is_on_call(h: &Human, day: u32) -> bool {
    h.oncall
        .is_some_and(|(slot, pool)| pool > 0 && (day / 7) % pool == slot)
}
