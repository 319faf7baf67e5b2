//! What a window's (or a day's) accesses say about their sizes: the accesses measured against their
//! resources (`size`), summed on the linear and the log scale, and the few most surprising kept with
//! how rare they are among all the accesses tried. Volume, sustained volume and peer read their
//! evidence from here; `size` holds the per-resource baselines the accesses are measured against.

use serde::{Deserialize, Serialize};
use statrs::function::gamma::ln_gamma;

/// Observed and expected records of a window's accesses that had a size reference.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct SizeAcc {
    pub observed: f64,
    pub expected: f64,
    pub var: f64,
    /// Sum of the accesses' standardised log-sizes (each within +-`MAX_ACCESS_Z`) and their count:
    /// the same accesses on the scale where sizes are roughly normal, so that one huge access does
    /// not outweigh many moderately raised ones (the linear sum is dominated by its largest term).
    #[serde(default)]
    pub z_sum: f64,
    #[serde(default)]
    pub z_n: f64,
    /// `ln p` of the most surprising accesses, smallest first (`0`: none): each access's log-size
    /// against its resource under Student's t (the learned spread is itself an estimate, and the
    /// fewer accesses it rests on, the heavier the tail).
    #[serde(default)]
    pub rare: [f32; RARE],
}

/// Most surprising accesses remembered: a bulk read comes in one to a few goes.
const RARE: usize = 3;
/// Bound on one access's standardised log-size: real size distributions have heavier tails than
/// the log-normal, and one access must not make a day on its own.
const MAX_ACCESS_Z: f64 = 4.0;

impl SizeAcc {
    /// Adds another span's accesses (a window's into its day's).
    pub fn add(&mut self, other: &SizeAcc) {
        self.observed += other.observed;
        self.expected += other.expected;
        self.var += other.var;
        self.z_sum += other.z_sum;
        self.z_n += other.z_n;
        for &lp in other.rare.iter().take_while(|lp| **lp < 0.0) {
            self.note_rare(lp);
        }
    }

    /// Counts one access of `observed` records against its resource's `expected` and `var`, `z`
    /// spreads from the resource's mean on the log scale.
    pub(super) fn count(&mut self, observed: f64, expected: f64, var: f64, z: f64) {
        self.observed += observed;
        self.expected += expected;
        self.var += var;
        self.z_sum += z.clamp(-MAX_ACCESS_Z, MAX_ACCESS_Z);
        self.z_n += 1.0;
    }

    /// Keeps `ln_p` among the `RARE` smallest.
    pub(super) fn note_rare(&mut self, ln_p: f32) {
        let Some(i) = self.rare.iter().position(|&r| ln_p < r) else {
            return;
        };
        self.rare.copy_within(i..RARE - 1, i + 1);
        self.rare[i] = ln_p;
    }

    /// `ln p` that the most surprising accesses are this rare among the window's `z_n` accesses:
    /// for each `k`, the union bound `C(n, k) p_(k)^k` on `k` of `n` accesses reaching the `k`-th
    /// smallest p, the best `k` taken (and paid for). Sizes are heavy-tailed, so a sum of records is
    /// ruled by its largest access; judging each access against its own resource and counting how
    /// many accesses were tried keeps the one far-tail query among hundreds ordinary, while an
    /// export in one to three goes, each far beyond its resource, is not.
    fn rare_ln_p(&self) -> f64 {
        let n = self.z_n.max(RARE as f64);
        let best = self
            .rare
            .iter()
            .take_while(|lp| **lp < 0.0)
            .enumerate()
            .map(|(i, &lp)| {
                let k = (i + 1) as f64;
                let ln_choose = ln_gamma(n + 1.0) - ln_gamma(k + 1.0) - ln_gamma(n - k + 1.0);
                ln_choose + k * f64::from(lp)
            })
            .fold(0.0, f64::min);
        (best + (RARE as f64).ln()).min(0.0)
    }

    /// Mean standardised log-size times the square root of the count: standard normal when the
    /// accesses are of their usual sizes; `None` without references.
    pub fn log_z(&self) -> Option<f64> {
        (self.z_n > 0.0).then(|| self.z_sum / self.z_n.sqrt())
    }

    /// `ln p` of the most surprising accesses (see `rare_ln_p`) and observed/expected records;
    /// `None` when no access had a reference.
    pub fn check(&self) -> Option<(f64, f64)> {
        (self.expected > 0.0).then(|| (self.rare_ln_p(), self.observed / self.expected.max(1.0)))
    }
}
