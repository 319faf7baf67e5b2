//! Sharding by peer group: all actors of a group share a pipeline, so peer baselines and
//! population shifts are computed where the whole group is visible. Live and replay route alike.

use detectors::{Alert, Config, ConfigError, Event, Pipeline};

/// The shard that owns `event` among `shards`.
pub fn shard_of(event: &Event<'_>, shards: usize) -> usize {
    let key = event.peer_group();
    (xxhash_rust::xxh3::xxh3_64(key.as_bytes()) % shards.max(1) as u64) as usize
}

/// The configured number of shards: `0` means one per core.
pub fn shard_count(configured: usize) -> usize {
    if configured > 0 {
        configured
    } else {
        std::thread::available_parallelism().map_or(1, usize::from)
    }
}

/// Every shard's pipeline in one struct: the synchronous path `replay` and tests drive.
pub struct Shards {
    pipelines: Vec<Pipeline>,
}

impl Shards {
    pub fn new(config: &Config, shards: usize) -> Result<Self, ConfigError> {
        let pipelines = (0..shards.max(1))
            .map(|_| Pipeline::new(config.clone()))
            .collect::<Result<_, _>>()?;
        Ok(Self { pipelines })
    }

    pub fn observe(&mut self, event: &Event<'_>) -> Vec<Alert> {
        let shard = shard_of(event, self.pipelines.len());
        self.pipelines[shard].observe(event)
    }

    /// End of input: every pipeline closes its open windows.
    pub fn flush(&mut self) -> Vec<Alert> {
        self.pipelines
            .iter_mut()
            .flat_map(Pipeline::flush)
            .collect()
    }

    pub fn actors_tracked(&self) -> usize {
        self.pipelines.iter().map(Pipeline::actors_tracked).sum()
    }
}
