//! Small numeric building blocks shared by the detectors: tails of count distributions, exponentially
//! weighted moments, p-value combination and bounded sketches.

pub mod moments;
pub mod sketch;
pub mod tail;

pub use moments::Moments;
pub use tail::{fisher_ln_sf, ln_count_sf, ln_normal_sf, ln_t_sf, upper_quantile, z_for_p};
