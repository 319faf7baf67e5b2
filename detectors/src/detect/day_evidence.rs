//! A day's evidence from its total and from its access sizes, as one standard normal score.
//!
//! Sustained volume and the peer check both judge a day twice: by how much was read (the log total
//! against its baseline) and by how large the accesses were against their resources (`SizeAcc`).
//! Both are measured on the same accesses (a day of bigger accesses is also a bigger day), so they
//! are combined as correlated scores, or shared evidence would count twice.

use super::size::SizeAcc;

/// Correlation assumed between a day's log total and its mean log access size. About 0.3 on the
/// simulated worlds' ordinary days; the total also moves with the number of accesses, which the
/// sizes do not see.
const TOTAL_SIZE_CORRELATION: f64 = 0.3;

/// Bound on a day's size score: one day of odd queries must not make a run on its own.
const MAX_SIZE_Z: f64 = 4.0;

/// Weight of the daily total's score against the access sizes' score (1) in sustained volume: the
/// ratio of their variances on ordinary days (measured over nine simulated worlds, 95,000 actor-days:
/// sd 1.10 for sizes, 1.35 for totals, whose upper tail is also heavier than normal: a busy day is
/// common, accesses larger than usual for their tables are not). Inverse-variance weights, so the
/// noisier score counts less; equal weights let ordinary busy days crowd the CUSUM.
const TOTAL_WEIGHT: f64 = 0.66;

/// The weighted sum of two unit-variance scores with correlation `TOTAL_SIZE_CORRELATION`, divided by
/// its standard deviation so the result is a unit-variance score again (thresholds keep their
/// meaning). With weight 1 this is Stouffer's sum for correlated scores: `(a + b) / sqrt(2 + 2 rho)`.
fn weighted(total: f64, size: f64, total_weight: f64) -> f64 {
    let w = total_weight;
    (w * total + size) / (w * w + 1.0 + 2.0 * w * TOTAL_SIZE_CORRELATION).sqrt()
}

/// Sustained volume's day: the total's score with the day's mean standardised log-size (bounded),
/// the total weighed by `TOTAL_WEIGHT`; the total alone when no access had a size reference.
pub(crate) fn total_and_sizes(z_total: f64, size: &SizeAcc) -> f64 {
    match size.log_z() {
        Some(z) => weighted(z_total, z.clamp(-MAX_SIZE_Z, MAX_SIZE_Z), TOTAL_WEIGHT),
        None => z_total,
    }
}

/// Two correlated scores of equal weight (the peer check's days and sizes).
pub(crate) fn stouffer_correlated(a: f64, b: f64) -> f64 {
    weighted(a, b, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_raised_in_total_and_in_sizes_alike_does_not_count_its_evidence_twice() {
        // Independent scores of 1 sd each would make sqrt(2) = 1.41 sd; correlated ones less.
        let z = stouffer_correlated(1.0, 1.0);
        assert!(z > 1.0 && z < 2f64.sqrt() - 0.1, "{z}");
        assert!((stouffer_correlated(2.0, 0.0) - 2.0 / 2.6f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn the_daily_total_weighs_less_than_the_access_sizes() {
        // Equal weights reduce to the plain correlated Stouffer sum; the total counts 0.66 of the sizes.
        let weighted_total_size = |t, s| weighted(t, s, TOTAL_WEIGHT);
        let (t, s) = (weighted_total_size(2.0, 0.0), weighted_total_size(0.0, 2.0));
        assert!(t < s && (t / s - TOTAL_WEIGHT).abs() < 1e-12, "{t} {s}");
        assert!(weighted_total_size(1.0, 1.0) > 1.0);
    }
}
