//! Exponentially weighted mean and variance with a warm-up that starts as a plain average.
//!
//! Baselines must follow drift (growth, a new project) but remember weeks, and must be usable after a
//! handful of observations. `1/n` weights until `n` reaches the memory length, then a fixed rate, gives
//! both. Stored as `f32`: three of them per seasonal slot keep an actor's state within its memory budget,
//! and 24 bits of mantissa are far finer than the noise of the counts they describe.

use serde::{Deserialize, Serialize};

/// Weighted count, mean and variance of one quantity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Moments {
    /// Observations seen, capped at the memory length (the effective sample size).
    pub n: f32,
    pub mean: f32,
    pub var: f32,
}

impl Moments {
    /// Adds one observation; `memory` is the effective number of observations remembered.
    #[inline]
    pub fn update(&mut self, x: f64, memory: f32) {
        let n = (self.n + 1.0).min(memory.max(1.0));
        let a = 1.0 / f64::from(n);
        let mean = f64::from(self.mean);
        let d = x - mean;
        self.mean = (mean + a * d) as f32;
        self.var = ((1.0 - a) * (f64::from(self.var) + a * d * d)) as f32;
        self.n = n;
    }

    /// Second raw moment, for blending several baselines into one mixture.
    #[inline]
    pub fn second(&self) -> f64 {
        f64::from(self.var) + f64::from(self.mean) * f64::from(self.mean)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warm_up_is_a_plain_average_then_memory_limits_weight() {
        let mut m = Moments::default();
        for x in [2.0, 4.0, 6.0] {
            m.update(x, 100.0);
        }
        assert!((m.mean - 4.0).abs() < 1e-6);
        assert!((m.var - 8.0 / 3.0).abs() < 1e-4);
        let mut capped = Moments::default();
        for _ in 0..1000 {
            capped.update(1.0, 10.0);
        }
        capped.update(11.0, 10.0);
        assert!(
            (capped.mean - 2.0).abs() < 1e-5,
            "one new value weighs 1/10"
        );
        assert_eq!(capped.n, 10.0);
    }
}
