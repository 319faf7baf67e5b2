//! The detector families. Each module holds its `Config` (serde, validated), its per-actor (and where
//! needed per-group) state, its update and its check; the pipeline calls them at the right moments:
//! per event only where a count must be taken, per window close or per day close for statistics.

pub mod breadth;
mod day_evidence;
pub mod denied;
pub mod new_access;
pub mod origin;
pub mod peer;
pub mod population;
pub mod rules;
pub mod size;
mod size_evidence;
pub mod sustained;
pub mod time_of_day;
pub mod volume;
