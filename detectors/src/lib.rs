//! Pure statistical detectors of abnormal personal-data reads: no IO, no clock, event time only.

mod event;
pub mod sim;

pub use event::{ActorType, Event, Outcome, OwnedEvent};
