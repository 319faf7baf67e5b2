//! Sustained volume: a CUSUM on daily totals for low-and-slow exfiltration over days.
//!
//! A window-level test cannot see 2x spread over a week: each window is unremarkable. A cumulative sum
//! of standardised daily excesses (on the log scale, where daily totals are roughly symmetric) grows
//! by a little every raised day and alarms when the sum passes `h`; the allowance `k` absorbs ordinary
//! day-to-day noise and slow organic growth, which the short-memory daily baseline also follows.
//! Group-wide days (a sale, a migration) are removed first by the group's median daily ratio.

use serde::{Deserialize, Serialize};

use crate::explain::{count, ratio};
use crate::finding::{Context, Facts, Family, Finding};
use crate::timefmt::format_utc;

use crate::config::{positive, ConfigError};
use crate::detect::size::SizeAcc;
use crate::stats::{fisher_ln_sf, ln_normal_sf, Moments};

/// Smoothing of the daily trend: about ten days.
const TREND_RATE: f64 = 0.1;
const LN_2: f64 = std::f64::consts::LN_2;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SustainedConfig {
    pub enabled: bool,
    /// Effective memory of the daily baseline, in active days.
    pub memory_days: f32,
    /// Active days of history before the detector judges.
    pub min_days: f32,
    /// CUSUM allowance per day, in standard deviations of log daily totals.
    pub k: f64,
    /// CUSUM alarm level...
    pub h: f64,
    /// ... reached over at least this many raised days: two heavy days happen to everyone.
    pub min_run_days: u32,
    /// Floor of the standard deviation of log daily totals.
    pub min_log_sd: f64,
    /// An alert needs the raised days to average at least this multiple of the baseline...
    pub min_ratio: f64,
    /// ... and an excess of at least this many records over the run...
    pub min_excess_records: f64,
    /// ... and, when sizes are known, its accesses must be larger than usual for their resources
    /// (mean standardised log-size over the run, see `size`) at this tail probability: ordinary busy
    /// weeks add accesses of ordinary size, exfiltration adds big ones.
    pub size_p: f64,
}

impl Default for SustainedConfig {
    fn default() -> Self {
        SustainedConfig {
            enabled: true,
            memory_days: 14.0,
            min_days: 10.0,
            k: 0.75,
            h: 4.0,
            min_run_days: 3,
            min_log_sd: 0.2,
            min_ratio: 1.5,
            min_excess_records: 200.0,
            size_p: 1e-4,
        }
    }
}

impl SustainedConfig {
    pub fn validate(&self) -> Result<(), ConfigError> {
        positive("sustained_volume.memory_days", f64::from(self.memory_days))?;
        positive("sustained_volume.h", self.h)?;
        positive("sustained_volume.min_log_sd", self.min_log_sd)
    }
}

/// Daily baseline (log scale, weekday and weekend apart) and the running CUSUM.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SustainedState {
    pub weekday: Moments,
    pub weekend: Moments,
    pub cusum: f64,
    pub run_start_ms: i64,
    pub run_days: u32,
    pub run_z: f64,
    pub run_records: f64,
    pub run_expected: f64,
    /// Access sizes over the run against their resources.
    pub run_size: SizeAcc,
    /// The current run already alarmed.
    pub alarmed: bool,
    /// Days of the run above the allowance (the run may continue through ordinary days).
    pub raised_days: u32,
    /// Daily change of the (lagging) weekday level: organic growth, projected forward so that a team
    /// that grows a few percent a day does not accumulate a false excess.
    pub trend: f64,
    /// Level of the sum at the run's last alarm that did not pass the decision rule (0 before any).
    #[serde(default)]
    pub alarm_level: f64,
}

/// A CUSUM alarm: the raised run of days.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SustainedHit {
    pub start_ms: i64,
    pub days: u32,
    pub observed: f64,
    pub expected: f64,
    pub ln_p: f64,
    pub alone: bool,
}

impl SustainedState {
    fn baseline(&self, weekend: bool) -> Moments {
        if weekend && self.weekend.n >= 3.0 {
            self.weekend
        } else {
            self.weekday
        }
    }

    /// Expected daily total (for evidence and the group's daily ratio).
    pub fn expected(&self, weekend: bool) -> Option<f64> {
        // (Without the trend: the group's daily ratio compares members on a like-for-like basis.)
        let b = self.baseline(weekend);
        (b.n >= 1.0).then(|| f64::from(b.mean).exp() - 1.0)
    }

    pub fn days(&self) -> f32 {
        self.weekday.n + self.weekend.n
    }

    /// Closes one active day with total `records`; `factor` is the group's common daily ratio.
    pub fn close_day(
        &mut self,
        day_start_ms: i64,
        records: f64,
        weekend: bool,
        factor: f64,
        size: &SizeAcc,
        cfg: &SustainedConfig,
    ) -> Option<SustainedHit> {
        let mut b = self.baseline(weekend);
        // The weighted mean lags a trending level by about `trend * (memory - 1)`.
        let lag = (self.trend * f64::from(cfg.memory_days - 1.0).max(0.0)).clamp(-LN_2, LN_2);
        b.mean += lag as f32;
        let x = (1.0 + records / factor.max(1e-9)).ln();
        let sd = f64::from(b.var).sqrt().max(cfg.min_log_sd);
        let mut hit = None;
        if self.days() >= cfg.min_days {
            let z_total = (x - f64::from(b.mean)) / sd;
            // The day's access sizes against their resources (mean standardised log-size: each
            // access counts, however large, only up to a bound) are a second look at the same excess.
            let z = match size.log_z().map(|z| z.clamp(-MAX_SIZE_Z, MAX_SIZE_Z)) {
                Some(z_size) => weighted_total_size(z_total, z_size),
                None => z_total,
            };
            let next = (self.cusum + z - cfg.k).max(0.0);
            if next > 0.0 {
                if self.cusum == 0.0 {
                    self.run_start_ms = day_start_ms;
                    self.run_days = 0;
                    self.raised_days = 0;
                    self.run_z = 0.0;
                    self.run_records = 0.0;
                    self.run_expected = 0.0;
                    self.run_size = SizeAcc::default();
                }
                self.run_size.add(size);
                self.run_days += 1;
                self.raised_days += u32::from(z > cfg.k);
                self.run_z += z;
                self.run_records += records;
                self.run_expected += (f64::from(b.mean).exp() - 1.0) * factor;
            }
            self.cusum = next;
            let sizes = self
                .run_size
                .log_z()
                .map(ln_normal_sf)
                .filter(|ln_p| *ln_p <= cfg.size_p.ln());
            if next == 0.0 {
                self.alarmed = false;
                self.alarm_level = 0.0;
            }
            // One alarm per raised run: it re-arms only once the sum has returned to zero. A run that
            // alarmed without passing the decision rule (its excess still too small to stand alone) is
            // judged again once it has gathered another `h` of evidence, as a fresh run would.
            if next >= self.alarm_level + cfg.h
                && !self.alarmed
                && self.raised_days >= cfg.min_run_days
            {
                let ratio = self.run_records / self.run_expected.max(1.0);
                let excess = self.run_records - self.run_expected;
                let ln_run = ln_normal_sf(self.run_z / f64::from(self.run_days.max(1)).sqrt());
                hit = Some(SustainedHit {
                    start_ms: self.run_start_ms,
                    days: self.run_days,
                    observed: self.run_records,
                    expected: self.run_expected,
                    ln_p: sizes.map_or(ln_run, |ln_size| fisher_ln_sf(ln_run + ln_size, 2)),
                    alone: ratio >= cfg.min_ratio
                        && excess >= cfg.min_excess_records
                        && (sizes.is_some() || self.run_size.log_z().is_none()),
                });
                self.alarmed = hit.is_some_and(|h| h.alone);
                self.alarm_level = next;
            }
        }
        {
            // Raised days teach the baseline only up to two sd above it, so a slow exfiltration is not
            // absorbed within the days it takes to alarm (one sd, as before, shrank the learned spread
            // until ordinary days' scores spread over 1.4 sd).
            let cap = if self.cusum > 0.0 {
                f64::from(b.mean) + 2.0 * sd
            } else {
                f64::from(b.mean) + 3.0 * sd
            };
            let x = if b.n >= 3.0 { x.min(cap) } else { x };
            let m = if weekend {
                &mut self.weekend
            } else {
                &mut self.weekday
            };
            let before = m.mean;
            m.update(x, cfg.memory_days);
            if !weekend && m.n >= 3.0 {
                self.trend += TREND_RATE * (f64::from(m.mean - before) - self.trend);
            }
        }
        hit
    }
}

/// Correlation assumed between a day's log total and its mean log access size: both are measured on
/// the same accesses (a day of bigger accesses is also a bigger day), so they are not independent
/// evidence. About 0.3 on the simulated worlds' ordinary days; the total also moves with the number
/// of accesses, which the sizes do not see.
const TOTAL_SIZE_CORRELATION: f64 = 0.3;

/// Bound on a day's size score: one day of odd queries must not make a run on its own.
const MAX_SIZE_Z: f64 = 4.0;

/// Stouffer's combination of two standard normal scores with correlation `TOTAL_SIZE_CORRELATION`:
/// the sum's standard deviation is `sqrt(2 + 2 rho)`, not `sqrt(2)`, or shared evidence counts twice.
pub(crate) fn stouffer_correlated(a: f64, b: f64) -> f64 {
    (a + b) / (2.0 + 2.0 * TOTAL_SIZE_CORRELATION).sqrt()
}

/// Weight of the daily total's score against the access sizes' score (1) in a day's evidence: the
/// ratio of their variances on ordinary days (measured over nine simulated worlds, 95,000 actor-days:
/// sd 1.10 for sizes, 1.35 for totals, whose upper tail is also heavier than normal: a busy day is
/// common, accesses larger than usual for their tables are not). Inverse-variance weights, so the
/// noisier score counts less; equal weights let ordinary busy days crowd the CUSUM.
const TOTAL_WEIGHT: f64 = 0.66;

/// A day's evidence from its total and its access sizes: the weighted sum, divided by its standard
/// deviation for unit-variance scores with correlation `TOTAL_SIZE_CORRELATION` (as in
/// [`stouffer_correlated`], which it equals with weight 1), so `k` and `h` keep their meaning.
fn weighted_total_size(total: f64, size: f64) -> f64 {
    let w = TOTAL_WEIGHT;
    (w * total + size) / (w * w + 1.0 + 2.0 * w * TOTAL_SIZE_CORRELATION).sqrt()
}

/// The low-and-slow finding: the raised run of days.
pub(crate) fn finding(ctx: &Context<'_>, h: &SustainedHit, days_of_history: f32) -> Finding {
    ctx.finding(Facts {
        family: Family::SustainedVolume,
        ln_p: h.ln_p,
        alone: h.alone,
        observed: h.observed,
        expected: h.expected,
        unit: "records",
        baseline: format!(
            "own daily totals over {} active days (CUSUM on log daily volume)",
            count(f64::from(days_of_history))
        ),
        what: format!(
            "read {} records over {} day{} from {}, {} the expected {} (raised day after day)",
            count(h.observed),
            h.days,
            if h.days == 1 { "" } else { "s" },
            format_utc(h.start_ms),
            ratio(h.observed, h.expected),
            count(h.expected)
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timefmt::DAY_MS;

    fn run(days: &[f64]) -> Option<SustainedHit> {
        let cfg = SustainedConfig::default();
        let mut s = SustainedState::default();
        let mut last = None;
        for (i, &d) in days.iter().enumerate() {
            if let Some(h) =
                s.close_day(i as i64 * DAY_MS, d, false, 1.0, &SizeAcc::default(), &cfg)
            {
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
        let hits = run_sized(21, &days);
        assert!(hits.first().is_some_and(|h| !h.alone), "{hits:?}");
        assert!(hits.last().is_some_and(|h| h.alone), "{hits:?}");
        assert!(hits.iter().filter(|h| h.alone).count() == 1, "{hits:?}");
    }

    #[test]
    fn a_long_modest_run_below_the_decision_rule_is_not_reported_every_day() {
        let hits = run_sized(21, &[(3000.0, sized(40.0, 0.0)); 10]);
        assert!(!hits.is_empty() && hits.len() <= 3, "{hits:?}");
        assert!(hits.iter().all(|h| !h.alone), "{hits:?}");
    }

    #[test]
    fn a_day_raised_in_total_and_in_sizes_alike_does_not_count_its_evidence_twice() {
        // Independent scores of 1 sd each would make sqrt(2) = 1.41 sd; correlated ones less.
        let z = stouffer_correlated(1.0, 1.0);
        assert!(z > 1.0 && z < 2f64.sqrt() - 0.1, "{z}");
        assert!((stouffer_correlated(2.0, 0.0) - 2.0 / 2.6f64.sqrt()).abs() < 1e-12);
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
        let cfg = SustainedConfig::default();
        let mut s = SustainedState::default();
        let mut hits = Vec::new();
        for (i, d) in noisy(history, 1000.0).into_iter().enumerate() {
            s.close_day(i as i64 * DAY_MS, d, false, 1.0, &sized(20.0, 0.0), &cfg);
        }
        for (i, (d, size)) in days.iter().enumerate() {
            let t = (history + i) as i64 * DAY_MS;
            hits.extend(s.close_day(t, *d, false, 1.0, size, &cfg));
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
        let hits = run_sized(21, &[(2000.0, sized(40.0, 0.0)); 5]);
        assert!(hits.iter().all(|h| !h.alone), "{hits:?}");
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

    #[test]
    fn the_daily_total_weighs_less_than_the_access_sizes() {
        // Equal weights reduce to the plain correlated Stouffer sum; the total counts 0.66 of the sizes.
        let (t, s) = (weighted_total_size(2.0, 0.0), weighted_total_size(0.0, 2.0));
        assert!(t < s && (t / s - TOTAL_WEIGHT).abs() < 1e-12, "{t} {s}");
        assert!(weighted_total_size(1.0, 1.0) > 1.0);
    }
}
