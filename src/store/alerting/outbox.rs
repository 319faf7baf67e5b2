//! `impl OutboxStore` for both backends: leasing due rows, recording attempts, backlog figures.

use std::collections::HashMap;

use sqlx::Row;

use super::types::{Backlog, OutboxItem};

/// Gives every unbatched row the batch of its (receiver, group): the smallest row id among them,
/// so the notification id is stable across retries and restarts.
pub(in crate::store) fn assign_batches(items: &mut [OutboxItem]) {
    let mut first: HashMap<(String, String), i64> = HashMap::new();
    for item in items.iter().filter(|i| i.batch_id == 0) {
        let key = (item.receiver.clone(), item.group_key.clone());
        let entry = first.entry(key).or_insert(item.id);
        *entry = (*entry).min(item.id);
    }
    for item in items.iter_mut().filter(|i| i.batch_id == 0) {
        if let Some(b) = first.get(&(item.receiver.clone(), item.group_key.clone())) {
            item.batch_id = *b;
        }
    }
}

pub(in crate::store) fn item<'r, R>(row: &'r R) -> Result<OutboxItem, sqlx::Error>
where
    R: Row,
    &'r str: sqlx::ColumnIndex<R>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    f64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    Ok(OutboxItem {
        id: row.try_get("outbox_id")?,
        batch_id: row.try_get::<Option<i64>, _>("batch_id")?.unwrap_or(0),
        receiver: row.try_get("receiver")?,
        group_key: row.try_get("o_group_key")?,
        kind: row.try_get("kind")?,
        attempts: row.try_get("attempts")?,
        created_ms: row.try_get("o_created_ms")?,
        who: row.try_get("who")?,
        alert: crate::store::row::alert(row)?,
    })
}

pub(in crate::store) fn backlog<'r, R>(row: &'r R) -> Result<Backlog, sqlx::Error>
where
    R: Row,
    &'r str: sqlx::ColumnIndex<R>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    Ok(Backlog {
        receiver: row.try_get("receiver")?,
        pending: row.try_get("pending")?,
        oldest_created_ms: row.try_get("oldest")?,
    })
}

/// The due-row query: outbox columns renamed where they collide with the alert's.
pub(in crate::store) fn claim_sql() -> String {
    let alert_columns: Vec<String> = crate::store::row::ALERT_COLUMNS
        .split(',')
        .map(|c| format!("a.{}", c.trim()))
        .collect();
    format!(
        "SELECT o.id AS outbox_id, o.batch_id, o.receiver, o.group_key AS o_group_key, o.kind, \
         o.attempts, o.created_ms AS o_created_ms, h.who, {} FROM outbox o \
         JOIN alerts a ON a.id = o.alert_id JOIN alert_history h ON h.id = o.change_id \
         WHERE o.status = 'pending' AND o.next_attempt_ms <= $1 AND o.lease_until_ms <= $1 \
         ORDER BY o.id LIMIT $2",
        alert_columns.join(", ")
    )
}

macro_rules! impl_outbox_store {
    ($store:ty, $db:ty, $begin:literal) => {
        #[async_trait::async_trait]
        impl $crate::store::OutboxStore for $store {
            async fn claim_outbox(
                &self,
                now_ms: i64,
                lease_until_ms: i64,
                limit: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::store::OutboxItem>> {
                let mut tx = self.pool.begin_with($begin).await?;
                let rows = sqlx::query(&$crate::store::alerting::outbox::claim_sql())
                    .bind(now_ms)
                    .bind(limit)
                    .fetch_all(&mut *tx)
                    .await?;
                let mut items: Vec<$crate::store::OutboxItem> = rows
                    .iter()
                    .map($crate::store::alerting::outbox::item)
                    .collect::<Result<_, _>>()?;
                $crate::store::alerting::outbox::assign_batches(&mut items);
                let mut claimed = Vec::with_capacity(items.len());
                for item in items {
                    // The lease is a compare-and-set: a row another worker leased meanwhile is skipped.
                    let done = sqlx::query(
                        "UPDATE outbox SET lease_until_ms = $1, batch_id = $2 \
                         WHERE id = $3 AND status = 'pending' AND lease_until_ms <= $4",
                    )
                    .bind(lease_until_ms)
                    .bind(item.batch_id)
                    .bind(item.id)
                    .bind(now_ms)
                    .execute(&mut *tx)
                    .await?;
                    if done.rows_affected() == 1 {
                        claimed.push(item);
                    }
                }
                tx.commit().await?;
                Ok(claimed)
            }

            async fn finish_attempt(
                &self,
                a: &$crate::store::Attempt,
            ) -> $crate::store::StoreResult<()> {
                let mut tx = self.pool.begin_with($begin).await?;
                for (outbox_id, alert_id) in &a.rows {
                    sqlx::query(
                        "INSERT INTO delivery_log (outbox_id, alert_id, receiver, attempt, at_ms, \
                         outcome, status_code, error, elapsed_ms) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    )
                    .bind(outbox_id)
                    .bind(alert_id)
                    .bind(&a.receiver)
                    .bind(a.attempt)
                    .bind(a.at_ms)
                    .bind(a.next.outcome())
                    .bind(a.status_code)
                    .bind(&a.error)
                    .bind(a.elapsed_ms)
                    .execute(&mut *tx)
                    .await?;
                    let (status, next_attempt) = match a.next {
                        $crate::store::AttemptResult::Sent => ("sent", None),
                        $crate::store::AttemptResult::RetryAt(t) => ("pending", Some(t)),
                        $crate::store::AttemptResult::Dead => ("dead", None),
                    };
                    sqlx::query(
                        "UPDATE outbox SET status = $1, attempts = attempts + 1, \
                         next_attempt_ms = COALESCE($2, next_attempt_ms), lease_until_ms = 0, \
                         last_error = $3, done_ms = $4 WHERE id = $5",
                    )
                    .bind(status)
                    .bind(next_attempt)
                    .bind(&a.error)
                    .bind(next_attempt.is_none().then_some(a.at_ms))
                    .bind(outbox_id)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn next_outbox_due(&self) -> $crate::store::StoreResult<Option<i64>> {
                Ok(sqlx::query_scalar(
                    "SELECT min(next_attempt_ms) FROM outbox WHERE status = 'pending'",
                )
                .fetch_one(&self.pool)
                .await?)
            }

            async fn outbox_backlog(
                &self,
            ) -> $crate::store::StoreResult<Vec<$crate::store::Backlog>> {
                let rows = sqlx::query(
                    "SELECT receiver, count(*) AS pending, min(created_ms) AS oldest FROM outbox \
                     WHERE status = 'pending' GROUP BY receiver ORDER BY receiver",
                )
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .iter()
                    .map($crate::store::alerting::outbox::backlog)
                    .collect::<Result<_, _>>()?)
            }
        }
    };
}

pub(in crate::store) use impl_outbox_store;
