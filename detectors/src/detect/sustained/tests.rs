//! What sustained volume must and must not flag: runs, organic growth, group-wide days, sizes.

use super::*;
use crate::timefmt::DAY_MS;

fn run(days: &[f64]) -> Option<SustainedHit> {
    let cfg = SustainedConfig::default();
    let mut s = SustainedState::default();
    let mut last = None;
    for (i, &d) in days.iter().enumerate() {
        if let Some(h) = s.close_day(i as i64 * DAY_MS, d, false, 1.0, &SizeAcc::default(), &cfg) {
            last = Some(h);
        }
    }
    last
}

fn noisy(n: usize, level: f64) -> Vec<f64> {
    (0..n)
        .map(|i| level * (0.8 + 0.08 * (i % 6) as f64))
        .collect()
}

#[test]
fn three_days_at_three_times_the_usual_volume_alarm() {
    let mut days = noisy(21, 1000.0);
    days.extend([3000.0, 3200.0, 2900.0]);
    assert!(run(&days).is_some_and(|h| h.alone && h.days >= 2));
}

#[test]
fn a_raised_run_alarms_once_not_every_day() {
    let cfg = SustainedConfig::default();
    let mut s = SustainedState::default();
    let mut days = noisy(21, 1000.0);
    days.extend([3000.0; 8]);
    let hits = days
        .iter()
        .enumerate()
        .filter_map(|(i, &d)| {
            s.close_day(i as i64 * DAY_MS, d, false, 1.0, &SizeAcc::default(), &cfg)
        })
        .count();
    assert_eq!(hits, 1);
}

#[test]
fn a_run_that_alarms_below_the_decision_rule_alarms_again_once_its_excess_stands_alone() {
    let mut days = vec![(2000.0, sized(40.0, 0.0)); 4];
    days.extend([(4000.0, sized(30.0, 1.0)); 3]);
    let hits = run_sized_with(&as_person(), 21, &days);
    assert!(hits.first().is_some_and(|h| !h.alone), "{hits:?}");
    assert!(hits.last().is_some_and(|h| h.alone), "{hits:?}");
    assert!(hits.iter().filter(|h| h.alone).count() == 1, "{hits:?}");
}

#[test]
fn a_long_modest_run_below_the_decision_rule_is_not_reported_every_day() {
    let hits = run_sized_with(&as_person(), 21, &[(3000.0, sized(40.0, 0.0)); 10]);
    assert!(!hits.is_empty() && hits.len() <= 3, "{hits:?}");
    assert!(hits.iter().all(|h| !h.alone), "{hits:?}");
}

/// A day of `n` accesses whose log-sizes sit `z` standard deviations above their resources' usual.
fn sized(n: f64, z: f64) -> SizeAcc {
    SizeAcc {
        observed: 10.0 * n,
        expected: 10.0 * n,
        var: 100.0 * n,
        z_sum: z * n,
        z_n: n,
        ..SizeAcc::default()
    }
}

fn run_sized(history: usize, days: &[(f64, SizeAcc)]) -> Vec<SustainedHit> {
    run_sized_with(&SustainedConfig::default(), history, days)
}

/// The decision rule for actors with busy weeks, on the steady history of `run_sized`: that history
/// is regular (log sd about 0.14), so regularity is switched off to stand it in for a person's.
fn as_person() -> SustainedConfig {
    SustainedConfig {
        regular_log_sd: 0.0,
        ..SustainedConfig::default()
    }
}

fn run_sized_with(
    cfg: &SustainedConfig,
    history: usize,
    days: &[(f64, SizeAcc)],
) -> Vec<SustainedHit> {
    let mut s = SustainedState::default();
    let mut hits = Vec::new();
    for (i, d) in noisy(history, 1000.0).into_iter().enumerate() {
        s.close_day(i as i64 * DAY_MS, d, false, 1.0, &sized(20.0, 0.0), cfg);
    }
    for (i, (d, size)) in days.iter().enumerate() {
        let t = (history + i) as i64 * DAY_MS;
        hits.extend(s.close_day(t, *d, false, 1.0, size, cfg));
    }
    hits
}

#[test]
fn four_days_at_twice_the_usual_volume_in_larger_accesses_alarm() {
    // Twice the volume, the extra in accesses a bit larger than the resources' usual: each access
    // half a standard deviation up on the log scale, unremarkable alone, steady over four days.
    let hits = run_sized(21, &[(2000.0, sized(26.0, 0.5)); 4]);
    assert!(hits.iter().any(|h| h.alone), "{hits:?}");
}

/// A person whose daily total spreads like the simulated worlds' (log sd about 0.55), around 1,000.
fn spread_days(n: usize) -> Vec<f64> {
    let z: [f64; 10] = [-1.5, -0.8, -0.3, 0.0, 0.3, 0.8, 1.5, -1.0, 1.0, 0.0];
    (0..n)
        .map(|i| 1000.0 * (0.6 * z[i % z.len()]).exp())
        .collect()
}

fn run_spread(history: &[f64], days: &[(f64, SizeAcc)]) -> Vec<SustainedHit> {
    let cfg = SustainedConfig::default();
    let mut s = SustainedState::default();
    for (i, &d) in history.iter().enumerate() {
        s.close_day(i as i64 * DAY_MS, d, false, 1.0, &sized(20.0, 0.0), &cfg);
    }
    let mut hits = Vec::new();
    for (i, (d, size)) in days.iter().enumerate() {
        let t = (history.len() + i) as i64 * DAY_MS;
        hits.extend(s.close_day(t, *d, false, 1.0, size, &cfg));
    }
    hits
}

#[test]
fn four_days_at_twice_the_volume_in_somewhat_larger_accesses_alarm_for_a_variable_reader() {
    // Twice the volume is about one and a half sd of this person's daily total; what gives it
    // away is that the extra reads are larger than the tables usually return.
    let hits = run_spread(&spread_days(30), &[(2200.0, sized(26.0, 0.4)); 4]);
    assert!(hits.iter().any(|h| h.alone), "{hits:?}");
}

#[test]
fn twice_the_volume_of_ordinary_sized_accesses_does_not_alarm_alone_for_a_variable_reader() {
    let hits = run_spread(&spread_days(30), &[(2000.0, sized(40.0, 0.0)); 6]);
    assert!(hits.iter().all(|h| !h.alone), "{hits:?}");
}

#[test]
fn one_heavy_day_of_large_accesses_is_not_a_run() {
    let mut days = vec![(5000.0, sized(40.0, 1.5))];
    days.extend(spread_days(5).into_iter().map(|d| (d, sized(20.0, 0.0))));
    let hits = run_spread(&spread_days(30), &days);
    assert!(hits.iter().all(|h| !h.alone), "{hits:?}");
}

#[test]
fn organic_growth_of_ordinary_accesses_does_not_alarm() {
    let days: Vec<(f64, SizeAcc)> = spread_days(40)
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            (
                d * 1.03f64.powi(i as i32),
                sized(20.0 * 1.03f64.powi(i as i32), 0.0),
            )
        })
        .collect();
    let hits = run_spread(&spread_days(21), &days);
    assert!(hits.iter().all(|h| !h.alone), "{hits:?}");
}

#[test]
fn a_busy_week_of_ordinary_sized_accesses_does_not_alarm_alone() {
    let hits = run_sized_with(&as_person(), 21, &[(2000.0, sized(40.0, 0.0)); 5]);
    assert!(hits.iter().all(|h| !h.alone), "{hits:?}");
}

#[test]
fn a_regular_actor_doubling_for_days_in_ordinary_accesses_alarms() {
    // A service whose days vary by about 14%: a doubling is five of its sd a day, no busy week.
    let hits = run_sized(21, &[(2000.0, sized(40.0, 0.0)); 5]);
    assert!(hits.iter().any(|h| h.alone), "{hits:?}");
}

#[test]
fn two_heavy_days_are_not_a_run() {
    let mut days = noisy(21, 1000.0);
    days.extend([5000.0, 5000.0, 1000.0]);
    assert!(run(&days).is_none());
}

#[test]
fn ordinary_noise_and_slow_growth_do_not_alarm() {
    let days: Vec<f64> = (0..60)
        .map(|i| 1000.0 * 1.02f64.powi(i) * (0.8 + 0.08 * (i % 6) as f64))
        .collect();
    assert!(run(&days).is_none());
}

#[test]
fn a_group_wide_day_is_divided_out() {
    let cfg = SustainedConfig::default();
    let mut s = SustainedState::default();
    for (i, d) in noisy(21, 1000.0).into_iter().enumerate() {
        s.close_day(i as i64 * DAY_MS, d, false, 1.0, &SizeAcc::default(), &cfg);
    }
    let hits: Vec<_> = (21..24)
        .filter_map(|i| s.close_day(i * DAY_MS, 4000.0, false, 4.0, &SizeAcc::default(), &cfg))
        .collect();
    assert!(hits.is_empty());
}
