//! The pipeline: one per engine shard. Events in (event-time order within a small lateness), alerts out.
//!
//! Per event it only counts: intern the actor, add to the actor's open window, check the cheap
//! per-event conditions (rules, a cached mid-window volume threshold, first sensitive access, a new
//! origin). Statistics run when time advances past a window's end (`close`), and daily ones when it
//! passes midnight UTC (`day`), so their cost is per actor-window, not per event.

mod close;
mod day;
mod evidence;
mod ingest;
mod judge;
mod snapshot;
mod state;
mod window;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::alert::Alert;
use crate::combiner::Combiner;
use crate::config::{Config, ConfigError};
use crate::event::Event;
use crate::hash::FxBuild;
use crate::stats::z_for_p;
use crate::timefmt::DAY_MS;

pub use snapshot::{RestoreError, Snapshot};

use close::ClosedWindow;
use evidence::Spares;
use state::{ActorState, GroupState};

/// Everything a snapshot must carry (the indexes are rebuilt from it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct State {
    actors: Vec<ActorState>,
    groups: Vec<GroupState>,
    /// Latest event time seen.
    watermark: i64,
    /// First event time: start of the deployment's learning period.
    started_ms: Option<i64>,
    /// End of the oldest window that has not been closed yet.
    next_close: i64,
    /// Actors with an open window.
    open: Vec<u32>,
    /// Windows closed but not yet judged (waiting for their group's other members).
    closed: Vec<ClosedWindow>,
    /// Actors with activity on the day being accumulated.
    day_active: Vec<u32>,
    combiner: Combiner,
    /// Evidence buffers of closed windows, lent to windows as they open (kept in the snapshot so
    /// that a restored pipeline lends the same buffers and ends in the same state).
    #[serde(default)]
    spares: Spares,
}

/// Values derived from the configuration once, so the hot path does not recompute them.
#[derive(Debug, Clone, Copy)]
struct Derived {
    window_ms: i64,
    lateness_ms: i64,
    learning_ms: i64,
    z_early: f64,
    z_clip: f64,
    ln_report: f64,
    /// `z` of `report_p`: windows below its quantile skip the exact tail.
    z_report: f64,
    ln_alert: f64,
    /// Daily fading of each actor's volume peak.
    peak_decay: f64,
}

impl Derived {
    fn new(cfg: &Config) -> Self {
        Derived {
            window_ms: cfg.window_ms(),
            lateness_ms: cfg.lateness_ms(),
            learning_ms: i64::from(cfg.learning_days) * DAY_MS,
            z_early: z_for_p(cfg.volume.early_p),
            z_clip: z_for_p(cfg.volume.clip_p),
            ln_report: cfg.volume.report_p.ln(),
            ln_alert: cfg.combiner.alert_p.ln(),
            z_report: z_for_p(cfg.volume.report_p),
            peak_decay: crate::detect::volume::daily_decay(cfg.volume.peak_half_life_days),
        }
    }
}

/// All detectors for one shard of actors (sharded by group, so a group's members share a pipeline).
pub struct Pipeline {
    cfg: Config,
    d: Derived,
    st: State,
    actor_index: HashMap<Box<str>, u32, FxBuild>,
    group_index: HashMap<Box<str>, u32, FxBuild>,
    /// Reused per-tick buffers (group ratios), kept to avoid allocating per window.
    ratios: Vec<f64>,
}

impl Pipeline {
    pub fn new(config: Config) -> Result<Self, ConfigError> {
        config.validate()?;
        Ok(Pipeline {
            d: Derived::new(&config),
            cfg: config,
            st: State::default(),
            actor_index: HashMap::default(),
            group_index: HashMap::default(),
            ratios: Vec::new(),
        })
    }

    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Feeds one event; returns the alerts that became final (possibly none).
    pub fn observe(&mut self, ev: &Event<'_>) -> Vec<Alert> {
        let mut out = Vec::new();
        let t = ev.time_ms;
        if self.st.started_ms.is_none() {
            self.st.started_ms = Some(t);
            self.st.watermark = t;
            self.st.next_close = self.align(t) + self.d.window_ms;
        }
        if t > self.st.watermark {
            self.st.watermark = t;
            self.advance(t.saturating_sub(self.d.lateness_ms), &mut out);
        }
        let id = self.intern(ev);
        self.ingest(id, ev, &mut out);
        out
    }

    /// End of input: closes the open windows (and the day, when they end it) and returns what follows.
    pub fn flush(&mut self) -> Vec<Alert> {
        let mut out = Vec::new();
        if self.st.started_ms.is_some() {
            let until = self.align(self.st.watermark) + self.d.window_ms;
            self.advance(until, &mut out);
        }
        out
    }

    /// Latest event time seen (epoch ms; 0 before the first event).
    pub fn watermark_ms(&self) -> i64 {
        self.st.watermark
    }

    pub fn actors_tracked(&self) -> usize {
        self.st.actors.len()
    }

    /// Approximate bytes held: actor and group state, indexes, pending work.
    pub fn approx_memory_bytes(&self) -> usize {
        let index_entry = std::mem::size_of::<(Box<str>, u32)>() + 8;
        let actors: usize = self
            .st
            .actors
            .iter()
            .map(|a| a.memory_bytes() + a.name.len() + index_entry)
            .sum();
        let groups: usize = self
            .st
            .groups
            .iter()
            .map(|g| g.memory_bytes() + g.name.len() + index_entry)
            .sum();
        actors
            + groups
            + self.st.open.capacity() * 4
            + self.st.day_active.capacity() * 4
            + self.st.closed.capacity() * std::mem::size_of::<ClosedWindow>()
            + self.st.combiner.memory_bytes()
            + self.st.spares.heap_bytes()
    }

    #[inline]
    fn align(&self, t: i64) -> i64 {
        t - t.rem_euclid(self.d.window_ms)
    }

    /// True while the deployment is in its learning period at event time `t`.
    #[inline]
    fn learning(&self, t: i64) -> bool {
        self.st
            .started_ms
            .is_none_or(|s| t < s.saturating_add(self.d.learning_ms))
    }

    /// Closes every window (and day) that ends at or before `until`.
    fn advance(&mut self, until: i64, out: &mut Vec<Alert>) {
        while self.st.next_close <= until {
            let end = self.st.next_close;
            self.close_windows(end);
            self.judge_closed(out);
            if end.rem_euclid(DAY_MS) == 0 {
                self.close_day(end - DAY_MS, out);
            }
            self.st.combiner.expire(end, &self.cfg);
            self.st.next_close = end + self.d.window_ms;
            if self.st.open.is_empty() && self.st.closed.is_empty() && self.st.day_active.is_empty()
            {
                // Nothing pending: skip empty windows in one step (a long gap in the input).
                self.st.next_close = self.st.next_close.max(self.align(until));
            }
        }
    }

    /// Actor id for the event's actor, creating it (and its group) on first sight.
    fn intern(&mut self, ev: &Event<'_>) -> u32 {
        let id = match self.actor_index.get(ev.actor) {
            Some(&id) => id,
            None => {
                let group = self.group_for(ev);
                let id = self.st.actors.len() as u32;
                self.st
                    .actors
                    .push(ActorState::new(ev.actor, group, ev.actor_type, ev.time_ms));
                self.actor_index.insert(ev.actor.into(), id);
                return id;
            }
        };
        // An actor that changed group (a transfer) moves with its history to the new peers.
        let current = self.st.actors.get(id as usize).map(|a| a.group);
        let same = current
            .and_then(|g| self.st.groups.get(g as usize))
            .is_some_and(|g| *g.name == *ev.peer_group());
        if !same {
            let group = self.group_for(ev);
            if let Some(a) = self.st.actors.get_mut(id as usize) {
                a.group = group;
            }
        }
        id
    }

    /// Group id for the event's peer group ([`Event::peer_group`]), created on first sight.
    fn group_for(&mut self, ev: &Event<'_>) -> u32 {
        let name = ev.peer_group();
        let id = match self.group_index.get(name) {
            Some(&g) => g,
            None => {
                let g = self.st.groups.len() as u32;
                self.st.groups.push(GroupState::new(name, ev.time_ms));
                self.group_index.insert(name.into(), g);
                g
            }
        };
        if let Some(g) = self.st.groups.get_mut(id as usize) {
            g.members += 1;
        }
        id
    }
}

#[cfg(test)]
mod tests;
