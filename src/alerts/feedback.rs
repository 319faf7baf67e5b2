//! Feedback teaches detection without touching the pure `detectors` crate: a false-positive verdict
//! records the observed amount as normal for that actor and detector; a later finding must exceed it
//! to become an alert, and the alert that does says so in its evidence (`evidence.feedback`) and its
//! summary, so the effect of the verdict is visible to the next person who reads it.

use serde_json::{json, Value};

use crate::engine::record::rfc3339;
use crate::store::{AlertRecord, Feedback};

/// What the recorded verdicts make of a finding.
#[derive(Debug, Clone, PartialEq)]
pub enum Weighed {
    /// No verdict applies.
    Unchanged,
    /// At or below what was judged normal: dropped.
    Suppressed { judged_normal: f64 },
    /// Above it: kept, with the verdict added to its explanation.
    Annotated,
}

/// Weighs `record` (built from a detector alert) against false-positive verdicts.
pub fn weigh(record: &mut AlertRecord, verdicts: &[Feedback]) -> Weighed {
    let applicable = verdicts
        .iter()
        .filter(|f| f.actor == record.actor && f.detector == record.detector)
        .max_by(|a, b| a.observed.total_cmp(&b.observed));
    let Some(verdict) = applicable else {
        return Weighed::Unchanged;
    };
    // Parsed only when a verdict applies: this runs for every finding.
    let Ok(mut body) = serde_json::from_str::<Value>(&record.body) else {
        return Weighed::Unchanged;
    };
    let observed = body["evidence"]["observed"].as_f64().unwrap_or(0.0);
    if observed <= verdict.observed {
        return Weighed::Suppressed {
            judged_normal: verdict.observed,
        };
    }
    let note = format!(
        "{} {unit} exceeds the {} {unit} judged normal for this actor on {} ({}: \"{}\")",
        trim(observed),
        trim(verdict.observed),
        &rfc3339(verdict.at_ms)[..10],
        verdict.author,
        verdict.reason,
        unit = verdict.unit,
    );
    body["evidence"]["feedback"] = json!({
        "verdict": "false_positive",
        "judged_normal": verdict.observed,
        "unit": verdict.unit,
        "reason": verdict.reason,
        "by": verdict.author,
        "at": rfc3339(verdict.at_ms),
        "from_alert": verdict.alert_id,
        "note": note,
    });
    record.summary = format!(
        "{} Raised despite earlier feedback: {note}.",
        record.summary
    );
    body["summary"] = Value::String(record.summary.clone());
    record.body = body.to_string();
    Weighed::Annotated
}

fn trim(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(observed: f64) -> AlertRecord {
        AlertRecord {
            id: "al_1".into(),
            fingerprint: "volume/alice/db".into(),
            actor: "alice".into(),
            actor_group: None,
            detector: "volume".into(),
            severity: "high".into(),
            score: 90.0,
            time_ms: 0,
            detected_ms: 0,
            status: "firing".into(),
            summary: "alice read a lot.".into(),
            body: json!({"summary": "alice read a lot.", "evidence": {"observed": observed}})
                .to_string(),
            created_ms: 0,
            updated_ms: 0,
        }
    }

    fn verdict() -> Feedback {
        Feedback {
            alert_id: "al_0".into(),
            detector: "volume".into(),
            actor: "alice".into(),
            verdict: "false_positive".into(),
            reason: "quarterly audit".into(),
            observed: 5000.0,
            unit: "records".into(),
            author: "ops".into(),
            at_ms: 1_700_000_000_000,
        }
    }

    #[test]
    fn a_finding_within_what_was_judged_normal_is_suppressed() {
        let mut r = record(4000.0);
        assert_eq!(
            weigh(&mut r, &[verdict()]),
            Weighed::Suppressed {
                judged_normal: 5000.0
            }
        );
    }

    #[test]
    fn a_larger_finding_is_raised_and_its_evidence_cites_the_feedback() {
        let mut r = record(9000.0);
        assert_eq!(weigh(&mut r, &[verdict()]), Weighed::Annotated);
        let body: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body["evidence"]["feedback"]["judged_normal"], 5000.0);
        assert!(r.summary.contains("quarterly audit"), "{}", r.summary);
    }
}
