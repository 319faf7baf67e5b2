//! Breadth: distinct resources touched per window, against the actor's history (enumeration, walking
//! tables).
//!
//! Counted with a 64-byte linear-counting sketch per window (`stats::sketch::Distinct`), so touching ten
//! thousand tables costs no more memory than touching three. The baseline is the distinct count over the
//! actor's active windows, borrowing from the group's members while the actor is young.

use serde::{Deserialize, Serialize};

use crate::explain::{count, duration, ratio};
use crate::finding::{Context, Facts, Family, Finding};
use crate::timefmt::format_utc;

use crate::config::{positive, ConfigError};
use crate::stats::sketch::Distinct;
use crate::stats::{ln_count_sf, Moments};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BreadthConfig {
    pub enabled: bool,
    /// Active windows after which the actor's own history outweighs its peers.
    pub prior_windows: f64,
    pub memory_windows: f32,
    /// An alert needs at least this many distinct resources in the window...
    pub min_distinct: f64,
    /// ... and this multiple of the expected count.
    pub min_ratio: f64,
    /// A run (consecutive active windows, at most `run_minutes` long) is judged too, against the
    /// actor's completed runs: an enumeration paced at a table a minute never fills one window.
    pub run_minutes: i64,
    /// A run alerts alone from this many distinct resources (and `min_ratio` x its expectation).
    pub run_min_distinct: f64,
}

impl Default for BreadthConfig {
    fn default() -> Self {
        BreadthConfig {
            enabled: true,
            prior_windows: 24.0,
            memory_windows: 600.0,
            min_distinct: 25.0,
            min_ratio: 4.0,
            run_minutes: 60,
            run_min_distinct: 20.0,
        }
    }
}

impl BreadthConfig {
    pub fn validate(&self) -> Result<(), ConfigError> {
        positive("breadth.min_ratio", self.min_ratio)?;
        positive("breadth.run_minutes", self.run_minutes as f64)?;
        positive("breadth.memory_windows", f64::from(self.memory_windows))
    }
}

/// Result of one window's breadth check.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BreadthCheck {
    pub ln_p: f64,
    pub expected: f64,
    pub peer_weight: f64,
    pub alone: bool,
}

/// Distinct resources over a run of consecutive active windows (one empty window allowed between
/// them), cut after `run_minutes`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Run {
    pub sketch: Distinct,
    pub start_ms: i64,
    pub last_ms: i64,
}

impl Default for Run {
    fn default() -> Self {
        Run {
            sketch: Distinct::default(),
            start_ms: i64::MIN,
            last_ms: i64::MIN,
        }
    }
}

impl Run {
    /// Adds the window starting at `start` (`window_ms` long) with its distinct sketch; returns the
    /// distinct count of the run it ends, if it starts a new one.
    pub fn add(
        &mut self,
        start: i64,
        window_ms: i64,
        window: &Distinct,
        run_minutes: i64,
    ) -> Option<f64> {
        let continues = self.last_ms != i64::MIN
            && start - self.last_ms <= 2 * window_ms
            && start + window_ms - self.start_ms <= run_minutes * 60_000;
        if continues {
            self.sketch.merge(window);
            self.last_ms = start;
            return None;
        }
        let ended = (self.last_ms != i64::MIN).then(|| self.sketch.estimate());
        *self = Run {
            sketch: *window,
            start_ms: start,
            last_ms: start,
        };
        ended
    }

    /// Whether the run holds more than one window (a single window is judged on its own).
    pub fn is_long(&self) -> bool {
        self.last_ms > self.start_ms
    }

    /// Windows the run spans, as of its last one.
    pub fn windows(&self, window_ms: i64) -> f64 {
        ((self.last_ms - self.start_ms) / window_ms.max(1) + 1) as f64
    }
}

/// Judges `distinct` against own (and, while young, peer) history. `None` without any baseline.
pub fn check(
    distinct: f64,
    own: &Moments,
    peers: Option<&Moments>,
    cfg: &BreadthConfig,
) -> Option<BreadthCheck> {
    check_with(distinct, own, peers, cfg, cfg.min_distinct)
}

/// Judges a run's `distinct` against the actor's (and, while young, its peers') completed runs.
/// A run is looked at once per window it holds (`looks`): its p-value pays for them (Bonferroni).
pub fn check_run(
    distinct: f64,
    looks: f64,
    own: &Moments,
    peers: Option<&Moments>,
    cfg: &BreadthConfig,
) -> Option<BreadthCheck> {
    check_with(distinct, own, peers, cfg, cfg.run_min_distinct).map(|c| BreadthCheck {
        ln_p: (c.ln_p + looks.max(1.0).ln()).min(0.0),
        ..c
    })
}

fn check_with(
    distinct: f64,
    own: &Moments,
    peers: Option<&Moments>,
    cfg: &BreadthConfig,
    min_distinct: f64,
) -> Option<BreadthCheck> {
    let n = f64::from(own.n);
    let peer = peers.filter(|p| p.n >= 3.0);
    let w = match peer {
        Some(_) => n / (n + cfg.prior_windows),
        None if n >= cfg.prior_windows => 1.0,
        None => return None,
    };
    let p = peer.copied().unwrap_or_default();
    let mean = w * f64::from(own.mean) + (1.0 - w) * f64::from(p.mean);
    let second = w * own.second() + (1.0 - w) * p.second();
    let mean = mean.max(1.0);
    let var = (second - mean * mean).max(mean).max(0.25 * mean * mean);
    Some(BreadthCheck {
        ln_p: ln_count_sf(distinct.round(), mean, var),
        expected: mean,
        peer_weight: 1.0 - w,
        alone: distinct >= min_distinct && distinct >= cfg.min_ratio * mean,
    })
}

/// The breadth finding of a window, or of a run of windows (`run`).
pub(crate) fn finding(ctx: &Context<'_>, distinct: f64, c: &BreadthCheck, run: bool) -> Finding {
    let per = if run {
        "run of consecutive active windows"
    } else {
        "active window"
    };
    let baseline = if c.peer_weight > 0.5 {
        format!("distinct resources per {per} of {}", ctx.peers())
    } else {
        format!("own distinct resources per {per}")
    };
    ctx.finding(Facts {
        family: Family::Breadth,
        ln_p: c.ln_p,
        alone: c.alone,
        observed: distinct,
        expected: c.expected,
        unit: "distinct resources",
        baseline,
        what: format!(
            "touched about {} distinct resources in {} from {}, {} the usual {}",
            count(distinct.round()),
            duration(ctx.span_ms),
            format_utc(ctx.start_ms),
            ratio(distinct, c.expected),
            count(c.expected)
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history(n: usize, d: f64) -> Moments {
        let mut m = Moments::default();
        for i in 0..n {
            m.update(d + (i % 3) as f64, 600.0);
        }
        m
    }

    #[test]
    fn walking_eighty_tables_is_flagged_for_someone_who_uses_four() {
        let c = check(80.0, &history(200, 3.0), None, &BreadthConfig::default());
        assert!(
            c.is_some_and(|c| c.alone && c.ln_p < (1e-8f64).ln()),
            "{c:?}"
        );
    }

    #[test]
    fn a_usual_spread_of_tables_is_not_flagged() {
        let c = check(6.0, &history(200, 3.0), None, &BreadthConfig::default());
        assert!(c.is_some_and(|c| !c.alone));
    }

    #[test]
    fn a_new_actor_borrows_the_peers_breadth() {
        let c = check(
            60.0,
            &Moments::default(),
            Some(&history(100, 4.0)),
            &BreadthConfig::default(),
        );
        assert!(c.is_some_and(|c| c.alone && c.peer_weight > 0.99));
    }

    fn window_of(resources: std::ops::Range<u64>) -> Distinct {
        let mut d = Distinct::default();
        for r in resources {
            d.insert(crate::hash::hash_str(&format!("table_{r}")));
        }
        d
    }

    #[test]
    fn a_table_a_minute_for_half_an_hour_is_flagged_as_a_run() {
        let cfg = BreadthConfig::default();
        let w = 300_000;
        let mut run = Run::default();
        // Usual runs: one or two tables.
        for i in 0..6 {
            assert!(
                run.add(i * 10 * w, w, &window_of(0..2), cfg.run_minutes)
                    .is_some()
                    || i == 0
            );
        }
        let mut worst: Option<BreadthCheck> = None;
        for k in 0..6u64 {
            let t = 100 * w + k as i64 * w;
            run.add(t, w, &window_of(10 + 5 * k..15 + 5 * k), cfg.run_minutes);
            let window = check(5.0, &history(200, 1.0), None, &cfg);
            assert!(
                window.is_some_and(|c| !c.alone),
                "five a window is not alone"
            );
            worst = check_run(
                run.sketch.estimate(),
                run.windows(w),
                &history(200, 1.0),
                None,
                &cfg,
            );
        }
        assert!(
            worst.is_some_and(|c| c.alone && c.ln_p < (1e-8f64).ln()),
            "{worst:?}"
        );
    }

    #[test]
    fn a_long_sitting_on_the_usual_tables_is_not_a_run_to_flag() {
        let cfg = BreadthConfig::default();
        let w = 300_000;
        let mut run = Run::default();
        for k in 0..12 {
            run.add(k * w, w, &window_of(0..3), cfg.run_minutes);
        }
        let c = check_run(
            run.sketch.estimate(),
            run.windows(w),
            &history(200, 3.0),
            None,
            &cfg,
        );
        assert!(
            c.is_some_and(|c| !c.alone && c.ln_p > (1e-2f64).ln()),
            "{c:?}"
        );
    }

    #[test]
    fn a_run_is_cut_after_a_gap_and_after_its_length() {
        let w = 300_000;
        let mut run = Run::default();
        assert_eq!(run.add(0, w, &window_of(0..1), 60), None);
        assert_eq!(
            run.add(2 * w, w, &window_of(1..2), 60),
            None,
            "one quiet window between"
        );
        assert!(
            run.add(6 * w, w, &window_of(2..3), 60).is_some(),
            "a gap ends it"
        );
        for k in 7..18 {
            assert_eq!(run.add(k * w, w, &window_of(0..1), 60), None);
        }
        assert!(
            run.add(18 * w, w, &window_of(0..1), 60).is_some(),
            "an hour at most"
        );
    }
}
