//! NAB's scoring, reimplemented so a NAB figure can be reported without Python: windows around labelled
//! anomalies, a sigmoid reward for early detection inside a window, a sigmoid-scaled cost for
//! detections outside, one threshold swept over the whole corpus, and normalisation against the null
//! detector (score 0) and the perfect one (score 100).
//!
//! It follows NAB's `sweeper.py` (v1.1): probation of the first 15% of rows (at most 750) is not
//! scored; inside a window only the best (earliest) detection counts; a row counts as detected when its
//! score is at least the threshold; ties between thresholds go to the higher one.

use serde::Serialize;

/// Weights of a NAB application profile.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CostProfile {
    pub tp_weight: f64,
    pub fp_weight: f64,
    pub fn_weight: f64,
}

impl CostProfile {
    pub const STANDARD: CostProfile = CostProfile {
        tp_weight: 1.0,
        fp_weight: 0.11,
        fn_weight: 1.0,
    };
    pub const REWARD_LOW_FP_RATE: CostProfile = CostProfile {
        tp_weight: 1.0,
        fp_weight: 0.22,
        fn_weight: 1.0,
    };
    pub const REWARD_LOW_FN_RATE: CostProfile = CostProfile {
        tp_weight: 1.0,
        fp_weight: 0.11,
        fn_weight: 2.0,
    };
}

/// One series of a corpus: its timestamps (sorted), a detector's scores, and its labelled windows.
#[derive(Debug, Clone, Copy)]
pub struct ScoredSeries<'a> {
    pub timestamps: &'a [i64],
    pub scores: &'a [f64],
    /// Inclusive `(start, end)` times of the anomaly windows, in order.
    pub windows: &'a [(i64, i64)],
}

/// A corpus score at the best threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NabScore {
    pub threshold: f64,
    /// Raw sum of rewards and costs.
    pub score: f64,
    pub null_score: f64,
    pub perfect_score: f64,
    /// `100 × (score − null) / (perfect − null)`: NAB's published figure.
    pub normalized: f64,
    /// Windows with scored rows, and how many of them were detected.
    pub windows: usize,
    pub detected_windows: usize,
    /// Detections outside any window.
    pub false_positives: usize,
}

/// One scored row: the detector's score, what detecting it is worth, and its window if any.
struct Row {
    score: f64,
    value: f64,
    window: Option<usize>,
}

/// One point of the threshold sweep.
#[derive(Clone, Copy)]
struct AtThreshold {
    threshold: f64,
    score: f64,
    detected_windows: usize,
    false_positives: usize,
}

/// Scores a corpus at the threshold that maximises its total, as NAB's optimiser does.
pub fn score_corpus(series: &[ScoredSeries], profile: CostProfile) -> NabScore {
    let mut rows = Vec::new();
    let mut windows = 0;
    for s in series {
        windows += weigh_rows(s, profile, windows, &mut rows);
    }
    let labelled: usize = series.iter().map(|s| s.windows.len()).sum();
    let perfect_score = labelled as f64 * profile.tp_weight;
    let best = sweep(&mut rows, windows, profile);
    // NAB's null detector answers 0.5 everywhere; its best is all or nothing.
    let mut null_rows: Vec<Row> = rows
        .iter()
        .map(|r| Row {
            score: 0.5,
            value: r.value,
            window: r.window,
        })
        .collect();
    let null_score = sweep(&mut null_rows, windows, profile).score;
    let span = perfect_score - null_score;
    NabScore {
        threshold: best.threshold,
        score: best.score,
        null_score,
        perfect_score,
        normalized: if span > 0.0 {
            100.0 * (best.score - null_score) / span
        } else {
            0.0
        },
        windows: rows
            .iter()
            .filter_map(|r| r.window)
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        detected_windows: best.detected_windows,
        false_positives: best.false_positives,
    }
}

/// NAB's scaled sigmoid of a relative position: about 0.987 at a window's left edge, 0 at its right
/// edge, tending to -1 after it (exactly -1 from 3 window widths on).
fn scaled_sigmoid(position: f64) -> f64 {
    if position >= 3.0 {
        -1.0
    } else {
        2.0 / (1.0 + (5.0 * position).exp()) - 1.0
    }
}

/// Appends the series' scored rows (ids of windows start at `first_window`); returns its window count.
fn weigh_rows(
    s: &ScoredSeries,
    profile: CostProfile,
    first_window: usize,
    rows: &mut Vec<Row>,
) -> usize {
    let ts = s.timestamps;
    let n = ts.len().min(s.scores.len());
    let probation = ((0.15 * n as f64).floor() as usize).min(750);
    // Row ranges of the windows, as (left, right) inclusive; windows without rows are dropped.
    let ranges: Vec<(usize, usize)> = s
        .windows
        .iter()
        .filter_map(|&(start, end)| {
            let left = ts.partition_point(|&t| t < start);
            let right = ts.partition_point(|&t| t <= end).checked_sub(1)?;
            (left <= right).then_some((left, right))
        })
        .collect();
    let max_tp = scaled_sigmoid(-1.0);
    let (mut next, mut previous): (usize, Option<(usize, usize)>) = (0, None);
    for i in 0..n {
        while next < ranges.len() && ranges[next].1 < i {
            previous = Some(ranges[next]);
            next += 1;
        }
        let inside = ranges.get(next).filter(|r| r.0 <= i);
        let (value, window) = match inside {
            Some(&(left, right)) => {
                let width = (right - left + 1) as f64;
                let position = -((right - i + 1) as f64) / width;
                (
                    scaled_sigmoid(position) * profile.tp_weight / max_tp,
                    Some(first_window + next),
                )
            }
            None => {
                let position = match previous {
                    Some((left, right)) if right > left => {
                        (i - right) as f64 / (right - left) as f64
                    }
                    _ => 3.0,
                };
                (scaled_sigmoid(position) * profile.fp_weight, None)
            }
        };
        if i >= probation {
            rows.push(Row {
                score: s.scores[i],
                value,
                window,
            });
        }
    }
    ranges.len()
}

/// Lowers the threshold through every distinct score and returns the best point.
fn sweep(rows: &mut [Row], windows: usize, profile: CostProfile) -> AtThreshold {
    rows.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut scored = vec![false; windows];
    for w in rows.iter().filter_map(|r| r.window) {
        scored[w] = true;
    }
    let mut part: Vec<Option<f64>> = vec![None; windows];
    let mut total = -profile.fn_weight * scored.iter().filter(|s| **s).count() as f64;
    let mut current = AtThreshold {
        threshold: 1.1,
        score: total,
        detected_windows: 0,
        false_positives: 0,
    };
    let mut best = current;
    for r in rows.iter() {
        if r.score != current.threshold {
            if current.score > best.score {
                best = current;
            }
            current.threshold = r.score;
        }
        match r.window {
            Some(w) => {
                let old = part[w].unwrap_or(-profile.fn_weight);
                if part[w].is_none() {
                    current.detected_windows += 1;
                }
                let new = old.max(r.value);
                part[w] = Some(new);
                total += new - old;
            }
            None => {
                total += r.value;
                current.false_positives += 1;
            }
        }
        current.score = total;
    }
    if current.score > best.score {
        best = current;
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 100 rows one second apart, one window over rows 50..=59; probation covers rows 0..15.
    fn corpus(scores: &[f64]) -> NabScore {
        let timestamps: Vec<i64> = (0..100).map(|i| i * 1000).collect();
        let windows = [(50_000, 59_000)];
        score_corpus(
            &[ScoredSeries {
                timestamps: &timestamps,
                scores,
                windows: &windows,
            }],
            CostProfile::STANDARD,
        )
    }

    fn detections(at: &[(usize, f64)]) -> Vec<f64> {
        let mut scores = vec![0.0; 100];
        for &(i, s) in at {
            scores[i] = s;
        }
        scores
    }

    #[test]
    fn the_scaled_sigmoid_rewards_the_left_edge_and_nothing_at_the_right() {
        assert!((scaled_sigmoid(-1.0) - 0.986_614).abs() < 1e-6);
        assert!(scaled_sigmoid(0.0).abs() < 1e-12);
        assert_eq!(scaled_sigmoid(3.0), -1.0);
    }

    #[test]
    fn detecting_at_the_left_edge_of_every_window_scores_100_and_nothing_scores_0() {
        let perfect = corpus(&detections(&[(50, 1.0)]));
        assert!((perfect.normalized - 100.0).abs() < 1e-9, "{perfect:?}");
        assert_eq!(
            (
                perfect.threshold,
                perfect.detected_windows,
                perfect.false_positives
            ),
            (1.0, 1, 0)
        );
        let silent = corpus(&vec![0.3; 100]);
        assert_eq!(silent.null_score, -1.0);
        assert!(silent.normalized.abs() < 1e-9, "{silent:?}");
    }

    #[test]
    fn a_detection_at_the_right_edge_earns_a_quarter_of_the_window() {
        let late = corpus(&detections(&[(59, 1.0)]));
        // Relative position -0.1: 2 / (1 + e^-0.5) - 1 = 0.2449, scaled by the left-edge maximum.
        let reward = (2.0 / (1.0 + (-0.5f64).exp()) - 1.0) / scaled_sigmoid(-1.0);
        assert!((late.score - reward).abs() < 1e-9);
        assert!((late.normalized - 100.0 * (reward + 1.0) / 2.0).abs() < 1e-9);
    }

    #[test]
    fn the_sweep_prefers_a_lower_threshold_when_the_window_is_worth_a_false_positive() {
        let s = corpus(&detections(&[(30, 1.0), (50, 0.9)]));
        assert_eq!(s.threshold, 0.9);
        assert!((s.score - (1.0 - 0.11)).abs() < 1e-9);
        assert_eq!(s.false_positives, 1);
    }

    #[test]
    fn detections_in_the_probation_period_are_not_scored() {
        let s = corpus(&detections(&[(10, 1.0), (50, 0.9)]));
        assert_eq!((s.threshold, s.false_positives), (0.9, 0));
        assert!((s.normalized - 100.0).abs() < 1e-9);
    }

    #[test]
    fn a_false_positive_just_after_a_window_costs_less_than_one_far_away() {
        let near = corpus(&detections(&[(50, 1.0), (61, 1.0)]));
        let far = corpus(&detections(&[(50, 1.0), (95, 1.0)]));
        assert!(near.score > far.score && far.score > 1.0 - 0.11 - 1e-9);
    }
}
