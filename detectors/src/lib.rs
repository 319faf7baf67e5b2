//! Pure statistical detectors of abnormal personal-data reads: no IO, no clock, event time only.
//!
//! Layout:
//! - [`event`]: the borrowed access event the detectors consume.
//! - [`config`]: one `Config` with a section per detector, static rules and the combiner; validated.
//! - [`pipeline`]: one `Pipeline` per engine shard: `observe` events, `flush`, `snapshot`/`restore`.
//! - [`detect`]: the detector families, each with its config, state, update and explanation.
//! - [`combiner`]: folds one actor's findings within a span into one alert with a combined p-value.
//! - [`alert`] / [`finding`]: what leaves the crate, and what each detector concludes.
//! - [`stats`]: count tails (negative binomial), weighted moments, sketches; [`hash`], [`timefmt`].
//! - [`explain`]: numbers and sentences for summaries.
//! - [`sim`] / [`eval`]: labelled simulated worlds and their scoring (detection quality).
//! - [`nab`]: the Numenta Anomaly Benchmark: CSV in and out, a univariate detector, NAB's scorer.

pub mod alert;
pub mod combiner;
pub mod config;
pub mod detect;
pub mod eval;
mod event;
pub mod explain;
pub mod finding;
pub mod hash;
pub mod nab;
pub mod pipeline;
pub mod sim;
pub mod stats;
pub mod timefmt;

pub use alert::{Alert, Contribution, Evidence, ResourceCount, Severity};
pub use config::{Config, ConfigError};
pub use event::{ActorType, Event, Outcome, OwnedEvent};
pub use finding::{Family, Finding};
pub use pipeline::{Pipeline, RestoreError, Snapshot};
