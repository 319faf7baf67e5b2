//! `impl AlertStore` for both backends. The SQL is shared word for word (but for how history ids
//! are reserved, see `batch.rs`); the macro exists so `#[async_trait]` sees one impl block per
//! backend. `record_findings` reads what a batch needs,
//! plans it in memory (`fold.rs`) and writes the plan with multi-row statements (`batch.rs`).

macro_rules! impl_alert_store {
    ($store:ty, $db:ty, $begin:literal) => {
        #[async_trait::async_trait]
        impl $crate::store::AlertStore for $store {
            async fn record_findings(
                &self,
                findings: &[$crate::store::NewFinding],
                timing: &$crate::store::GroupTiming,
                now_ms: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::store::FindingOutcome>> {
                let mut tx = self.pool.begin_with($begin).await?;
                // Sorted: concurrent PostgreSQL writers of the same ids lock them in one order.
                let ids: std::collections::BTreeSet<&str> =
                    findings.iter().map(|f| f.record.id.as_str()).collect();
                let ids: Vec<&str> = ids.into_iter().collect();
                let fresh = Self::insert_occurrences(&mut tx, &ids, now_ms).await?;
                let mut seen = std::collections::HashSet::new();
                let fingerprints: Vec<&str> = findings
                    .iter()
                    .filter(|f| fresh.contains(&f.record.id))
                    .map(|f| f.record.fingerprint.as_str())
                    .filter(|fingerprint| seen.insert(*fingerprint))
                    .collect();
                let since = now_ms - timing.flap_window_ms;
                let related = Self::related_alerts(&mut tx, &fingerprints, since).await?;
                let plan =
                    $crate::store::alerting::fold::plan(findings, &fresh, related, timing, now_ms);
                Self::write_plan(&mut tx, &plan, timing, now_ms).await?;
                tx.commit().await?;
                Ok(plan.outcomes)
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
                let change = Self::insert_change(
                    &mut tx,
                    $crate::store::alerting::plan::HistoryRow {
                        alert_id: t.alert_id.clone(),
                        at_ms: t.at_ms,
                        who: t.who.clone(),
                        action: t.action.clone(),
                        from_status: Some(current.status.clone()),
                        to_status: t.to.clone(),
                        note: t.note.clone(),
                    },
                )
                .await?;
                let outbox: Vec<_> = t
                    .notify
                    .iter()
                    .map(|receiver| $crate::store::alerting::plan::OutboxRow {
                        change: 0,
                        alert_id: t.alert_id.clone(),
                        receiver: receiver.clone(),
                        group_key: current.group_key.clone(),
                        kind: t.kind.clone(),
                    })
                    .collect();
                Self::enqueue(&mut tx, &outbox, &[change], None, t.at_ms).await?;
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
                let row = sqlx::query(&sql)
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?;
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
