//! The per-event path: count into the actor's window and check the few conditions that cannot wait
//! for the window to close (rules, an overwhelming mid-window volume, first sensitive access, a new
//! origin). Nothing here allocates in the steady state.

use super::window::{NovelAccess, NovelOrigin};
use super::Pipeline;
use crate::alert::Alert;
use crate::combiner::Subject;
use crate::detect::origin::{address_block, novelty};
use crate::detect::volume::{self, slot_of, Quantity, VolumeHit};
use crate::detect::{rules, size};
use crate::event::{ActorType, Event, Outcome};
use crate::finding::Context;
use crate::hash::hash_str;
use crate::timefmt::{day_index, is_weekend, DAY_MS};

/// First sensitive accesses remembered per window (the evidence needs only the strongest few).
const NOVEL_PER_WINDOW: usize = 4;

impl Pipeline {
    pub(super) fn ingest(&mut self, id: u32, ev: &Event<'_>, out: &mut Vec<Alert>) {
        let t = ev.time_ms;
        // A late event whose window already closed counts in the oldest open one.
        let wstart = self.align(t).max(self.st.next_close - self.d.window_ms);
        let Some(a) = self.st.actors.get(id as usize) else {
            return;
        };
        let (was_open, start) = (a.win.open, a.win.start_ms);
        if was_open && wstart > start {
            self.close_actor(id);
        }
        if !was_open || wstart > start {
            self.open_window(id, wstart, !was_open);
        }
        let res_hash = hash_str(ev.resource);
        let st = &mut self.st;
        if let Some(a) = st.actors.get_mut(id as usize) {
            a.win.add(ev, res_hash);
            if ev.outcome == Outcome::Denied && a.sizes.knows(res_hash) {
                a.win.denied_own += 1;
            }
            if ev.outcome == Outcome::Success && self.cfg.volume.enabled {
                let group = st.groups.get_mut(a.group as usize).map(|g| &mut g.sizes);
                let young = t - a.first_ms < i64::from(self.cfg.peer.young_days) * DAY_MS;
                size::observe(
                    &mut a.win.size,
                    &mut a.sizes,
                    group,
                    res_hash,
                    ev.records,
                    young,
                );
            }
        }
        let learning = self.learning(t);
        let weight = self.cfg.sensitivity_weight(ev.sensitivity);
        // Only a read that succeeded is an access: a denied request (probing, the denied detector's
        // question) must not teach the actor or its group that the resource is known to them.
        if self.cfg.new_access.enabled
            && weight >= self.cfg.new_access.min_weight
            && ev.outcome == Outcome::Success
        {
            self.note_access(id, ev, res_hash, weight, learning);
        }
        if self.cfg.origin.enabled && (ev.region.is_some() || ev.source_ip.is_some()) {
            self.note_origin(id, ev, learning);
        }
        if !self.cfg.rules.is_empty() {
            self.check_rules(id, ev, out);
        }
        self.check_early(id, ev, out);
    }

    /// Starts the actor's window at `start` and caches its mid-window alert threshold.
    fn open_window(&mut self, id: u32, start: i64, track: bool) {
        let learning = self.learning(start);
        let rules = self.cfg.rules.len();
        let st = &mut self.st;
        let Some(a) = st.actors.get_mut(id as usize) else {
            return;
        };
        a.win.reset(start, rules, &mut st.spares);
        if track {
            st.open.push(id);
        }
        let Some(g) = st.groups.get(a.group as usize) else {
            return;
        };
        let cfg = &self.cfg.volume;
        if !cfg.enabled {
            return;
        }
        let peers = Some(&g.volume);
        a.win.rec_model = volume::model(&a.volume, peers, slot_of(start), Quantity::Records, cfg);
        if let Some(m) = a.win.rec_model.filter(|_| !learning) {
            let f = g.shift.factor.max(1.0);
            let daily = (a.sustained.days() >= 3.0)
                .then(|| a.sustained.expected(is_weekend(start)))
                .flatten();
            let at = m
                .quantile(self.d.z_early)
                .max(cfg.early_ratio * m.mean)
                .max(cfg.min_records as f64)
                .max(daily.map_or(0.0, |d| cfg.min_daily_fraction * d));
            a.win.fire_at = at * f;
        }
    }

    /// Records a first access to a sensitive resource and learns it for the actor and its group.
    fn note_access(&mut self, id: u32, ev: &Event<'_>, hash: u64, weight: f64, learning: bool) {
        let cfg = &self.cfg.new_access;
        let day = day_index(ev.time_ms).clamp(0, i64::from(u32::MAX)) as u32;
        let st = &mut self.st;
        let Some(a) = st.actors.get_mut(id as usize) else {
            return;
        };
        let Some(g) = st.groups.get_mut(a.group as usize) else {
            return;
        };
        let actor_known = a.known.touch(hash, day, cfg.actor_capacity);
        let group_known = g.known.touch(hash, day, cfg.group_capacity);
        // Everything is new to a new service; without a team of its own (no group, or a group as
        // new as itself, whose "nobody here read it" means nothing yet), its first days are quiet.
        let quiet_for = i64::from(cfg.min_actor_days) * DAY_MS;
        let young = ev.time_ms - a.first_ms < quiet_for
            && (ev.actor_group.is_none() || ev.time_ms - g.first_ms < quiet_for);
        if actor_known || learning || young || a.win.novel.len() >= NOVEL_PER_WINDOW {
            return;
        }
        a.win.novel.push(NovelAccess {
            resource: ev.resource.to_owned(),
            sensitivity: ev.sensitivity.unwrap_or_default().to_owned(),
            weight,
            group_novel: !group_known,
            time_ms: ev.time_ms,
        });
    }

    /// Notes activity from a region or address block new to a service actor.
    fn note_origin(&mut self, id: u32, ev: &Event<'_>, learning: bool) {
        let cfg = &self.cfg.origin;
        let Some(a) = self.st.actors.get_mut(id as usize) else {
            return;
        };
        if cfg.services_only && a.kind != ActorType::Service {
            return;
        }
        let day = day_index(ev.time_ms).clamp(0, i64::from(u32::MAX)) as u32;
        let young = ev.time_ms - a.first_ms < i64::from(cfg.min_actor_days) * DAY_MS;
        if learning || young {
            a.origin.learn(ev.region, ev.source_ip, day, cfg);
            return;
        }
        let (r, b) = novelty(&a.origin, ev.region, ev.source_ip);
        if r.is_none() && b.is_none() {
            return;
        }
        if let Some(h) = r {
            a.origin.hold(h, true);
        }
        if let Some(h) = b {
            a.origin.hold(h, false);
        }
        let o = a.win.origin.get_or_insert_with(|| NovelOrigin {
            first_ms: ev.time_ms,
            ..NovelOrigin::default()
        });
        if r.is_some() && o.region.is_none() {
            o.region = ev.region.map(str::to_owned);
        }
        if b.is_some() && o.block.is_none() {
            o.block = ev.source_ip.map(|ip| address_block(ip).to_owned());
        }
        o.records += ev.records;
        o.events += 1;
    }

    /// Sums rule-matching records in the window and alerts on the event that crosses a threshold.
    fn check_rules(&mut self, id: u32, ev: &Event<'_>, out: &mut Vec<Alert>) {
        let ln_alert = self.d.ln_alert;
        for (i, rule) in self.cfg.rules.iter().enumerate() {
            if !rule.matches(ev) {
                continue;
            }
            let st = &mut self.st;
            let Some(a) = st.actors.get_mut(id as usize) else {
                return;
            };
            let Some(acc) = a.win.rules.get_mut(i) else {
                continue;
            };
            acc.0 += ev.records;
            if acc.1 || acc.0 <= rule.records_over {
                continue;
            }
            acc.1 = true;
            let records = acc.0;
            let Some(g) = st.groups.get(a.group as usize) else {
                return;
            };
            let (top, ids) = (a.win.evidence.top_resources(), a.win.evidence.event_ids());
            let ctx = Context {
                group: Some(&*g.name),
                members: g.members,
                start_ms: a.win.first_ms,
                span_ms: self.d.window_ms,
                detected_ms: ev.time_ms,
                top: &top,
                ids: &ids,
                ln_alert,
            };
            let f = rules::finding(&ctx, rule, records);
            let subject = Subject {
                id,
                actor: &a.name,
                group: ev.actor_group,
                last_alert_ms: &mut a.last_alert_ms,
            };
            out.extend(st.combiner.add(subject, vec![f], ev.time_ms, &self.cfg));
        }
    }

    /// Alerts mid-window when the window already holds an overwhelming volume: no need to wait.
    fn check_early(&mut self, id: u32, ev: &Event<'_>, out: &mut Vec<Alert>) {
        let ln_alert = self.d.ln_alert;
        let st = &mut self.st;
        let Some(a) = st.actors.get_mut(id as usize) else {
            return;
        };
        if a.win.fired || (a.win.records as f64) < a.win.fire_at {
            return;
        }
        let cfg = &self.cfg.volume;
        let peak = a.peak.on(day_index(ev.time_ms), self.d.peak_decay);
        if (a.win.records as f64) < cfg.peak_ratio * peak {
            return;
        }
        // Overwhelming volume of ordinary-sized accesses (a big but usual query) waits for the close.
        let strong = cfg.access_p.ln();
        if a.win
            .size
            .check()
            .is_none_or(|(lp, r)| lp > strong || r < cfg.min_size_ratio)
        {
            return;
        }
        a.win.fired = true;
        let Some(g) = st.groups.get(a.group as usize) else {
            return;
        };
        let slot = slot_of(a.win.start_ms);
        let peers = Some(&g.volume);
        let Some(m) = volume::model(&a.volume, peers, slot, Quantity::Records, cfg) else {
            return;
        };
        let factor = g.shift.factor.max(1.0);
        let observed = a.win.records as f64;
        let (ln_p, _) = m.check(observed, factor);
        let (top, ids) = (a.win.evidence.top_resources(), a.win.evidence.event_ids());
        let ctx = Context {
            group: Some(&*g.name),
            members: g.members,
            start_ms: a.win.first_ms,
            span_ms: (ev.time_ms - a.win.first_ms).max(60_000),
            detected_ms: ev.time_ms,
            top: &top,
            ids: &ids,
            ln_alert,
        };
        let hit = VolumeHit {
            q: Quantity::Records,
            observed,
            model: m,
            factor,
            ln_p,
            corroborated: true,
            peak,
        };
        let f = volume::finding(&ctx, &hit, slot);
        let subject = Subject {
            id,
            actor: &a.name,
            group: ev.actor_group,
            last_alert_ms: &mut a.last_alert_ms,
        };
        out.extend(st.combiner.add(subject, vec![f], ev.time_ms, &self.cfg));
    }
}
