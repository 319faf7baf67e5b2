//! Scores alerts against a simulated world's labels: recall per attack kind, precision, false alerts
//! per 1,000 actor-days, detection delay, and quiet on benign surprises, the figures of the quality bar.
//!
//! Pure: the caller runs detection (replay) and hands over alerts reduced to [`ScoredAlert`], so the
//! scorer neither depends on the detectors' internals nor needs to re-run them.

mod report;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::sim::{AttackLabel, BenignKind, BenignLabel, Labels};

pub use report::{
    AlertCounts, AttackOutcome, BenignOutcome, KindRecall, QualityBar, Report, SurgeOutcome,
};

/// What the scorer needs of an alert.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoredAlert {
    /// The actor, or the group name for a group-level (population shift) alert.
    pub actor: String,
    pub actor_group: Option<String>,
    /// Start of the anomalous activity (epoch ms UTC).
    pub time_ms: i64,
    /// Event time when the alert was raised.
    pub detected_ms: i64,
    /// Dominant detector family.
    pub detector: String,
}

impl From<&crate::Alert> for ScoredAlert {
    fn from(a: &crate::Alert) -> Self {
        ScoredAlert {
            actor: a.actor.clone(),
            actor_group: a.actor_group.clone(),
            time_ms: a.time_ms,
            detected_ms: a.detected_ms,
            detector: a.detector.clone(),
        }
    }
}

/// How lenient matching is, and what counts as an alert storm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EvalConfig {
    /// An alert matches a labelled span if it overlaps the span widened by this much on both sides.
    pub slack_ms: i64,
    /// The surge day is an alert storm from this many alerts on individual members...
    pub storm_member_alerts: usize,
    /// ...or this share of the members, whichever is larger: a few false alerts among hundreds of
    /// surging people are ordinary noise (and already counted as false alerts), most of them alerting is not.
    pub storm_member_share: f64,
}

impl Default for EvalConfig {
    fn default() -> Self {
        EvalConfig {
            slack_ms: 3_600_000,
            storm_member_alerts: 3,
            storm_member_share: 0.05,
        }
    }
}

/// Scores `alerts` against `labels` with the default [`EvalConfig`].
pub fn evaluate(labels: &Labels, alerts: &[ScoredAlert]) -> Report {
    evaluate_with(labels, alerts, &EvalConfig::default())
}

/// Scores `alerts` against `labels`. Only alerts raised in the test period count; earlier ones are
/// reported as warm-up alerts.
pub fn evaluate_with(labels: &Labels, alerts: &[ScoredAlert], config: &EvalConfig) -> Report {
    let test_start = labels.world.test_start_ms;
    let (warm_up, test): (Vec<&ScoredAlert>, Vec<&ScoredAlert>) =
        alerts.iter().partition(|a| a.detected_ms < test_start);
    let slack = config.slack_ms;

    let per_attack: Vec<AttackOutcome> = labels
        .attacks
        .iter()
        .map(|l| attack_outcome(l, &test, slack))
        .collect();
    let surge_label = labels
        .benign
        .iter()
        .find(|b| b.kind == BenignKind::GroupSurge);
    // The one group-level alert the surge may raise is neither a hit nor a false alarm.
    let tolerated = surge_label.and_then(|s| {
        test.iter()
            .position(|a| is_group_alert(a, s) && overlaps(a, s.start_ms, s.end_ms, slack))
    });

    let mut true_positive = 0;
    let mut false_by_detector: BTreeMap<String, usize> = BTreeMap::new();
    for (i, a) in test.iter().enumerate() {
        if labels.attacks.iter().any(|l| matches_attack(a, l, slack)) {
            true_positive += 1;
        } else if Some(i) != tolerated {
            *false_by_detector.entry(a.detector.clone()).or_default() += 1;
        }
    }
    let false_positive: usize = false_by_detector.values().sum();
    let surge = surge_label.map(|s| surge_outcome(s, &test, slack, config));
    let benign = benign_outcomes(&labels.benign, &test, slack);
    Report::assemble(
        labels,
        per_attack,
        AlertCounts {
            total: alerts.len(),
            warm_up: warm_up.len(),
            test: test.len(),
            true_positive,
            tolerated: usize::from(tolerated.is_some()),
            false_positive,
        },
        false_by_detector,
        surge,
        benign,
        slack,
    )
}

/// Whether the alert's span `[time, detected]` overlaps `[start - slack, end + slack]`.
fn overlaps(a: &ScoredAlert, start_ms: i64, end_ms: i64, slack: i64) -> bool {
    let (from, to) = (a.time_ms.min(a.detected_ms), a.time_ms.max(a.detected_ms));
    from <= end_ms.saturating_add(slack) && to >= start_ms.saturating_sub(slack)
}

fn matches_attack(a: &ScoredAlert, l: &AttackLabel, slack: i64) -> bool {
    a.actor == l.actor && overlaps(a, l.start_ms, l.end_ms, slack)
}

/// A group-level alert about the surge's group.
fn is_group_alert(a: &ScoredAlert, surge: &BenignLabel) -> bool {
    let Some(group) = surge.group.as_deref() else {
        return false;
    };
    a.actor == group
        || (a.detector == "population_shift" && a.actor_group.as_deref() == Some(group))
}

fn attack_outcome(l: &AttackLabel, test: &[&ScoredAlert], slack: i64) -> AttackOutcome {
    let hits: Vec<&&ScoredAlert> = test
        .iter()
        .filter(|a| matches_attack(a, l, slack))
        .collect();
    let first = hits.iter().map(|a| a.detected_ms).min();
    let mut detectors: Vec<String> = hits.iter().map(|a| a.detector.clone()).collect();
    detectors.sort();
    detectors.dedup();
    AttackOutcome {
        id: l.id.clone(),
        kind: l.kind,
        actor: l.actor.clone(),
        strength: l.strength.clone(),
        detected: first.is_some(),
        // An alert raised within the slack before the first attack event counts as immediate.
        delay_ms: first.map(|t| t.saturating_sub(l.start_ms).max(0)),
        alerts: hits.len(),
        detectors,
    }
}

fn surge_outcome(
    s: &BenignLabel,
    test: &[&ScoredAlert],
    slack: i64,
    config: &EvalConfig,
) -> SurgeOutcome {
    let near: Vec<&&ScoredAlert> = test
        .iter()
        .filter(|a| overlaps(a, s.start_ms, s.end_ms, slack))
        .collect();
    let group_alerts = near.iter().filter(|a| is_group_alert(a, s)).count();
    let share = (config.storm_member_share * s.actors.len() as f64).ceil() as usize;
    let storm_from = config.storm_member_alerts.max(share);
    let member_alerts = near
        .iter()
        .filter(|a| !is_group_alert(a, s) && s.actors.contains(&a.actor))
        .count();
    SurgeOutcome {
        group: s.group.clone().unwrap_or_default(),
        members: s.actors.len(),
        member_alerts,
        group_alerts,
        storm: member_alerts >= storm_from || group_alerts > 1,
    }
}

fn benign_outcomes(
    benign: &[BenignLabel],
    test: &[&ScoredAlert],
    slack: i64,
) -> Vec<BenignOutcome> {
    let mut out: Vec<BenignOutcome> = Vec::new();
    for b in benign {
        let alerts = test
            .iter()
            .filter(|a| overlaps(a, b.start_ms, b.end_ms, slack))
            .filter(|a| {
                b.actors.contains(&a.actor)
                    || (b.kind == BenignKind::GroupSurge && is_group_alert(a, b))
            })
            .count();
        match out.iter_mut().find(|o| o.kind == b.kind) {
            Some(o) => {
                o.surprises += 1;
                o.alerts += alerts;
            }
            None => out.push(BenignOutcome {
                kind: b.kind,
                surprises: 1,
                alerts,
            }),
        }
    }
    out
}
