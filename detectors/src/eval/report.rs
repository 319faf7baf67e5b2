//! The result of an evaluation: numbers for scripts (`--json`) and an aligned table for people.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::{Deserialize, Serialize};

use crate::sim::{AttackKind, BenignKind, Labels};

/// The quality bar of the detection issue.
const MIN_RECALL: f64 = 0.95;
const MIN_PRECISION: f64 = 0.9;
const MAX_FALSE_PER_1000: f64 = 2.0;
const MAX_BULK_DELAY_MS: i64 = 10 * 60_000;

/// How one attack fared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttackOutcome {
    pub id: String,
    pub kind: AttackKind,
    pub actor: String,
    pub strength: String,
    pub detected: bool,
    /// First matching alert's `detected_ms` minus the attack's start (0 if raised within the slack before).
    pub delay_ms: Option<i64>,
    /// Matching alerts.
    pub alerts: usize,
    /// Dominant detectors of the matching alerts, sorted, without repeats.
    pub detectors: Vec<String>,
}

/// Recall and delay for one attack kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KindRecall {
    pub kind: AttackKind,
    pub attacks: usize,
    pub detected: usize,
    pub recall: f64,
    pub median_delay_ms: Option<i64>,
}

/// Where the alerts went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertCounts {
    pub total: usize,
    /// Raised before the test period (learning from history); not scored.
    pub warm_up: usize,
    /// Raised in the test period.
    pub test: usize,
    /// Test alerts matching an attack.
    pub true_positive: usize,
    /// The single group-level alert a group surge may raise.
    pub tolerated: usize,
    pub false_positive: usize,
}

/// Alerts around the group surge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurgeOutcome {
    pub group: String,
    pub members: usize,
    /// Alerts on individual members during the surge.
    pub member_alerts: usize,
    /// Alerts naming the group.
    pub group_alerts: usize,
    pub storm: bool,
}

/// Alerts on one kind of benign surprise (all false alarms).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BenignOutcome {
    pub kind: BenignKind,
    pub surprises: usize,
    pub alerts: usize,
}

/// Which targets of the quality bar this run meets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualityBar {
    pub recall: bool,
    pub precision: bool,
    pub false_alert_rate: bool,
    pub bulk_delay: bool,
    pub no_surge_storm: bool,
    pub pass: bool,
}

/// Everything `accesswatch eval` reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub seed: u64,
    pub slack_ms: i64,
    pub test_actor_days: u64,
    pub attacks: usize,
    pub detected: usize,
    /// `None` when the world has no attacks.
    pub recall: Option<f64>,
    /// True positives over test alerts (the tolerated surge alert aside); `None` without such alerts.
    pub precision: Option<f64>,
    pub false_alerts_per_1000_actor_days: f64,
    pub median_delay_ms: Option<i64>,
    /// Median delay over bulk-read kinds (bulk export, new-hire exfiltration, rule breach).
    pub median_delay_bulk_ms: Option<i64>,
    pub by_kind: Vec<KindRecall>,
    pub alerts: AlertCounts,
    pub false_by_detector: BTreeMap<String, usize>,
    pub surge: Option<SurgeOutcome>,
    pub benign: Vec<BenignOutcome>,
    pub quality: QualityBar,
    pub per_attack: Vec<AttackOutcome>,
}

impl Report {
    pub(super) fn assemble(
        labels: &Labels,
        per_attack: Vec<AttackOutcome>,
        alerts: AlertCounts,
        false_by_detector: BTreeMap<String, usize>,
        surge: Option<SurgeOutcome>,
        benign: Vec<BenignOutcome>,
        slack_ms: i64,
    ) -> Report {
        let detected = per_attack.iter().filter(|a| a.detected).count();
        let ratio = |num: usize, den: usize| (den > 0).then(|| num as f64 / den as f64);
        let recall = ratio(detected, per_attack.len());
        let precision = ratio(
            alerts.true_positive,
            alerts.true_positive + alerts.false_positive,
        );
        let actor_days = labels.world.test_actor_days;
        let false_rate = alerts.false_positive as f64 * 1000.0 / actor_days.max(1) as f64;
        let delays = |keep: &dyn Fn(AttackKind) -> bool| {
            median(
                per_attack
                    .iter()
                    .filter(|a| keep(a.kind))
                    .filter_map(|a| a.delay_ms)
                    .collect(),
            )
        };
        let median_delay_ms = delays(&|_| true);
        let median_delay_bulk_ms = delays(&AttackKind::is_bulk_read);
        let by_kind = AttackKind::ALL
            .iter()
            .filter_map(|&kind| {
                let of_kind: Vec<&AttackOutcome> =
                    per_attack.iter().filter(|a| a.kind == kind).collect();
                let hit = of_kind.iter().filter(|a| a.detected).count();
                Some(KindRecall {
                    kind,
                    attacks: of_kind.len(),
                    detected: hit,
                    recall: ratio(hit, of_kind.len())?,
                    median_delay_ms: median(of_kind.iter().filter_map(|a| a.delay_ms).collect()),
                })
            })
            .collect();
        let no_surge_storm = surge.as_ref().is_none_or(|s| !s.storm);
        let quality = QualityBar {
            recall: recall.is_none_or(|r| r >= MIN_RECALL),
            precision: precision.is_none_or(|p| p >= MIN_PRECISION),
            false_alert_rate: false_rate <= MAX_FALSE_PER_1000,
            bulk_delay: median_delay_bulk_ms.is_some_and(|d| d <= MAX_BULK_DELAY_MS),
            no_surge_storm,
            pass: false,
        };
        let pass = quality.recall
            && quality.precision
            && quality.false_alert_rate
            && quality.bulk_delay
            && no_surge_storm;
        Report {
            seed: labels.world.seed,
            slack_ms,
            test_actor_days: actor_days,
            attacks: per_attack.len(),
            detected,
            recall,
            precision,
            false_alerts_per_1000_actor_days: false_rate,
            median_delay_ms,
            median_delay_bulk_ms,
            by_kind,
            alerts,
            false_by_detector,
            surge,
            benign,
            quality: QualityBar { pass, ..quality },
            per_attack,
        }
    }

    /// An aligned, human-readable summary.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "world seed {}: {} attacks, {} actor-days in the test period",
            self.seed, self.attacks, self.test_actor_days
        );
        let _ = writeln!(
            s,
            "\n{:<24} {:>7} {:>8} {:>7} {:>13}",
            "attack kind", "attacks", "detected", "recall", "median delay"
        );
        for k in &self.by_kind {
            let _ = writeln!(
                s,
                "{:<24} {:>7} {:>8} {:>7.2} {:>13}",
                k.kind.name(),
                k.attacks,
                k.detected,
                k.recall,
                duration(k.median_delay_ms)
            );
        }
        let recall = self.recall.map_or("-".into(), |r| format!("{r:.2}"));
        let _ = writeln!(
            s,
            "{:<24} {:>7} {:>8} {:>7} {:>13}",
            "all",
            self.attacks,
            self.detected,
            recall,
            duration(self.median_delay_ms)
        );
        let a = &self.alerts;
        let _ = writeln!(
            s,
            "\nalerts: {} in the test period ({} true, {} tolerated group-level, {} false), {} in warm-up",
            a.test, a.true_positive, a.tolerated, a.false_positive, a.warm_up
        );
        let precision = self.precision.map_or("-".into(), |p| format!("{p:.3}"));
        let _ = writeln!(s, "{:<36} {precision}", "precision");
        let _ = writeln!(
            s,
            "{:<36} {:.2}",
            "false alerts per 1,000 actor-days", self.false_alerts_per_1000_actor_days
        );
        let _ = writeln!(
            s,
            "{:<36} {}",
            "median delay, bulk reads",
            duration(self.median_delay_bulk_ms)
        );
        if let Some(g) = &self.surge {
            let verdict = if g.storm { "ALERT STORM" } else { "no storm" };
            let _ = writeln!(
                s,
                "surge of {} ({} members): {} member alerts, {} group alerts: {verdict}",
                g.group, g.members, g.member_alerts, g.group_alerts
            );
        }
        for b in &self.benign {
            let _ = writeln!(
                s,
                "{:<36} {} alerts over {} surprises",
                format!("benign {}", b.kind.name()),
                b.alerts,
                b.surprises
            );
        }
        for (detector, n) in &self.false_by_detector {
            let _ = writeln!(s, "{:<36} {n}", format!("false alerts from {detector}"));
        }
        for m in self.per_attack.iter().filter(|m| !m.detected) {
            let _ = writeln!(
                s,
                "missed {} {} {}: {}",
                m.id,
                m.kind.name(),
                m.actor,
                m.strength
            );
        }
        let q = &self.quality;
        let mark = |ok: bool| if ok { "ok" } else { "FAIL" };
        let _ = writeln!(
            s,
            "\nquality bar: recall {}, precision {}, false-alert rate {}, bulk delay {}, surge {} => {}",
            mark(q.recall),
            mark(q.precision),
            mark(q.false_alert_rate),
            mark(q.bulk_delay),
            mark(q.no_surge_storm),
            if q.pass { "PASS" } else { "FAIL" }
        );
        s
    }
}

/// Median of durations; the mean of the two middle ones for an even count.
fn median(mut v: Vec<i64>) -> Option<i64> {
    v.sort_unstable();
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2]),
        _ => Some(v[n / 2 - 1] + (v[n / 2] - v[n / 2 - 1]) / 2),
    }
}

/// `45s`, `3m 20s`, `2h 05m`, `1d 03h`, or `-`.
fn duration(ms: Option<i64>) -> String {
    let Some(ms) = ms else { return "-".into() };
    let s = ms / 1000;
    match s {
        _ if s < 60 => format!("{s}s"),
        _ if s < 3600 => format!("{}m {:02}s", s / 60, s % 60),
        _ if s < 86_400 => format!("{}h {:02}m", s / 3600, s % 3600 / 60),
        _ => format!("{}d {:02}h", s / 86_400, s % 86_400 / 3600),
    }
}
