//! Small sampling helpers over `rand_distr`, total over their inputs (no panics on odd parameters), and
//! the seeding scheme that gives every actor its own random stream.
//!
//! Independent streams keep a world stable under change: adding an attack or an actor does not reshuffle
//! everybody else's events, so labels of other seeds' worlds and regression figures stay comparable.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Exp1, Poisson, StandardNormal};

/// Independent stream `stream` of kind `purpose` for a world seed (splitmix64 finaliser to decorrelate).
pub(super) fn stream(seed: u64, purpose: u64, stream: u64) -> SmallRng {
    let mut z = seed
        ^ purpose.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    SmallRng::seed_from_u64(z ^ (z >> 31))
}

pub(super) fn normal(rng: &mut SmallRng, mean: f64, sd: f64) -> f64 {
    let z: f64 = StandardNormal.sample(rng);
    mean + sd * z
}

/// Log-normal with the given median and log-scale spread.
pub(super) fn lognormal(rng: &mut SmallRng, median: f64, sigma: f64) -> f64 {
    median * normal(rng, 0.0, sigma).exp()
}

/// Poisson count; zero for a non-positive or non-finite mean.
pub(super) fn poisson(rng: &mut SmallRng, mean: f64) -> u32 {
    if !(mean > 0.0 && mean.is_finite()) {
        return 0;
    }
    Poisson::new(mean).map_or(0, |p| p.sample(rng) as u32)
}

/// Exponential waiting time in milliseconds with the given mean.
pub(super) fn exp_ms(rng: &mut SmallRng, mean_ms: f64) -> i64 {
    let e: f64 = Exp1.sample(rng);
    (e * mean_ms) as i64
}

/// Uniform instant in `[from, from + span)` milliseconds.
pub(super) fn within(rng: &mut SmallRng, from: i64, span: i64) -> i64 {
    from + rng.gen_range(0..span.max(1))
}

/// A fixed weighted choice among items, by binary search on cumulative weights.
pub(super) struct WeightedPick {
    items: Vec<u32>,
    cumulative: Vec<f64>,
}

impl WeightedPick {
    /// Non-positive weights are dropped; an empty pick answers `None`.
    pub fn new(weighted: Vec<(u32, f64)>) -> WeightedPick {
        let mut items = Vec::with_capacity(weighted.len());
        let mut cumulative = Vec::with_capacity(weighted.len());
        let mut total = 0.0;
        for (item, w) in weighted {
            if w > 0.0 && w.is_finite() {
                total += w;
                items.push(item);
                cumulative.push(total);
            }
        }
        WeightedPick { items, cumulative }
    }

    pub fn pick(&self, rng: &mut SmallRng) -> Option<u32> {
        let total = *self.cumulative.last()?;
        let x = rng.gen::<f64>() * total;
        let i = self.cumulative.partition_point(|&c| c <= x);
        self.items.get(i.min(self.items.len() - 1)).copied()
    }

    /// Items with their probability.
    pub fn iter(&self) -> impl Iterator<Item = (u32, f64)> + '_ {
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        let mut prev = 0.0;
        self.items
            .iter()
            .zip(&self.cumulative)
            .map(move |(&item, &c)| {
                let p = (c - prev) / total;
                prev = c;
                (item, p)
            })
    }

    /// The most likely item.
    pub fn favourite(&self) -> Option<u32> {
        self.iter()
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(item, _)| item)
    }
}
