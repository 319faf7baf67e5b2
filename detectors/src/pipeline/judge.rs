//! Judging closed windows: once every member's window for an interval has closed, the group's common
//! factor is computed (population shift), then each window is judged with it, learned, and its
//! findings handed to the combiner.

use super::close::{typical_day, ClosedWindow};
use super::state::GroupState;
use super::Pipeline;
use crate::alert::Alert;
use crate::combiner::Subject;
use crate::config::Config;
use crate::detect::population::ShiftReport;
use crate::detect::size::SizeAcc;
use crate::detect::volume::{self, slot_of};
use crate::detect::{peer, population};
use crate::finding::Context;
use crate::timefmt::{day_index, hour_of_day, DAY_MS};

impl Pipeline {
    /// Judges every closed window, group by group: common factor first, then each member.
    pub(super) fn judge_closed(&mut self, out: &mut Vec<Alert>) {
        if self.st.closed.is_empty() {
            return;
        }
        let mut closed = std::mem::take(&mut self.st.closed);
        // Sorted by key, not by moving the (large) windows around.
        let mut order: Vec<(u32, i64, u32, usize)> = closed
            .iter()
            .enumerate()
            .map(|(i, c)| (c.group, c.start_ms, c.actor, i))
            .collect();
        order.sort_unstable();
        let mut i = 0;
        while i < order.len() {
            let (g, s) = (order[i].0, order[i].1);
            let n = order[i..]
                .iter()
                .take_while(|o| o.0 == g && o.1 == s)
                .count();
            self.ratios.clear();
            for o in &order[i..i + n] {
                if let Some(c) = closed.get(o.3) {
                    self.ratios
                        .extend(c.rec_model.map(|m| c.records as f64 / m.mean.max(1e-9)));
                }
            }
            let learning = closed.get(order[i].3).is_some_and(|c| c.learning);
            let (factor, report) = match self.st.groups.get_mut(g as usize) {
                Some(gs) => observe_group(gs, s, n, &mut self.ratios, &self.cfg),
                _ => (1.0, None),
            };
            if let (Some(r), false, Some(gs)) = (report, learning, self.st.groups.get(g as usize)) {
                out.push(population::alert(
                    &gs.name,
                    gs.members,
                    &r,
                    s + self.d.window_ms,
                ));
            }
            for o in &order[i..i + n] {
                if let Some(c) = closed.get_mut(o.3) {
                    self.judge(std::mem::take(c), factor.max(1.0), out);
                }
            }
            i += n;
        }
        closed.clear();
        self.st.closed = closed;
    }

    /// Judges one window with its group's factor, learns it, and feeds the combiner.
    fn judge(&mut self, mut c: ClosedWindow, factor: f64, out: &mut Vec<Alert>) {
        let z_report = self.d.z_report;
        let (w, ln_report, z_clip, ln_alert) = (
            self.d.window_ms,
            self.d.ln_report,
            self.d.z_clip,
            self.d.ln_alert,
        );
        let cfg = &self.cfg;
        let st = &mut self.st;
        let Some(a) = st.actors.get_mut(c.actor as usize) else {
            return;
        };
        let Some(g) = st.groups.get_mut(c.group as usize) else {
            return;
        };
        let slot = slot_of(c.start_ms);
        let day = day_index(c.start_ms);
        let peak = a.peak.on(day, self.d.peak_decay);
        let volume_hit = (!c.learning)
            .then(|| {
                let window = volume::WindowVolume {
                    records: c.records,
                    bytes: c.bytes,
                    rec_model: c.rec_model,
                    bytes_model: c.bytes_model,
                    size: c.size,
                    pair: c.pair,
                    events: c.events,
                    daily: typical_day(a, g, c.start_ms, cfg),
                    peak,
                };
                volume::judge(&window, factor, (ln_report, z_report), &cfg.volume)
            })
            .flatten();
        a.peak.learn(c.records, day, peak);
        if a.day != day {
            a.day = day;
            a.day_records = 0;
            a.day_hours = 0;
            a.day_size = SizeAcc::default();
            st.day_active.push(c.actor);
        }
        a.day_size.add(&c.size);
        a.day_records += c.records;
        a.day_hours |= 1 << hour_of_day(c.start_ms);
        let young_days = ((c.start_ms - a.first_ms) / DAY_MS) as u32;
        let today = a.day_records as f64;
        let peer_hit = if cfg.peer.enabled
            && !c.learning
            && young_days < cfg.peer.young_days
            && a.peer_day == i64::MIN
        {
            let members = peer::MemberDays {
                raw: &g.daily,
                between: &g.member_level,
                within: &g.member_var,
            };
            peer::check(today, members, factor, &a.day_size, &a.young, &cfg.peer)
                .filter(|p| p.alone && p.ln_p <= ln_report)
        } else {
            None
        };
        // The window's evidence becomes strings only for a finding; its buffers go back either way.
        if let Some(evidence) = c.evidence.take() {
            if volume_hit.is_some() || peer_hit.is_some() {
                c.top = evidence.top_resources();
                c.ids = evidence.event_ids();
            }
            st.spares.give_back(evidence);
        }
        let mut findings = c.findings;
        let ctx = Context {
            group: Some(&*g.name),
            members: g.members,
            start_ms: c.first_ms,
            span_ms: w,
            detected_ms: c.start_ms + w,
            top: &c.top,
            ids: &c.ids,
            ln_alert,
        };
        if let Some(hit) = volume_hit {
            findings.push(volume::finding(&ctx, &hit, slot));
        }
        if let Some(p) = peer_hit {
            a.peer_day = day;
            let ctx = Context {
                start_ms: day * DAY_MS,
                span_ms: c.start_ms + w - day * DAY_MS,
                ..ctx
            };
            findings.push(peer::finding(&ctx, today, &p, young_days));
        }
        let caps = (
            c.rec_model.map(|m| m.quantile(z_clip)),
            c.bytes_model.map(|m| m.quantile(z_clip)),
        );
        let (r, b) = (c.records as f64 / factor, c.bytes as f64 / factor);
        a.volume.learn(slot, r, b, caps, &cfg.volume);
        g.volume.learn(slot, r, b, caps, &cfg.volume);
        if findings.is_empty() {
            return;
        }
        let subject = Subject {
            id: c.actor,
            actor: &a.name,
            group: Some(&*g.name),
            last_alert_ms: &mut a.last_alert_ms,
        };
        out.extend(st.combiner.add(subject, findings, c.start_ms + w, cfg));
    }
}

/// Folds one interval of a group into its shift state and learns how many members are usually active.
fn observe_group(
    g: &mut GroupState,
    start: i64,
    active: usize,
    ratios: &mut [f64],
    cfg: &Config,
) -> (f64, Option<ShiftReport>) {
    let slot = slot_of(start);
    let usual = g
        .activity
        .get(slot)
        .filter(|m| m.n >= 5.0)
        .map(|m| f64::from(m.mean));
    let out = g.shift.observe(start, ratios, usual, &cfg.population_shift);
    if let Some(m) = g.activity.get_mut(slot) {
        // A shifted interval teaches at most the report level, so a surge day does not become usual.
        let cap = usual.map_or(f64::INFINITY, |u| u * cfg.population_shift.report_ratio);
        m.update((active as f64).min(cap), cfg.volume.slot_memory_windows);
    }
    out
}
