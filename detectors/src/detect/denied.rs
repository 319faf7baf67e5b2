//! Denied burst: many `denied` outcomes from one actor in a window (probing permissions).
//!
//! Ordinary work has a trickle of denials (an expired link, a wrong table name); the baseline is the
//! actor's denied count per active window, and a burst must also reach an absolute floor, so that an
//! actor with no history of denials does not alert on three.

use serde::{Deserialize, Serialize};

use crate::explain::{count, duration};
use crate::finding::{Context, Facts, Family, Finding};
use crate::timefmt::format_utc;

use crate::config::{positive, ConfigError};
use crate::stats::{ln_count_sf, Moments};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeniedConfig {
    pub enabled: bool,
    /// Fewest denials in a window that can alert.
    pub min_denied: u64,
    /// ... and the multiple of the actor's usual count they must reach.
    pub min_ratio: f64,
    pub memory_windows: f32,
    /// Denials per window assumed before there is history (a small trickle).
    pub prior_mean: f64,
}

impl Default for DeniedConfig {
    fn default() -> Self {
        DeniedConfig {
            enabled: true,
            min_denied: 10,
            min_ratio: 5.0,
            memory_windows: 600.0,
            prior_mean: 0.2,
        }
    }
}

impl DeniedConfig {
    pub fn validate(&self) -> Result<(), ConfigError> {
        positive("denied_burst.min_ratio", self.min_ratio)?;
        positive("denied_burst.prior_mean", self.prior_mean)
    }
}

/// Result of one window's denied check.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DeniedCheck {
    pub ln_p: f64,
    pub expected: f64,
    pub alone: bool,
}

/// Judges `denied` against the actor's denied-per-window history.
/// `windows` is how many consecutive windows `denied` was counted over (bursts straddle windows).
pub fn check(denied: u64, windows: f64, own: &Moments, cfg: &DeniedConfig) -> Option<DeniedCheck> {
    if denied < cfg.min_denied {
        return None;
    }
    // Shrink towards the prior while history is short.
    let n = f64::from(own.n);
    let w = n / (n + 24.0);
    let mean = (w * f64::from(own.mean) + (1.0 - w) * cfg.prior_mean).max(0.05);
    let var = (w * own.second() + (1.0 - w) * (cfg.prior_mean + cfg.prior_mean.powi(2))
        - mean * mean)
        .max(mean);
    let d = denied as f64;
    let (mean, var) = (mean * windows, var * windows);
    Some(DeniedCheck {
        ln_p: ln_count_sf(d, mean, var),
        expected: mean,
        alone: d >= cfg.min_ratio * mean,
    })
}

/// The window's denied-burst finding.
pub(crate) fn finding(ctx: &Context<'_>, denied: u64, c: &DeniedCheck) -> Finding {
    ctx.finding(Facts {
        family: Family::DeniedBurst,
        ln_p: c.ln_p,
        alone: c.alone,
        observed: denied as f64,
        expected: c.expected,
        unit: "denied requests",
        baseline: "own denied requests per active window".to_owned(),
        what: format!(
            "was denied {} times in {} from {} (usually {} per window): probing for access?",
            count(denied as f64),
            duration(ctx.span_ms),
            format_utc(ctx.start_ms),
            count(c.expected)
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history(n: usize, every: usize) -> Moments {
        let mut m = Moments::default();
        for i in 0..n {
            m.update(if i % every == 0 { 1.0 } else { 0.0 }, 600.0);
        }
        m
    }

    #[test]
    fn forty_denials_in_a_window_are_a_burst() {
        let c = check(40, 1.0, &history(300, 20), &DeniedConfig::default());
        assert!(c.is_some_and(|c| c.alone && c.ln_p < (1e-9f64).ln()));
    }

    #[test]
    fn fifteen_denials_over_two_windows_are_a_burst() {
        let c = check(15, 2.0, &history(300, 20), &DeniedConfig::default());
        assert!(c.is_some_and(|c| c.alone && c.ln_p < (1e-6f64).ln()));
    }

    #[test]
    fn a_few_denials_are_not_a_burst_even_without_history() {
        assert!(check(3, 1.0, &Moments::default(), &DeniedConfig::default()).is_none());
    }

    #[test]
    fn an_actor_that_always_gets_many_denials_is_not_flagged_for_its_usual_count() {
        let mut m = Moments::default();
        for i in 0..300 {
            m.update(12.0 + (i % 5) as f64, 600.0);
        }
        assert!(check(15, 1.0, &m, &DeniedConfig::default()).is_some_and(|c| !c.alone));
    }
}
