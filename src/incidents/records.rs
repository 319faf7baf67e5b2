//! What people record on an incident besides its fields: submissions and "not required" decisions on
//! obligations (which feed back into the engine, because relative deadlines run from submissions),
//! comments and tasks. Each goes through `service::mutate`, so it is audited and saved like any change.

use chrono::{DateTime, FixedOffset};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::model::{state, Comment, Task, Tracking};
use super::service::{json_text, mutate};
use super::IncidentError;
use crate::store::{NewAudit, ObligationUpsert, Store};

/// What a person records on an obligation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mark {
    /// `submitted`, `not_required` or `open` (undo).
    pub state: String,
    pub submitted_at: Option<DateTime<FixedOffset>>,
    pub reference: Option<String>,
    pub attachment_note: Option<String>,
    pub reason: Option<String>,
}

/// Marks one obligation submitted / not required / open again, and recomputes (relative deadlines run
/// from submissions).
pub async fn mark_obligation(
    store: &dyn Store,
    id: i64,
    rule_id: &str,
    actor: &str,
    at_ms: i64,
    mark: &Mark,
) -> Result<(), IncidentError> {
    mutate(store, Some(id), actor, at_ms, |d| {
        let stored = d.stored;
        let old = stored
            .iter()
            .find(|o| o.rule_id == rule_id)
            .ok_or_else(|| IncidentError::NotFound(format!("obligation `{rule_id}`")))?;
        let mut tracking: Tracking = serde_json::from_str(&old.tracking).unwrap_or_default();
        let reason = mark.reason.clone().filter(|r| !r.trim().is_empty());
        match mark.state.as_str() {
            state::SUBMITTED => {
                let now = DateTime::from_timestamp_millis(at_ms).unwrap_or_default();
                tracking.submitted_at =
                    Some(mark.submitted_at.unwrap_or_else(|| now.fixed_offset()));
                tracking.submitted_by = Some(actor.to_string());
                tracking.reference = mark.reference.clone();
                tracking.attachment_note = mark.attachment_note.clone();
            }
            state::NOT_REQUIRED => {
                tracking.reason = Some(reason.clone().ok_or_else(|| {
                    IncidentError::Invalid("reason: required to mark a notice not required".into())
                })?);
            }
            state::OPEN => tracking = Tracking::default(),
            _ => {
                return Err(IncidentError::Invalid(
                    "state: must be submitted, not_required or open".into(),
                ))
            }
        }
        let tracking_json =
            serde_json::to_string(&tracking).map_err(|e| IncidentError::Internal(e.into()))?;
        d.audit.push(NewAudit {
            at_ms,
            actor: actor.to_string(),
            action: format!("obligation.{}", mark.state),
            field: Some(format!("obligations.{rule_id}")),
            old_value: Some(old.state.clone()),
            new_value: Some(tracking_json.clone()),
            reason,
        });
        d.upserts.push(ObligationUpsert {
            rule_id: rule_id.to_string(),
            state: mark.state.clone(),
            due_ms: old.due_ms,
            computed: old.computed.clone(),
            tracking: tracking_json,
        });
        d.engine_changed = true;
        Ok(())
    })
    .await?;
    Ok(())
}

/// Adds a comment (author and time from the request).
pub async fn comment(
    store: &dyn Store,
    id: i64,
    actor: &str,
    at_ms: i64,
    text: &str,
) -> Result<(), IncidentError> {
    let text = text.trim();
    if text.is_empty() || text.len() > 10_000 {
        return Err(IncidentError::Invalid(
            "text: must be 1 to 10000 bytes".into(),
        ));
    }
    mutate(store, Some(id), actor, at_ms, |d| {
        let next = d.incident.comments.iter().map(|c| c.id).max().unwrap_or(0) + 1;
        d.incident.comments.push(Comment {
            id: next,
            author: actor.to_string(),
            at: crate::engine::record::rfc3339(at_ms),
            text: text.to_string(),
        });
        d.note(
            "comment",
            &format!("comments.{next}"),
            None,
            json_text(&text),
        );
        Ok(())
    })
    .await?;
    Ok(())
}

/// Adds a task, or (with `task_id`) updates its title, assignee or done flag.
pub async fn task(
    store: &dyn Store,
    id: i64,
    actor: &str,
    at_ms: i64,
    task_id: Option<u32>,
    change: &Map<String, Value>,
) -> Result<u32, IncidentError> {
    let mut chosen = 0;
    mutate(store, Some(id), actor, at_ms, |d| {
        let before = d.incident.tasks.clone();
        let next = d.incident.tasks.iter().map(|t| t.id).max().unwrap_or(0) + 1;
        let task_id = task_id.unwrap_or(next);
        if task_id == next && !d.incident.tasks.iter().any(|t| t.id == task_id) {
            d.incident.tasks.push(Task {
                id: next,
                title: String::new(),
                assignee: None,
                done: false,
            });
        }
        let t = d
            .incident
            .tasks
            .iter_mut()
            .find(|t| t.id == task_id)
            .ok_or_else(|| IncidentError::NotFound(format!("task {task_id}")))?;
        for (k, v) in change {
            match (k.as_str(), v) {
                ("title", Value::String(s)) if !s.trim().is_empty() => t.title = s.trim().into(),
                ("assignee", Value::String(s)) => t.assignee = Some(s.clone()),
                ("assignee", Value::Null) => t.assignee = None,
                ("done", Value::Bool(b)) => t.done = *b,
                _ => {
                    return Err(IncidentError::Invalid(format!(
                        "{k}: invalid task field or value"
                    )))
                }
            }
        }
        if t.title.is_empty() {
            return Err(IncidentError::Invalid(
                "title: required for a new task".into(),
            ));
        }
        let after = t.clone();
        let old = before.iter().find(|b| b.id == task_id);
        d.note(
            "task",
            &format!("tasks.{task_id}"),
            old.and_then(json_text),
            json_text(&after),
        );
        chosen = task_id;
        Ok(())
    })
    .await?;
    Ok(chosen)
}
