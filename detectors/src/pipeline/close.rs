//! Window close: an actor's window is summarised into a `ClosedWindow` (statistics that do not depend
//! on the rest of the group), then, once every member's window for that interval has closed, the
//! group's common factor is computed and each window is judged and learned (`judge_closed`).

use serde::{Deserialize, Serialize};

use super::Pipeline;
use crate::alert::{Alert, ResourceCount};
use crate::combiner::Subject;
use crate::detect::new_access::{self, FirstAccess};
use crate::detect::origin::{self, NewOrigin};
use crate::detect::volume::{self, slot_of, Model, Quantity};
use crate::config::Config;
use crate::detect::population::ShiftReport;
use crate::detect::{breadth, denied, peer, population, time_of_day};
use super::state::GroupState;
use crate::finding::{Context, Finding};
use crate::timefmt::{day_index, hour_of_day, DAY_MS};

/// One actor's window, summarised, waiting for its group's other members.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ClosedWindow {
    actor: u32,
    group: u32,
    start_ms: i64,
    first_ms: i64,
    records: u64,
    bytes: u64,
    /// Size and access-count evidence: `(ln p, ratio)`.
    size: Option<(f64, f64)>,
    events: Option<(f64, f64)>,
    rec_model: Option<Model>,
    bytes_model: Option<Model>,
    learning: bool,
    /// Findings that do not depend on the group's factor.
    findings: Vec<Finding>,
    /// Evidence, captured only when something may be reported.
    top: Vec<ResourceCount>,
    ids: Vec<String>,
}

impl Pipeline {
    /// Closes the open windows that end at or before `end`.
    pub(super) fn close_windows(&mut self, end: i64) {
        let mut i = 0;
        while i < self.st.open.len() {
            let id = self.st.open[i];
            let due = self.st.actors.get(id as usize).is_none_or(|a| a.win.start_ms + self.d.window_ms <= end);
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
        let learning = self.learning(self.st.actors.get(id as usize).map_or(0, |a| a.win.start_ms));
        let (w, ln_report, z_clip, ln_alert) = (self.d.window_ms, self.d.ln_report, self.d.z_clip, self.d.ln_alert);
        let cfg = &self.cfg;
        let st = &mut self.st;
        let Some(a) = st.actors.get_mut(id as usize) else { return };
        let Some(g) = st.groups.get_mut(a.group as usize) else { return };
        a.win.open = false;
        if a.win.events == 0 {
            return;
        }
        let start = a.win.start_ms;
        let slot = slot_of(start);
        let (records, bytes) = (a.win.records, a.win.bytes);
        let peers = g.peers();
        let model = |q| volume::model(&a.volume, peers.map(|p| &p.volume), slot, q, &cfg.volume).filter(|_| cfg.volume.enabled);
        let rec_model = model(Quantity::Records);
        let bytes_model = if bytes > 0 { model(Quantity::Bytes) } else { None };
        let events_model = volume::events_model(&a.volume, peers.map(|p| &p.volume), &cfg.volume);
        let events = events_model.map(|m| m.check(a.win.events as f64, 1.0));
        let size = a.win.size.check();
        let maybe = |m: Option<Model>, x: u64| m.is_some_and(|m| m.check(x as f64, 1.0).0 <= ln_report);
        let young = start - a.first_ms < i64::from(cfg.peer.young_days) * DAY_MS;
        let vol_maybe = !learning && (maybe(rec_model, records) || maybe(bytes_model, bytes) || (young && peers.is_some()));

        let distinct = a.win.distinct.estimate();
        let breadth = breadth::check(distinct, &a.breadth, peers.map(|p| &p.breadth), &cfg.breadth).filter(|_| cfg.breadth.enabled);
        let denied = denied::check(a.win.denied, &a.denied, &cfg.denied_burst).filter(|_| cfg.denied_burst.enabled);
        let hour = hour_of_day(start);
        let tod = time_of_day::check(hour, &a.hours, peers.map(|p| &p.hours), &cfg.time_of_day).filter(|_| cfg.time_of_day.enabled && !learning);
        let breadth_hit = breadth.filter(|c| !learning && c.ln_p <= ln_report);
        let denied_hit = denied.filter(|c| c.ln_p <= ln_report);
        let origin = a.win.origin.take();
        let any = vol_maybe || tod.is_some() || breadth_hit.is_some() || denied_hit.is_some() || !a.win.novel.is_empty() || origin.is_some();
        let (top, ids) = if any { (a.win.top_resources(), a.win.event_ids()) } else { (Vec::new(), Vec::new()) };
        let ctx = Context {
            group: peers.map(|p| &*p.name),
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
            findings.push(breadth::finding(&ctx, distinct, &c));
        }
        if let Some(c) = denied_hit {
            findings.push(denied::finding(&ctx, a.win.denied, &c));
        }
        if let Some(ln_p) = tod {
            a.odd_records += records;
            let typical_day = a
                .sustained
                .expected(false)
                .or_else(|| peers.filter(|p| p.daily.n >= cfg.peer.min_member_days).map(|p| f64::from(p.daily.mean)))
                .unwrap_or(f64::INFINITY);
            let odd = a.odd_records as f64;
            let day = day_index(start);
            let alone = a.odd_day != day && odd >= cfg.time_of_day.min_records as f64 && odd >= cfg.time_of_day.min_daily_fraction * typical_day;
            if alone || vol_maybe {
                if alone {
                    a.odd_day = day;
                }
                let o = time_of_day::OddHours { hour, ln_p, records: odd, typical_day, alone };
                findings.push(time_of_day::finding(&ctx, &o, &a.hours));
            }
        }
        if let Some(n) = a.win.novel.iter().max_by(|x, y| x.weight.total_cmp(&y.weight).then(x.group_novel.cmp(&y.group_novel))) {
            let access = FirstAccess {
                resource: &n.resource,
                sensitivity: &n.sensitivity,
                weight: n.weight,
                group_novel: n.group_novel,
                others: a.win.novel.len() - 1,
            };
            findings.push(new_access::finding(&Context { start_ms: n.time_ms, ..ctx }, &access, &cfg.new_access));
        }
        if let Some(o) = &origin {
            let o = NewOrigin { region: o.region.as_deref(), block: o.block.as_deref(), records: o.records, events: o.events };
            findings.push(origin::finding(&ctx, &o, &cfg.origin));
        }
        // Learn breadth and denials now: a group-wide rise does not explain them away.
        if let Some(c) = breadth {
            let capped = distinct.min(c.expected * cfg.breadth.min_ratio).max(1.0);
            a.breadth.update(capped, cfg.breadth.memory_windows);
            if !g.solo {
                g.breadth.update(capped, cfg.breadth.memory_windows);
            }
        } else {
            a.breadth.update(distinct, cfg.breadth.memory_windows);
            if !g.solo {
                g.breadth.update(distinct, cfg.breadth.memory_windows);
            }
        }
        let events_cap = events_model.map(|m| m.quantile(z_clip));
        a.volume.learn_events(a.win.events as f64, events_cap, &cfg.volume);
        if !g.solo {
            g.volume.learn_events(a.win.events as f64, events_cap, &cfg.volume);
        }
        let d = a.win.denied as f64;
        let d = denied.map_or(d, |c| d.min(c.expected * cfg.denied_burst.min_ratio));
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
            events,
            rec_model,
            bytes_model,
            learning,
            findings,
            top,
            ids,
        });
    }

    /// Judges every closed window, group by group: common factor first, then each member.
    pub(super) fn judge_closed(&mut self, out: &mut Vec<Alert>) {
        if self.st.closed.is_empty() {
            return;
        }
        let mut closed = std::mem::take(&mut self.st.closed);
        closed.sort_by_key(|c| (c.group, c.start_ms, c.actor));
        let mut factors = Vec::with_capacity(closed.len());
        let mut i = 0;
        while i < closed.len() {
            let (g, s) = (closed[i].group, closed[i].start_ms);
            let n = closed[i..].iter().take_while(|c| c.group == g && c.start_ms == s).count();
            self.ratios.clear();
            self.ratios.extend(closed[i..i + n].iter().filter_map(|c| c.rec_model.map(|m| c.records as f64 / m.mean.max(1e-9))));
            let learning = closed[i].learning;
            let (factor, report) = match self.st.groups.get_mut(g as usize) {
                Some(gs) if !gs.solo => observe_group(gs, s, n, &mut self.ratios, &self.cfg),
                _ => (1.0, None),
            };
            if let (Some(r), false, Some(gs)) = (report, learning, self.st.groups.get(g as usize)) {
                out.push(population::alert(&gs.name, gs.members, &r, s + self.d.window_ms));
            }
            factors.extend(std::iter::repeat_n(factor.max(1.0), n));
            i += n;
        }
        for (c, f) in closed.drain(..).zip(factors) {
            self.judge(c, f, out);
        }
        self.st.closed = closed;
    }

    /// Judges one window with its group's factor, learns it, and feeds the combiner.
    fn judge(&mut self, c: ClosedWindow, factor: f64, out: &mut Vec<Alert>) {
        let (w, ln_report, z_clip, ln_alert) = (self.d.window_ms, self.d.ln_report, self.d.z_clip, self.d.ln_alert);
        let cfg = &self.cfg;
        let st = &mut self.st;
        let Some(a) = st.actors.get_mut(c.actor as usize) else { return };
        let Some(g) = st.groups.get_mut(c.group as usize) else { return };
        let slot = slot_of(c.start_ms);
        let mut findings = c.findings;
        let ctx = Context {
            group: g.peers().map(|p| &*p.name),
            members: g.members,
            start_ms: c.first_ms,
            span_ms: w,
            detected_ms: c.start_ms + w,
            top: &c.top,
            ids: &c.ids,
            ln_alert,
        };
        if !c.learning {
            let window = volume::WindowVolume {
                records: c.records,
                bytes: c.bytes,
                rec_model: c.rec_model,
                bytes_model: c.bytes_model,
                size: c.size,
                events: c.events,
            };
            if let Some(hit) = volume::judge(&window, factor, ln_report, &cfg.volume) {
                findings.push(volume::finding(&ctx, &hit, slot, &cfg.volume));
            }
        }
        let day = day_index(c.start_ms);
        if a.day != day {
            a.day = day;
            a.day_records = 0;
            a.day_hours = 0;
            st.day_active.push(c.actor);
        }
        a.day_records += c.records;
        a.day_hours |= 1 << hour_of_day(c.start_ms);
        let young_days = ((c.start_ms - a.first_ms) / DAY_MS) as u32;
        if cfg.peer.enabled && !c.learning && !g.solo && young_days < cfg.peer.young_days && a.peer_day != day {
            let today = a.day_records as f64;
            if let Some(p) = peer::check(today, &g.daily, factor, &cfg.peer).filter(|p| p.alone && p.ln_p <= ln_report) {
                a.peer_day = day;
                let ctx = Context { start_ms: day * DAY_MS, span_ms: c.start_ms + w - day * DAY_MS, ..ctx };
                findings.push(peer::finding(&ctx, today, &p, young_days));
            }
        }
        let caps = (
            c.rec_model.map(|m| m.quantile(z_clip)),
            c.bytes_model.map(|m| m.quantile(z_clip)),
        );
        let (r, b) = (c.records as f64 / factor, c.bytes as f64 / factor);
        a.volume.learn(slot, r, b, caps, &cfg.volume);
        if !g.solo {
            g.volume.learn(slot, r, b, caps, &cfg.volume);
        }
        if findings.is_empty() {
            return;
        }
        let subject = Subject { id: c.actor, actor: &a.name, group: g.peers().map(|p| &*p.name), last_alert_ms: &mut a.last_alert_ms };
        out.extend(st.combiner.add(subject, findings, c.start_ms + w, cfg));
    }
}

/// Folds one interval of a group into its shift state and learns how many members are usually active.
fn observe_group(g: &mut GroupState, start: i64, active: usize, ratios: &mut [f64], cfg: &Config) -> (f64, Option<ShiftReport>) {
    let slot = slot_of(start);
    let usual = g.activity.get(slot).filter(|m| m.n >= 5.0).map(|m| f64::from(m.mean));
    let out = g.shift.observe(start, ratios, usual, &cfg.population_shift);
    if let Some(m) = g.activity.get_mut(slot) {
        // A shifted interval teaches at most the report level, so a surge day does not become usual.
        let cap = usual.map_or(f64::INFINITY, |u| u * cfg.population_shift.report_ratio);
        m.update((active as f64).min(cap), cfg.volume.slot_memory_windows);
    }
    out
}
