//! Detection engine: runs the pure `detectors` pipelines over stored events, live and in replay.
//!
//! - [`route`]: which shard owns an event (by peer group, so group baselines stay in one place) and
//!   [`route::Shards`], the synchronous set of pipelines that `replay` drives directly.
//! - [`live`]: the service's engine: tails the event log from a cursor, one task per shard,
//!   persists alerts, snapshots detector state with the cursor so a restart resumes exactly.
//! - [`replay`]: the offline path over a file, same pipelines, synchronous.
//! - [`record`]: a detector alert in the DESIGN.md JSON shape, and as a stored row.

pub mod live;
pub mod record;
pub mod replay;
pub mod route;

pub use live::{start, EngineHandle, EngineProgress, EngineSettings};
pub use record::{alert_json, alert_record, AlertJson};
pub use replay::replay;
pub use route::{shard_of, Shards};
