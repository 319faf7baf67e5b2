//! Snapshot and restore: the whole detector state as one serde value.
//!
//! The engine stores a snapshot with its watermark and, on start, restores it and replays the stored
//! events after the watermark. Everything that influences later behaviour is in `State` (hashes in the
//! sketches are stable across processes, see `hash`), so a round trip through any self-describing serde
//! format gives identical alerts afterwards. Interning indexes are rebuilt, not stored.

use serde::{Deserialize, Serialize};

use super::{Derived, Pipeline, State};
use crate::config::{Config, ConfigError};

/// Format version; bumped when `State` changes incompatibly.
/// 2: actors without `actor_group` share an implicit group (and a shard) per actor type.
const VERSION: u32 = 2;

/// Serialisable detector state of one pipeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    version: u32,
    window_ms: i64,
    state: State,
}

/// Why a snapshot could not be restored.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RestoreError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("snapshot version {found} is not supported (expected {VERSION})")]
    Version { found: u32 },
    #[error(
        "snapshot was taken with {found_ms} ms windows but the configuration has {config_ms} ms"
    )]
    WindowChanged { found_ms: i64, config_ms: i64 },
    #[error("snapshot is inconsistent: {0}")]
    Corrupt(String),
}

impl Snapshot {
    /// Latest event time the snapshot covers: replay stored events after it.
    pub fn watermark_ms(&self) -> i64 {
        self.state.watermark
    }
}

impl Pipeline {
    /// The state as a serialisable value.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            version: VERSION,
            window_ms: self.d.window_ms,
            state: self.st.clone(),
        }
    }

    /// A pipeline that continues exactly where the snapshot left off.
    pub fn restore(config: Config, snapshot: Snapshot) -> Result<Self, RestoreError> {
        if snapshot.version != VERSION {
            return Err(RestoreError::Version {
                found: snapshot.version,
            });
        }
        let mut p = Pipeline::new(config)?;
        if snapshot.window_ms != p.d.window_ms {
            return Err(RestoreError::WindowChanged {
                found_ms: snapshot.window_ms,
                config_ms: p.d.window_ms,
            });
        }
        let st = snapshot.state;
        for (i, a) in st.actors.iter().enumerate() {
            if a.group as usize >= st.groups.len()
                || a.volume.slots.len() != crate::detect::volume::SLOTS
            {
                return Err(RestoreError::Corrupt(format!("actor {i}")));
            }
            p.actor_index.insert(a.name.clone(), i as u32);
        }
        for (i, g) in st.groups.iter().enumerate() {
            if g.volume.slots.len() != crate::detect::volume::SLOTS
                || g.activity.len() != crate::detect::volume::SLOTS
            {
                return Err(RestoreError::Corrupt(format!("group {i}")));
            }
            p.group_index.insert(g.name.clone(), i as u32);
        }
        if st
            .open
            .iter()
            .chain(&st.day_active)
            .any(|&id| id as usize >= st.actors.len())
        {
            return Err(RestoreError::Corrupt("actor id out of range".to_owned()));
        }
        p.st = st;
        p.d = Derived::new(&p.cfg);
        Ok(p)
    }
}
