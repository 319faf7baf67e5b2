//! Per-actor and per-group state: every detector's share, in one struct each so that memory per actor
//! can be measured and the whole thing snapshotted with serde.

use serde::{Deserialize, Serialize};

use super::window::WindowAcc;
use crate::detect::breadth::Run;
use crate::detect::origin::OriginState;
use crate::detect::peer::YoungRecord;
use crate::detect::population::ShiftState;
use crate::detect::size::{ActorSizes, GroupSizes, SizeAcc};
use crate::detect::sustained::SustainedState;
use crate::detect::time_of_day::HourProfile;
use crate::detect::volume::{Peak, VolumeState, SLOTS};
use crate::event::ActorType;
use crate::stats::sketch::{RecentMap, RecentSet};
use crate::stats::Moments;

/// Everything remembered about one actor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ActorState {
    pub name: Box<str>,
    pub group: u32,
    pub kind: ActorType,
    pub first_ms: i64,
    pub last_alert_ms: i64,
    pub win: WindowAcc,
    /// Day being accumulated (`i64::MIN`: none), its records and active hours.
    pub day: i64,
    pub day_records: u64,
    pub day_hours: u32,
    /// Today's access sizes against their resources.
    pub day_size: SizeAcc,
    /// Day on which the peer check reported (`i64::MIN`: never; it reports once per young actor).
    pub peer_day: i64,
    /// While young: its whole days and access sizes against its peers'.
    #[serde(default)]
    pub young: YoungRecord,
    /// The previous window's start and denied count (bursts straddle windows).
    pub prev_denied: (i64, u64),
    /// The previous window's start, records and access sizes (an export in a few goes straddles
    /// windows too).
    #[serde(default)]
    pub prev_size: (i64, u64, SizeAcc),
    /// Records read today from origins new to the actor.
    pub origin_today: u64,
    /// Records read today at hours unusual for the actor, and the day the time-of-day check reported.
    pub odd_records: u64,
    pub odd_day: i64,
    pub volume: VolumeState,
    /// The largest window read before, fading (volume alone alerts only above a multiple of it).
    #[serde(default)]
    pub peak: Peak,
    pub sizes: ActorSizes,
    pub sustained: SustainedState,
    pub breadth: Moments,
    /// The current run of consecutive active windows, and completed runs' distinct resources.
    #[serde(default)]
    pub run: Run,
    #[serde(default)]
    pub run_breadth: Moments,
    pub denied: Moments,
    pub hours: HourProfile,
    pub known: RecentSet,
    pub origin: OriginState,
}

impl ActorState {
    pub fn new(name: &str, group: u32, kind: ActorType, first_ms: i64) -> Self {
        ActorState {
            name: name.into(),
            group,
            kind,
            first_ms,
            last_alert_ms: i64::MIN,
            win: WindowAcc::default(),
            day: i64::MIN,
            day_records: 0,
            day_hours: 0,
            day_size: SizeAcc::default(),
            peer_day: i64::MIN,
            young: YoungRecord::default(),
            prev_denied: (i64::MIN, 0),
            prev_size: (i64::MIN, 0, SizeAcc::default()),
            origin_today: 0,
            odd_records: 0,
            odd_day: i64::MIN,
            volume: VolumeState::default(),
            peak: Peak::default(),
            sizes: ActorSizes::default(),
            sustained: SustainedState::default(),
            breadth: Moments::default(),
            run: Run::default(),
            run_breadth: Moments::default(),
            denied: Moments::default(),
            hours: HourProfile::default(),
            known: RecentSet::default(),
            origin: OriginState::default(),
        }
    }

    /// Bytes this actor holds, inline and on the heap.
    pub fn memory_bytes(&self) -> usize {
        std::mem::size_of::<Self>()
            + self.name.len()
            + self.win.heap_bytes()
            + self.volume.heap_bytes()
            + self.sizes.heap_bytes()
            + self.known.heap_bytes()
            + self.origin.heap_bytes()
    }
}

/// A peer group: its members' baselines pooled, and its shift episode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct GroupState {
    pub name: Box<str>,
    /// When the group was first seen (0 in snapshots from before it was kept: an old group).
    #[serde(default)]
    pub first_ms: i64,
    pub members: u32,
    pub volume: VolumeState,
    pub sizes: GroupSizes,
    /// Members' daily totals (one observation per active member-day).
    pub daily: Moments,
    /// Established members' typical log weekday totals (one observation per member-day: the spread
    /// between people) and their day-to-day log variances (`mean`: the spread within a person).
    #[serde(default)]
    pub member_level: Moments,
    #[serde(default)]
    pub member_var: Moments,
    pub breadth: Moments,
    #[serde(default)]
    pub run_breadth: Moments,
    /// Member-days worked in the member's night (1) or not (0): whether night work is routine here.
    #[serde(default)]
    pub night: Moments,
    pub known: RecentMap,
    /// Members active per window, per seasonal slot (only windows with any member active).
    pub activity: Vec<Moments>,
    pub shift: ShiftState,
}

impl GroupState {
    pub fn new(name: &str, first_ms: i64) -> Self {
        GroupState {
            name: name.into(),
            first_ms,
            members: 0,
            volume: VolumeState::default(),
            sizes: GroupSizes::default(),
            daily: Moments::default(),
            member_level: Moments::default(),
            member_var: Moments::default(),
            breadth: Moments::default(),
            run_breadth: Moments::default(),
            night: Moments::default(),
            known: RecentMap::default(),
            activity: vec![Moments::default(); SLOTS],
            shift: ShiftState {
                factor: 1.0,
                ..ShiftState::default()
            },
        }
    }

    pub fn memory_bytes(&self) -> usize {
        std::mem::size_of::<Self>()
            + self.name.len()
            + self.volume.heap_bytes()
            + self.sizes.heap_bytes()
            + self.known.heap_bytes()
            + self.activity.capacity() * std::mem::size_of::<Moments>()
    }
}
