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
use crate::detect::day_evidence;
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
    /// weeks add accesses of ordinary size, exfiltration adds big ones. Except for a **regular**
    /// actor, whose learned spread of log daily totals is at most `regular_log_sd` (a service, a
    /// job): it has no busy weeks, so its days are judged on their totals alone and a raised run
    /// stands without size evidence.
    pub size_p: f64,
    pub regular_log_sd: f64,
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
            regular_log_sd: 0.2,
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
    /// The actor was regular (see `regular_log_sd`) when the run began: judged before the raised
    /// days widened its learned spread.
    #[serde(default)]
    pub run_regular: bool,
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
        let learned_sd = f64::from(b.var).sqrt();
        // Within a run, as it was when the run began (raised days widen the learned spread).
        let regular = if self.cusum > 0.0 {
            self.run_regular
        } else {
            b.n >= cfg.min_days && learned_sd <= cfg.regular_log_sd
        };
        let sd = learned_sd.max(cfg.min_log_sd);
        let mut hit = None;
        if self.days() >= cfg.min_days {
            let z_total = (x - f64::from(b.mean)) / sd;
            // The day's access sizes against their resources are a second look at the same excess.
            let z = if regular {
                z_total
            } else {
                day_evidence::total_and_sizes(z_total, size)
            };
            let next = (self.cusum + z - cfg.k).max(0.0);
            if next > 0.0 {
                if self.cusum == 0.0 {
                    self.run_regular = regular;
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
                        && (sizes.is_some() || self.run_size.log_z().is_none() || self.run_regular),
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
mod tests;
