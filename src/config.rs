//! One `Config` for the whole service: zero-config defaults, then an optional TOML file, then
//! `ACCESSWATCH_*` environment variables, then command-line flags (each layer overrides the previous).
//!
//! Environment variables map onto the TOML keys: `ACCESSWATCH_DATABASE_URL` sets `database_url`,
//! `ACCESSWATCH_INGEST__MAX_BODY_BYTES` sets `[ingest] max_body_bytes` (double underscore between
//! section and key). `accesswatch.sample.toml` documents every key.

use serde::Deserialize;
use std::fmt;
use std::net::SocketAddr;
use std::path::Path;

/// The top-level keys of [`Config`] (fields and `[sections]`), which environment variables may set.
const TOP_LEVEL_KEYS: &[&str] = &[
    "database_url",
    "listen",
    "log_format",
    "public_url",
    "ingest",
    "engine",
    "detectors",
    "retention",
    "reminders",
    "alerting",
];

/// Everything the service can be told.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// `sqlite://PATH` (embedded, default) or `postgres://USER:PASSWORD@HOST/DB`.
    pub database_url: String,
    /// Address `serve` listens on.
    pub listen: SocketAddr,
    /// `text` for people, `json` for log shippers.
    pub log_format: LogFormat,
    /// Base URL that links in notifications point at.
    pub public_url: String,
    pub ingest: IngestConfig,
    pub engine: EngineConfig,
    /// Detector thresholds and windows (see docs/DETECTORS.md).
    pub detectors: detectors::Config,
    pub retention: crate::retention::RetentionConfig,
    pub reminders: crate::incidents::RemindersConfig,
    /// Grouping, lifecycle timers, routing, receivers and the outbox (see docs/ALERTING.md).
    pub alerting: crate::alerts::AlertingConfig,
}

/// How the detection engine runs inside `serve`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EngineConfig {
    /// Detector shards (tasks); 0 means one per CPU core.
    pub shards: usize,
    /// Events read from the store per step.
    pub page_size: i64,
    /// Save detector state after this many events...
    pub snapshot_every_events: u64,
    /// ...or this many seconds, whichever comes first.
    pub snapshot_every_secs: u64,
    /// Check the store for new events at least this often, in milliseconds.
    pub poll_every_ms: u64,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            shards: 0,
            page_size: 10_000,
            snapshot_every_events: 1_000_000,
            snapshot_every_secs: 300,
            poll_every_ms: 1_000,
        }
    }
}

impl EngineConfig {
    /// The engine's runtime settings with the detector configuration.
    pub fn settings(&self, detectors: &detectors::Config) -> crate::engine::EngineSettings {
        crate::engine::EngineSettings {
            detectors: detectors.clone(),
            shards: crate::engine::route::shard_count(self.shards),
            page_size: self.page_size.max(1),
            snapshot_every_events: self.snapshot_every_events.max(1),
            snapshot_every: std::time::Duration::from_secs(self.snapshot_every_secs.max(1)),
            poll_every: std::time::Duration::from_millis(self.poll_every_ms.max(10)),
        }
    }
}

/// Limits and batching of `POST /v1/events`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IngestConfig {
    /// Largest request body accepted as sent (compressed), in bytes.
    pub max_body_bytes: usize,
    /// Largest body after gzip/zstd decompression, in bytes.
    pub max_decompressed_bytes: usize,
    /// Most events in one request.
    pub max_events_per_request: usize,
    /// Ingest requests processed at once; beyond this the service answers 429 before reading the body.
    pub max_inflight_requests: usize,
    /// Most events the writer commits in one transaction (group commit of several requests).
    pub max_commit_events: usize,
    /// How far in the future an event's `time` may lie (clock skew), in seconds.
    pub max_future_skew_secs: i64,
    /// Seconds a client is told to wait (`Retry-After`) when the service is saturated.
    pub retry_after_secs: u64,
    /// For how long after it was stored an `event_id` is a duplicate whatever its `time` (after
    /// that, only the same id at the same time is); 0 turns this off.
    pub dedup_window_secs: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database_url: "sqlite://data/accesswatch.db".into(),
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            log_format: LogFormat::Text,
            public_url: "http://127.0.0.1:8080".into(),
            ingest: IngestConfig::default(),
            engine: EngineConfig::default(),
            detectors: detectors::Config::default(),
            retention: crate::retention::RetentionConfig::default(),
            reminders: crate::incidents::RemindersConfig::default(),
            alerting: crate::alerts::AlertingConfig::default(),
        }
    }
}

impl Default for IngestConfig {
    fn default() -> Self {
        Self {
            max_body_bytes: 16 << 20,
            max_decompressed_bytes: 64 << 20,
            max_events_per_request: 50_000,
            max_inflight_requests: 256,
            max_commit_events: 16_384,
            max_future_skew_secs: 24 * 3600,
            retry_after_secs: 1,
            dedup_window_secs: 600,
        }
    }
}

/// A configuration that could not be read, naming the source.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("invalid config file {path}: {message}")]
    Parse { path: String, message: String },
    #[error("invalid configuration from environment: {0}")]
    Env(String),
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

impl Config {
    /// Defaults, then `file` if given, then `ACCESSWATCH_*` variables from `env`.
    pub fn load(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let mut table = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.display().to_string(),
                    source,
                })?;
                text.parse::<toml::Table>()
                    .map_err(|e| ConfigError::Parse {
                        path: path.display().to_string(),
                        message: e.to_string(),
                    })?
            }
            None => toml::Table::new(),
        };
        for (name, value) in env {
            let Some(key) = name.strip_prefix("ACCESSWATCH_") else {
                continue;
            };
            // Other ACCESSWATCH_* variables (ACCESSWATCH_CONFIG, ACCESSWATCH_KEY, ...) are not keys.
            let top = key
                .split("__")
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            if TOP_LEVEL_KEYS.contains(&top.as_str()) {
                set_path(&mut table, key, &value);
            }
        }
        let source = file.map_or("environment".to_string(), |p| p.display().to_string());
        let config: Config =
            toml::Value::Table(table)
                .try_into()
                .map_err(|e: toml::de::Error| ConfigError::Parse {
                    path: source,
                    message: e.to_string(),
                })?;
        config.validate()?;
        Ok(config)
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        let i = &self.ingest;
        let positive = [
            ("ingest.max_body_bytes", i.max_body_bytes),
            ("ingest.max_decompressed_bytes", i.max_decompressed_bytes),
            ("ingest.max_events_per_request", i.max_events_per_request),
            ("ingest.max_inflight_requests", i.max_inflight_requests),
            ("ingest.max_commit_events", i.max_commit_events),
        ];
        for (name, value) in positive {
            if value == 0 {
                return Err(ConfigError::Invalid(format!(
                    "{name} must be greater than 0"
                )));
            }
        }
        self.alerting.validate().map_err(ConfigError::Invalid)?;
        crate::incidents::reminder_sinks::validate(self).map_err(ConfigError::Invalid)?;
        self.detectors
            .validate()
            .map_err(|e| ConfigError::Invalid(format!("detectors: {e}")))
    }
}

/// Sets `a__b` (from `ACCESSWATCH_A__B`) in the table, parsing the value as a TOML scalar when it
/// is one (numbers, booleans) and as a string otherwise. Unknown keys fail later, by name.
fn set_path(table: &mut toml::Table, key: &str, raw: &str) {
    let mut parts: Vec<String> = key.split("__").map(str::to_ascii_lowercase).collect();
    let Some(last) = parts.pop() else { return };
    let mut node = table;
    for part in parts {
        let entry = node
            .entry(part)
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        let toml::Value::Table(inner) = entry else {
            return;
        };
        node = inner;
    }
    let value = format!("v = {raw}")
        .parse::<toml::Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
        .filter(|v| !matches!(v, toml::Value::Table(_) | toml::Value::Array(_)))
        .unwrap_or_else(|| toml::Value::String(raw.to_string()));
    node.insert(last, value);
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field(
                "database_url",
                &crate::store::redact_url(&self.database_url),
            )
            .field("listen", &self.listen)
            .field("log_format", &self.log_format)
            .field("public_url", &self.public_url)
            .field("ingest", &self.ingest)
            .field("engine", &self.engine)
            .field("detectors", &self.detectors)
            .field("retention", &self.retention)
            .field("reminders", &self.reminders)
            .field("alerting", &self.alerting)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn zero_configuration_uses_the_embedded_database_on_localhost() {
        let c = Config::load(None, env(&[])).unwrap();
        assert_eq!(c.database_url, "sqlite://data/accesswatch.db");
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
    }

    #[test]
    fn environment_overrides_the_file_and_nested_keys_use_double_underscore() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("aw.toml");
        std::fs::write(
            &path,
            "listen = \"127.0.0.1:9000\"\n[ingest]\nmax_body_bytes = 10\n",
        )
        .unwrap();
        let c = Config::load(
            Some(&path),
            env(&[
                ("ACCESSWATCH_INGEST__MAX_BODY_BYTES", "2048"),
                ("ACCESSWATCH_DATABASE_URL", "postgres://u:p@h/db"),
                ("OTHER", "x"),
                ("ACCESSWATCH_KEY", "not a config key"),
            ]),
        )
        .unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:9000");
        assert_eq!(c.ingest.max_body_bytes, 2048);
        assert_eq!(c.database_url, "postgres://u:p@h/db");
    }

    #[test]
    fn unknown_keys_are_rejected_by_name() {
        let err = Config::load(None, env(&[("ACCESSWATCH_INGEST__MAX_BODDY", "1")])).unwrap_err();
        assert!(err.to_string().contains("max_boddy"), "{err}");
    }

    #[test]
    fn debug_output_hides_the_database_password() {
        let c = Config {
            database_url: "postgres://aw:hunter2@db/aw".into(),
            ..Config::default()
        };
        let shown = format!("{c:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
    }

    #[test]
    fn debug_output_hides_the_reminder_webhook_token() {
        let c = Config {
            reminders: crate::incidents::RemindersConfig {
                webhook_url: Some("https://hooks.example.com/T000/B000/s3cr3t".into()),
                ..crate::incidents::RemindersConfig::default()
            },
            ..Config::default()
        };
        let shown = format!("{c:?}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(shown.contains("https://hooks.example.com/***"), "{shown}");
    }

    #[test]
    fn the_sample_config_file_parses() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("accesswatch.sample.toml");
        Config::load(Some(&path), env(&[])).unwrap();
    }

    #[test]
    fn every_section_of_the_sample_config_can_be_set_from_the_environment() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("accesswatch.sample.toml");
        let sample: toml::Table = std::fs::read_to_string(path).unwrap().parse().unwrap();
        for key in sample.keys() {
            assert!(
                TOP_LEVEL_KEYS.contains(&key.as_str()),
                "`{key}` missing from TOP_LEVEL_KEYS"
            );
        }
    }
}
