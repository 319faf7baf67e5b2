//! The operations on incidents, shared by the HTTP API and the CLI so both audit and recompute alike.
//! Each operation loads the incident, applies a change to a draft, lets the rules engine bring the
//! obligations up to date when the engine's input moved, and saves everything in one store call. A save
//! that lost a race (the version moved) is retried from a fresh load, so concurrent edits never clobber.

use chrono::{DateTime, FixedOffset};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::model::{state, Comment, Incident, Severity, Task, Tracking};
use super::{obligations, patch, prefill, IncidentError};
use crate::store::{
    IncidentChange, IncidentRecord, NewAudit, ObligationRecord, ObligationUpsert, Store, StoreError,
};

/// An incident as loaded: its row, its document and its obligations.
pub struct Loaded {
    pub record: IncidentRecord,
    pub incident: Incident,
    pub obligations: Vec<ObligationRecord>,
}

pub async fn load(store: &dyn Store, id: i64) -> Result<Loaded, IncidentError> {
    let record = store
        .get_incident(id)
        .await?
        .ok_or_else(|| IncidentError::NotFound(format!("incident {id}")))?;
    let incident = serde_json::from_str(&record.body)
        .map_err(|e| IncidentError::Internal(anyhow::anyhow!("incident {id} body: {e}")))?;
    let obligations = store.obligations_of(id).await?;
    Ok(Loaded {
        record,
        incident,
        obligations,
    })
}

/// A change in progress: what it did to the incident and which obligations and audit rows it adds.
pub struct Draft<'a> {
    pub incident: Incident,
    pub stored: &'a [ObligationRecord],
    pub upserts: Vec<ObligationUpsert>,
    pub audit: Vec<NewAudit>,
    pub engine_changed: bool,
    pub actor: &'a str,
    pub at_ms: i64,
}

impl Draft<'_> {
    fn note(&mut self, action: &str, field: &str, old: Option<String>, new: Option<String>) {
        self.audit.push(NewAudit {
            at_ms: self.at_ms,
            actor: self.actor.to_string(),
            action: action.to_string(),
            field: Some(field.to_string()),
            old_value: old,
            new_value: new,
            reason: None,
        });
    }
}

async fn mutate(
    store: &dyn Store,
    id: Option<i64>,
    actor: &str,
    at_ms: i64,
    mut change: impl FnMut(&mut Draft) -> Result<(), IncidentError>,
) -> Result<i64, IncidentError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let (version, incident, stored) = match id {
            Some(id) => {
                let l = load(store, id).await?;
                (l.record.version, l.incident, l.obligations)
            }
            None => (0, Incident::default(), Vec::new()),
        };
        let mut draft = Draft {
            incident,
            stored: &stored,
            upserts: Vec::new(),
            audit: Vec::new(),
            engine_changed: false,
            actor,
            at_ms,
        };
        change(&mut draft)?;
        if draft.engine_changed {
            let view = with_upserts(&stored, &draft.upserts);
            let (upserts, audit) = obligations::reconcile(&draft.incident, &view, actor, at_ms)?;
            for u in upserts {
                draft.upserts.retain(|d| d.rule_id != u.rule_id);
                draft.upserts.push(u);
            }
            draft.audit.extend(audit);
        }
        if draft.audit.is_empty() {
            if let Some(id) = id {
                return Ok(id);
            }
        }
        let body = serde_json::to_string(&draft.incident)
            .map_err(|e| IncidentError::Internal(e.into()))?;
        let saved = store
            .save_incident(&IncidentChange {
                id,
                expected_version: version,
                title: draft.incident.title.clone(),
                status: draft.incident.status.as_str().into(),
                severity: draft.incident.severity.as_str().into(),
                body,
                now_ms: at_ms,
                obligations: draft.upserts,
                audit: draft.audit,
            })
            .await;
        match saved {
            Err(StoreError::Conflict(_)) if id.is_some() && attempt < 5 => continue,
            other => return Ok(other?),
        }
    }
}

/// Stored obligations with pending upserts applied: what the engine must see as "already submitted".
fn with_upserts(
    stored: &[ObligationRecord],
    upserts: &[ObligationUpsert],
) -> Vec<ObligationRecord> {
    let mut view = stored.to_vec();
    for u in upserts {
        if let Some(o) = view.iter_mut().find(|o| o.rule_id == u.rule_id) {
            o.state = u.state.clone();
            o.tracking = u.tracking.clone();
        }
    }
    view
}

/// Creates an incident from `body` (`title` and any `PATCH` key, plus optional `alert_ids` to promote).
pub async fn create(
    store: &dyn Store,
    actor: &str,
    at_ms: i64,
    mut body: Map<String, Value>,
) -> Result<i64, IncidentError> {
    let alert_ids = match body.remove("alert_ids") {
        None | Some(Value::Null) => Vec::new(),
        Some(v) => serde_json::from_value::<Vec<String>>(v).map_err(|_| {
            IncidentError::Invalid("alert_ids: must be an array of alert ids".into())
        })?,
    };
    let evidence = super::alerts::evidence(store, &alert_ids).await?;
    if !body.contains_key("title") {
        let title = match alert_ids.first() {
            Some(first) => format!("Promoted from alert {first}"),
            None => return Err(IncidentError::Invalid("title: required".into())),
        };
        body.insert("title".into(), Value::String(title));
    }
    if !body.contains_key("severity") {
        if let Some(s) = evidence.max_severity {
            body.insert("severity".into(), Value::String(s.as_str().into()));
        }
    }
    mutate(store, None, actor, at_ms, |d| {
        let patched = patch::apply(&Incident::default(), &body, actor, at_ms)?;
        d.incident = patched.incident;
        d.note("create", "incident", None, None);
        d.audit.extend(patched.audit);
        if !alert_ids.is_empty() {
            d.incident.alert_ids = alert_ids.clone();
            prefill::merge(&mut d.incident.affected, &evidence.estimate.affected);
            d.incident.unattributed_records = evidence.estimate.unattributed_records;
            d.note("alerts.linked", "alert_ids", None, json_text(&alert_ids));
            d.note(
                "affected.estimated",
                "affected",
                None,
                json_text(&d.incident.affected),
            );
        }
        d.engine_changed = true;
        Ok(())
    })
    .await
}

/// Changes fields (see `patch::apply`).
pub async fn update(
    store: &dyn Store,
    id: i64,
    actor: &str,
    at_ms: i64,
    body: &Map<String, Value>,
) -> Result<(), IncidentError> {
    mutate(store, Some(id), actor, at_ms, |d| {
        let patched = patch::apply(&d.incident, body, actor, at_ms)?;
        d.incident = patched.incident;
        d.audit.extend(patched.audit);
        d.engine_changed = patched.engine_changed;
        Ok(())
    })
    .await?;
    Ok(())
}

/// Merges more alerts into an incident; their events raise the affected estimate.
pub async fn link_alerts(
    store: &dyn Store,
    id: i64,
    actor: &str,
    at_ms: i64,
    alert_ids: &[String],
) -> Result<(), IncidentError> {
    let current = load(store, id).await?.incident;
    let mut all = current.alert_ids.clone();
    all.extend(
        alert_ids
            .iter()
            .filter(|a| !current.alert_ids.contains(a))
            .cloned(),
    );
    let evidence = super::alerts::evidence(store, &all).await?;
    mutate(store, Some(id), actor, at_ms, |d| {
        let before_alerts = d.incident.alert_ids.clone();
        let before_affected = d.incident.affected.clone();
        for a in alert_ids {
            if !d.incident.alert_ids.contains(a) {
                d.incident.alert_ids.push(a.clone());
            }
        }
        prefill::merge(&mut d.incident.affected, &evidence.estimate.affected);
        d.incident.unattributed_records = evidence.estimate.unattributed_records;
        if d.incident.alert_ids != before_alerts {
            let (o, n) = (json_text(&before_alerts), json_text(&d.incident.alert_ids));
            d.note("alerts.linked", "alert_ids", o, n);
        }
        if d.incident.affected != before_affected {
            let (o, n) = (json_text(&before_affected), json_text(&d.incident.affected));
            d.note("affected.estimated", "affected", o, n);
            d.engine_changed = true;
        }
        Ok(())
    })
    .await?;
    Ok(())
}

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

/// The highest severity among alerts, for an incident promoted without one.
pub fn max_severity(names: impl Iterator<Item = String>) -> Option<Severity> {
    names
        .filter_map(|s| serde_json::from_value::<Severity>(Value::String(s)).ok())
        .max()
}

fn json_text<T: serde::Serialize + ?Sized>(v: &T) -> Option<String> {
    serde_json::to_string(v).ok()
}
