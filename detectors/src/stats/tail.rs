//! Upper tails of count distributions, in log space so a 100x export still has a comparable number.
//!
//! Windowed records are over-dispersed counts: a Poisson-gamma mixture (negative binomial) with the
//! baseline's mean and variance is the model. Small means are summed exactly from the probability mass
//! function; larger ones use the Wilson-Hilferty cube-root normal approximation of the gamma with the
//! same two moments, which costs a cube root and an `erfc` instead of an incomplete beta function
//! (statrs' `Poisson::sf` is ~300 ns; this is ~30 ns). The same approximation inverted gives alert
//! thresholds in closed form, so the per-event path compares against a cached number.

use statrs::function::beta::checked_beta_reg;
use statrs::function::erf::{erfc, erfc_inv};
use statrs::function::gamma::ln_gamma;

const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

/// Means up to this are summed exactly; above it the gamma approximation is within a few percent.
const EXACT_MEAN_MAX: f64 = 40.0;

/// `z` with `P(Z >= z) = p` for a standard normal.
pub fn z_for_p(p: f64) -> f64 {
    std::f64::consts::SQRT_2 * erfc_inv(2.0 * p.clamp(1e-300, 1.0))
}

/// `ln P(Z >= z)` for a standard normal, accurate far into the tail.
pub fn ln_normal_sf(z: f64) -> f64 {
    if z < 6.0 {
        (0.5 * erfc(z / std::f64::consts::SQRT_2))
            .max(f64::MIN_POSITIVE)
            .ln()
    } else {
        let z2 = z * z;
        -0.5 * z2 - z.ln() - LN_SQRT_2PI + (1.0 - 1.0 / z2 + 3.0 / (z2 * z2)).ln()
    }
}

/// `ln P(T >= t)` for Student's t with `nu` degrees of freedom (the normal from 200 on): the
/// predictive tail of a value against a mean and spread learned from `nu + 1` observations.
pub fn ln_t_sf(t: f64, nu: f64) -> f64 {
    if !(nu.is_finite() && nu < 200.0) {
        return ln_normal_sf(t);
    }
    let nu = nu.max(1.0);
    let x = nu / (nu + t * t);
    let half = 0.5 * checked_beta_reg(0.5 * nu, 0.5, x).unwrap_or(1.0);
    let sf = if t >= 0.0 { half } else { 1.0 - half };
    sf.max(f64::MIN_POSITIVE).ln()
}

/// `ln P(X >= x)` for a count with the given mean and variance (negative binomial, Poisson when the
/// variance is not above the mean). Returns `0.0` (p = 1) at or below the mean: only excesses matter.
pub fn ln_count_sf(x: f64, mean: f64, var: f64) -> f64 {
    let mean = mean.max(1e-3);
    if x <= mean || !x.is_finite() {
        return 0.0;
    }
    let var = var.max(mean);
    if mean <= EXACT_MEAN_MAX {
        if let Some(lp) = exact_tail(x.ceil(), mean, var) {
            return lp.min(0.0);
        }
    }
    gamma_tail(x - 0.5, mean, var)
}

/// Sums the mass function from `x` upwards; `None` when the tail decays too slowly to sum cheaply.
fn exact_tail(x: f64, mean: f64, var: f64) -> Option<f64> {
    // Poisson when dispersion is negligible, otherwise NB with r = mean^2 / (var - mean).
    let poisson = var <= mean * 1.02;
    let (ln_first, r, q) = if poisson {
        (x * mean.ln() - mean - ln_gamma(x + 1.0), f64::INFINITY, 0.0)
    } else {
        let r = mean * mean / (var - mean);
        let q = mean / (r + mean);
        let ln =
            ln_gamma(x + r) - ln_gamma(r) - ln_gamma(x + 1.0) + r * (1.0 - q).ln() + x * q.ln();
        (ln, r, q)
    };
    let mut term = 1.0;
    let mut sum = 1.0;
    let mut k = x;
    for _ in 0..400 {
        let ratio = if poisson {
            mean / (k + 1.0)
        } else {
            (k + r) / (k + 1.0) * q
        };
        term *= ratio;
        sum += term;
        k += 1.0;
        if term < 1e-10 * sum {
            return Some(ln_first + sum.ln());
        }
    }
    None
}

/// Wilson-Hilferty: a gamma with shape `k` has `(X / mean)^(1/3)` close to normal.
fn gamma_tail(x: f64, mean: f64, var: f64) -> f64 {
    let c = var / (9.0 * mean * mean); // 1 / (9 k)
    let z = ((x / mean).cbrt() - (1.0 - c)) / c.sqrt();
    ln_normal_sf(z).min(0.0)
}

/// The count exceeded with upper-tail probability `P(Z >= z)`: the inverse of the gamma approximation.
#[inline]
pub fn upper_quantile(z: f64, mean: f64, var: f64) -> f64 {
    let mean = mean.max(1e-3);
    let c = var.max(mean) / (9.0 * mean * mean);
    let root = (1.0 - c + z * c.sqrt()).max(0.0);
    mean * root * root * root
}

/// Fisher's method: `ln P(chi2(2k) >= -2 sum ln p)`, from the sum of `k` log p-values.
pub fn fisher_ln_sf(sum_ln_p: f64, k: usize) -> f64 {
    let s = -sum_ln_p.min(0.0);
    if k <= 1 {
        return -s;
    }
    // sf = e^-s * sum_{j<k} s^j / j!, summed in log space.
    let terms: Vec<f64> = (0..k)
        .map(|j| {
            let j = j as f64;
            if s > 0.0 {
                j * s.ln() - ln_gamma(j + 1.0)
            } else if j == 0.0 {
                0.0
            } else {
                f64::NEG_INFINITY
            }
        })
        .collect();
    let top = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let sum: f64 = terms.iter().map(|t| (t - top).exp()).sum();
    (-s + top + sum.ln()).min(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-12)
    }

    #[test]
    fn poisson_tail_matches_the_exact_sum() {
        // P(Poisson(3) >= 8) = 0.011905...
        assert!(close(ln_count_sf(8.0, 3.0, 3.0).exp(), 0.011_905, 0.01));
    }

    #[test]
    fn negative_binomial_tail_matches_geometric_closed_form() {
        // r = 1 is geometric on {0,1,..} with q = mean/(1+mean): P(X >= x) = q^x.
        let mean: f64 = 4.0;
        let q = mean / (1.0 + mean);
        assert!(close(
            ln_count_sf(20.0, mean, mean + mean * mean),
            20.0 * q.ln(),
            0.01
        ));
    }

    #[test]
    fn large_means_use_an_approximation_close_to_the_normal() {
        // Mean 10,000, sd 100: 10,300 is three sd out, p ~ 0.00135.
        let p = ln_count_sf(10_300.0, 10_000.0, 10_000.0).exp();
        assert!(p > 0.0009 && p < 0.0019, "{p}");
    }

    #[test]
    fn values_at_or_below_the_mean_are_not_surprising() {
        assert_eq!(ln_count_sf(5.0, 10.0, 30.0), 0.0);
    }

    #[test]
    fn quantile_inverts_the_tail() {
        let (mean, var) = (500.0, 500.0 * 500.0);
        let z = z_for_p(1e-6);
        let q = upper_quantile(z, mean, var);
        let p = gamma_tail(q, mean, var).exp();
        assert!(close(p, 1e-6, 0.05), "{p}");
    }

    #[test]
    fn normal_tail_is_continuous_at_the_switch() {
        assert!(close(ln_normal_sf(5.999_999), ln_normal_sf(6.0), 1e-3));
        assert!(close(ln_normal_sf(1.0).exp(), 0.158_655, 1e-4));
    }

    #[test]
    fn student_t_tail_is_heavier_than_the_normal_and_tends_to_it() {
        // t with 4 degrees of freedom: P(T >= 4) = 0.008065.
        assert!(close(ln_t_sf(4.0, 4.0).exp(), 0.008_065, 1e-3));
        assert!(close(ln_t_sf(-4.0, 4.0).exp(), 1.0 - 0.008_065, 1e-6));
        assert!(close(ln_t_sf(4.0, 1e6), ln_normal_sf(4.0), 1e-9));
        assert!(close(ln_t_sf(3.0, 150.0), ln_normal_sf(3.0), 0.05));
    }

    #[test]
    fn fisher_of_one_is_identity_and_two_small_ps_combine() {
        assert!(close(fisher_ln_sf(0.01f64.ln(), 1), 0.01f64.ln(), 1e-9));
        // Two p = 0.01: chi2 = 18.42 on 4 df -> 0.00102.
        let p = fisher_ln_sf(2.0 * 0.01f64.ln(), 2).exp();
        assert!(close(p, 0.001_02, 0.02), "{p}");
    }
}
