//! Static rules: thresholds from configuration that always alert, whatever the baselines say
//! ("any export of more than 10,000 `health` records").
//!
//! Matching records are summed per actor per window, so splitting an export into small requests does
//! not evade a rule, and the rule fires on the event that crosses the threshold (no waiting for the
//! window to close).

use serde::{Deserialize, Serialize};

use crate::explain::count;
use crate::finding::{Context, Facts, Family, Finding};
use crate::timefmt::format_utc;

use crate::config::ConfigError;
use crate::event::Event;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    /// Shown in alerts.
    pub name: String,
    /// Actions that count (empty: any).
    #[serde(default)]
    pub actions: Vec<String>,
    /// Sensitivity labels that count (empty: any).
    #[serde(default)]
    pub sensitivities: Vec<String>,
    /// Alert when an actor's matching records within one window exceed this.
    pub records_over: u64,
}

impl RuleConfig {
    /// The default rule from the product brief.
    pub fn bulk_health_export() -> Self {
        RuleConfig {
            name: "bulk health export".to_owned(),
            actions: vec!["export".to_owned(), "download".to_owned()],
            sensitivities: vec!["health".to_owned()],
            records_over: 10_000,
        }
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.name.trim().is_empty() {
            return Err(ConfigError::new("rules.name", "a rule needs a name"));
        }
        Ok(())
    }

    #[inline]
    pub fn matches(&self, ev: &Event<'_>) -> bool {
        (self.actions.is_empty() || self.actions.iter().any(|a| a == ev.action))
            && (self.sensitivities.is_empty()
                || ev
                    .sensitivity
                    .is_some_and(|s| self.sensitivities.iter().any(|x| x == s)))
    }

    /// `export or download of health records`.
    pub fn describe(&self) -> String {
        let actions = if self.actions.is_empty() {
            "access".to_owned()
        } else {
            self.actions.join(" or ")
        };
        let what = if self.sensitivities.is_empty() {
            "records".to_owned()
        } else {
            format!("{} records", self.sensitivities.join("/"))
        };
        format!(
            "{actions} of more than {} {what} in one window",
            self.records_over
        )
    }
}

/// The rule finding: it always alerts.
pub(crate) fn finding(ctx: &Context<'_>, rule: &RuleConfig, records: u64) -> Finding {
    ctx.finding(Facts {
        family: Family::Rule,
        ln_p: (1e-16f64).ln(),
        alone: true,
        observed: records as f64,
        expected: rule.records_over as f64,
        unit: "records",
        baseline: format!("static rule '{}': {}", rule.name, rule.describe()),
        what: format!(
            "broke the rule '{}': {} matching records in one window from {} (limit {})",
            rule.name,
            count(records as f64),
            format_utc(ctx.start_ms),
            count(rule.records_over as f64)
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::OwnedEvent;

    #[test]
    fn the_default_rule_matches_health_exports_only() {
        let rule = RuleConfig::bulk_health_export();
        let mut ev = OwnedEvent {
            action: "export".into(),
            sensitivity: Some("health".into()),
            ..OwnedEvent::default()
        };
        assert!(rule.matches(&ev.as_event()));
        ev.sensitivity = Some("pii".into());
        assert!(!rule.matches(&ev.as_event()));
        ev.sensitivity = Some("health".into());
        ev.action = "read".into();
        assert!(!rule.matches(&ev.as_event()));
    }
}
