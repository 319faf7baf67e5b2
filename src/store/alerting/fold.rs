//! Folds a batch of findings into the rows it writes, in memory and without IO.
//!
//! `record_findings` used to run ~8 single-row statements per finding, and every sqlx-sqlite
//! statement is a round trip to the sqlx worker thread: context switches, not SQLite, bounded the
//! throughput. Now it reads what the batch needs up front (which detector alert ids are new; the
//! open and recently resolved alerts of the batch's fingerprints), plans here, and writes the plan
//! with a few multi-row statements (`batch.rs`). The plan is what one call per finding would have
//! written, in the same order: a finding sees the alerts opened and raised by the findings before
//! it in the batch.

use std::collections::{HashMap, HashSet};

use super::plan::{AlertUpdate, HistoryRow, NewAlert, OutboxRow, Plan, Raise};
use super::rows::with_id;
use super::types::{severity_rank, AlertState, FindingOutcome, GroupTiming, NewFinding};
use crate::store::AlertRecord;

/// The open alert of a fingerprint, as the findings of the batch change it.
struct Open {
    id: String,
    status: String,
    severity: String,
    group_key: String,
    receivers: Vec<String>,
    /// Silenced or flapping: changes are recorded, not sent.
    quiet: bool,
    slot: Slot,
}

enum Slot {
    /// `Plan::opened[i]`.
    New(usize),
    /// Open before the batch; `Plan::updated[i]` once a finding touched it.
    Old(Option<usize>),
}

/// Plans `findings`. `fresh`: the detector alert ids not folded in before; `related`: per
/// fingerprint, its open and recently resolved alerts, newest first.
pub(in crate::store) fn plan(
    findings: &[NewFinding],
    fresh: &HashSet<String>,
    related: HashMap<String, Vec<AlertState>>,
    timing: &GroupTiming,
    now_ms: i64,
) -> Plan {
    let mut resolved: HashMap<String, i64> = HashMap::new();
    let mut open: HashMap<String, Open> = HashMap::new();
    for (fingerprint, alerts) in related {
        let count = alerts.iter().filter(|a| a.status == "resolved").count() as i64;
        resolved.insert(fingerprint.clone(), count);
        if let Some(a) = alerts.into_iter().find(|a| a.status != "resolved") {
            open.insert(
                fingerprint,
                Open {
                    quiet: a.silenced_by.is_some() || a.flapping,
                    id: a.id,
                    status: a.status,
                    severity: a.severity,
                    group_key: a.group_key,
                    receivers: a.receivers,
                    slot: Slot::Old(None),
                },
            );
        }
    }
    let mut plan = Plan::default();
    let mut seen: HashSet<&str> = HashSet::new();
    for f in findings {
        let id = f.record.id.as_str();
        // A detector alert id twice in one batch: the second is a replay of the first.
        if !fresh.contains(id) || !seen.insert(id) {
            plan.outcomes.push(FindingOutcome::Replayed);
            continue;
        }
        let outcome = match open.get_mut(&f.record.fingerprint) {
            Some(alert) => plan.repeat(f, alert, now_ms),
            None => {
                let recently_resolved = resolved.get(&f.record.fingerprint).copied();
                let recently_resolved = recently_resolved.unwrap_or(0);
                let (outcome, alert) = plan.open(f, timing, recently_resolved, now_ms);
                open.insert(f.record.fingerprint.clone(), alert);
                outcome
            }
        };
        plan.outcomes.push(outcome);
    }
    plan
}

impl Plan {
    fn open(
        &mut self,
        f: &NewFinding,
        timing: &GroupTiming,
        recently_resolved: i64,
        now_ms: i64,
    ) -> (FindingOutcome, Open) {
        let r = &f.record;
        let flapping = timing.flap_threshold > 0 && recently_resolved >= timing.flap_threshold;
        let notify = f.silenced_by.is_none() && !flapping && !f.receivers.is_empty();
        let note = match (&f.silenced_by, flapping) {
            (Some(s), _) => Some(format!("silenced by {s}: recorded, not sent")),
            (None, true) => Some(format!(
                "flap damped: {recently_resolved} alerts of this fingerprint resolved recently"
            )),
            (None, false) => None,
        };
        self.history.push(HistoryRow {
            note,
            ..by_detector(r, &r.id, "open", "firing", now_ms)
        });
        let mut notified = 0;
        if notify {
            notified = self.notify(&r.id, &f.receivers, &f.group_key, "firing");
        }
        self.opened.push(NewAlert {
            record: r.clone(),
            group_key: f.group_key.clone(),
            receivers: serde_json::to_string(&f.receivers).unwrap_or_else(|_| "[]".into()),
            occurrences: 1,
            silenced_by: f.silenced_by.clone(),
            flapping,
            last_notified_ms: if notify { now_ms } else { 0 },
        });
        let alert = Open {
            id: r.id.clone(),
            status: "firing".into(),
            severity: r.severity.clone(),
            group_key: f.group_key.clone(),
            receivers: f.receivers.clone(),
            quiet: f.silenced_by.is_some() || flapping,
            slot: Slot::New(self.opened.len() - 1),
        };
        let outcome = FindingOutcome::Opened {
            alert_id: r.id.clone(),
            notified,
            flapping,
        };
        (outcome, alert)
    }

    fn repeat(&mut self, f: &NewFinding, alert: &mut Open, now_ms: i64) -> FindingOutcome {
        let r = &f.record;
        self.repointed.push((r.id.clone(), alert.id.clone()));
        let raised = severity_rank(&r.severity) > severity_rank(&alert.severity);
        let raise = raised.then(|| Raise {
            severity: r.severity.clone(),
            score: r.score,
            summary: r.summary.clone(),
            body: with_id(&r.body, &alert.id),
        });
        match alert.slot {
            Slot::New(i) => {
                let new = &mut self.opened[i];
                new.occurrences += 1;
                if let Some(raise) = raise {
                    new.record.severity = raise.severity;
                    new.record.score = raise.score;
                    new.record.summary = raise.summary;
                    new.record.body = raise.body;
                }
            }
            Slot::Old(Some(i)) => {
                let update = &mut self.updated[i];
                update.occurrences += 1;
                update.raised = raise.or(update.raised.take());
            }
            Slot::Old(None) => {
                self.updated.push(AlertUpdate {
                    id: alert.id.clone(),
                    occurrences: 1,
                    raised: raise,
                });
                alert.slot = Slot::Old(Some(self.updated.len() - 1));
            }
        }
        if raised {
            let note = format!("severity raised from {} to {}", alert.severity, r.severity);
            self.history.push(HistoryRow {
                from_status: Some(alert.status.clone()),
                note: Some(note),
                ..by_detector(r, &alert.id, "severity_raised", &alert.status, now_ms)
            });
            if !alert.quiet {
                self.notify(&alert.id, &alert.receivers, &alert.group_key, "update");
            }
            alert.severity = r.severity.clone();
        }
        FindingOutcome::Repeated {
            alert_id: alert.id.clone(),
            raised,
        }
    }

    /// Outbox rows telling `receivers` about the last history row; returns how many.
    fn notify(
        &mut self,
        alert_id: &str,
        receivers: &[String],
        group_key: &str,
        kind: &str,
    ) -> usize {
        let change = self.history.len() - 1;
        for receiver in receivers {
            self.outbox.push(OutboxRow {
                change,
                alert_id: alert_id.to_string(),
                receiver: receiver.clone(),
                group_key: group_key.to_string(),
                kind: kind.to_string(),
            });
        }
        receivers.len()
    }
}

/// A change a detector made (the finding `r`) to alert `alert_id`.
fn by_detector(r: &AlertRecord, alert_id: &str, action: &str, to: &str, now_ms: i64) -> HistoryRow {
    HistoryRow {
        alert_id: alert_id.to_string(),
        at_ms: now_ms,
        who: format!("detector:{}", r.detector),
        action: action.to_string(),
        from_status: None,
        to_status: to.to_string(),
        note: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIMING: GroupTiming = GroupTiming {
        group_wait_ms: 1_000,
        group_interval_ms: 5_000,
        flap_window_ms: 60_000,
        flap_threshold: 1,
    };

    fn finding(id: &str, severity: &str) -> NewFinding {
        NewFinding {
            record: AlertRecord {
                id: id.into(),
                fingerprint: "volume/carol/db.loans".into(),
                actor: "carol".into(),
                actor_group: None,
                detector: "volume".into(),
                severity: severity.into(),
                score: 90.0,
                time_ms: 0,
                detected_ms: 0,
                status: "firing".into(),
                summary: format!("{id} summary"),
                body: format!("{{\"id\":\"{id}\"}}"),
                created_ms: 0,
                updated_ms: 0,
            },
            group_key: "carol".into(),
            receivers: vec!["a".into(), "b".into()],
            silenced_by: None,
        }
    }

    fn fresh(ids: &[&str]) -> HashSet<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_raise_of_an_alert_opened_in_the_same_batch_lands_in_its_insert_row() {
        let findings = [finding("al_1", "medium"), finding("al_2", "high")];
        let plan = plan(
            &findings,
            &fresh(&["al_1", "al_2"]),
            HashMap::new(),
            &TIMING,
            7,
        );
        assert_eq!(plan.opened.len(), 1);
        let alert = &plan.opened[0];
        assert_eq!(
            (alert.occurrences, alert.record.severity.as_str()),
            (2, "high")
        );
        assert_eq!(alert.record.body, "{\"id\":\"al_1\"}");
        assert_eq!(alert.record.summary, "al_2 summary");
        assert!(plan.updated.is_empty());
        let actions: Vec<_> = plan.history.iter().map(|h| h.action.as_str()).collect();
        assert_eq!(actions, ["open", "severity_raised"]);
        let changes: Vec<_> = plan
            .outbox
            .iter()
            .map(|o| (o.change, o.kind.as_str()))
            .collect();
        assert_eq!(
            changes,
            [(0, "firing"), (0, "firing"), (1, "update"), (1, "update")]
        );
        assert_eq!(plan.repointed, [("al_2".to_string(), "al_1".to_string())]);
    }

    #[test]
    fn an_id_twice_in_a_batch_or_seen_before_is_a_replay() {
        let findings = [
            finding("al_1", "high"),
            finding("al_1", "high"),
            finding("al_0", "high"),
        ];
        let plan = plan(&findings, &fresh(&["al_1"]), HashMap::new(), &TIMING, 7);
        assert!(matches!(plan.outcomes[0], FindingOutcome::Opened { .. }));
        assert_eq!(
            plan.outcomes[1..],
            [FindingOutcome::Replayed, FindingOutcome::Replayed]
        );
        assert_eq!(plan.history.len(), 1);
    }

    #[test]
    fn repeats_of_an_alert_open_before_the_batch_add_up_in_one_update() {
        let open = AlertState {
            id: "al_0".into(),
            status: "acknowledged".into(),
            severity: "medium".into(),
            group_key: "carol".into(),
            receivers: vec!["a".into()],
            occurrences: 4,
            created_ms: 1,
            last_seen_ms: 1,
            silenced_by: None,
            flapping: false,
            escalation_step: 0,
            last_notified_ms: 1,
            resolved_ms: None,
        };
        let related = HashMap::from([("volume/carol/db.loans".to_string(), vec![open])]);
        let findings = [
            finding("al_1", "critical"),
            finding("al_2", "low"),
            finding("al_3", "medium"),
        ];
        let plan = plan(
            &findings,
            &fresh(&["al_1", "al_2", "al_3"]),
            related,
            &TIMING,
            7,
        );
        assert!(plan.opened.is_empty());
        let raise = plan.updated[0].raised.as_ref().unwrap();
        assert_eq!((plan.updated.len(), plan.updated[0].occurrences), (1, 3));
        assert_eq!(raise.severity, "critical");
        assert_eq!(raise.body, "{\"id\":\"al_0\"}");
        let h = &plan.history[0];
        assert_eq!(
            (h.from_status.as_deref(), h.to_status.as_str()),
            (Some("acknowledged"), "acknowledged")
        );
        assert_eq!(plan.outbox.len(), 1);
    }
}
