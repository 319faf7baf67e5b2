//! A streaming univariate detector for NAB series: each point's deviation from a robust baseline
//! (the median of the recent past, and the median of the same time of day on earlier days), scored
//! by the tail probability of that deviation among the series' own past deviations.
//!
//! Two choices carry the score (measured on the development subset, docs/DETECTORS.md):
//! - The tail probability comes from a generalised Pareto fit to the series' largest deviations
//!   ([`Tail`]), not from a normal: it calibrates scores across series of any scale, noise and tail
//!   shape, which NAB needs since one threshold serves the whole corpus.
//! - A point explained by either baseline is not a deviation: the daily rhythm of a series (busy
//!   afternoons, quiet nights) is not an anomaly, while a burst is unusual against both.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::tail::Tail;

/// Window lengths, in points, and the tail model of the detector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NabConfig {
    /// Recent points whose median and MAD are the baseline (also the history searched for the same
    /// time of day).
    pub baseline_points: usize,
    /// Earlier days whose values at the same time of day are the second baseline (0: none).
    pub seasonal_days: usize,
    /// Past deviations a new one is compared with.
    pub history_points: usize,
    /// Quantile of the past deviations above which their tail is modelled.
    pub tail_quantile: f64,
    /// Points between refits of the tail.
    pub refit_points: usize,
    /// Points scored 0 at the start of a series.
    pub warmup_points: usize,
    /// After a score, later scores within this many points that do not exceed it are damped: one
    /// episode, one detection (NAB charges every detection outside a window).
    pub quiet_points: usize,
}

impl Default for NabConfig {
    fn default() -> Self {
        NabConfig {
            baseline_points: 3000,
            seasonal_days: 7,
            history_points: 5000,
            tail_quantile: 0.99,
            refit_points: 10,
            warmup_points: 100,
            quiet_points: 200,
        }
    }
}

/// Factor applied to scores that repeat an episode's earlier peak.
const DAMPING: f64 = 0.5;

const DAY_MS: i64 = 86_400_000;

/// Streaming state: feed points in time order, get a score per point.
#[derive(Debug, Clone)]
pub struct UnivariateDetector {
    config: NabConfig,
    /// The last `baseline_points` points, oldest first.
    times: VecDeque<i64>,
    values: VecDeque<f64>,
    /// Deviations from the recent median alone, which judge a point until ...
    plain: History,
    /// ... deviations from the closer of the two baselines have been learned for `seasonal_days`
    /// (a full week of same-time values). Each kind is judged against its own kind: mixed, the first
    /// day's larger deviations set the tail for weeks, and a smooth daily series hid a level jump.
    seasonal: History,
    /// Time of the first deviation with a same-time baseline.
    seasonal_since: Option<i64>,
    scratch: Vec<f64>,
    seen: usize,
    /// Recent raw scores, for damping repeats within an episode.
    recent: VecDeque<f64>,
}

impl UnivariateDetector {
    pub fn new(config: NabConfig) -> Self {
        UnivariateDetector {
            times: VecDeque::with_capacity(config.baseline_points + 1),
            values: VecDeque::with_capacity(config.baseline_points + 1),
            config,
            plain: History::default(),
            seasonal: History::default(),
            seasonal_since: None,
            scratch: Vec::new(),
            seen: 0,
            recent: VecDeque::new(),
        }
    }

    /// Anomaly score of the point `(t, value)` given everything before it: 0 (usual) to 1
    /// (extremely unusual). A non-finite value scores 0 and is not learned from.
    pub fn update(&mut self, t: i64, value: f64) -> f64 {
        if !value.is_finite() {
            return 0.0;
        }
        self.seen += 1;
        let score = match self.deviation(t, value) {
            Some((plain, seasonal)) => self.judge(t, plain, seasonal),
            None => 0.0,
        };
        self.times.push_back(t);
        self.values.push_back(value);
        if self.values.len() > self.config.baseline_points.max(1) {
            self.times.pop_front();
            self.values.pop_front();
        }
        if self.seen <= self.config.warmup_points {
            return 0.0;
        }
        let peak = self.recent.iter().copied().fold(0.0, f64::max);
        self.recent.push_back(score);
        if self.recent.len() > self.config.quiet_points {
            self.recent.pop_front();
        }
        if score > peak {
            score
        } else {
            score * DAMPING
        }
    }

    /// Scores a point's deviation against past deviations of its kind, then learns it: the plain
    /// deviation always, the seasonal one when there is a same-time baseline.
    fn judge(&mut self, t: i64, plain: f64, seasonal: Option<f64>) -> f64 {
        if seasonal.is_some() && self.seasonal_since.is_none() {
            self.seasonal_since = Some(t);
        }
        let span = self.config.seasonal_days as i64 * DAY_MS;
        let seasonal_ready = self.seasonal_since.is_some_and(|s| t - s >= span)
            && self.seasonal.deviations.len() >= self.config.warmup_points;
        let score = match seasonal {
            Some(d) if seasonal_ready => self.seasonal.score(d, &self.config, &mut self.scratch),
            _ => self.plain.score(plain, &self.config, &mut self.scratch),
        };
        self.plain.learn(plain, self.config.history_points);
        if let Some(d) = seasonal {
            self.seasonal.learn(d, self.config.history_points);
        }
        score
    }

    /// The point's deviations, `ln(1 + |value − baseline| / spread)`: from the recent median, and
    /// from the closer of the two baselines when there is a same-time one. The spread is the recent
    /// values' MAD, floored so that a flat stretch does not make the smallest change infinite.
    fn deviation(&mut self, t: i64, value: f64) -> Option<(f64, Option<f64>)> {
        if self.values.len() < 10 {
            return None;
        }
        self.scratch.clear();
        self.scratch.extend(self.values.iter().copied());
        let median = select_median(&mut self.scratch);
        for v in self.scratch.iter_mut() {
            *v = (*v - median).abs();
        }
        let mad = select_median(&mut self.scratch);
        let spread = (1.4826 * mad).max(1e-3 * median.abs() + 1e-9);
        let plain = (value - median).abs();
        let seasonal = self
            .same_time_median(t)
            .map(|seasonal| (plain.min((value - seasonal).abs()) / spread).ln_1p());
        Some(((plain / spread).ln_1p(), seasonal))
    }

    /// Median of the values at the same time of day (within one point's spacing) on the earlier
    /// `seasonal_days` days; `None` with fewer than three such values.
    fn same_time_median(&mut self, t: i64) -> Option<f64> {
        let n = self.times.len();
        if self.config.seasonal_days == 0 || n < 2 {
            return None;
        }
        let step = (self.times[n - 1] - self.times[n - 2]).max(1);
        self.scratch.clear();
        for day in 1..=self.config.seasonal_days as i64 {
            let at = t - day * DAY_MS;
            let start = self.times.partition_point(|&x| x < at - step);
            let end = self.times.partition_point(|&x| x <= at + step);
            self.scratch.extend(self.values.range(start..end));
        }
        (self.scratch.len() >= 3).then(|| select_median(&mut self.scratch))
    }
}

/// Past deviations of one kind and the tail fitted to them.
#[derive(Debug, Clone, Default)]
struct History {
    /// The last `history_points` deviations.
    deviations: VecDeque<f64>,
    tail: Option<Tail>,
    since_fit: usize,
}

impl History {
    /// `L / (1 + L)` with `L = −log10` of the deviation's tail probability among past deviations.
    fn score(&mut self, deviation: f64, config: &NabConfig, scratch: &mut Vec<f64>) -> f64 {
        if self.tail.is_none() || self.since_fit >= config.refit_points {
            scratch.clear();
            scratch.extend(self.deviations.iter().copied());
            self.tail = Tail::fit(scratch, config.tail_quantile);
            self.since_fit = 0;
        }
        self.since_fit += 1;
        self.tail
            .map_or(0.0, |tail| score_of_log10_tail(tail.log10_tail(deviation)))
    }

    fn learn(&mut self, deviation: f64, capacity: usize) {
        self.deviations.push_back(deviation);
        if self.deviations.len() > capacity.max(1) {
            self.deviations.pop_front();
        }
    }
}

/// Maps a tail probability to a score: with `L = −log10(tail)`, `L / (1 + L)`. The logarithm keeps
/// extreme tails apart, so one threshold can still rank a 1e-30 tail above a 1e-10 one; 0.5 means a
/// 10% tail, 0.9 a 1e-9 tail.
fn score_of_log10_tail(log10_tail: f64) -> f64 {
    let l = (-log10_tail).max(0.0);
    l / (1.0 + l)
}

/// Median by selection (the slice is reordered).
fn select_median(v: &mut [f64]) -> f64 {
    let mid = v.len() / 2;
    let (_, m, _) = v.select_nth_unstable_by(mid, f64::total_cmp);
    *m
}

/// Scores a whole series (points in time order).
pub fn score_series(points: &[(i64, f64)], config: &NabConfig) -> Vec<f64> {
    let mut detector = UnivariateDetector::new(config.clone());
    points.iter().map(|&(t, v)| detector.update(t, v)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic wiggle around 100 with a spike at `spike`.
    fn series(n: usize, spike: usize) -> Vec<(i64, f64)> {
        (0..n)
            .map(|i| {
                let noise = ((i * 7919) % 13) as f64 - 6.0;
                let v = if i == spike { 400.0 } else { 100.0 + noise };
                (i as i64 * 300_000, v)
            })
            .collect()
    }

    #[test]
    fn a_spike_in_a_steady_series_gets_the_highest_score() {
        let points = series(2000, 1500);
        let scores = score_series(&points, &NabConfig::default());
        assert_eq!(scores.len(), points.len());
        assert!(scores.iter().all(|s| (0.0..=1.0).contains(s)));
        let top = scores
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map(|(i, _)| i);
        assert_eq!(top, Some(1500));
        assert!(scores[1500] > 0.8, "{}", scores[1500]);
    }

    #[test]
    fn a_missing_value_neither_scores_nor_poisons_the_baseline() {
        let mut points = series(2000, 1500);
        points[1000].1 = f64::NAN;
        let scores = score_series(&points, &NabConfig::default());
        assert_eq!(scores[1000], 0.0);
        assert!(scores[1500] > 0.8 && scores.iter().all(|s| s.is_finite()));
    }

    #[test]
    fn the_warm_up_scores_zero() {
        let config = NabConfig::default();
        let scores = score_series(&series(500, 100), &config);
        assert!(scores[..config.warmup_points].iter().all(|&s| s == 0.0));
    }

    #[test]
    fn an_echo_of_an_episode_is_damped() {
        let mut points = series(2000, 1500);
        points[1510].1 = 400.0;
        let scores = score_series(&points, &NabConfig::default());
        assert!(scores[1510] < scores[1500]);
    }

    /// Ten days of 5-minute points with a daily rhythm: nights at 20, afternoons up to 200.
    fn rhythm(days: usize) -> Vec<(i64, f64)> {
        (0..days * 288)
            .map(|i| {
                let phase = (i % 288) as f64 / 288.0 * std::f64::consts::TAU;
                let noise = ((i * 7919) % 11) as f64 - 5.0;
                (i as i64 * 300_000, 110.0 - 90.0 * phase.cos() + noise)
            })
            .collect()
    }

    #[test]
    fn a_daily_rhythm_is_not_an_anomaly_but_a_burst_above_it_is() {
        // The tail calibration alone keeps daily peaks ordinary (this passes without the same-time
        // baseline too); the level-jump test below is the one that needs it.
        let mut points = rhythm(10);
        let burst = 9 * 288 + 144;
        points[burst].1 = 600.0;
        let scores = score_series(&points, &NabConfig::default());
        let last_days = &scores[7 * 288..];
        let top = last_days
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map(|(i, _)| i + 7 * 288);
        assert_eq!(top, Some(burst));
        assert!(scores[burst] > 0.8, "{}", scores[burst]);
        let afternoons = (7..9).flat_map(|d| d * 288 + 120..d * 288 + 168);
        let highest = afternoons.map(|i| scores[i]).fold(0.0, f64::max);
        assert!(highest < 0.7, "afternoon peak scored {highest}");
    }

    #[test]
    fn a_level_jump_in_a_smooth_daily_series_is_caught() {
        // The first day, judged against the recent median alone, deviates far more than the later
        // days against their same-time baseline; it must not set the tail they are judged by.
        let mut points = rhythm(12);
        let jump = 10 * 288 + 60;
        for p in &mut points[jump..jump + 100] {
            p.1 += 60.0;
        }
        let scores = score_series(&points, &NabConfig::default());
        assert!(scores[jump] > 0.9, "{}", scores[jump]);
        let before = scores[2 * 288..jump].iter().copied().fold(0.0, f64::max);
        assert!(before < 0.75, "ordinary days scored {before}");
    }

    #[test]
    fn a_series_of_two_levels_still_scores_a_jump() {
        // Idle CPU: two quantised levels, then one jump to 20x.
        let mut points: Vec<(i64, f64)> = (0..3000)
            .map(|i| (i as i64 * 300_000, if i % 3 == 0 { 0.066 } else { 0.134 }))
            .collect();
        points[2500].1 = 2.3;
        let scores = score_series(&points, &NabConfig::default());
        assert!(scores[2500] > 0.5, "{}", scores[2500]);
        assert!(scores[..2500].iter().all(|&s| s < scores[2500]));
    }

    #[test]
    fn extreme_tails_stay_ordered() {
        assert!(score_of_log10_tail(-30.0) > score_of_log10_tail(-10.0));
        assert!((score_of_log10_tail(-1.0) - 0.5).abs() < 1e-12);
        assert!((score_of_log10_tail(-9.0) - 0.9).abs() < 1e-12);
        assert_eq!(score_of_log10_tail(0.0), 0.0);
    }
}
