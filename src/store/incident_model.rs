//! Rows of the breach workflow (incidents, their obligations, reminders, the audit log) as the store moves
//! them, independent of the backend. The audit hash lives here because the store computes it inside the
//! transaction that appends the row, and `audit verify` must recompute it byte for byte.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// An incident as stored: filterable columns and the JSON document (`crate::incidents::Incident`).
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentRecord {
    pub id: i64,
    pub title: String,
    pub status: String,
    pub severity: String,
    /// Bumped by every change; an update names the version it was computed from.
    pub version: i64,
    pub body: String,
    pub created_ms: i64,
    pub updated_ms: i64,
}

/// Which incidents to list, newest first.
#[derive(Debug, Clone, Default)]
pub struct IncidentFilter {
    pub status: Option<String>,
    pub limit: i64,
}

/// One notice owed by an incident (see migrations/*/0003_incidents.sql for the states).
#[derive(Debug, Clone, PartialEq)]
pub struct ObligationRecord {
    pub id: i64,
    pub incident_id: i64,
    pub rule_id: String,
    pub state: String,
    pub due_ms: Option<i64>,
    /// The engine's `Obligation` as JSON.
    pub computed: String,
    /// What people recorded, as JSON (`crate::incidents::Tracking`).
    pub tracking: String,
    pub updated_ms: i64,
}

/// An obligation to insert or overwrite, keyed by `(incident, rule_id)`.
#[derive(Debug, Clone, PartialEq)]
pub struct ObligationUpsert {
    pub rule_id: String,
    pub state: String,
    pub due_ms: Option<i64>,
    pub computed: String,
    pub tracking: String,
}

/// One change to an incident, written in one transaction with its obligations and audit rows.
#[derive(Debug, Clone, Default)]
pub struct IncidentChange {
    /// `None` creates the incident.
    pub id: Option<i64>,
    /// The version the change was computed from (ignored on create).
    pub expected_version: i64,
    pub title: String,
    pub status: String,
    pub severity: String,
    pub body: String,
    pub now_ms: i64,
    pub obligations: Vec<ObligationUpsert>,
    pub audit: Vec<NewAudit>,
}

/// An audit entry to append; the store adds the incident id, the previous hash and the hash.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewAudit {
    pub at_ms: i64,
    pub actor: String,
    pub action: String,
    pub field: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub reason: Option<String>,
}

/// An audit row as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditRecord {
    pub seq: i64,
    pub at_ms: i64,
    pub actor: String,
    pub incident_id: i64,
    pub action: String,
    pub field: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub reason: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of the first row's predecessor.
pub const GENESIS_HASH: &str = "";

/// sha256(prev_hash, newline, canonical row) in hex. The canonical row is a JSON array of the row's content
/// columns in a fixed order: serde_json writes arrays of strings, integers and nulls deterministically.
pub fn audit_hash(prev_hash: &str, incident_id: i64, entry: &NewAudit) -> String {
    let canonical = serde_json::json!([
        entry.at_ms,
        entry.actor,
        incident_id,
        entry.action,
        entry.field,
        entry.old_value,
        entry.new_value,
        entry.reason,
    ]);
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(b"\n");
    hasher.update(canonical.to_string().as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl AuditRecord {
    /// The hash this row should carry given its content and stored `prev_hash`.
    pub fn expected_hash(&self) -> String {
        let entry = NewAudit {
            at_ms: self.at_ms,
            actor: self.actor.clone(),
            action: self.action.clone(),
            field: self.field.clone(),
            old_value: self.old_value.clone(),
            new_value: self.new_value.clone(),
            reason: self.reason.clone(),
        };
        audit_hash(&self.prev_hash, self.incident_id, &entry)
    }
}

/// A reminder or overdue escalation to record (at most once per obligation, offset and deadline).
#[derive(Debug, Clone, PartialEq)]
pub struct NewReminder {
    pub obligation_id: i64,
    /// `reminder` or `overdue`.
    pub kind: String,
    pub offset_secs: i64,
    pub due_ms: i64,
    pub created_ms: i64,
}

/// A recorded reminder and its delivery state (`pending`, `sent`, `failed`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReminderRecord {
    pub id: i64,
    pub obligation_id: i64,
    pub kind: String,
    pub offset_secs: i64,
    pub due_ms: i64,
    pub state: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_ms: i64,
    pub sent_ms: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_audit_hash_depends_on_the_previous_hash_and_every_column() {
        let entry = NewAudit {
            at_ms: 1,
            actor: "ops".into(),
            action: "update".into(),
            field: Some("status".into()),
            old_value: Some("\"new\"".into()),
            new_value: Some("\"in_progress\"".into()),
            reason: None,
        };
        let base = audit_hash("", 7, &entry);
        assert_eq!(base.len(), 64);
        assert_ne!(base, audit_hash("x", 7, &entry));
        assert_ne!(base, audit_hash("", 8, &entry));
        let changed = NewAudit {
            reason: Some("r".into()),
            ..entry.clone()
        };
        assert_ne!(base, audit_hash("", 7, &changed));
    }
}
