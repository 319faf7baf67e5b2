//! `impl AlertStore` for both backends. The SQL is shared word for word; the macro exists so
//! `#[async_trait]` sees one impl block per backend.

macro_rules! impl_alert_store {
    ($store:ty, $db:ty, $begin:literal) => {
        impl $store {
            /// Writes one history row and returns its id.
            #[allow(clippy::too_many_arguments)]
            async fn history_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                alert_id: &str,
                at_ms: i64,
                who: &str,
                action: &str,
                from: Option<&str>,
                to: &str,
                note: Option<&str>,
            ) -> $crate::store::StoreResult<i64> {
                Ok(sqlx::query_scalar(
                    "INSERT INTO alert_history (alert_id, at_ms, who, action, from_status, \
                     to_status, note) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(alert_id)
                .bind(at_ms)
                .bind(who)
                .bind(action)
                .bind(from)
                .bind(to)
                .bind(note)
                .fetch_one(&mut **tx)
                .await?)
            }

            /// Writes the outbox rows announcing change `change_id`, due at once (`timing` is
            /// `None`) or when the receiver's group flushes next.
            #[allow(clippy::too_many_arguments)]
            async fn enqueue_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                alert_id: &str,
                change_id: i64,
                receivers: &[String],
                group_key: &str,
                kind: &str,
                timing: Option<&$crate::store::GroupTiming>,
                now_ms: i64,
            ) -> $crate::store::StoreResult<usize> {
                for receiver in receivers {
                    let due = match timing {
                        None => now_ms,
                        // Alertmanager's timing in one statement: a new (or idle longer than
                        // group_interval) group flushes after group_wait; a scheduled flush takes
                        // the change along; a group flushed recently waits for group_interval.
                        Some(t) => sqlx::query_scalar(
                            "INSERT INTO alert_groups (receiver, group_key, next_flush_ms) \
                             VALUES ($1, $2, $3 + $4) ON CONFLICT (receiver, group_key) \
                             DO UPDATE SET next_flush_ms = CASE \
                             WHEN alert_groups.next_flush_ms >= $3 THEN alert_groups.next_flush_ms \
                             WHEN $3 <= alert_groups.next_flush_ms + $5 \
                             THEN alert_groups.next_flush_ms + $5 \
                             ELSE $3 + $4 END RETURNING next_flush_ms",
                        )
                        .bind(receiver)
                        .bind(group_key)
                        .bind(now_ms)
                        .bind(t.group_wait_ms)
                        .bind(t.group_interval_ms)
                        .fetch_one(&mut **tx)
                        .await?,
                    };
                    sqlx::query(
                        "INSERT INTO outbox (alert_id, change_id, receiver, group_key, kind, \
                         created_ms, next_attempt_ms) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                         ON CONFLICT (change_id, receiver) DO NOTHING",
                    )
                    .bind(alert_id)
                    .bind(change_id)
                    .bind(receiver)
                    .bind(group_key)
                    .bind(kind)
                    .bind(now_ms)
                    .bind(due)
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(receivers.len())
            }

            async fn open_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                f: &$crate::store::NewFinding,
                timing: &$crate::store::GroupTiming,
                recently_resolved: i64,
                now_ms: i64,
            ) -> $crate::store::StoreResult<$crate::store::FindingOutcome> {
                let r = &f.record;
                let flapping =
                    timing.flap_threshold > 0 && recently_resolved >= timing.flap_threshold;
                let receivers = serde_json::to_string(&f.receivers).unwrap_or_else(|_| "[]".into());
                let notify = f.silenced_by.is_none() && !flapping && !f.receivers.is_empty();
                sqlx::query(
                    "INSERT INTO alerts (id, fingerprint, actor, actor_group, detector, severity, \
                     score, time_ms, detected_ms, status, summary, body, created_ms, updated_ms, \
                     group_key, receivers, occurrences, last_seen_ms, silenced_by, flapping, \
                     last_notified_ms) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'firing', $10, $11, $12, $12, \
                     $13, $14, 1, $12, $15, $16, $17)",
                )
                .bind(&r.id)
                .bind(&r.fingerprint)
                .bind(&r.actor)
                .bind(&r.actor_group)
                .bind(&r.detector)
                .bind(&r.severity)
                .bind(r.score)
                .bind(r.time_ms)
                .bind(r.detected_ms)
                .bind(&r.summary)
                .bind(&r.body)
                .bind(now_ms)
                .bind(&f.group_key)
                .bind(&receivers)
                .bind(&f.silenced_by)
                .bind(i64::from(flapping))
                .bind(if notify { now_ms } else { 0 })
                .execute(&mut **tx)
                .await?;
                let note = match (&f.silenced_by, flapping) {
                    (Some(s), _) => Some(format!("silenced by {s}: recorded, not sent")),
                    (None, true) => Some(format!(
                        "flap damped: {recently_resolved} alerts of this fingerprint resolved recently"
                    )),
                    (None, false) => None,
                };
                let who = format!("detector:{}", r.detector);
                let change = Self::history_in(
                    tx, &r.id, now_ms, &who, "open", None, "firing", note.as_deref(),
                )
                .await?;
                let mut notified = 0;
                if notify {
                    notified = Self::enqueue_in(
                        tx, &r.id, change, &f.receivers, &f.group_key, "firing", Some(timing),
                        now_ms,
                    )
                    .await?;
                }
                Ok($crate::store::FindingOutcome::Opened {
                    alert_id: r.id.clone(),
                    notified,
                    flapping,
                })
            }

            async fn repeat_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                f: &$crate::store::NewFinding,
                open: $crate::store::AlertState,
                timing: &$crate::store::GroupTiming,
                now_ms: i64,
            ) -> $crate::store::StoreResult<$crate::store::FindingOutcome> {
                let r = &f.record;
                sqlx::query("UPDATE alert_occurrences SET alert_id = $1 WHERE id = $2")
                    .bind(&open.id)
                    .bind(&r.id)
                    .execute(&mut **tx)
                    .await?;
                let raised = $crate::store::severity_rank(&r.severity)
                    > $crate::store::severity_rank(&open.severity);
                if !raised {
                    sqlx::query(
                        "UPDATE alerts SET occurrences = occurrences + 1, last_seen_ms = $1, \
                         updated_ms = $1 WHERE id = $2",
                    )
                    .bind(now_ms)
                    .bind(&open.id)
                    .execute(&mut **tx)
                    .await?;
                    return Ok($crate::store::FindingOutcome::Repeated {
                        alert_id: open.id,
                        raised,
                    });
                }
                sqlx::query(
                    "UPDATE alerts SET occurrences = occurrences + 1, last_seen_ms = $1, \
                     updated_ms = $1, severity = $2, score = $3, summary = $4, body = $5 \
                     WHERE id = $6",
                )
                .bind(now_ms)
                .bind(&r.severity)
                .bind(r.score)
                .bind(&r.summary)
                .bind($crate::store::alerting::rows::with_id(&r.body, &open.id))
                .bind(&open.id)
                .execute(&mut **tx)
                .await?;
                let note = format!("severity raised from {} to {}", open.severity, r.severity);
                let who = format!("detector:{}", r.detector);
                let change = Self::history_in(
                    tx, &open.id, now_ms, &who, "severity_raised", Some(&open.status),
                    &open.status, Some(&note),
                )
                .await?;
                if open.silenced_by.is_none() && !open.flapping {
                    Self::enqueue_in(
                        tx, &open.id, change, &open.receivers, &open.group_key, "update",
                        Some(timing), now_ms,
                    )
                    .await?;
                }
                Ok($crate::store::FindingOutcome::Repeated {
                    alert_id: open.id,
                    raised,
                })
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::AlertStore for $store {
            async fn record_findings(
                &self,
                findings: &[$crate::store::NewFinding],
                timing: &$crate::store::GroupTiming,
                now_ms: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::store::FindingOutcome>> {
                let mut tx = self.pool.begin_with($begin).await?;
                let mut outcomes = Vec::with_capacity(findings.len());
                for f in findings {
                    let fresh = sqlx::query(
                        "INSERT INTO alert_occurrences (id, alert_id, seen_ms) VALUES ($1, $1, $2) \
                         ON CONFLICT (id) DO NOTHING",
                    )
                    .bind(&f.record.id)
                    .bind(now_ms)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                        > 0;
                    if !fresh {
                        outcomes.push($crate::store::FindingOutcome::Replayed);
                        continue;
                    }
                    // One query answers both questions: is an alert of this fingerprint open,
                    // and how many resolved recently (flap damping)?
                    let sql = format!(
                        "SELECT {} FROM alerts WHERE fingerprint = $1 \
                         AND (status <> 'resolved' OR resolved_ms >= $2) ORDER BY created_ms DESC",
                        $crate::store::alerting::rows::STATE_COLUMNS
                    );
                    let related: Vec<$crate::store::AlertState> = sqlx::query(&sql)
                        .bind(&f.record.fingerprint)
                        .bind(now_ms - timing.flap_window_ms)
                        .fetch_all(&mut *tx)
                        .await?
                        .iter()
                        .map($crate::store::alerting::rows::state)
                        .collect::<Result<_, _>>()?;
                    let recently_resolved =
                        related.iter().filter(|a| a.status == "resolved").count() as i64;
                    let open = related.into_iter().find(|a| a.status != "resolved");
                    let outcome = match open {
                        Some(open) => Self::repeat_in(&mut tx, f, open, timing, now_ms).await?,
                        None => {
                            Self::open_in(&mut tx, f, timing, recently_resolved, now_ms).await?
                        }
                    };
                    outcomes.push(outcome);
                }
                tx.commit().await?;
                Ok(outcomes)
            }

            async fn transition(
                &self,
                t: &$crate::store::Transition,
            ) -> $crate::store::StoreResult<Option<i64>> {
                let mut tx = self.pool.begin_with($begin).await?;
                let sql = format!(
                    "SELECT {} FROM alerts WHERE id = $1",
                    $crate::store::alerting::rows::STATE_COLUMNS
                );
                let Some(row) = sqlx::query(&sql)
                    .bind(&t.alert_id)
                    .fetch_optional(&mut *tx)
                    .await?
                else {
                    return Ok(None);
                };
                let current = $crate::store::alerting::rows::state(&row)?;
                if !t.from.contains(&current.status) {
                    return Ok(None);
                }
                let notify = !t.notify.is_empty();
                // Compare-and-set on the status: a concurrent change makes this one a no-op.
                let done = sqlx::query(
                    "UPDATE alerts SET status = $1, updated_ms = $2, \
                     resolved_ms = COALESCE($3, resolved_ms), \
                     escalation_step = COALESCE($4, escalation_step), \
                     last_notified_ms = COALESCE($5, last_notified_ms) \
                     WHERE id = $6 AND status = $7",
                )
                .bind(&t.to)
                .bind(t.at_ms)
                .bind((t.to == "resolved").then_some(t.at_ms))
                .bind(t.escalation_step)
                .bind(notify.then_some(t.at_ms))
                .bind(&t.alert_id)
                .bind(&current.status)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Ok(None);
                }
                let change = Self::history_in(
                    &mut tx, &t.alert_id, t.at_ms, &t.who, &t.action, Some(&current.status),
                    &t.to, t.note.as_deref(),
                )
                .await?;
                Self::enqueue_in(
                    &mut tx, &t.alert_id, change, &t.notify, &current.group_key, &t.kind, None,
                    t.at_ms,
                )
                .await?;
                tx.commit().await?;
                Ok(Some(change))
            }

            async fn alert_state(
                &self,
                id: &str,
            ) -> $crate::store::StoreResult<Option<$crate::store::AlertState>> {
                let sql = format!(
                    "SELECT {} FROM alerts WHERE id = $1",
                    $crate::store::alerting::rows::STATE_COLUMNS
                );
                let row = sqlx::query(&sql).bind(id).fetch_optional(&self.pool).await?;
                Ok(row
                    .as_ref()
                    .map($crate::store::alerting::rows::state)
                    .transpose()?)
            }

            async fn sweep_candidates(
                &self,
                sweep: &$crate::store::Sweep,
                limit: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::store::AlertState>> {
                let mut q = sqlx::QueryBuilder::<$db>::new(format!(
                    "SELECT {} FROM alerts WHERE ",
                    $crate::store::alerting::rows::STATE_COLUMNS
                ));
                match sweep {
                    $crate::store::Sweep::Quiet { before_ms } => {
                        q.push("status IN ('firing', 'acknowledged') AND last_seen_ms < ")
                            .push_bind(*before_ms);
                    }
                    $crate::store::Sweep::Repeat { before_ms } => {
                        q.push(
                            "status = 'firing' AND silenced_by IS NULL AND flapping = 0 \
                             AND last_notified_ms > 0 AND last_notified_ms < ",
                        )
                        .push_bind(*before_ms);
                    }
                    $crate::store::Sweep::Escalate {
                        step,
                        before_ms,
                        severities,
                    } => {
                        q.push("status = 'firing' AND silenced_by IS NULL AND escalation_step = ")
                            .push_bind(*step)
                            .push(" AND created_ms < ")
                            .push_bind(*before_ms)
                            .push(" AND severity IN (");
                        let mut list = q.separated(", ");
                        for s in severities {
                            list.push_bind(s.clone());
                        }
                        q.push(")");
                    }
                }
                q.push(" ORDER BY created_ms LIMIT ").push_bind(limit);
                let rows = q.build().fetch_all(&self.pool).await?;
                Ok(rows
                    .iter()
                    .map($crate::store::alerting::rows::state)
                    .collect::<Result<_, _>>()?)
            }
        }
    };
}

pub(in crate::store) use impl_alert_store;
