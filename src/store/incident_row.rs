//! Decoding the breach-workflow rows, shared by both backends (same column names, integer encodings).

use super::incident_model::{AuditRecord, IncidentRecord, ObligationRecord, ReminderRecord};
use sqlx::Row;

pub(super) const INCIDENT_COLUMNS: &str =
    "id, title, status, severity, version, body, created_ms, updated_ms";
pub(super) const OBLIGATION_COLUMNS: &str =
    "id, incident_id, rule_id, state, due_ms, computed, tracking, updated_ms";
pub(super) const AUDIT_COLUMNS: &str = "id, at_ms, actor, incident_id, action, field, old_value, \
    new_value, reason, prev_hash, hash";
pub(super) const REMINDER_COLUMNS: &str = "id, obligation_id, kind, offset_secs, due_ms, state, \
    attempts, last_error, created_ms, sent_ms";

pub(super) fn incident<'r, R>(row: &'r R) -> Result<IncidentRecord, sqlx::Error>
where
    R: Row,
    &'r str: sqlx::ColumnIndex<R>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    Ok(IncidentRecord {
        id: row.try_get("id")?,
        title: row.try_get("title")?,
        status: row.try_get("status")?,
        severity: row.try_get("severity")?,
        version: row.try_get("version")?,
        body: row.try_get("body")?,
        created_ms: row.try_get("created_ms")?,
        updated_ms: row.try_get("updated_ms")?,
    })
}

pub(super) fn obligation<'r, R>(row: &'r R) -> Result<ObligationRecord, sqlx::Error>
where
    R: Row,
    &'r str: sqlx::ColumnIndex<R>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    Ok(ObligationRecord {
        id: row.try_get("id")?,
        incident_id: row.try_get("incident_id")?,
        rule_id: row.try_get("rule_id")?,
        state: row.try_get("state")?,
        due_ms: row.try_get("due_ms")?,
        computed: row.try_get("computed")?,
        tracking: row.try_get("tracking")?,
        updated_ms: row.try_get("updated_ms")?,
    })
}

pub(super) fn audit<'r, R>(row: &'r R) -> Result<AuditRecord, sqlx::Error>
where
    R: Row,
    &'r str: sqlx::ColumnIndex<R>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    Ok(AuditRecord {
        seq: row.try_get("id")?,
        at_ms: row.try_get("at_ms")?,
        actor: row.try_get("actor")?,
        incident_id: row.try_get("incident_id")?,
        action: row.try_get("action")?,
        field: row.try_get("field")?,
        old_value: row.try_get("old_value")?,
        new_value: row.try_get("new_value")?,
        reason: row.try_get("reason")?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

pub(super) fn reminder<'r, R>(row: &'r R) -> Result<ReminderRecord, sqlx::Error>
where
    R: Row,
    &'r str: sqlx::ColumnIndex<R>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    Ok(ReminderRecord {
        id: row.try_get("id")?,
        obligation_id: row.try_get("obligation_id")?,
        kind: row.try_get("kind")?,
        offset_secs: row.try_get("offset_secs")?,
        due_ms: row.try_get("due_ms")?,
        state: row.try_get("state")?,
        attempts: row.try_get("attempts")?,
        last_error: row.try_get("last_error")?,
        created_ms: row.try_get("created_ms")?,
        sent_ms: row.try_get("sent_ms")?,
    })
}
