//! The events of each planned attack, added on top of the target's ordinary activity and tagged so
//! that labels can list them.
//!
//! Attack events reuse the target's own tables, actions and origin wherever the real misuse would,
//! so the only signal is the one the attack kind is about (volume, breadth, hour, origin, ...).

use rand::rngs::SmallRng;
use rand::seq::index::sample;
use rand::Rng;

use crate::event::Outcome;

use super::calendar::{Calendar, HOUR_MS, MINUTE_MS};
use super::cast::{Cast, Human, Role, Service};
use super::draft::{Draft, Sink};
use super::human::{pick_action, work_time};
use super::labels::AttackKind;
use super::machines::SERVICES;
use super::plan::{burst_minutes, workdays_from, AttackPlan};
use super::random::{exp_ms, lognormal, poisson};
use super::service::peak_hour;

/// Adds the events of attack number `index`.
pub(super) fn inject(
    cal: &Calendar,
    cast: &Cast,
    plan: &AttackPlan,
    index: u16,
    rng: &mut SmallRng,
    drafts: &mut Vec<Draft>,
) {
    let actor = plan.actor as u32;
    match &cast.actors[plan.actor].role {
        Role::Human(h) => {
            let mut sink = Sink {
                cast,
                actor,
                origin: h.origin,
                attack: Some(index),
                drafts,
            };
            by_person(cal, plan, h, rng, &mut sink);
        }
        Role::Service(s) => {
            let mut sink = Sink {
                cast,
                actor,
                origin: plan.origin.unwrap_or(s.origin),
                attack: Some(index),
                drafts,
            };
            from_new_origin(cal, plan, s, rng, &mut sink);
        }
        Role::Batch { .. } => {}
    }
}

fn by_person(cal: &Calendar, plan: &AttackPlan, h: &Human, rng: &mut SmallRng, sink: &mut Sink) {
    let cast = sink.cast;
    let midnight = cal.day_start(plan.day) - h.tz_ms;
    let at = midnight + work_time(rng, h);
    let daily = cast.expected_daily_records(h);
    match plan.kind {
        AttackKind::BulkExport => export(rng, sink, h, at, plan.level * daily),
        AttackKind::NewHireExfil => export(
            rng,
            sink,
            h,
            at,
            plan.level * cast.team_median_daily(h.team),
        ),
        AttackKind::LowAndSlow => {
            for day in workdays_from(cal, plan.day, 4) {
                let midnight = cal.day_start(day) - h.tz_ms;
                let n = rng.gen_range(4..=8);
                for _ in 0..n {
                    let t = midnight + work_time(rng, h);
                    let records = plan.level * daily / f64::from(n) * lognormal(rng, 1.0, 0.3);
                    own_table(rng, sink, h, t, records);
                }
            }
        }
        AttackKind::OffHours => {
            let n = rng.gen_range(6..=15);
            let mut t = midnight + HOUR_MS + rng.gen_range(0..2 * HOUR_MS);
            for _ in 0..n {
                let records = plan.level * daily / f64::from(n) * lognormal(rng, 1.0, 0.3);
                own_table(rng, sink, h, t, records);
                t += 2 * MINUTE_MS + exp_ms(rng, 4.0 * MINUTE_MS as f64);
            }
        }
        AttackKind::Enumeration => {
            let tables = cast.warehouse.clone();
            let n = (plan.level as usize).min(tables.len());
            let step = (20 * MINUTE_MS + n as i64 * 15_000) / n.max(1) as i64;
            let mut t = at;
            for (i, k) in sample(rng, tables.len(), n).into_iter().enumerate() {
                let action = if i % 3 == 0 { "list" } else { "read" };
                let records = rng.gen_range(1..=20);
                sink.access(rng, t, action, tables.start + k as u32, records);
                t += step / 2 + rng.gen_range(0..step.max(1));
            }
        }
        AttackKind::SensitiveFirstAccess => {
            let Some(resource) = plan.resource else {
                return;
            };
            let median = match plan.level as u32 {
                0 | 1 => 1.0,
                2 | 3 => 20.0,
                _ => 300.0,
            };
            let mut t = at;
            for _ in 0..plan.level as u32 {
                let records = lognormal(rng, median, 0.3).round().max(1.0) as u64;
                sink.access(rng, t, "read", resource, records);
                t += MINUTE_MS + exp_ms(rng, 2.0 * MINUTE_MS as f64);
            }
        }
        AttackKind::DeniedBurst => {
            let n = plan.level as u32;
            let span = burst_minutes(plan.level) * MINUTE_MS;
            for _ in 0..n {
                let resource = rng.gen_range(0..cast.resources.len() as u32);
                let action = ["read", "export", "query"][rng.gen_range(0..3)];
                let t = at + rng.gen_range(0..span);
                sink.access(rng, t, action, resource, 0).outcome = Outcome::Denied;
            }
        }
        AttackKind::RuleBreach => {
            let health = cast
                .find("hr.health_benefits")
                .or_else(|| h.resources.favourite());
            if let Some(resource) = health {
                sink.access(rng, at, "export", resource, plan.level as u64);
            }
        }
        // Everything a peer outlier does is the attack: its events are tagged where they are generated.
        AttackKind::PeerOutlier | AttackKind::ServiceNewOrigin => {}
    }
}

/// A bulk export of `total` records from the actor's favourite personal or financial table, in 1-3 goes.
fn export(rng: &mut SmallRng, sink: &mut Sink, h: &Human, at: i64, total: f64) {
    let sensitive = h
        .resources
        .iter()
        .filter(|(r, _)| {
            matches!(
                sink.cast.resources[*r as usize].sensitivity,
                "pii" | "financial" | "health"
            )
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(r, _)| r);
    let Some(resource) = sensitive.or_else(|| h.resources.favourite()) else {
        return;
    };
    let n = rng.gen_range(1..=3);
    let mut t = at;
    for _ in 0..n {
        sink.access(
            rng,
            t,
            "export",
            resource,
            (total / f64::from(n)).round().max(1.0) as u64,
        );
        t += MINUTE_MS + exp_ms(rng, 3.0 * MINUTE_MS as f64);
    }
}

/// An access that looks like the actor's own work (usual tables and actions) but returns `records`.
fn own_table(rng: &mut SmallRng, sink: &mut Sink, h: &Human, t: i64, records: f64) {
    if let Some(resource) = h.resources.pick(rng) {
        let action = pick_action(rng, h.team);
        sink.access(rng, t, action, resource, records.round().max(1.0) as u64);
    }
}

/// A service identity used from an unseen origin for 45 minutes around its busiest hour.
fn from_new_origin(
    cal: &Calendar,
    plan: &AttackPlan,
    s: &Service,
    rng: &mut SmallRng,
    sink: &mut Sink,
) {
    let def = &SERVICES[s.def];
    let (events, records) = peak_hour(s);
    let total = plan.level * records * 0.75;
    let n = poisson(rng, events * 0.75).max(5);
    let start = cal.day_start(plan.day) + (s.peak_hour_utc * HOUR_MS as f64) as i64 - HOUR_MS / 2
        + rng.gen_range(0..HOUR_MS);
    for _ in 0..n {
        let Some(&resource) = s.resources.get(rng.gen_range(0..s.resources.len().max(1))) else {
            return;
        };
        let records = (total / f64::from(n) * lognormal(rng, 1.0, 0.3))
            .round()
            .max(1.0) as u64;
        let t = start + rng.gen_range(0..45 * MINUTE_MS);
        sink.access(rng, t, def.action, resource, records);
    }
}
