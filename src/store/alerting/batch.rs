//! The multi-row statements that write a [`Plan`](super::plan::Plan), and the history and outbox
//! rows of every other change, for both backends.
//!
//! Every sqlx-sqlite statement is a round trip to the sqlx worker thread, so statements per batch,
//! not rows, bound `record_findings`: a batch of findings costs a handful of statements here,
//! whatever its size. Rows are chunked so that one statement stays under SQLite's 32,766 bound
//! parameters. History ids are reserved before the history is written, so one INSERT writes all
//! of a batch's history and the outbox rows can name their change without a row-by-row RETURNING.

/// Bound parameters per statement: under SQLite's limit of 32,766 (PostgreSQL's is 65,535).
const MAX_BINDS: usize = 32_000;

/// Rows per statement when each row binds `columns` parameters.
pub(in crate::store) const fn rows_per_statement(columns: usize) -> usize {
    MAX_BINDS / columns
}

/// `$1` free `alert_history` ids. The transaction holds SQLite's only write lock (`BEGIN
/// IMMEDIATE`), so the ids above the largest stay free until it commits.
pub(in crate::store) const SQLITE_HISTORY_IDS: &str = "WITH RECURSIVE n (i) AS \
    (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) \
    SELECT (SELECT COALESCE(MAX(id), 0) FROM alert_history) + i FROM n";

/// `$1` free `alert_history` ids, from the identity sequence that concurrent writers share.
pub(in crate::store) const POSTGRES_HISTORY_IDS: &str =
    "SELECT nextval(pg_get_serial_sequence('alert_history', 'id')) FROM generate_series(1, $1)";

macro_rules! impl_alert_batch {
    ($store:ty, $db:ty, $history_ids:expr) => {
        impl $store {
            /// Records the occurrences `ids` (distinct) at `now_ms`, pointing at themselves;
            /// returns those not folded in before.
            async fn insert_occurrences(
                tx: &mut sqlx::Transaction<'_, $db>,
                ids: &[&str],
                now_ms: i64,
            ) -> $crate::store::StoreResult<std::collections::HashSet<String>> {
                let mut fresh = std::collections::HashSet::with_capacity(ids.len());
                for chunk in ids.chunks($crate::store::alerting::batch::rows_per_statement(3)) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO alert_occurrences (id, alert_id, seen_ms) ",
                    );
                    q.push_values(chunk, |mut b, id| {
                        b.push_bind(*id).push_bind(*id).push_bind(now_ms);
                    });
                    q.push(" ON CONFLICT (id) DO NOTHING RETURNING id");
                    let ids: Vec<String> = q.build_query_scalar().fetch_all(&mut **tx).await?;
                    fresh.extend(ids);
                }
                Ok(fresh)
            }

            /// The open and the recently resolved alerts of each of `fingerprints` (distinct),
            /// newest first.
            async fn related_alerts(
                tx: &mut sqlx::Transaction<'_, $db>,
                fingerprints: &[&str],
                resolved_since_ms: i64,
            ) -> $crate::store::StoreResult<
                std::collections::HashMap<String, Vec<$crate::store::AlertState>>,
            > {
                let mut related: std::collections::HashMap<String, Vec<_>> =
                    std::collections::HashMap::new();
                let per = $crate::store::alerting::batch::rows_per_statement(1) - 1;
                for chunk in fingerprints.chunks(per) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(format!(
                        "SELECT fingerprint, {} FROM alerts \
                         WHERE (status <> 'resolved' OR resolved_ms >= ",
                        $crate::store::alerting::rows::STATE_COLUMNS
                    ));
                    q.push_bind(resolved_since_ms)
                        .push(") AND fingerprint IN (");
                    let mut list = q.separated(", ");
                    for fingerprint in chunk {
                        list.push_bind(*fingerprint);
                    }
                    q.push(") ORDER BY created_ms DESC");
                    for row in q.build().fetch_all(&mut **tx).await? {
                        let fingerprint: String = sqlx::Row::try_get(&row, "fingerprint")?;
                        let state = $crate::store::alerting::rows::state(&row)?;
                        related.entry(fingerprint).or_default().push(state);
                    }
                }
                Ok(related)
            }

            /// Writes everything `plan` changes; its occurrences were written before it was made.
            async fn write_plan(
                tx: &mut sqlx::Transaction<'_, $db>,
                plan: &$crate::store::alerting::plan::Plan,
                timing: &$crate::store::GroupTiming,
                now_ms: i64,
            ) -> $crate::store::StoreResult<()> {
                Self::insert_alerts(tx, &plan.opened, now_ms).await?;
                Self::update_alerts(tx, &plan.updated, now_ms).await?;
                Self::repoint_occurrences(tx, &plan.repointed).await?;
                let changes = Self::insert_history(tx, &plan.history).await?;
                Self::enqueue(tx, &plan.outbox, &changes, Some(timing), now_ms).await
            }

            async fn insert_alerts(
                tx: &mut sqlx::Transaction<'_, $db>,
                alerts: &[$crate::store::alerting::plan::NewAlert],
                now_ms: i64,
            ) -> $crate::store::StoreResult<()> {
                for chunk in alerts.chunks($crate::store::alerting::batch::rows_per_statement(20)) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO alerts (id, fingerprint, actor, actor_group, detector, \
                         severity, score, time_ms, detected_ms, status, summary, body, \
                         created_ms, updated_ms, group_key, receivers, occurrences, \
                         last_seen_ms, silenced_by, flapping, last_notified_ms) ",
                    );
                    q.push_values(chunk, |mut b, a| {
                        let r = &a.record;
                        b.push_bind(&r.id)
                            .push_bind(&r.fingerprint)
                            .push_bind(&r.actor)
                            .push_bind(&r.actor_group)
                            .push_bind(&r.detector)
                            .push_bind(&r.severity)
                            .push_bind(r.score)
                            .push_bind(r.time_ms)
                            .push_bind(r.detected_ms)
                            .push("'firing'")
                            .push_bind(&r.summary)
                            .push_bind(&r.body)
                            .push_bind(now_ms)
                            .push_bind(now_ms)
                            .push_bind(&a.group_key)
                            .push_bind(&a.receivers)
                            .push_bind(a.occurrences)
                            .push_bind(now_ms)
                            .push_bind(&a.silenced_by)
                            .push_bind(i64::from(a.flapping))
                            .push_bind(a.last_notified_ms);
                    });
                    q.build().execute(&mut **tx).await?;
                }
                Ok(())
            }

            /// Folds findings into alerts that were open before the batch: occurrences, last
            /// seen and, when raised, the new severity and evidence.
            async fn update_alerts(
                tx: &mut sqlx::Transaction<'_, $db>,
                updates: &[$crate::store::alerting::plan::AlertUpdate],
                now_ms: i64,
            ) -> $crate::store::StoreResult<()> {
                for chunk in updates.chunks($crate::store::alerting::batch::rows_per_statement(7)) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "WITH v (id, n, severity, score, summary, body) AS (",
                    );
                    q.push_values(chunk, |mut b, u| {
                        let raised = u.raised.as_ref();
                        b.push_bind(&u.id)
                            .push_bind(u.occurrences)
                            .push_bind(raised.map(|r| r.severity.as_str()))
                            .push_bind(raised.map(|r| r.score))
                            .push_bind(raised.map(|r| r.summary.as_str()))
                            .push_bind(raised.map(|r| r.body.as_str()));
                    });
                    q.push(
                        ") UPDATE alerts SET occurrences = alerts.occurrences + v.n, \
                         severity = COALESCE(v.severity, alerts.severity), \
                         score = COALESCE(v.score, alerts.score), \
                         summary = COALESCE(v.summary, alerts.summary), \
                         body = COALESCE(v.body, alerts.body), last_seen_ms = ",
                    )
                    .push_bind(now_ms)
                    .push(", updated_ms = ")
                    .push_bind(now_ms)
                    .push(" FROM v WHERE alerts.id = v.id");
                    q.build().execute(&mut **tx).await?;
                }
                Ok(())
            }

            /// Points occurrences at the open alert they were folded into.
            async fn repoint_occurrences(
                tx: &mut sqlx::Transaction<'_, $db>,
                pairs: &[(String, String)],
            ) -> $crate::store::StoreResult<()> {
                for chunk in pairs.chunks($crate::store::alerting::batch::rows_per_statement(2)) {
                    let mut q = sqlx::QueryBuilder::<$db>::new("WITH v (id, alert_id) AS (");
                    q.push_values(chunk, |mut b, (id, alert_id)| {
                        b.push_bind(id).push_bind(alert_id);
                    });
                    q.push(
                        ") UPDATE alert_occurrences SET alert_id = v.alert_id FROM v \
                         WHERE alert_occurrences.id = v.id",
                    );
                    q.build().execute(&mut **tx).await?;
                }
                Ok(())
            }

            /// Writes history rows; returns their ids, in order.
            async fn insert_history(
                tx: &mut sqlx::Transaction<'_, $db>,
                rows: &[$crate::store::alerting::plan::HistoryRow],
            ) -> $crate::store::StoreResult<Vec<i64>> {
                if rows.is_empty() {
                    return Ok(Vec::new());
                }
                let mut ids: Vec<i64> = sqlx::query_scalar($history_ids)
                    .bind(rows.len() as i64)
                    .fetch_all(&mut **tx)
                    .await?;
                if ids.len() != rows.len() {
                    return Err(sqlx::Error::RowNotFound.into());
                }
                ids.sort_unstable();
                let per = $crate::store::alerting::batch::rows_per_statement(8);
                for (rows, ids) in rows.chunks(per).zip(ids.chunks(per)) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO alert_history (id, alert_id, at_ms, who, action, \
                         from_status, to_status, note) ",
                    );
                    q.push_values(rows.iter().zip(ids), |mut b, (h, id)| {
                        b.push_bind(*id)
                            .push_bind(&h.alert_id)
                            .push_bind(h.at_ms)
                            .push_bind(&h.who)
                            .push_bind(&h.action)
                            .push_bind(&h.from_status)
                            .push_bind(&h.to_status)
                            .push_bind(&h.note);
                    });
                    q.build().execute(&mut **tx).await?;
                }
                Ok(ids)
            }

            /// Writes one history row; returns its id.
            async fn insert_change(
                tx: &mut sqlx::Transaction<'_, $db>,
                row: $crate::store::alerting::plan::HistoryRow,
            ) -> $crate::store::StoreResult<i64> {
                let ids = Self::insert_history(tx, std::slice::from_ref(&row)).await?;
                Ok(ids.first().copied().ok_or(sqlx::Error::RowNotFound)?)
            }

            /// Writes outbox rows for the changes `changes` (history ids, indexed by
            /// `OutboxRow::change`), due at once (`timing` is `None`) or when the row's group
            /// flushes next.
            async fn enqueue(
                tx: &mut sqlx::Transaction<'_, $db>,
                rows: &[$crate::store::alerting::plan::OutboxRow],
                changes: &[i64],
                timing: Option<&$crate::store::GroupTiming>,
                now_ms: i64,
            ) -> $crate::store::StoreResult<()> {
                let flush = match timing {
                    Some(t) if !rows.is_empty() => Self::flush_times(tx, rows, t, now_ms).await?,
                    _ => std::collections::HashMap::new(),
                };
                for chunk in rows.chunks($crate::store::alerting::batch::rows_per_statement(7)) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO outbox (alert_id, change_id, receiver, group_key, kind, \
                         created_ms, next_attempt_ms) ",
                    );
                    q.push_values(chunk, |mut b, o| {
                        let due = flush
                            .get(&o.receiver)
                            .and_then(|groups| groups.get(&o.group_key))
                            .copied()
                            .unwrap_or(now_ms);
                        b.push_bind(&o.alert_id)
                            .push_bind(changes[o.change])
                            .push_bind(&o.receiver)
                            .push_bind(&o.group_key)
                            .push_bind(&o.kind)
                            .push_bind(now_ms)
                            .push_bind(due);
                    });
                    q.push(" ON CONFLICT (change_id, receiver) DO NOTHING");
                    q.build().execute(&mut **tx).await?;
                }
                Ok(())
            }

            /// Advances the flush time of every (receiver, group) of `rows` and returns it, per
            /// receiver and group. Alertmanager's timing: a new group (or one idle longer than
            /// group_interval) flushes after group_wait; a scheduled flush takes the change
            /// along; a group flushed recently waits for group_interval. A flush time is never
            /// before `now_ms`, so one upsert per group answers for all of the batch's changes.
            async fn flush_times(
                tx: &mut sqlx::Transaction<'_, $db>,
                rows: &[$crate::store::alerting::plan::OutboxRow],
                t: &$crate::store::GroupTiming,
                now_ms: i64,
            ) -> $crate::store::StoreResult<
                std::collections::HashMap<String, std::collections::HashMap<String, i64>>,
            > {
                // Sorted: concurrent PostgreSQL writers lock the groups in the same order.
                let groups: std::collections::BTreeSet<(&str, &str)> = rows
                    .iter()
                    .map(|o| (o.receiver.as_str(), o.group_key.as_str()))
                    .collect();
                let groups: Vec<_> = groups.into_iter().collect();
                let mut flush: std::collections::HashMap<String, std::collections::HashMap<_, _>> =
                    std::collections::HashMap::new();
                let per = $crate::store::alerting::batch::rows_per_statement(3) - 1;
                for chunk in groups.chunks(per) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO alert_groups (receiver, group_key, next_flush_ms) ",
                    );
                    q.push_values(chunk, |mut b, (receiver, group_key)| {
                        b.push_bind(*receiver)
                            .push_bind(*group_key)
                            .push_bind(now_ms + t.group_wait_ms);
                    });
                    q.push(
                        " ON CONFLICT (receiver, group_key) DO UPDATE SET next_flush_ms = CASE \
                         WHEN alert_groups.next_flush_ms >= ",
                    )
                    .push_bind(now_ms)
                    .push(" THEN alert_groups.next_flush_ms WHEN ")
                    .push_bind(now_ms)
                    .push(" <= alert_groups.next_flush_ms + ")
                    .push_bind(t.group_interval_ms)
                    .push(" THEN alert_groups.next_flush_ms + ")
                    .push_bind(t.group_interval_ms)
                    .push(
                        " ELSE excluded.next_flush_ms END \
                         RETURNING receiver, group_key, next_flush_ms",
                    );
                    for row in q.build().fetch_all(&mut **tx).await? {
                        let receiver: String = sqlx::Row::try_get(&row, "receiver")?;
                        let group_key: String = sqlx::Row::try_get(&row, "group_key")?;
                        let at: i64 = sqlx::Row::try_get(&row, "next_flush_ms")?;
                        flush.entry(receiver).or_default().insert(group_key, at);
                    }
                }
                Ok(flush)
            }
        }
    };
}

pub(in crate::store) use impl_alert_batch;
