//! Machine identities: API services whose load follows their customers' day (quieter at weekends), and
//! batch jobs that read very large volumes on a fixed schedule.
//!
//! Both are deliberately large and regular: a detector must learn that a nightly half-million-row export
//! is normal for the ETL job and would not be for anyone else.

use rand::rngs::SmallRng;
use rand::Rng;

use crate::event::Outcome;

use super::calendar::{Calendar, HOUR_MS, MINUTE_MS};
use super::cast::{Actor, Service, PODS};
use super::draft::Sink;
use super::machines::{BatchDef, Cadence, SERVICES};
use super::random::{lognormal, normal, poisson, within};

/// Relative load at UTC hour `hour` for a service peaking at `peak`: a floor plus a daily bump.
pub(super) fn diurnal(hour: f64, peak: f64) -> f64 {
    let d = (hour - peak).rem_euclid(24.0);
    let distance = d.min(24.0 - d);
    0.35 + 0.65 * (-0.5 * (distance / 4.0).powi(2)).exp()
}

/// Mean of [`diurnal`] over a day, so that `events_per_day` is what a weekday really carries.
fn diurnal_mean(peak: f64) -> f64 {
    (0..24)
        .map(|h| diurnal(f64::from(h) + 0.5, peak))
        .sum::<f64>()
        / 24.0
}

/// Spread of records per request around the service's median (log scale).
const RECORDS_SIGMA: f64 = 0.8;

/// Expected events and records in the busiest hour of a weekday: the yardstick of service attacks.
pub(super) fn peak_hour(s: &Service) -> (f64, f64) {
    let events = s.events_per_day / 24.0 / diurnal_mean(s.peak_hour_utc);
    let per_event = SERVICES[s.def].median_records
        * s.records_factor
        * (RECORDS_SIGMA * RECORDS_SIGMA / 2.0).exp();
    (events, events * per_event)
}

/// Everything an API service does over the world's days.
pub(super) fn generate_service(
    cal: &Calendar,
    actor: &Actor,
    s: &Service,
    rng: &mut SmallRng,
    sink: &mut Sink,
) {
    let def = &SERVICES[s.def];
    let norm = diurnal_mean(s.peak_hour_utc);
    for day in actor.join_day..actor.leave_day.min(cal.days) {
        let weekend = if cal.is_weekend(day) { 0.6 } else { 1.0 };
        let growth = (1.0 + actor.growth).powf(f64::from(day));
        for hour in 0..24 {
            let load = diurnal(f64::from(hour) + 0.5, s.peak_hour_utc) / norm;
            let n = poisson(rng, s.events_per_day / 24.0 * load * weekend * growth);
            let from = cal.day_start(day) + i64::from(hour) * HOUR_MS;
            for _ in 0..n {
                let Some(&resource) = s.resources.get(rng.gen_range(0..s.resources.len().max(1)))
                else {
                    return;
                };
                let records = lognormal(rng, def.median_records * s.records_factor, RECORDS_SIGMA)
                    .round()
                    .max(1.0) as u64;
                let t = within(rng, from, HOUR_MS);
                let draft = sink.access(rng, t, def.action, resource, records);
                draft.origin = s.origin + rng.gen_range(0..PODS);
                if rng.gen::<f64>() < 0.003 {
                    draft.outcome = Outcome::Error;
                }
            }
        }
    }
}

/// Every run of a batch job: same time (give or take minutes), same tables, similar volume.
pub(super) fn generate_batch(
    cal: &Calendar,
    actor: &Actor,
    def: &BatchDef,
    rng: &mut SmallRng,
    sink: &mut Sink,
) {
    let resources: Vec<u32> = def
        .resources
        .iter()
        .filter_map(|r| sink.cast.find(r))
        .collect();
    if resources.is_empty() {
        return;
    }
    for day in actor.join_day..actor.leave_day.min(cal.days) {
        let runs = match def.cadence {
            Cadence::Nightly => true,
            Cadence::Weekdays => !cal.is_weekend(day),
            Cadence::Weekly(weekday) => cal.weekday(day) == weekday,
        };
        if !runs {
            continue;
        }
        let start = cal.day_start(day)
            + def.at_minute * MINUTE_MS
            + (normal(rng, 0.0, 5.0) * MINUTE_MS as f64) as i64;
        let step = 45 * MINUTE_MS / i64::from(def.events.max(1));
        for i in 0..def.events {
            let resource = resources[i as usize % resources.len()];
            let records = lognormal(rng, def.median_records, 0.15).round() as u64;
            let t = start + i64::from(i) * step + rng.gen_range(0..step.max(1));
            sink.access(rng, t, "export", resource, records);
        }
    }
}
