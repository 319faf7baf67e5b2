//! Decoding the lifecycle tables' rows, generic over the backend (same bounds as `store::row`).

use sqlx::Row;

use super::types::{AlertState, DeliveryEntry, Feedback, HistoryEntry, Matchers, Silence};

pub(in crate::store) const STATE_COLUMNS: &str = "id, status, severity, group_key, receivers, \
    occurrences, created_ms, last_seen_ms, silenced_by, flapping, escalation_step, \
    last_notified_ms, resolved_ms";

/// Decoding helpers generic over the backend's row type (same bounds as `store::row`).
macro_rules! row_fn {
    ($name:ident -> $ty:ty, |$row:ident| $body:expr) => {
        pub(in crate::store) fn $name<'r, R>($row: &'r R) -> Result<$ty, sqlx::Error>
        where
            R: Row,
            &'r str: sqlx::ColumnIndex<R>,
            i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
            f64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
            String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        {
            $body
        }
    };
}

fn json_error(column: &str, e: serde_json::Error) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: column.into(),
        source: Box::new(e),
    }
}

row_fn!(state -> AlertState, |row| {
    let receivers: String = row.try_get("receivers")?;
    Ok(AlertState {
        id: row.try_get("id")?,
        status: row.try_get("status")?,
        severity: row.try_get("severity")?,
        group_key: row.try_get("group_key")?,
        receivers: serde_json::from_str(&receivers).map_err(|e| json_error("receivers", e))?,
        occurrences: row.try_get("occurrences")?,
        created_ms: row.try_get("created_ms")?,
        last_seen_ms: row.try_get("last_seen_ms")?,
        silenced_by: row.try_get("silenced_by")?,
        flapping: row.try_get::<i64, _>("flapping")? != 0,
        escalation_step: row.try_get("escalation_step")?,
        last_notified_ms: row.try_get("last_notified_ms")?,
        resolved_ms: row.try_get("resolved_ms")?,
    })
});

row_fn!(history -> HistoryEntry, |row| {
    Ok(HistoryEntry {
        id: row.try_get("id")?,
        at_ms: row.try_get("at_ms")?,
        who: row.try_get("who")?,
        action: row.try_get("action")?,
        from_status: row.try_get("from_status")?,
        to_status: row.try_get("to_status")?,
        note: row.try_get("note")?,
    })
});

row_fn!(delivery -> DeliveryEntry, |row| {
    Ok(DeliveryEntry {
        outbox_id: row.try_get("outbox_id")?,
        receiver: row.try_get("receiver")?,
        attempt: row.try_get("attempt")?,
        at_ms: row.try_get("at_ms")?,
        outcome: row.try_get("outcome")?,
        status_code: row.try_get("status_code")?,
        error: row.try_get("error")?,
        elapsed_ms: row.try_get("elapsed_ms")?,
    })
});

row_fn!(feedback -> Feedback, |row| {
    Ok(Feedback {
        alert_id: row.try_get("alert_id")?,
        detector: row.try_get("detector")?,
        actor: row.try_get("actor")?,
        verdict: row.try_get("verdict")?,
        reason: row.try_get("reason")?,
        observed: row.try_get("observed")?,
        unit: row.try_get("unit")?,
        author: row.try_get("author")?,
        at_ms: row.try_get("at_ms")?,
    })
});

row_fn!(silence -> Silence, |row| {
    let matchers: String = row.try_get("matchers")?;
    Ok(Silence {
        id: row.try_get("id")?,
        matchers: serde_json::from_str::<Matchers>(&matchers)
            .map_err(|e| json_error("matchers", e))?,
        starts_ms: row.try_get("starts_ms")?,
        ends_ms: row.try_get("ends_ms")?,
        author: row.try_get("author")?,
        comment: row.try_get("comment")?,
        created_by: row.try_get("created_by")?,
        created_ms: row.try_get("created_ms")?,
    })
});

/// The alert JSON with its `id` replaced: a repeat that raises an open alert's severity keeps the
/// open alert's id.
pub(in crate::store) fn with_id(body: &str, id: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(body) {
        Ok(mut v) => {
            v["id"] = serde_json::Value::String(id.to_string());
            v.to_string()
        }
        Err(_) => body.to_string(),
    }
}
