//! Persistence of the breach workflow: incidents, their obligations, reminders and the hash-chained audit
//! log. A trait of its own (a supertrait of `Store`) so this feature's queries live beside each other; the
//! macro writes the impl for both backends, as `shared.rs` does, because every query here is portable.

use async_trait::async_trait;

use super::incident_model::{
    AuditRecord, IncidentChange, IncidentFilter, IncidentRecord, NewReminder, ObligationRecord,
    ReminderRecord,
};
use super::{StoreResult, StoredEvent};

#[async_trait]
pub trait IncidentStore: Send + Sync {
    /// Creates (`change.id == None`) or updates an incident, upserts its obligations and appends its audit
    /// rows to the chain, in one transaction. Returns the incident id. An update whose `expected_version` is
    /// no longer current fails with `StoreError::Conflict` and changes nothing.
    async fn save_incident(&self, change: &IncidentChange) -> StoreResult<i64>;
    async fn get_incident(&self, id: i64) -> StoreResult<Option<IncidentRecord>>;
    /// Incidents matching the filter, newest first.
    async fn list_incidents(&self, filter: &IncidentFilter) -> StoreResult<Vec<IncidentRecord>>;
    /// Obligations of one incident, by deadline (undated last).
    async fn obligations_of(&self, incident_id: i64) -> StoreResult<Vec<ObligationRecord>>;
    /// Every open obligation with a deadline: what reminders and metrics look at.
    async fn open_obligations(&self) -> StoreResult<Vec<ObligationRecord>>;
    /// Audit rows in chain order after `after_seq` (all incidents when `incident_id` is `None`).
    async fn audit_entries(
        &self,
        incident_id: Option<i64>,
        after_seq: i64,
        limit: i64,
    ) -> StoreResult<Vec<AuditRecord>>;
    /// Records a reminder unless one exists for the same obligation, offset and deadline; returns its id if new.
    async fn record_reminder(&self, reminder: &NewReminder) -> StoreResult<Option<i64>>;
    /// Reminders not yet delivered, oldest first.
    async fn pending_reminders(&self) -> StoreResult<Vec<ReminderRecord>>;
    /// Records one delivery attempt: `sent`, or still `pending` (or `failed` when `give_up`) with the error.
    async fn finish_reminder(
        &self,
        id: i64,
        error: Option<&str>,
        give_up: bool,
        now_ms: i64,
    ) -> StoreResult<()>;
    /// Reminders of one incident's obligations, oldest first.
    async fn reminders_of(&self, incident_id: i64) -> StoreResult<Vec<ReminderRecord>>;
    /// Stored events with these client event ids and times in `[since_ms, until_ms]` (found
    /// through the `(ts_ms, eid_hash)` index).
    async fn events_by_event_ids(
        &self,
        ids: &[String],
        since_ms: i64,
        until_ms: i64,
    ) -> StoreResult<Vec<StoredEvent>>;
}

macro_rules! impl_incident_store {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::IncidentStore for $store {
            async fn save_incident(
                &self,
                change: &$crate::store::IncidentChange,
            ) -> $crate::store::StoreResult<i64> {
                let mut tx = self.pool.begin().await?;
                // A write first: it serializes audit appends (PostgreSQL row lock, SQLite write lock) so the
                // hash read below is the chain's head when this transaction commits.
                sqlx::query("UPDATE audit_lock SET appends = appends + 1 WHERE id = 1")
                    .execute(&mut *tx)
                    .await?;
                let id: i64 = match change.id {
                    None => {
                        sqlx::query_scalar(
                            "INSERT INTO incidents (title, status, severity, version, body, created_ms, \
                             updated_ms) VALUES ($1, $2, $3, 1, $4, $5, $5) RETURNING id",
                        )
                        .bind(&change.title)
                        .bind(&change.status)
                        .bind(&change.severity)
                        .bind(&change.body)
                        .bind(change.now_ms)
                        .fetch_one(&mut *tx)
                        .await?
                    }
                    Some(id) => {
                        let done = sqlx::query(
                            "UPDATE incidents SET title = $1, status = $2, severity = $3, body = $4, \
                             updated_ms = $5, version = version + 1 WHERE id = $6 AND version = $7",
                        )
                        .bind(&change.title)
                        .bind(&change.status)
                        .bind(&change.severity)
                        .bind(&change.body)
                        .bind(change.now_ms)
                        .bind(id)
                        .bind(change.expected_version)
                        .execute(&mut *tx)
                        .await?;
                        if done.rows_affected() == 0 {
                            return Err($crate::store::StoreError::Conflict(format!(
                                "a newer version of incident {id}"
                            )));
                        }
                        id
                    }
                };
                for o in &change.obligations {
                    sqlx::query(
                        "INSERT INTO obligations (incident_id, rule_id, state, due_ms, computed, tracking, \
                         updated_ms) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                         ON CONFLICT (incident_id, rule_id) DO UPDATE SET state = excluded.state, \
                         due_ms = excluded.due_ms, computed = excluded.computed, \
                         tracking = excluded.tracking, updated_ms = excluded.updated_ms",
                    )
                    .bind(id)
                    .bind(&o.rule_id)
                    .bind(&o.state)
                    .bind(o.due_ms)
                    .bind(&o.computed)
                    .bind(&o.tracking)
                    .bind(change.now_ms)
                    .execute(&mut *tx)
                    .await?;
                }
                let mut prev: String =
                    sqlx::query_scalar("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")
                        .fetch_optional(&mut *tx)
                        .await?
                        .unwrap_or_else(|| $crate::store::GENESIS_HASH.to_string());
                for a in &change.audit {
                    let hash = $crate::store::audit_hash(&prev, id, a);
                    sqlx::query(
                        "INSERT INTO audit_log (at_ms, actor, incident_id, action, field, old_value, \
                         new_value, reason, prev_hash, hash) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                    )
                    .bind(a.at_ms)
                    .bind(&a.actor)
                    .bind(id)
                    .bind(&a.action)
                    .bind(&a.field)
                    .bind(&a.old_value)
                    .bind(&a.new_value)
                    .bind(&a.reason)
                    .bind(&prev)
                    .bind(&hash)
                    .execute(&mut *tx)
                    .await?;
                    prev = hash;
                }
                tx.commit().await?;
                Ok(id)
            }

            async fn get_incident(
                &self,
                id: i64,
            ) -> $crate::store::StoreResult<Option<$crate::store::IncidentRecord>> {
                let sql = format!(
                    "SELECT {} FROM incidents WHERE id = $1",
                    $crate::store::incident_row::INCIDENT_COLUMNS
                );
                let found = sqlx::query(&sql).bind(id).fetch_optional(&self.pool).await?;
                Ok(found.as_ref().map($crate::store::incident_row::incident).transpose()?)
            }

            async fn list_incidents(
                &self,
                filter: &$crate::store::IncidentFilter,
            ) -> $crate::store::StoreResult<Vec<$crate::store::IncidentRecord>> {
                let mut q = sqlx::QueryBuilder::<$db>::new(format!(
                    "SELECT {} FROM incidents WHERE 1 = 1",
                    $crate::store::incident_row::INCIDENT_COLUMNS
                ));
                if let Some(status) = &filter.status {
                    q.push(" AND status = ").push_bind(status.clone());
                }
                q.push(" ORDER BY id DESC LIMIT ").push_bind(filter.limit);
                let rows = q.build().fetch_all(&self.pool).await?;
                Ok(rows
                    .iter()
                    .map($crate::store::incident_row::incident)
                    .collect::<Result<_, _>>()?)
            }

            async fn obligations_of(
                &self,
                incident_id: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::store::ObligationRecord>> {
                let sql = format!(
                    "SELECT {} FROM obligations WHERE incident_id = $1 \
                     ORDER BY due_ms IS NULL, due_ms, rule_id",
                    $crate::store::incident_row::OBLIGATION_COLUMNS
                );
                let rows = sqlx::query(&sql).bind(incident_id).fetch_all(&self.pool).await?;
                Ok(rows
                    .iter()
                    .map($crate::store::incident_row::obligation)
                    .collect::<Result<_, _>>()?)
            }

            async fn open_obligations(
                &self,
            ) -> $crate::store::StoreResult<Vec<$crate::store::ObligationRecord>> {
                let sql = format!(
                    "SELECT {} FROM obligations WHERE state = 'open' AND due_ms IS NOT NULL \
                     ORDER BY due_ms, id",
                    $crate::store::incident_row::OBLIGATION_COLUMNS
                );
                let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
                Ok(rows
                    .iter()
                    .map($crate::store::incident_row::obligation)
                    .collect::<Result<_, _>>()?)
            }

            async fn audit_entries(
                &self,
                incident_id: Option<i64>,
                after_seq: i64,
                limit: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::store::AuditRecord>> {
                let mut q = sqlx::QueryBuilder::<$db>::new(format!(
                    "SELECT {} FROM audit_log WHERE id > ",
                    $crate::store::incident_row::AUDIT_COLUMNS
                ));
                q.push_bind(after_seq);
                if let Some(id) = incident_id {
                    q.push(" AND incident_id = ").push_bind(id);
                }
                q.push(" ORDER BY id LIMIT ").push_bind(limit);
                let rows = q.build().fetch_all(&self.pool).await?;
                Ok(rows
                    .iter()
                    .map($crate::store::incident_row::audit)
                    .collect::<Result<_, _>>()?)
            }

            async fn record_reminder(
                &self,
                r: &$crate::store::NewReminder,
            ) -> $crate::store::StoreResult<Option<i64>> {
                Ok(sqlx::query_scalar(
                    "INSERT INTO reminders (obligation_id, kind, offset_secs, due_ms, state, attempts, \
                     created_ms) VALUES ($1, $2, $3, $4, 'pending', 0, $5) \
                     ON CONFLICT (obligation_id, offset_secs, due_ms) DO NOTHING RETURNING id",
                )
                .bind(r.obligation_id)
                .bind(&r.kind)
                .bind(r.offset_secs)
                .bind(r.due_ms)
                .bind(r.created_ms)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn pending_reminders(
                &self,
            ) -> $crate::store::StoreResult<Vec<$crate::store::ReminderRecord>> {
                let sql = format!(
                    "SELECT {} FROM reminders WHERE state = 'pending' ORDER BY id",
                    $crate::store::incident_row::REMINDER_COLUMNS
                );
                let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
                Ok(rows
                    .iter()
                    .map($crate::store::incident_row::reminder)
                    .collect::<Result<_, _>>()?)
            }

            async fn finish_reminder(
                &self,
                id: i64,
                error: Option<&str>,
                give_up: bool,
                now_ms: i64,
            ) -> $crate::store::StoreResult<()> {
                let state = match (error, give_up) {
                    (None, _) => "sent",
                    (Some(_), false) => "pending",
                    (Some(_), true) => "failed",
                };
                let sent_ms = error.is_none().then_some(now_ms);
                sqlx::query(
                    "UPDATE reminders SET state = $1, attempts = attempts + 1, last_error = $2, \
                     sent_ms = $3 WHERE id = $4",
                )
                .bind(state)
                .bind(error)
                .bind(sent_ms)
                .bind(id)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn reminders_of(
                &self,
                incident_id: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::store::ReminderRecord>> {
                let sql = format!(
                    "SELECT {} FROM reminders WHERE obligation_id IN \
                     (SELECT id FROM obligations WHERE incident_id = $1) ORDER BY id",
                    $crate::store::incident_row::REMINDER_COLUMNS
                );
                let rows = sqlx::query(&sql).bind(incident_id).fetch_all(&self.pool).await?;
                Ok(rows
                    .iter()
                    .map($crate::store::incident_row::reminder)
                    .collect::<Result<_, _>>()?)
            }

            async fn events_by_event_ids(
                &self,
                ids: &[String],
                since_ms: i64,
                until_ms: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::store::StoredEvent>> {
                let mut found = Vec::new();
                // Chunks keep the statement under SQLite's bound-parameter limit.
                for chunk in ids.chunks(500) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(format!(
                        "SELECT {} FROM events WHERE ts_ms BETWEEN ",
                        $crate::store::row::EVENT_COLUMNS
                    ));
                    q.push_bind(since_ms).push(" AND ").push_bind(until_ms);
                    q.push(" AND eid_hash IN (");
                    let mut list = q.separated(", ");
                    for id in chunk {
                        list.push_bind($crate::ingest::hash_event_id(id));
                    }
                    q.push(") ORDER BY id");
                    let rows = q.build().fetch_all(&self.pool).await?;
                    for row in &rows {
                        let event = $crate::store::row::stored_event(row)?;
                        // The hash only narrows the search: keep exact id matches.
                        if event.event.event_id.as_ref().is_some_and(|e| chunk.contains(e)) {
                            found.push(event);
                        }
                    }
                }
                Ok(found)
            }
        }
    };
}

pub(super) use impl_incident_store;
