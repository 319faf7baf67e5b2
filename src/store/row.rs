//! Decoding stored rows, shared by both backends (same column names and integer encodings).

use super::model::{
    actor_type_from_code, outcome_from_code, AlertRecord, ApiKey, EngineState, NewEvent, Scope,
    StoredEvent,
};
use sqlx::Row;

pub(super) const EVENT_COLUMNS: &str = "id, received_ms, eid_hash, event_id, ts_ms, actor, \
    actor_type, actor_group, action, resource, records, bytes, outcome, sensitivity, jurisdictions, \
    source_ip, region, attributes";

pub(super) fn stored_event<'r, R>(row: &'r R) -> Result<StoredEvent, sqlx::Error>
where
    R: Row,
    &'r str: sqlx::ColumnIndex<R>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    i16: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    Ok(StoredEvent {
        id: row.try_get("id")?,
        received_ms: row.try_get("received_ms")?,
        event: NewEvent {
            eid_hash: row.try_get("eid_hash")?,
            event_id: row.try_get("event_id")?,
            ts_ms: row.try_get("ts_ms")?,
            actor: row.try_get("actor")?,
            actor_type: actor_type_from_code(row.try_get("actor_type")?),
            actor_group: row.try_get("actor_group")?,
            action: row.try_get("action")?,
            resource: row.try_get("resource")?,
            records: row.try_get("records")?,
            bytes: row.try_get("bytes")?,
            outcome: outcome_from_code(row.try_get("outcome")?),
            sensitivity: row.try_get("sensitivity")?,
            jurisdictions: row.try_get("jurisdictions")?,
            source_ip: row.try_get("source_ip")?,
            region: row.try_get("region")?,
            attributes: row.try_get("attributes")?,
        },
    })
}

/// Rows of two integer columns.
pub(super) fn int_pairs<'r, R>(rows: &'r [R]) -> Result<Vec<(i64, i64)>, sqlx::Error>
where
    R: Row,
    usize: sqlx::ColumnIndex<R>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}

pub(super) fn api_key<'r, R>(row: &'r R) -> Result<ApiKey, sqlx::Error>
where
    R: Row,
    &'r str: sqlx::ColumnIndex<R>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let scope: String = row.try_get("scope")?;
    Ok(ApiKey {
        name: row.try_get("name")?,
        scope: Scope::parse(&scope).ok_or_else(|| sqlx::Error::ColumnDecode {
            index: "scope".into(),
            source: format!("unknown scope `{scope}`").into(),
        })?,
        created_ms: row.try_get("created_ms")?,
        revoked_ms: row.try_get("revoked_ms")?,
    })
}

pub(super) const ALERT_COLUMNS: &str = "id, fingerprint, actor, actor_group, detector, severity, \
    score, time_ms, detected_ms, status, summary, body, created_ms, updated_ms";

pub(super) fn alert<'r, R>(row: &'r R) -> Result<AlertRecord, sqlx::Error>
where
    R: Row,
    &'r str: sqlx::ColumnIndex<R>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    f64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    Ok(AlertRecord {
        id: row.try_get("id")?,
        fingerprint: row.try_get("fingerprint")?,
        actor: row.try_get("actor")?,
        actor_group: row.try_get("actor_group")?,
        detector: row.try_get("detector")?,
        severity: row.try_get("severity")?,
        score: row.try_get("score")?,
        time_ms: row.try_get("time_ms")?,
        detected_ms: row.try_get("detected_ms")?,
        status: row.try_get("status")?,
        summary: row.try_get("summary")?,
        body: row.try_get("body")?,
        created_ms: row.try_get("created_ms")?,
        updated_ms: row.try_get("updated_ms")?,
    })
}

pub(super) fn engine_state<'r, R>(row: &'r R) -> Result<EngineState, sqlx::Error>
where
    R: Row,
    &'r str: sqlx::ColumnIndex<R>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    i32: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    Ok(EngineState {
        cursor_id: row.try_get("cursor_id")?,
        shards: i64::from(row.try_get::<i32, _>("shards")?),
        snapshot: row.try_get("snapshot")?,
    })
}
