//! The operations on incidents, shared by the HTTP API and the CLI so both audit and recompute alike.
//! Each operation loads the incident, applies a change to a draft, lets the rules engine bring the
//! obligations up to date when the engine's input moved, and saves everything in one store call. A save
//! that lost a race (the version moved) is retried from a fresh load, so concurrent edits never clobber.

use serde_json::{Map, Value};

use super::model::Incident;
use super::{obligations, patch, prefill, IncidentError};
use crate::store::{
    IncidentChange, IncidentRecord, NewAudit, ObligationRecord, ObligationUpsert, Store, StoreError,
};

pub use super::records::{comment, mark_obligation, task, Mark};

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
    pub(super) fn note(
        &mut self,
        action: &str,
        field: &str,
        old: Option<String>,
        new: Option<String>,
    ) {
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

pub(super) async fn mutate(
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

pub(super) fn json_text<T: serde::Serialize + ?Sized>(v: &T) -> Option<String> {
    serde_json::to_string(v).ok()
}
