//! Schema migrations embedded in the binary, one list per backend.
//!
//! The two folders `migrations/sqlite` and `migrations/postgres` hold the same versions under the same
//! names (a test checks the pairing), so a feature never lands on one backend only.

/// One forward-only schema step.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

macro_rules! embed {
    ($dir:literal: $(($version:literal, $file:literal)),* $(,)?) => {
        &[$(Migration {
            version: $version,
            name: $file,
            sql: include_str!(concat!("../../migrations/", $dir, "/", $file, ".sql")),
        }),*]
    };
}

pub const SQLITE: &[Migration] = embed!("sqlite":
    (1, "0001_events_and_keys"),
    (2, "0002_alerts_and_engine_state"),
    (3, "0003_incidents"),
    (4, "0004_alerting"),
    (5, "0005_event_identity"),
);
pub const POSTGRES: &[Migration] = embed!("postgres":
    (1, "0001_events_and_keys"),
    (2, "0002_alerts_and_engine_state"),
    (3, "0003_incidents"),
    (4, "0004_alerting"),
    (5, "0005_event_identity"),
);

/// The bookkeeping table, identical on both backends.
pub const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_ms BIGINT NOT NULL)";

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn files_in(dir: &str) -> Vec<String> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(dir);
        let mut names: Vec<String> = std::fs::read_dir(path)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn every_sqlite_migration_has_a_postgres_twin_with_the_same_name() {
        assert!(!files_in("sqlite").is_empty());
        assert_eq!(files_in("sqlite"), files_in("postgres"));
    }

    #[test]
    fn embedded_lists_match_the_folders_in_order() {
        for (dir, list) in [("sqlite", SQLITE), ("postgres", POSTGRES)] {
            let embedded: Vec<String> = list.iter().map(|m| format!("{}.sql", m.name)).collect();
            assert_eq!(embedded, files_in(dir), "{dir}");
            for (i, m) in list.iter().enumerate() {
                assert_eq!(m.version, i as i64 + 1, "versions are consecutive in {dir}");
                assert!(m.name.starts_with(&format!("{:04}_", m.version)));
            }
        }
    }
}
