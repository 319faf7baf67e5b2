//! Keeping an incident's stored obligations equal to what the rules engine says now. The engine is a pure
//! function of the incident (facts, affected, regimes, submissions), so after any change to those we run it
//! again and store the difference: new notices open, moved deadlines update, notices no longer owed are
//! withdrawn (kept, with the engine's reason). Every difference is an audit entry.

use std::collections::HashMap;

use super::model::{state, Incident, Tracking};
use super::patch::engine_error;
use super::IncidentError;
use crate::store::{NewAudit, ObligationRecord, ObligationUpsert};

/// The recorded submissions, as the engine takes them: relative deadlines run from these.
pub fn submissions(stored: &[ObligationRecord]) -> Vec<breach::Submission> {
    stored
        .iter()
        .filter(|o| o.state == state::SUBMITTED)
        .filter_map(|o| {
            let t: Tracking = serde_json::from_str(&o.tracking).ok()?;
            Some(breach::Submission {
                rule_id: o.rule_id.clone(),
                submitted_at: t.submitted_at?,
            })
        })
        .collect()
}

/// The engine's answer for the incident; empty while no clock-start fact is known.
pub fn compute(
    incident: &Incident,
    stored: &[ObligationRecord],
) -> Result<breach::Output, IncidentError> {
    if !incident.has_facts() {
        return Ok(breach::Output::default());
    }
    breach::compute(&incident.engine_input(submissions(stored))).map_err(engine_error)
}

/// Milliseconds of an RFC 3339 instant.
pub fn ms(text: Option<&str>) -> Option<i64> {
    text.and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.timestamp_millis())
}

/// The instant reminders count down to: the legal deadline, or an ASAP notice's internal target.
pub fn target_ms(o: &breach::Obligation) -> Option<i64> {
    ms(o.due.as_deref()).or_else(|| ms(o.internal_target.as_deref()))
}

/// The upserts and audit entries that bring `stored` in line with the engine's current answer.
pub fn reconcile(
    incident: &Incident,
    stored: &[ObligationRecord],
    actor: &str,
    at_ms: i64,
) -> Result<(Vec<ObligationUpsert>, Vec<NewAudit>), IncidentError> {
    let output = compute(incident, stored)?;
    let by_rule: HashMap<&str, &ObligationRecord> =
        stored.iter().map(|o| (o.rule_id.as_str(), o)).collect();
    let mut upserts = Vec::new();
    let mut audit = Vec::new();
    let mut note = |action: &str, rule: &str, old: Option<String>, new: Option<String>| {
        audit.push(NewAudit {
            at_ms,
            actor: actor.to_string(),
            action: action.to_string(),
            field: Some(format!("obligations.{rule}")),
            old_value: old,
            new_value: new,
            reason: Some("recomputed by the rules engine after a change to the incident".into()),
        });
    };
    let due_text = |ms: Option<i64>| ms.map(crate::engine::record::rfc3339);
    for o in &output.obligations {
        let computed = serde_json::to_string(o).map_err(|e| IncidentError::Internal(e.into()))?;
        let due_ms = target_ms(o);
        match by_rule.get(o.rule_id.as_str()) {
            None => {
                note("obligation.added", &o.rule_id, None, due_text(due_ms));
                upserts.push(ObligationUpsert {
                    rule_id: o.rule_id.clone(),
                    state: state::OPEN.into(),
                    due_ms,
                    computed,
                    tracking: serde_json::to_string(&Tracking::default()).unwrap_or_default(),
                });
            }
            Some(old) if old.computed != computed || old.state == state::WITHDRAWN => {
                if old.due_ms != due_ms || old.state == state::WITHDRAWN {
                    note(
                        "obligation.recomputed",
                        &o.rule_id,
                        due_text(old.due_ms),
                        due_text(due_ms),
                    );
                }
                let reopened = old.state == state::WITHDRAWN;
                upserts.push(ObligationUpsert {
                    rule_id: o.rule_id.clone(),
                    state: if reopened {
                        state::OPEN.to_string()
                    } else {
                        old.state.clone()
                    },
                    due_ms,
                    computed,
                    tracking: old.tracking.clone(),
                });
            }
            Some(_) => {}
        }
    }
    let owed: HashMap<&str, ()> = output
        .obligations
        .iter()
        .map(|o| (o.rule_id.as_str(), ()))
        .collect();
    for old in stored {
        if old.state != state::OPEN || owed.contains_key(old.rule_id.as_str()) {
            continue;
        }
        let reason = output
            .not_required
            .iter()
            .find(|n| n.obligation.rule_id == old.rule_id)
            .map_or_else(
                || "no longer computed for the current facts".to_string(),
                |n| n.reason.clone(),
            );
        note(
            "obligation.withdrawn",
            &old.rule_id,
            due_text(old.due_ms),
            None,
        );
        let mut tracking: Tracking = serde_json::from_str(&old.tracking).unwrap_or_default();
        tracking.withdrawn_reason = Some(reason);
        upserts.push(ObligationUpsert {
            rule_id: old.rule_id.clone(),
            state: state::WITHDRAWN.into(),
            due_ms: old.due_ms,
            computed: old.computed.clone(),
            tracking: serde_json::to_string(&tracking).unwrap_or_default(),
        });
    }
    Ok((upserts, audit))
}
