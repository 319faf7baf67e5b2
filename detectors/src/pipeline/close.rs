//! Window close: an actor's window is summarised into a `ClosedWindow`: the statistics that do not
//! depend on the rest of the group (breadth, denials, unusual hours, first accesses, new origins) are
//! judged and learned here; volume waits for the group (`judge`).

use serde::{Deserialize, Serialize};

use super::evidence::Evidence;
use super::state::{ActorState, GroupState};
use super::Pipeline;
use crate::alert::ResourceCount;
use crate::config::Config;
use crate::detect::new_access::{self, FirstAccess};
use crate::detect::origin::{self, NewOrigin};
use crate::detect::size::SizeAcc;
use crate::detect::volume::{self, slot_of, Model, Quantity};
use crate::detect::{breadth, denied, time_of_day};
use crate::finding::{Context, Finding};
use crate::timefmt::{day_index, hour_of_day, is_weekend, DAY_MS};

/// One actor's window, summarised, waiting for its group's other members.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct ClosedWindow {
    pub(super) actor: u32,
    pub(super) group: u32,
    pub(super) start_ms: i64,
    pub(super) first_ms: i64,
    pub(super) records: u64,
    pub(super) bytes: u64,
    /// Access sizes against their resources, and the access-count evidence `(ln p, ratio)`.
    pub(super) size: SizeAcc,
    /// This window and the previous one together, when they are consecutive: records and sizes.
    pub(super) pair: Option<(u64, SizeAcc)>,
    pub(super) events: Option<(f64, f64)>,
    pub(super) rec_model: Option<Model>,
    pub(super) bytes_model: Option<Model>,
    pub(super) learning: bool,
    /// Findings that do not depend on the group's factor.
    pub(super) findings: Vec<Finding>,
    /// Evidence, as strings when a finding was made at close...
    pub(super) top: Vec<ResourceCount>,
    pub(super) ids: Vec<String>,
    /// ... or still in its buffers when only volume may report the window.
    #[serde(default)]
    pub(super) evidence: Option<Evidence>,
}

impl Pipeline {
    /// Closes the open windows that end at or before `end`.
    pub(super) fn close_windows(&mut self, end: i64) {
        let mut i = 0;
        while i < self.st.open.len() {
            let id = self.st.open[i];
            let due = self
                .st
                .actors
                .get(id as usize)
                .is_none_or(|a| a.win.start_ms + self.d.window_ms <= end);
            if due {
                self.st.open.swap_remove(i);
                self.close_actor(id);
            } else {
                i += 1;
            }
        }
    }

    /// Summarises the actor's window into `st.closed` and learns the group-independent baselines.
    pub(super) fn close_actor(&mut self, id: u32) {
        let learning = self.learning(
            self.st
                .actors
                .get(id as usize)
                .map_or(0, |a| a.win.start_ms),
        );
        let z_report = self.d.z_report;
        let (w, ln_report, z_clip, ln_alert) = (
            self.d.window_ms,
            self.d.ln_report,
            self.d.z_clip,
            self.d.ln_alert,
        );
        let cfg = &self.cfg;
        let st = &mut self.st;
        let Some(a) = st.actors.get_mut(id as usize) else {
            return;
        };
        let Some(g) = st.groups.get_mut(a.group as usize) else {
            return;
        };
        a.win.open = false;
        if a.win.events == 0 {
            a.win.release(&mut st.spares);
            return;
        }
        let start = a.win.start_ms;
        let slot = slot_of(start);
        let (records, bytes) = (a.win.records, a.win.bytes);
        if let Some(ended) = a
            .run
            .add(start, w, &a.win.distinct, cfg.breadth.run_minutes)
        {
            learn_run(a, g, ended, cfg);
        }
        let peers = &*g;
        let model = |q| {
            volume::model(&a.volume, Some(&peers.volume), slot, q, &cfg.volume)
                .filter(|_| cfg.volume.enabled)
        };
        // Baselines only change at window close, so the model cached at open is still current.
        let rec_model = a.win.rec_model.filter(|_| cfg.volume.enabled);
        let bytes_model = if bytes > 0 {
            model(Quantity::Bytes)
        } else {
            None
        };
        let events_model = volume::events_model(&a.volume, Some(&peers.volume), &cfg.volume);
        let events = events_model.map(|m| m.screen(a.win.events as f64, 1.0, z_report));
        let size = a.win.size;
        let (prev_start, prev_records, prev_size) = a.prev_size;
        let size_pair = (prev_start == start - w).then(|| {
            let mut s = prev_size;
            s.add(&size);
            (prev_records + records, s)
        });
        a.prev_size = (start, records, size);
        let maybe = |m: Option<Model>, x: u64| {
            m.is_some_and(|m| m.screen(x as f64, 1.0, z_report).0 <= ln_report)
        };
        let young = start - a.first_ms < i64::from(cfg.peer.young_days) * DAY_MS;
        let vol_maybe =
            !learning && (maybe(rec_model, records) || maybe(bytes_model, bytes) || young);

        let distinct = a.win.distinct.estimate();
        let breadth = breadth::check(distinct, &a.breadth, Some(&peers.breadth), &cfg.breadth)
            .filter(|_| cfg.breadth.enabled);
        let run_distinct = a.run.sketch.estimate();
        let run_check = a
            .run
            .is_long()
            .then(|| {
                breadth::check_run(
                    run_distinct,
                    a.run.windows(w),
                    &a.run_breadth,
                    Some(&peers.run_breadth),
                    &cfg.breadth,
                )
            })
            .flatten()
            .filter(|_| cfg.breadth.enabled);
        // Probing is denials of what the actor does not routinely read.
        let probing = a.win.denied.saturating_sub(a.win.denied_own);
        let single = denied::check(probing, 1.0, &a.denied, &cfg.denied_burst);
        let (prev_start, prev_count) = a.prev_denied;
        let both = probing + prev_count;
        let pair = (prev_start == start - w && prev_count > 0)
            .then(|| denied::check(both, 2.0, &a.denied, &cfg.denied_burst))
            .flatten();
        a.prev_denied = (start, probing);
        let denied_count = if pair.is_some_and(|p| single.is_none_or(|s| p.ln_p < s.ln_p)) {
            both
        } else {
            probing
        };
        let denied = match (single, pair) {
            (Some(s), Some(p)) => Some(if p.ln_p < s.ln_p { p } else { s }),
            (s, p) => s.or(p),
        }
        .filter(|_| cfg.denied_burst.enabled);
        let hour = hour_of_day(start);
        let tod = time_of_day::check(hour, &a.hours, &cfg.time_of_day)
            .filter(|_| cfg.time_of_day.enabled && !learning);
        let breadth_hit = breadth.filter(|c| !learning && c.ln_p <= ln_report);
        // The run is reported when it says more than the window alone.
        let run_hit = run_check.filter(|r| {
            !learning && r.ln_p <= ln_report && breadth_hit.is_none_or(|c| r.ln_p < c.ln_p)
        });
        let denied_hit = denied.filter(|c| c.ln_p <= ln_report);
        let origin = a.win.origin.take();
        // Evidence is turned into strings for findings made here; a window that only volume (judged
        // with its group) may report keeps its buffers until then.
        let reports_now = tod.is_some()
            || breadth_hit.is_some()
            || run_hit.is_some()
            || denied_hit.is_some()
            || !a.win.novel.is_empty()
            || origin.is_some();
        let (top, ids) = if reports_now {
            (a.win.evidence.top_resources(), a.win.evidence.event_ids())
        } else {
            (Vec::new(), Vec::new())
        };
        let evidence = if vol_maybe && !reports_now {
            Some(a.win.take_evidence())
        } else {
            a.win.release(&mut st.spares);
            None
        };
        let ctx = Context {
            group: Some(&*peers.name),
            members: g.members,
            start_ms: a.win.first_ms,
            span_ms: w,
            detected_ms: start + w,
            top: &top,
            ids: &ids,
            ln_alert,
        };
        let mut findings = Vec::new();
        if let Some(c) = breadth_hit {
            findings.push(breadth::finding(&ctx, distinct, &c, false));
        }
        if let Some(c) = run_hit {
            let run_ctx = Context {
                start_ms: a.run.start_ms,
                span_ms: start + w - a.run.start_ms,
                ..ctx
            };
            findings.push(breadth::finding(&run_ctx, run_distinct, &c, true));
        }
        if let Some(c) = denied_hit {
            findings.push(denied::finding(&ctx, denied_count, &c));
        }
        if let Some(ln_p) = tod {
            a.odd_records += records;
            let typical_day = typical_day(a, peers, start, cfg).unwrap_or(f64::INFINITY);
            let odd = a.odd_records as f64;
            let day = day_index(start);
            let team = *peers.name != *a.kind.implicit_group();
            let nights = time_of_day::group_nights(&peers.night, team, &cfg.time_of_day);
            let share = time_of_day::required_share(a.hours.depth(hour), nights, &cfg.time_of_day);
            let alone = a.odd_day != day
                && odd >= cfg.time_of_day.min_records as f64
                && odd >= share * typical_day;
            if alone || vol_maybe {
                if alone {
                    a.odd_day = day;
                }
                let o = time_of_day::OddHours {
                    hour,
                    ln_p,
                    records: odd,
                    typical_day,
                    alone,
                };
                findings.push(time_of_day::finding(&ctx, &o, &a.hours));
            }
        }
        if let Some(n) = a.win.novel.iter().max_by(|x, y| {
            x.weight
                .total_cmp(&y.weight)
                .then(x.group_novel.cmp(&y.group_novel))
        }) {
            let access = FirstAccess {
                resource: &n.resource,
                sensitivity: &n.sensitivity,
                weight: n.weight,
                group_novel: n.group_novel,
                others: a.win.novel.len() - 1,
            };
            findings.push(new_access::finding(
                &Context {
                    start_ms: n.time_ms,
                    ..ctx
                },
                &access,
                &cfg.new_access,
            ));
        }
        if let Some(o) = &origin {
            a.origin_today += o.records;
            let per_hour = 3_600_000.0 / w as f64;
            let o = NewOrigin {
                region: o.region.as_deref(),
                block: o.block.as_deref(),
                records: o.records,
                events: o.events,
                today: a.origin_today,
                hourly: usual_hour(a, peers, start, cfg).or_else(|| {
                    a.volume
                        .all
                        .records
                        .n
                        .gt(&3.0)
                        .then(|| f64::from(a.volume.all.records.mean) * per_hour)
                }),
            };
            findings.push(origin::finding(&ctx, &o, &cfg.origin));
        }
        // Learn breadth and denials now: a group-wide rise does not explain them away.
        if let Some(c) = breadth {
            let capped = distinct.min(c.expected * cfg.breadth.min_ratio).max(1.0);
            a.breadth.update(capped, cfg.breadth.memory_windows);
            g.breadth.update(capped, cfg.breadth.memory_windows);
        } else {
            a.breadth.update(distinct, cfg.breadth.memory_windows);
            g.breadth.update(distinct, cfg.breadth.memory_windows);
        }
        let events_cap = events_model.map(|m| m.quantile(z_clip));
        a.volume
            .learn_events(a.win.events as f64, events_cap, &cfg.volume);
        g.volume
            .learn_events(a.win.events as f64, events_cap, &cfg.volume);
        let d = probing as f64;
        let d = single.map_or(d, |c| d.min(c.expected * cfg.denied_burst.min_ratio));
        a.denied.update(d, cfg.denied_burst.memory_windows);
        let (group, first_ms) = (a.group, a.win.first_ms);
        st.closed.push(ClosedWindow {
            actor: id,
            group,
            start_ms: start,
            first_ms,
            records,
            bytes,
            size,
            pair: size_pair,
            events,
            rec_model,
            bytes_model,
            learning,
            findings,
            top,
            ids,
            evidence,
        });
    }
}

/// Learns a completed run's distinct resources, capped like a window's once judged.
fn learn_run(a: &mut ActorState, g: &mut GroupState, distinct: f64, cfg: &Config) {
    let m = &cfg.breadth;
    let capped = if a.run_breadth.n >= 3.0 {
        distinct
            .min(f64::from(a.run_breadth.mean).max(1.0) * m.min_ratio)
            .max(1.0)
    } else {
        distinct
    };
    a.run_breadth.update(capped, m.memory_windows);
    g.run_breadth.update(capped, m.memory_windows);
}

/// Records the actor reads on a typical day like the one at `t`: its own daily baseline once it has
/// a few days, else its peers' per-member daily mean.
pub(super) fn typical_day(a: &ActorState, peers: &GroupState, t: i64, cfg: &Config) -> Option<f64> {
    let own = (a.sustained.days() >= 3.0)
        .then(|| a.sustained.expected(is_weekend(t)))
        .flatten();
    own.or_else(|| (peers.daily.n >= cfg.peer.min_member_days).then(|| f64::from(peers.daily.mean)))
}

/// Records the actor reads in a usual active hour: a typical day over the hours it is usually
/// active. The mean of active windows times twelve overstates it for an actor that is active in
/// only some of an hour's windows (a service calling every ten minutes).
fn usual_hour(a: &ActorState, peers: &GroupState, t: i64, cfg: &Config) -> Option<f64> {
    let hours: f32 = a.hours.share.iter().sum();
    (a.hours.days >= 3.0)
        .then_some(())
        .and(typical_day(a, peers, t, cfg))
        .map(|d| d / f64::from(hours.max(1.0)))
}
