//! New access: the first read by an actor of a sensitive resource, stronger when its group never read it.
//!
//! Known resources are remembered as 64-bit hashes in bounded sets (`stats::sketch::RecentSet`): a few
//! dozen per actor, a few hundred per group. Only resources whose sensitivity weight reaches
//! `min_weight` are tracked at all, which keeps the sets small and the signal meaningful: reading a new
//! public page is not news, reading `clinic.patient_records` that nobody on the team ever opened is.
//! A brand-new deployment learns quietly for `learning_days`; a brand-new actor without a real group
//! (none, or one first seen with it: a new service) learns quietly for `min_actor_days`, since
//! everything it touches is new to it and to its group.

use serde::{Deserialize, Serialize};

use crate::finding::{Context, Facts, Family, Finding};
use crate::timefmt::format_utc;

use crate::config::{probability, ConfigError};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NewAccessConfig {
    pub enabled: bool,
    /// Resources with a lower sensitivity weight are not tracked.
    pub min_weight: f64,
    /// Sensitive resources remembered per actor and per group.
    pub actor_capacity: usize,
    pub group_capacity: usize,
    /// Tail probability assigned to a first access the group never made, at weight 1...
    pub group_novel_p: f64,
    /// ... and to one that is new to the actor but known to its group.
    pub actor_novel_p: f64,
    /// Weight from which a group-novel access alerts on its own.
    pub alone_weight: f64,
    /// Actors without a group are not judged before this many days after their first event.
    pub min_actor_days: u32,
}

impl Default for NewAccessConfig {
    fn default() -> Self {
        NewAccessConfig {
            enabled: true,
            min_weight: 0.5,
            actor_capacity: 32,
            group_capacity: 512,
            group_novel_p: 1e-7,
            actor_novel_p: 1e-2,
            alone_weight: 0.9,
            min_actor_days: 3,
        }
    }
}

impl NewAccessConfig {
    pub fn validate(&self) -> Result<(), ConfigError> {
        probability("new_access.group_novel_p", self.group_novel_p)?;
        probability("new_access.actor_novel_p", self.actor_novel_p)?;
        if self.actor_capacity == 0 || self.group_capacity == 0 {
            return Err(ConfigError::new(
                "new_access.actor_capacity",
                "capacities must be positive",
            ));
        }
        Ok(())
    }

    /// `ln p` and whether it may alert alone, for a first access of weight `weight`.
    pub fn score(&self, weight: f64, group_novel: bool) -> (f64, bool) {
        let p = if group_novel {
            self.group_novel_p
        } else {
            self.actor_novel_p
        };
        (weight * p.ln(), group_novel && weight >= self.alone_weight)
    }
}

/// A first sensitive access, as the combiner and the analyst see it.
pub(crate) struct FirstAccess<'a> {
    pub resource: &'a str,
    pub sensitivity: &'a str,
    pub weight: f64,
    pub group_novel: bool,
    /// Further first accesses in the same window.
    pub others: usize,
}

/// The first-access finding for the strongest first access of a window.
pub(crate) fn finding(ctx: &Context<'_>, a: &FirstAccess<'_>, cfg: &NewAccessConfig) -> Finding {
    let (ln_p, alone) = cfg.score(a.weight, a.group_novel);
    let whose = if a.group_novel {
        match ctx.group {
            Some(g) => format!("that nobody in '{g}' has read before"),
            None => "that it has never read before".to_owned(),
        }
    } else {
        "for the first time (its peers do read it)".to_owned()
    };
    let more = if a.others > 0 {
        format!(" and {} more sensitive resources new to it", a.others)
    } else {
        String::new()
    };
    ctx.finding(Facts {
        family: Family::NewAccess,
        ln_p,
        alone,
        observed: 1.0 + a.others as f64,
        expected: 0.0,
        unit: "first accesses",
        baseline: format!(
            "sensitive resources read by the actor and by {}",
            ctx.peers()
        ),
        what: format!(
            "read {} ({}) {whose}{more}, at {}",
            a.resource,
            a.sensitivity,
            format_utc(ctx.start_ms)
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_health_table_nobody_in_the_group_read_alerts_alone() {
        let (lp, alone) = NewAccessConfig::default().score(1.0, true);
        assert!(alone && lp < (1e-6f64).ln());
    }

    #[test]
    fn a_team_table_new_to_a_new_hire_does_not_alert_alone() {
        let (lp, alone) = NewAccessConfig::default().score(0.5, false);
        assert!(!alone && lp > (1e-3f64).ln());
    }
}
