//! A streaming univariate detector for NAB series: a robust rolling baseline (median and MAD of the
//! recent past), each point's deviation from it, and the tail probability of the recent deviations
//! against the series' own history of deviations, which is the score in [0, 1].
//!
//! Scoring the deviation against its own history (as Numenta's anomaly likelihood does) calibrates
//! scores across series of any scale and noise, which NAB needs: one threshold serves the whole corpus.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};
use statrs::function::erf::erfc;

/// Window lengths, in points, of the detector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NabConfig {
    /// Recent points whose median and MAD are the baseline.
    pub baseline_points: usize,
    /// Deviations averaged into the current anomaly level.
    pub short_points: usize,
    /// Deviations the current level is compared with.
    pub long_points: usize,
    /// Points scored 0 while the baseline fills.
    pub warmup_points: usize,
    /// After a score, later scores within this many points that do not exceed it are damped: one
    /// episode, one detection (NAB charges every detection outside a window).
    pub quiet_points: usize,
}

impl Default for NabConfig {
    fn default() -> Self {
        NabConfig {
            baseline_points: 1000,
            short_points: 1,
            long_points: 20_000,
            warmup_points: 300,
            quiet_points: 200,
        }
    }
}

/// Factor applied to scores that repeat an episode's earlier peak.
const DAMPING: f64 = 0.5;

/// Streaming state: feed values in time order, get a score per value.
#[derive(Debug, Clone)]
pub struct UnivariateDetector {
    config: NabConfig,
    values: VecDeque<f64>,
    deviations: VecDeque<f64>,
    /// Running sums of `deviations` (and squares) to keep the long-term mean and spread O(1).
    sum: f64,
    sum_sq: f64,
    scratch: Vec<f64>,
    seen: usize,
    /// Recent raw scores, for damping repeats within an episode.
    recent: VecDeque<f64>,
}

impl UnivariateDetector {
    pub fn new(config: NabConfig) -> Self {
        UnivariateDetector {
            values: VecDeque::with_capacity(config.baseline_points + 1),
            deviations: VecDeque::with_capacity(config.long_points + 1),
            config,
            sum: 0.0,
            sum_sq: 0.0,
            scratch: Vec::new(),
            seen: 0,
            recent: VecDeque::new(),
        }
    }

    /// Anomaly score of `value` given everything before it: 0 (usual) to 1 (extremely unusual).
    /// A non-finite value scores 0 and is not learned from.
    pub fn update(&mut self, value: f64) -> f64 {
        if !value.is_finite() {
            return 0.0;
        }
        self.seen += 1;
        let score = match self.baseline() {
            Some((median, spread)) => {
                let deviation = ((value - median).abs() / spread).ln_1p();
                let score = self.likelihood(deviation);
                self.push_deviation(deviation);
                score
            }
            None => 0.0,
        };
        self.values.push_back(value);
        if self.values.len() > self.config.baseline_points.max(1) {
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

    /// Median and robust spread of the recent values; the spread is floored so that flat stretches
    /// do not turn the smallest change into an infinite deviation.
    fn baseline(&mut self) -> Option<(f64, f64)> {
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
        let floor = 1e-3 * median.abs() + 1e-9;
        Some((median, (1.4826 * mad).max(floor)))
    }

    /// Upper tail probability of the mean of the last few deviations (this one included) under a
    /// normal fitted to the long-term deviations, turned into a score `1 - tail`.
    fn likelihood(&self, deviation: f64) -> f64 {
        let n = self.deviations.len();
        if n < self.config.short_points.max(30) {
            return 0.0;
        }
        let mean = self.sum / n as f64;
        let sd = (self.sum_sq / n as f64 - mean * mean)
            .max(0.0)
            .sqrt()
            .max(0.05);
        let k = self.config.short_points.max(1);
        let recent: f64 = self.deviations.iter().rev().take(k - 1).sum::<f64>() + deviation;
        let level = recent / k as f64;
        score_of_tail((level - mean) / sd)
    }

    fn push_deviation(&mut self, deviation: f64) {
        self.deviations.push_back(deviation);
        self.sum += deviation;
        self.sum_sq += deviation * deviation;
        if self.deviations.len() > self.config.long_points.max(1) {
            if let Some(old) = self.deviations.pop_front() {
                self.sum -= old;
                self.sum_sq -= old * old;
            }
        }
    }
}

/// Maps the standard-normal upper tail beyond `z` to a score: with `L = -log10(tail)`, `L / (1 + L)`.
/// The logarithm keeps extreme tails apart (1 - tail rounds to 1 from z ≈ 8 on), so one threshold
/// can still rank a z of 10 above a z of 30; 0.5 means a 10% tail, 0.9 a 1e-9 tail.
fn score_of_tail(z: f64) -> f64 {
    let log10_tail = if z < 8.0 {
        (0.5 * erfc(z / std::f64::consts::SQRT_2)).log10()
    } else {
        // Mills' ratio: Q(z) ≈ φ(z) / z for large z.
        (-z * z / 2.0 - (z * (2.0 * std::f64::consts::PI).sqrt()).ln()) / std::f64::consts::LN_10
    };
    let l = (-log10_tail).max(0.0);
    l / (1.0 + l)
}

/// Median by selection (the slice is reordered).
fn select_median(v: &mut [f64]) -> f64 {
    let mid = v.len() / 2;
    let (_, m, _) = v.select_nth_unstable_by(mid, f64::total_cmp);
    *m
}

/// Scores a whole series (timestamps are only carried; points must be in time order).
pub fn score_series(points: &[(i64, f64)], config: &NabConfig) -> Vec<f64> {
    let mut detector = UnivariateDetector::new(config.clone());
    points.iter().map(|&(_, v)| detector.update(v)).collect()
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

    #[test]
    fn extreme_tails_stay_ordered() {
        assert!(score_of_tail(30.0) > score_of_tail(10.0));
        assert!(score_of_tail(10.0) > score_of_tail(7.9));
        let log10_2 = std::f64::consts::LOG10_2;
        assert!((score_of_tail(0.0) - log10_2 / (1.0 + log10_2)).abs() < 1e-12);
        assert!(score_of_tail(-5.0) >= 0.0);
    }
}
