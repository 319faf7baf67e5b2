//! Detection configuration: one section per detector, static rules, sensitivity weights and the
//! combiner. Every field has a default that works with zero setup; `validate` rejects settings that
//! would make the pipeline meaningless rather than letting them fail silently at run time.

use serde::{Deserialize, Serialize};

use crate::detect::{
    breadth::BreadthConfig, denied::DeniedConfig, new_access::NewAccessConfig,
    origin::OriginConfig, peer::PeerConfig, population::PopulationConfig, rules::RuleConfig,
    sustained::SustainedConfig, time_of_day::TimeOfDayConfig, volume::VolumeConfig,
};
use crate::timefmt::{DAY_MS, MINUTE_MS};

/// A configuration that cannot work, naming the field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("invalid detector configuration: {field}: {reason}")]
pub struct ConfigError {
    pub field: String,
    pub reason: String,
}

impl ConfigError {
    pub(crate) fn new(field: &str, reason: impl Into<String>) -> Self {
        ConfigError {
            field: field.to_owned(),
            reason: reason.into(),
        }
    }
}

/// How much a resource's sensitivity label matters, 0 (public) to 1 (health, credentials).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SensitivityWeight {
    pub label: String,
    pub weight: f64,
}

/// How findings are folded into alerts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CombinerConfig {
    /// Findings of one actor within this many minutes are combined into one alert.
    pub span_minutes: u32,
    /// After an alert, further findings on the same actor within this many minutes are folded into it
    /// (not re-alerted).
    pub cooldown_minutes: u32,
    /// A statistical finding (volume, peer, breadth, denied burst, sustained volume) that passed its
    /// magnitude gates alerts on its own at or below this p-value.
    pub alert_p: f64,
    /// Combined p-value at or below which two or more families agreeing alert without any gate.
    pub corroborated_p: f64,
    /// `-log10 p` that maps to score 100.
    pub score_full_log10: f64,
}

impl Default for CombinerConfig {
    fn default() -> Self {
        CombinerConfig {
            span_minutes: 15,
            cooldown_minutes: 60,
            alert_p: 1e-6,
            corroborated_p: 1e-5,
            score_full_log10: 16.0,
        }
    }
}

/// Everything the detectors need; `Config::default()` is a working setup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Aggregation window: volumes, breadth and denied counts are judged per actor per window.
    pub window_minutes: u32,
    /// How late (event time) an event may arrive after newer ones; windows close this much after
    /// their end. Must be shorter than a window.
    pub lateness_seconds: u32,
    /// Quiet period of a brand-new deployment: baselines learn, only rules and denied bursts alert.
    pub learning_days: u32,
    pub volume: VolumeConfig,
    pub sustained_volume: SustainedConfig,
    pub peer: PeerConfig,
    pub population_shift: PopulationConfig,
    pub breadth: BreadthConfig,
    pub new_access: NewAccessConfig,
    pub time_of_day: TimeOfDayConfig,
    pub denied_burst: DeniedConfig,
    pub origin: OriginConfig,
    /// Static thresholds that always alert.
    pub rules: Vec<RuleConfig>,
    /// Sensitivity labels and their weights; unknown labels weigh 0.
    pub sensitivity: Vec<SensitivityWeight>,
    pub combiner: CombinerConfig,
}

impl Default for Config {
    fn default() -> Self {
        let w = |label: &str, weight| SensitivityWeight {
            label: label.to_owned(),
            weight,
        };
        Config {
            window_minutes: 5,
            lateness_seconds: 60,
            learning_days: 7,
            volume: VolumeConfig::default(),
            sustained_volume: SustainedConfig::default(),
            peer: PeerConfig::default(),
            population_shift: PopulationConfig::default(),
            breadth: BreadthConfig::default(),
            new_access: NewAccessConfig::default(),
            time_of_day: TimeOfDayConfig::default(),
            denied_burst: DeniedConfig::default(),
            origin: OriginConfig::default(),
            rules: vec![RuleConfig::bulk_health_export()],
            sensitivity: vec![
                w("public", 0.0),
                w("internal", 0.1),
                w("pii", 0.5),
                w("financial", 0.6),
                w("health", 1.0),
                w("credentials", 1.0),
            ],
            combiner: CombinerConfig::default(),
        }
    }
}

impl Config {
    pub fn window_ms(&self) -> i64 {
        i64::from(self.window_minutes) * MINUTE_MS
    }

    pub fn lateness_ms(&self) -> i64 {
        i64::from(self.lateness_seconds) * 1000
    }

    /// Checks ranges and cross-field constraints.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.window_minutes == 0 || DAY_MS % self.window_ms() != 0 {
            return Err(ConfigError::new(
                "window_minutes",
                "must be positive and divide a day evenly",
            ));
        }
        if self.lateness_ms() >= self.window_ms() {
            return Err(ConfigError::new(
                "lateness_seconds",
                "must be shorter than one window",
            ));
        }
        let c = &self.combiner;
        if c.span_minutes == 0 || c.cooldown_minutes < c.span_minutes {
            return Err(ConfigError::new(
                "combiner.cooldown_minutes",
                "span must be positive and cooldown at least the span",
            ));
        }
        probability("combiner.alert_p", c.alert_p)?;
        probability("combiner.corroborated_p", c.corroborated_p)?;
        positive("combiner.score_full_log10", c.score_full_log10)?;
        for s in &self.sensitivity {
            if !(0.0..=1.0).contains(&s.weight) {
                return Err(ConfigError::new(
                    "sensitivity.weight",
                    format!("{}: must be within 0..=1", s.label),
                ));
            }
        }
        self.volume.validate()?;
        self.sustained_volume.validate()?;
        self.peer.validate()?;
        self.population_shift.validate()?;
        self.breadth.validate()?;
        self.new_access.validate()?;
        self.time_of_day.validate()?;
        self.denied_burst.validate()?;
        self.origin.validate()?;
        for r in &self.rules {
            r.validate()?;
        }
        Ok(())
    }

    /// Weight of a sensitivity label (0 when absent or unknown).
    #[inline]
    pub fn sensitivity_weight(&self, label: Option<&str>) -> f64 {
        match label {
            Some(l) => self
                .sensitivity
                .iter()
                .find(|s| s.label == l)
                .map_or(0.0, |s| s.weight),
            None => 0.0,
        }
    }
}

/// Rejects values outside `(0, 1)`.
pub(crate) fn probability(field: &str, p: f64) -> Result<(), ConfigError> {
    if p > 0.0 && p < 1.0 {
        Ok(())
    } else {
        Err(ConfigError::new(
            field,
            "must be a probability strictly between 0 and 1",
        ))
    }
}

/// Rejects non-positive or non-finite values.
pub(crate) fn positive(field: &str, x: f64) -> Result<(), ConfigError> {
    if x > 0.0 && x.is_finite() {
        Ok(())
    } else {
        Err(ConfigError::new(field, "must be positive"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert_eq!(Config::default().validate(), Ok(()));
    }

    #[test]
    fn lateness_longer_than_a_window_is_rejected() {
        let cfg = Config {
            lateness_seconds: 600,
            ..Config::default()
        };
        assert_eq!(
            cfg.validate().map_err(|e| e.field),
            Err("lateness_seconds".to_owned())
        );
    }

    #[test]
    fn unknown_fields_are_rejected_by_name() {
        let err = serde_json::from_str::<Config>(r#"{"window_minute": 5}"#)
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("window_minute")));
    }

    #[test]
    fn a_partial_config_keeps_the_other_defaults() {
        let cfg: Result<Config, _> = serde_json::from_str(r#"{"volume": {"min_ratio": 5.0}}"#);
        assert!(cfg.is_ok_and(|c| c.volume.min_ratio == 5.0 && c.window_minutes == 5));
    }
}
