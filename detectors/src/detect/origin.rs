//! Origin: a service identity used from a region or address block it has not used before.
//!
//! Services run from a handful of regions and networks, so a new one is a strong hint of stolen
//! credentials; people roam (travel, VPNs), so by default only `service` actors are judged. A new
//! place alone is not enough ("new place *and* reading a lot"): the finding alerts once the new origins
//! carried `min_hours` of the service's usual hourly volume that day, or beside a volume finding in
//! the combiner. A new origin stays "new" for the rest of its first day and is learned at day close,
//! so every window of an attack that day carries the signal.

use serde::{Deserialize, Serialize};

use crate::explain::{count, ratio};
use crate::finding::{Context, Facts, Family, Finding};
use crate::timefmt::format_utc;

use crate::config::{probability, ConfigError};
use crate::hash::hash_str;
use crate::stats::sketch::RecentSet;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OriginConfig {
    pub enabled: bool,
    /// Judge only `service` actors.
    pub services_only: bool,
    /// Days after an actor's first event before new origins count (a new service is learning).
    pub min_actor_days: u32,
    /// Tail probability assigned to a new region, and to a new address block in a known region.
    pub region_p: f64,
    pub block_p: f64,
    /// Records from new origins in a day, in hours of the actor's usual volume, that alert alone.
    pub min_hours: f64,
    /// Regions and address blocks remembered per actor.
    pub region_capacity: usize,
    pub block_capacity: usize,
}

impl Default for OriginConfig {
    fn default() -> Self {
        OriginConfig {
            enabled: true,
            services_only: true,
            min_actor_days: 3,
            region_p: 1e-4,
            block_p: 1e-2,
            min_hours: 0.5,
            region_capacity: 6,
            block_capacity: 12,
        }
    }
}

impl OriginConfig {
    pub fn validate(&self) -> Result<(), ConfigError> {
        probability("origin.region_p", self.region_p)?;
        probability("origin.block_p", self.block_p)
    }
}

/// Regions and blocks an actor is known to use, plus those first seen today (learned at day close).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OriginState {
    pub regions: RecentSet,
    pub blocks: RecentSet,
    pub pending: Vec<(u64, bool)>,
}

/// The /24 of an IPv4 address or the /48 of an IPv6 address, as text.
pub fn address_block(ip: &str) -> &str {
    let (sep, keep) = if ip.contains(':') { (':', 3) } else { ('.', 3) };
    let mut seen = 0;
    for (i, c) in ip.char_indices() {
        if c == sep {
            seen += 1;
            if seen == keep {
                return &ip[..i];
            }
        }
    }
    ip
}

/// Novelty of one event's origin: `(new region, new block)`.
pub fn novelty(
    st: &OriginState,
    region: Option<&str>,
    ip: Option<&str>,
) -> (Option<u64>, Option<u64>) {
    let r = region.map(hash_str).filter(|h| !st.regions.contains(*h));
    let b = ip
        .map(|ip| hash_str(address_block(ip)))
        .filter(|h| !st.blocks.contains(*h));
    (r, b)
}

impl OriginState {
    /// Learns an origin right away (learning periods) or at day close (`pending`).
    pub fn learn(&mut self, region: Option<&str>, ip: Option<&str>, day: u32, cfg: &OriginConfig) {
        if let Some(r) = region {
            self.regions.touch(hash_str(r), day, cfg.region_capacity);
        }
        if let Some(ip) = ip {
            self.blocks
                .touch(hash_str(address_block(ip)), day, cfg.block_capacity);
        }
    }

    /// Remembers a new origin as seen today; bounded so a scan of addresses cannot grow it.
    pub fn hold(&mut self, hash: u64, is_region: bool) {
        if self.pending.len() < 8 && !self.pending.iter().any(|(p, _)| *p == hash) {
            self.pending.push((hash, is_region));
        }
    }

    /// Day close: today's new origins become known.
    pub fn promote(&mut self, day: u32, cfg: &OriginConfig) {
        for (h, is_region) in self.pending.drain(..) {
            if is_region {
                self.regions.touch(h, day, cfg.region_capacity);
            } else {
                self.blocks.touch(h, day, cfg.block_capacity);
            }
        }
    }

    pub fn heap_bytes(&self) -> usize {
        self.regions.heap_bytes() + self.blocks.heap_bytes() + self.pending.capacity() * 16
    }
}

/// Activity of a window from origins new to the actor.
pub(crate) struct NewOrigin<'a> {
    pub region: Option<&'a str>,
    pub block: Option<&'a str>,
    pub records: u64,
    pub events: u64,
    /// Records from new origins today, and the actor's usual records per hour.
    pub today: u64,
    pub hourly: Option<f64>,
}

/// The new-origin finding: alone once the new origins carried `min_hours` of the actor's usual hourly
/// volume today; otherwise only beside a volume finding.
pub(crate) fn finding(ctx: &Context<'_>, o: &NewOrigin<'_>, cfg: &OriginConfig) -> Finding {
    let p = if o.region.is_some() {
        cfg.region_p
    } else {
        cfg.block_p
    };
    let place = match (o.region, o.block) {
        (Some(r), Some(b)) => format!("a new region {r} and address block {b}"),
        (Some(r), None) => format!("a new region {r}"),
        (None, Some(b)) => format!("a new address block {b}"),
        (None, None) => "a new origin".to_owned(),
    };
    ctx.finding(Facts {
        family: Family::Origin,
        ln_p: p.ln(),
        // Alone once a day, in the window that crosses the bar: a service moved for a whole
        // afternoon (a failover drill, a migration) is one alert, not one per cooldown.
        alone: o.hourly.is_some_and(|h| {
            let bar = cfg.min_hours * h;
            o.today as f64 >= bar && ((o.today - o.records) as f64) < bar
        }),
        observed: o.today as f64,
        expected: o.hourly.unwrap_or(0.0),
        unit: "records from new origins today",
        baseline: "regions and address blocks the service used before".to_owned(),
        what: format!(
            "read {} records in {} requests from {place} at {} ({} from new origins today, {} of its usual hour)",
            count(o.records as f64),
            count(o.events as f64),
            format_utc(ctx.start_ms),
            count(o.today as f64),
            o.hourly.map_or("n/a".to_owned(), |h| ratio(o.today as f64, h))
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_blocks_cut_v4_at_slash_24_and_v6_at_slash_48() {
        assert_eq!(address_block("10.11.12.13"), "10.11.12");
        assert_eq!(address_block("2001:db8:1:2::1"), "2001:db8:1");
        assert_eq!(address_block("garbage"), "garbage");
    }

    #[test]
    fn a_known_region_and_block_are_not_new_and_a_held_one_stays_new_all_day() {
        let cfg = OriginConfig::default();
        let mut st = OriginState::default();
        st.learn(Some("eu-west-1"), Some("10.1.2.3"), 1, &cfg);
        assert_eq!(
            novelty(&st, Some("eu-west-1"), Some("10.1.2.99")),
            (None, None)
        );
        let (r, b) = novelty(&st, Some("sa-east-1"), Some("200.1.2.3"));
        assert!(r.is_some() && b.is_some());
        if let (Some(r), Some(b)) = (r, b) {
            st.hold(r, true);
            st.hold(b, false);
        }
        assert_eq!(novelty(&st, Some("sa-east-1"), Some("200.1.2.3")), (r, b));
        st.promote(2, &cfg);
        assert_eq!(
            novelty(&st, Some("sa-east-1"), Some("200.1.2.3")),
            (None, None)
        );
        assert!(st.pending.is_empty() && st.regions.contains(hash_str("eu-west-1")));
    }
}
