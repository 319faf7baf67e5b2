//! `[alerting]`: grouping, lifecycle timers, routing, escalation, the outbox and the receivers.
//! Names and defaults follow Alertmanager (`group_by`, `group_wait` 30s, `group_interval` 5m,
//! `repeat_interval` 4h) so an operator who knows it reads this section without a manual.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::time::Duration;

use super::duration;
use crate::notify::ReceiverConfig;

/// Labels an alert can be grouped by.
pub const GROUP_LABELS: &[&str] = &["actor", "group", "detector", "severity", "resource"];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AlertingConfig {
    /// Alerts sharing these labels travel in one notification.
    pub group_by: Vec<String>,
    /// How long a new group waits to collect more alerts before its first notification.
    #[serde(deserialize_with = "duration::de")]
    pub group_wait: Duration,
    /// How long after a notification a group waits before telling about new changes.
    #[serde(deserialize_with = "duration::de")]
    pub group_interval: Duration,
    /// How often a still-firing, unacknowledged alert is sent again.
    #[serde(deserialize_with = "duration::de")]
    pub repeat_interval: Duration,
    /// An open alert without a new finding for this long is resolved automatically.
    #[serde(deserialize_with = "duration::de")]
    pub resolve_after: Duration,
    /// Flap damping: a fingerprint with `flap_threshold` alerts resolved within `flap_window`
    /// opens its next alert unsent (recorded as flapping). 0 disables damping.
    #[serde(deserialize_with = "duration::de")]
    pub flap_window: Duration,
    pub flap_threshold: i64,
    /// How often timers (auto-resolve, repeats, escalation) are checked.
    #[serde(deserialize_with = "duration::de")]
    pub sweep_every: Duration,
    /// Severities that escalate while unacknowledged.
    pub escalate_severities: Vec<String>,
    /// Ordered escalation steps.
    pub escalation: Vec<EscalationStep>,
    /// Routing rules, first match wins unless it says `continue = true`. Without rules every
    /// alert goes to every receiver.
    pub routes: Vec<Route>,
    pub receivers: BTreeMap<String, ReceiverConfig>,
    pub outbox: OutboxConfig,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EscalationStep {
    /// Time since the alert opened.
    #[serde(deserialize_with = "duration::de")]
    pub after: Duration,
    pub receivers: Vec<String>,
}

/// Matches alerts by severity, detector and actor group (empty lists match anything).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    #[serde(default)]
    pub severities: Vec<String>,
    #[serde(default)]
    pub detectors: Vec<String>,
    #[serde(default)]
    pub actor_groups: Vec<String>,
    pub receivers: Vec<String>,
    /// Keep evaluating the next rules after this one matched.
    #[serde(default, rename = "continue")]
    pub continue_matching: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OutboxConfig {
    /// Delivery workers poll for due rows at least this often.
    #[serde(deserialize_with = "duration::de")]
    pub poll_every: Duration,
    /// Rows leased per poll.
    pub batch_size: i64,
    /// Notifications in flight at once.
    pub concurrency: usize,
    /// Per-attempt timeout (HTTP request or SMTP transaction).
    #[serde(deserialize_with = "duration::de")]
    pub timeout: Duration,
    /// First retry delay; doubles per attempt, with jitter, up to `retry_max`.
    #[serde(deserialize_with = "duration::de")]
    pub retry_initial: Duration,
    #[serde(deserialize_with = "duration::de")]
    pub retry_max: Duration,
    /// A notification still failing this long after it was queued is dead-lettered.
    #[serde(deserialize_with = "duration::de")]
    pub dead_letter_after: Duration,
}

impl Default for AlertingConfig {
    fn default() -> Self {
        Self {
            group_by: vec!["actor".into()],
            group_wait: Duration::from_secs(30),
            group_interval: Duration::from_secs(300),
            repeat_interval: Duration::from_secs(4 * 3600),
            resolve_after: Duration::from_secs(24 * 3600),
            flap_window: Duration::from_secs(3600),
            flap_threshold: 3,
            sweep_every: Duration::from_secs(10),
            escalate_severities: vec!["high".into(), "critical".into()],
            escalation: Vec::new(),
            routes: Vec::new(),
            receivers: BTreeMap::new(),
            outbox: OutboxConfig::default(),
        }
    }
}

impl Default for OutboxConfig {
    fn default() -> Self {
        Self {
            poll_every: Duration::from_secs(1),
            batch_size: 200,
            concurrency: 8,
            timeout: Duration::from_secs(10),
            retry_initial: Duration::from_secs(1),
            retry_max: Duration::from_secs(300),
            dead_letter_after: Duration::from_secs(24 * 3600),
        }
    }
}

impl AlertingConfig {
    /// Checks that labels and receivers named anywhere exist.
    pub fn validate(&self) -> Result<(), String> {
        for label in &self.group_by {
            if !GROUP_LABELS.contains(&label.as_str()) {
                return Err(format!(
                    "alerting.group_by: unknown label `{label}` (use {})",
                    GROUP_LABELS.join(", ")
                ));
            }
        }
        let named = self
            .routes
            .iter()
            .flat_map(|r| &r.receivers)
            .chain(self.escalation.iter().flat_map(|s| &s.receivers));
        for name in named {
            if !self.receivers.contains_key(name) {
                return Err(format!("alerting: receiver `{name}` is not defined"));
            }
        }
        for (name, receiver) in &self.receivers {
            receiver
                .validate()
                .map_err(|e| format!("alerting.receivers.{name}: {e}"))?;
        }
        if self.outbox.batch_size < 1 || self.outbox.concurrency < 1 {
            return Err("alerting.outbox: batch_size and concurrency must be at least 1".into());
        }
        Ok(())
    }

    pub fn timing(&self) -> crate::store::GroupTiming {
        crate::store::GroupTiming {
            group_wait_ms: duration::ms(self.group_wait),
            group_interval_ms: duration::ms(self.group_interval),
            flap_window_ms: duration::ms(self.flap_window),
            flap_threshold: self.flap_threshold,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use std::path::Path;

    /// The receivers, routes and escalation documented (commented out) in the sample file parse.
    #[test]
    fn the_commented_alerting_examples_in_the_sample_config_parse() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("accesswatch.sample.toml");
        let text = std::fs::read_to_string(path).unwrap();
        let start = text.find("[alerting]").unwrap();
        let uncommented: String = text[start..]
            .lines()
            .map(|l| l.strip_prefix("# ").filter(|r| is_setting(r)).unwrap_or(l))
            .map(|l| format!("{l}\n"))
            .collect();
        let config: toml::Table = uncommented.parse().unwrap_or_else(|e| panic!("{e}"));
        let mut table = toml::Table::new();
        table.insert("alerting".into(), config["alerting"].clone());
        let c: Config = toml::Value::Table(table).try_into().unwrap();
        c.validate().unwrap();
        assert_eq!(c.alerting.receivers.len(), 6);
        assert_eq!(c.alerting.routes.len(), 2);
    }

    /// `key = value` or `[section]`, not prose.
    fn is_setting(line: &str) -> bool {
        line.starts_with('[')
            || line.split_once(" = ").is_some_and(|(k, _)| {
                k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            })
    }
}
