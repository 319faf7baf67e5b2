//! Day close (midnight UTC): daily totals feed the sustained-volume CUSUM and the peer baseline, the
//! day's active hours feed the time-of-day profiles, and new origins seen today become known.

use super::Pipeline;
use crate::alert::Alert;
use crate::combiner::Subject;
use crate::detect::population::median;
use crate::detect::sustained;
use crate::finding::Context;
use crate::timefmt::{day_index, is_weekend, DAY_MS};

impl Pipeline {
    /// Closes the day starting at `day_start` for every actor active on it.
    pub(super) fn close_day(&mut self, day_start: i64, out: &mut Vec<Alert>) {
        let day = day_index(day_start);
        let weekend = is_weekend(day_start);
        let list = std::mem::take(&mut self.st.day_active);
        // The group's common daily factor: the median member ratio, as for windows.
        let mut pairs: Vec<(u32, f64)> = list
            .iter()
            .filter_map(|&id| self.st.actors.get(id as usize))
            .filter(|a| a.day == day)
            .filter_map(|a| {
                a.sustained
                    .expected(weekend)
                    .map(|e| (a.group, a.day_records as f64 / e.max(1.0)))
            })
            .collect();
        pairs.sort_by(|x, y| x.0.cmp(&y.0).then(x.1.total_cmp(&y.1)));
        let mut factors: Vec<(u32, f64)> = Vec::new();
        let pop = &self.cfg.population_shift;
        for run in pairs.chunk_by_mut(|x, y| x.0 == y.0) {
            let mut r: Vec<f64> = run.iter().map(|x| x.1).collect();
            let med = if pop.enabled && r.len() >= pop.min_members as usize {
                median(&mut r).unwrap_or(1.0)
            } else {
                1.0
            };
            factors.push((run[0].0, if med >= pop.shift_ratio { med } else { 1.0 }));
        }
        for &id in &list {
            let factor = self
                .st
                .actors
                .get(id as usize)
                .and_then(|a| factors.iter().find(|f| f.0 == a.group))
                .map_or(1.0, |f| f.1);
            self.close_actor_day(id, day, day_start, factor, out);
        }
        let mut list = list;
        list.clear();
        self.st.day_active = list;
    }

    fn close_actor_day(
        &mut self,
        id: u32,
        day: i64,
        day_start: i64,
        factor: f64,
        out: &mut Vec<Alert>,
    ) {
        let learning = self.learning(day_start);
        let ln_alert = self.d.ln_alert;
        let cfg = &self.cfg;
        let st = &mut self.st;
        let Some(a) = st.actors.get_mut(id as usize) else {
            return;
        };
        if a.day != day {
            return;
        }
        let Some(g) = st.groups.get_mut(a.group as usize) else {
            return;
        };
        let records = a.day_records as f64;
        let weekend = is_weekend(day_start);
        // A day that already alerted is explained: it neither raises the CUSUM nor teaches the baseline.
        let alerted = a.last_alert_ms >= day_start;
        let size = std::mem::take(&mut a.day_size);
        let hit = if cfg.sustained_volume.enabled && !alerted {
            a.sustained.close_day(
                day_start,
                records,
                weekend,
                factor,
                &size,
                &cfg.sustained_volume,
            )
        } else {
            None
        };
        let tod = &cfg.time_of_day;
        if a.hours.days >= tod.min_days {
            let night = a.hours.worked_night(a.day_hours, tod.night_hours);
            g.night
                .update(if night { 1.0 } else { 0.0 }, tod.group_memory_days);
        }
        a.hours.learn_day(a.day_hours, tod.memory_days);
        if day_start - a.first_ms < i64::from(cfg.peer.young_days) * DAY_MS {
            a.young.close_day(records, factor, &size);
        } else if !weekend && a.sustained.weekday.n >= cfg.sustained_volume.min_days {
            let own = &a.sustained.weekday;
            g.member_level
                .update(f64::from(own.mean), cfg.peer.memory_member_days);
            g.member_var
                .update(f64::from(own.var), cfg.peer.memory_member_days);
        }
        let x = records / factor;
        let cap = if g.daily.n >= 10.0 {
            f64::from(g.daily.mean) + 4.0 * f64::from(g.daily.var).sqrt()
        } else {
            f64::INFINITY
        };
        g.daily.update(x.min(cap), cfg.peer.memory_member_days);
        a.origin
            .promote(day.clamp(0, i64::from(u32::MAX)) as u32, &cfg.origin);
        a.day = i64::MIN;
        a.day_records = 0;
        a.day_hours = 0;
        a.odd_records = 0;
        a.origin_today = 0;
        let Some(h) = hit.filter(|_| !learning) else {
            return;
        };
        let end = day_start + DAY_MS;
        let ctx = Context {
            group: Some(&*g.name),
            members: g.members,
            start_ms: h.start_ms,
            span_ms: end - h.start_ms,
            detected_ms: end,
            top: &[],
            ids: &[],
            ln_alert,
        };
        let f = sustained::finding(&ctx, &h, a.sustained.days());
        let subject = Subject {
            id,
            actor: &a.name,
            group: Some(&*g.name),
            last_alert_ms: &mut a.last_alert_ms,
        };
        out.extend(st.combiner.add(subject, vec![f], end, cfg));
    }
}
