//! Breadth: distinct resources touched per window, against the actor's history (enumeration, walking
//! tables).
//!
//! Counted with a 64-byte linear-counting sketch per window (`stats::sketch::Distinct`), so touching ten
//! thousand tables costs no more memory than touching three. The baseline is the distinct count over the
//! actor's active windows, borrowing from the group's members while the actor is young.

use serde::{Deserialize, Serialize};

use crate::explain::{count, duration, ratio};
use crate::finding::{Context, Facts, Family, Finding};
use crate::timefmt::format_utc;

use crate::config::{positive, ConfigError};
use crate::stats::{ln_count_sf, Moments};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BreadthConfig {
    pub enabled: bool,
    /// Active windows after which the actor's own history outweighs its peers.
    pub prior_windows: f64,
    pub memory_windows: f32,
    /// An alert needs at least this many distinct resources in the window...
    pub min_distinct: f64,
    /// ... and this multiple of the expected count.
    pub min_ratio: f64,
}

impl Default for BreadthConfig {
    fn default() -> Self {
        BreadthConfig {
            enabled: true,
            prior_windows: 24.0,
            memory_windows: 600.0,
            min_distinct: 25.0,
            min_ratio: 4.0,
        }
    }
}

impl BreadthConfig {
    pub fn validate(&self) -> Result<(), ConfigError> {
        positive("breadth.min_ratio", self.min_ratio)?;
        positive("breadth.memory_windows", f64::from(self.memory_windows))
    }
}

/// Result of one window's breadth check.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BreadthCheck {
    pub ln_p: f64,
    pub expected: f64,
    pub peer_weight: f64,
    pub alone: bool,
}

/// Judges `distinct` against own (and, while young, peer) history. `None` without any baseline.
pub fn check(
    distinct: f64,
    own: &Moments,
    peers: Option<&Moments>,
    cfg: &BreadthConfig,
) -> Option<BreadthCheck> {
    let n = f64::from(own.n);
    let peer = peers.filter(|p| p.n >= 3.0);
    let w = match peer {
        Some(_) => n / (n + cfg.prior_windows),
        None if n >= cfg.prior_windows => 1.0,
        None => return None,
    };
    let p = peer.copied().unwrap_or_default();
    let mean = w * f64::from(own.mean) + (1.0 - w) * f64::from(p.mean);
    let second = w * own.second() + (1.0 - w) * p.second();
    let mean = mean.max(1.0);
    let var = (second - mean * mean).max(mean).max(0.25 * mean * mean);
    Some(BreadthCheck {
        ln_p: ln_count_sf(distinct.round(), mean, var),
        expected: mean,
        peer_weight: 1.0 - w,
        alone: distinct >= cfg.min_distinct && distinct >= cfg.min_ratio * mean,
    })
}

/// The window's breadth finding.
pub(crate) fn finding(ctx: &Context<'_>, distinct: f64, c: &BreadthCheck) -> Finding {
    let baseline = if c.peer_weight > 0.5 {
        format!("distinct resources per active window of {}", ctx.peers())
    } else {
        "own distinct resources per active window".to_owned()
    };
    ctx.finding(Facts {
        family: Family::Breadth,
        ln_p: c.ln_p,
        alone: c.alone,
        observed: distinct,
        expected: c.expected,
        unit: "distinct resources",
        baseline,
        what: format!(
            "touched about {} distinct resources in {} from {}, {} the usual {}",
            count(distinct.round()),
            duration(ctx.span_ms),
            format_utc(ctx.start_ms),
            ratio(distinct, c.expected),
            count(c.expected)
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history(n: usize, d: f64) -> Moments {
        let mut m = Moments::default();
        for i in 0..n {
            m.update(d + (i % 3) as f64, 600.0);
        }
        m
    }

    #[test]
    fn walking_eighty_tables_is_flagged_for_someone_who_uses_four() {
        let c = check(80.0, &history(200, 3.0), None, &BreadthConfig::default());
        assert!(
            c.is_some_and(|c| c.alone && c.ln_p < (1e-8f64).ln()),
            "{c:?}"
        );
    }

    #[test]
    fn a_usual_spread_of_tables_is_not_flagged() {
        let c = check(6.0, &history(200, 3.0), None, &BreadthConfig::default());
        assert!(c.is_some_and(|c| !c.alone));
    }

    #[test]
    fn a_new_actor_borrows_the_peers_breadth() {
        let c = check(
            60.0,
            &Moments::default(),
            Some(&history(100, 4.0)),
            &BreadthConfig::default(),
        );
        assert!(c.is_some_and(|c| c.alone && c.peer_weight > 0.99));
    }
}
