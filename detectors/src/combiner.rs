//! The combiner: one alert per actor and span, not one per detector.
//!
//! Findings of one actor within `span_minutes` are folded together: per family the strongest finding
//! counts, and the families' p-values are combined with Fisher's method (independent evidence adds up;
//! one family cannot count twice). An alert needs either a finding that passed its own decision rule
//! (`Finding::alone`: magnitude gates and, for statistical families, `alert_p`), or two or more
//! families agreeing at a combined `corroborated_p` (a new origin or an unusual hour *with* volume). After an alert, further findings on the actor within
//! `cooldown_minutes` are folded into it rather than raising another: an exfiltration that lasts an
//! hour is one alert, not twelve.

use serde::{Deserialize, Serialize};

use crate::alert::Alert;
use crate::config::Config;
use crate::explain;
use crate::finding::Finding;
use crate::stats::fisher_ln_sf;
use crate::timefmt::MINUTE_MS;

/// Pending findings per actor (weak ones that may still be corroborated).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Combiner {
    pending: Vec<(u32, Finding)>,
}

/// The actor findings are about.
pub(crate) struct Subject<'a> {
    pub id: u32,
    pub actor: &'a str,
    pub group: Option<&'a str>,
    pub last_alert_ms: &'a mut i64,
}

/// Most pending findings kept per actor; older ones drop first.
const PENDING_PER_ACTOR: usize = 16;

impl Combiner {
    /// Folds `findings` observed at event time `now`; returns an alert when the evidence suffices.
    pub fn add(
        &mut self,
        subject: Subject<'_>,
        findings: Vec<Finding>,
        now: i64,
        cfg: &Config,
    ) -> Option<Alert> {
        let c = &cfg.combiner;
        if findings.is_empty() {
            return None;
        }
        if *subject.last_alert_ms != i64::MIN
            && now < *subject.last_alert_ms + i64::from(c.cooldown_minutes) * MINUTE_MS
        {
            return None;
        }
        let horizon = now - i64::from(c.span_minutes) * MINUTE_MS;
        self.pending.retain(|(_, f)| f.detected_ms >= horizon);
        let mut mine: Vec<Finding> = self
            .pending
            .iter()
            .filter(|(a, _)| *a == subject.id)
            .map(|(_, f)| f.clone())
            .collect();
        mine.extend(findings.iter().cloned());
        // Strongest finding per family, strongest family first.
        mine.sort_by(|a, b| {
            a.family
                .cmp(&b.family)
                .then(b.alone.cmp(&a.alone))
                .then(a.ln_p.total_cmp(&b.ln_p))
        });
        mine.dedup_by(|later, earlier| later.family == earlier.family);
        mine.sort_by(|a, b| b.alone.cmp(&a.alone).then(a.ln_p.total_cmp(&b.ln_p)));
        let combined = fisher_ln_sf(mine.iter().map(|f| f.ln_p).sum(), mine.len());
        let alone = mine.iter().any(|f| f.alone);
        let corroborated = mine.len() >= 2 && combined <= c.corroborated_p.ln();
        if alone || corroborated {
            self.pending.retain(|(a, _)| *a != subject.id);
            *subject.last_alert_ms = now;
            return explain::alert(subject.actor, subject.group, &mine, combined, now, cfg);
        }
        for f in findings {
            self.pending.push((subject.id, f));
        }
        let count = self
            .pending
            .iter()
            .filter(|(a, _)| *a == subject.id)
            .count();
        if count > PENDING_PER_ACTOR {
            if let Some(pos) = self.pending.iter().position(|(a, _)| *a == subject.id) {
                self.pending.remove(pos);
            }
        }
        None
    }

    /// Drops findings too old to be corroborated.
    pub fn expire(&mut self, now: i64, cfg: &Config) {
        let horizon = now - i64::from(cfg.combiner.span_minutes) * MINUTE_MS;
        self.pending.retain(|(_, f)| f.detected_ms >= horizon);
    }

    pub fn memory_bytes(&self) -> usize {
        self.pending.capacity() * std::mem::size_of::<(u32, Finding)>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Family;

    fn finding(family: Family, p: f64, alone: bool, at: i64) -> Finding {
        Finding {
            family,
            start_ms: at,
            detected_ms: at,
            ln_p: p.ln(),
            alone,
            observed: 10.0,
            expected: 1.0,
            unit: "records".into(),
            span_ms: 300_000,
            baseline: "test".into(),
            what: "did something".into(),
            top_resources: vec![],
            event_ids: vec![],
        }
    }

    fn add(c: &mut Combiner, last: &mut i64, fs: Vec<Finding>, now: i64) -> Option<Alert> {
        let s = Subject {
            id: 1,
            actor: "alice",
            group: Some("support"),
            last_alert_ms: last,
        };
        c.add(s, fs, now, &Config::default())
    }

    #[test]
    fn volume_and_time_of_day_in_one_span_make_one_alert_naming_both() {
        let mut c = Combiner::default();
        let mut last = i64::MIN;
        assert!(add(
            &mut c,
            &mut last,
            vec![finding(Family::TimeOfDay, 0.005, false, 0)],
            0
        )
        .is_none());
        let a = add(
            &mut c,
            &mut last,
            vec![finding(Family::Volume, 1e-5, false, 60_000)],
            60_000,
        );
        assert!(
            a.is_some_and(|a| a.detector == "volume" && a.detectors == ["volume", "time_of_day"])
        );
    }

    #[test]
    fn weak_findings_far_apart_do_not_combine() {
        let mut c = Combiner::default();
        let mut last = i64::MIN;
        assert!(add(
            &mut c,
            &mut last,
            vec![finding(Family::TimeOfDay, 0.005, false, 0)],
            0
        )
        .is_none());
        let later = 40 * MINUTE_MS;
        assert!(add(
            &mut c,
            &mut last,
            vec![finding(Family::Volume, 1e-5, false, later)],
            later
        )
        .is_none());
    }

    #[test]
    fn a_second_burst_within_the_cooldown_is_folded_into_the_first_alert() {
        let mut c = Combiner::default();
        let mut last = i64::MIN;
        assert!(add(
            &mut c,
            &mut last,
            vec![finding(Family::Volume, 1e-12, true, 0)],
            0
        )
        .is_some());
        assert!(add(
            &mut c,
            &mut last,
            vec![finding(Family::Volume, 1e-12, true, 600_000)],
            600_000
        )
        .is_none());
        let after = 61 * MINUTE_MS;
        assert!(add(
            &mut c,
            &mut last,
            vec![finding(Family::Volume, 1e-12, true, after)],
            after
        )
        .is_some());
    }

    #[test]
    fn an_ungated_finding_alone_does_not_alert_however_small_its_p() {
        let mut c = Combiner::default();
        let mut last = i64::MIN;
        assert!(add(
            &mut c,
            &mut last,
            vec![finding(Family::Volume, 1e-20, false, 0)],
            0
        )
        .is_none());
    }
}
