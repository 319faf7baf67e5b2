//! The upper tail of a series' own deviations, modelled by peaks over threshold: above a high
//! quantile, excesses follow a generalised Pareto distribution (Pickands–Balkema–de Haan), fitted by
//! the method of moments.
//!
//! Why not a normal fitted to the deviations: deviations of real series are heavy-tailed and
//! differently so per series (tweet counts burst, CPU is quantised), so a normal tail put some series'
//! ordinary peaks at 1e-9 and others' anomalies at 1e-2, and no one threshold served a corpus. The
//! generalised Pareto extrapolates each series' own tail shape, which makes tail probabilities
//! comparable across series (the idea of SPOT, Siffer et al., KDD 2017).

/// Excesses a fit wants; with fewer points behind the quantile (early in a series), the quantile is
/// lowered to keep this many.
const MIN_EXCESSES: usize = 20;

/// Smallest `log10` tail reported: beyond the fitted range everything is equally extreme.
const LOG10_TAIL_FLOOR: f64 = -50.0;

/// A fitted tail: `P(X > x) = rate · (1 + shape · (x − threshold) / scale)^(−1 / shape)` above
/// `threshold`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tail {
    threshold: f64,
    /// Share of the fitted values above the threshold.
    rate: f64,
    shape: f64,
    scale: f64,
}

impl Tail {
    /// Fits the tail above the `quantile` of `values` (reordered in place). `None` when fewer than
    /// [`MIN_EXCESSES`] / 2 values exceed any value below them, e.g. a constant series.
    pub fn fit(values: &mut [f64], quantile: f64) -> Option<Tail> {
        let n = values.len();
        if n < MIN_EXCESSES {
            return None;
        }
        let quantile = quantile.min(1.0 - MIN_EXCESSES as f64 / n as f64);
        let at = ((quantile * n as f64) as usize).min(n - 1);
        let mut threshold = *values.select_nth_unstable_by(at, f64::total_cmp).1;
        // Ties at the quantile (a quantised series) leave too few excesses: step down to the next
        // distinct value below until there are enough.
        while excesses(values, threshold).0 < MIN_EXCESSES / 2 {
            match values[..at]
                .iter()
                .copied()
                .filter(|&v| v < threshold)
                .max_by(f64::total_cmp)
            {
                Some(lower) => threshold = lower,
                None => return None,
            }
        }
        let (count, mean, var) = excesses(values, threshold);
        if mean <= 0.0 {
            return None;
        }
        // Method of moments: mean = scale / (1 − shape), mean² / var = 1 − 2 · shape. The shape is
        // kept where the moments exist and the tail is not absurdly heavy. Equal excesses (a series
        // of two levels) say nothing about the shape: exponential.
        let shape = if var > 0.0 {
            (0.5 * (1.0 - mean * mean / var)).clamp(-0.5, 0.9)
        } else {
            0.0
        };
        Some(Tail {
            threshold,
            rate: count as f64 / n as f64,
            shape,
            scale: mean * (1.0 - shape),
        })
    }

    /// `log10 P(X > x)`: 0 at or below the threshold (not in the tail), at least [`LOG10_TAIL_FLOOR`].
    pub fn log10_tail(&self, x: f64) -> f64 {
        if x <= self.threshold {
            return 0.0;
        }
        let y = (x - self.threshold) / self.scale;
        let ln_survival = if self.shape.abs() < 1e-6 {
            -y
        } else {
            let base = 1.0 + self.shape * y;
            if base <= 0.0 {
                return LOG10_TAIL_FLOOR;
            }
            -base.ln() / self.shape
        };
        ((self.rate.ln() + ln_survival) / std::f64::consts::LN_10).max(LOG10_TAIL_FLOOR)
    }
}

/// Count, mean and sample variance of the excesses of `values` over `threshold`.
fn excesses(values: &[f64], threshold: f64) -> (usize, f64, f64) {
    let (mut count, mut sum, mut sum_sq) = (0usize, 0.0, 0.0);
    for &v in values {
        if v > threshold {
            let e = v - threshold;
            count += 1;
            sum += e;
            sum_sq += e * e;
        }
    }
    if count < 2 {
        return (count, sum, 0.0);
    }
    let mean = sum / count as f64;
    let var = (sum_sq - count as f64 * mean * mean) / (count - 1) as f64;
    (count, mean, var)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic exponential(1) quantiles, shuffled by a stride.
    fn exponential(n: usize) -> Vec<f64> {
        (0..n)
            .map(|i| {
                let u = ((i * 7919) % n) as f64 + 0.5;
                -(1.0 - u / n as f64).ln()
            })
            .collect()
    }

    #[test]
    fn an_exponential_tail_is_recovered() {
        let mut values = exponential(20_000);
        let tail = Tail::fit(&mut values, 0.99).expect("fits");
        assert!(tail.shape.abs() < 0.15, "shape {}", tail.shape);
        // P(X > 9) = e^-9 ≈ 1.2e-4.
        let log10 = tail.log10_tail(9.0);
        assert!(
            (log10 - (-9.0 / std::f64::consts::LN_10)).abs() < 0.3,
            "{log10}"
        );
        assert_eq!(tail.log10_tail(0.5), 0.0);
    }

    #[test]
    fn a_heavier_tail_gives_larger_probabilities_far_out() {
        // Pareto(1, alpha 2) quantiles: P(X > x) = x^-2.
        let n = 20_000;
        let mut pareto: Vec<f64> = (0..n)
            .map(|i| (1.0 - (i as f64 + 0.5) / n as f64).powf(-0.5))
            .collect();
        let mut light = exponential(n);
        let heavy = Tail::fit(&mut pareto, 0.99).expect("fits");
        let light = Tail::fit(&mut light, 0.99).expect("fits");
        assert!(heavy.shape > 0.2, "shape {}", heavy.shape);
        // Pareto: P(X > 100) = 1e-4; at 1e-4 of its own tail, the exponential is far beyond.
        assert!((heavy.log10_tail(100.0) + 4.0).abs() < 0.5);
        assert!(light.log10_tail(30.0) < heavy.log10_tail(100.0) - 5.0);
    }

    #[test]
    fn ties_at_the_quantile_step_down_to_enough_excesses() {
        // A quantised series: 98% at one level, a few distinct higher values.
        let mut values: Vec<f64> = (0..2_000)
            .map(|i| {
                if i % 50 == 0 {
                    1.0 + (i / 50) as f64
                } else {
                    0.1
                }
            })
            .collect();
        let tail = Tail::fit(&mut values, 0.99).expect("fits despite ties");
        assert!(tail.log10_tail(60.0) < -2.0);
    }

    #[test]
    fn a_constant_series_has_no_tail() {
        assert_eq!(Tail::fit(&mut [3.0; 500], 0.99), None);
        assert_eq!(Tail::fit(&mut [1.0; 5], 0.99), None);
    }

    #[test]
    fn beyond_a_bounded_tail_is_the_floor() {
        let n = 5_000;
        // Uniform on [0, 1]: a bounded tail (negative shape).
        let mut values: Vec<f64> = (0..n).map(|i| (i as f64 + 0.5) / n as f64).collect();
        let tail = Tail::fit(&mut values, 0.99).expect("fits");
        assert!(tail.shape < 0.0);
        assert_eq!(tail.log10_tail(10.0), LOG10_TAIL_FLOOR);
    }
}
