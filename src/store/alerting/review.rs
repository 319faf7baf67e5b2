//! `impl ReviewStore` for both backends: what people review and say about alerts (history,
//! deliveries, feedback verdicts and silences). Shared SQL; the macro gives `#[async_trait]` one impl block per backend.

macro_rules! impl_review_store {
    ($store:ty, $db:ty, $begin:literal) => {
        #[async_trait::async_trait]
        impl $crate::store::ReviewStore for $store {
            async fn alert_history(
                &self,
                id: &str,
            ) -> $crate::store::StoreResult<Vec<$crate::store::HistoryEntry>> {
                let rows = sqlx::query(
                    "SELECT id, at_ms, who, action, from_status, to_status, note \
                     FROM alert_history WHERE alert_id = $1 ORDER BY id",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .iter()
                    .map($crate::store::alerting::rows::history)
                    .collect::<Result<_, _>>()?)
            }

            async fn alert_deliveries(
                &self,
                id: &str,
            ) -> $crate::store::StoreResult<Vec<$crate::store::DeliveryEntry>> {
                let rows = sqlx::query(
                    "SELECT outbox_id, receiver, attempt, at_ms, outcome, status_code, error, \
                     elapsed_ms FROM delivery_log WHERE alert_id = $1 ORDER BY id",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .iter()
                    .map($crate::store::alerting::rows::delivery)
                    .collect::<Result<_, _>>()?)
            }

            async fn add_feedback(
                &self,
                f: &$crate::store::NewFeedback,
            ) -> $crate::store::StoreResult<()> {
                let mut tx = self.pool.begin_with($begin).await?;
                sqlx::query(
                    "INSERT INTO alert_feedback (alert_id, detector, actor, verdict, reason, \
                     observed, unit, author, at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(&f.alert_id)
                .bind(&f.detector)
                .bind(&f.actor)
                .bind(&f.verdict)
                .bind(&f.reason)
                .bind(f.observed)
                .bind(&f.unit)
                .bind(&f.author)
                .bind(f.at_ms)
                .execute(&mut *tx)
                .await?;
                Self::insert_change(
                    &mut tx,
                    $crate::store::alerting::plan::HistoryRow {
                        alert_id: f.alert_id.clone(),
                        at_ms: f.at_ms,
                        who: f.author.clone(),
                        action: "feedback".into(),
                        from_status: Some(f.status.clone()),
                        to_status: f.status.clone(),
                        note: Some(format!("{}: {}", f.verdict, f.reason)),
                    },
                )
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn alert_feedback(
                &self,
                id: &str,
            ) -> $crate::store::StoreResult<Vec<$crate::store::Feedback>> {
                let rows = sqlx::query(
                    "SELECT alert_id, detector, actor, verdict, reason, observed, unit, author, \
                     at_ms FROM alert_feedback WHERE alert_id = $1 ORDER BY id",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .iter()
                    .map($crate::store::alerting::rows::feedback)
                    .collect::<Result<_, _>>()?)
            }

            async fn false_positives(
                &self,
                actors: &[String],
            ) -> $crate::store::StoreResult<Vec<$crate::store::Feedback>> {
                let mut found = Vec::new();
                let per = $crate::store::alerting::batch::rows_per_statement(1);
                for chunk in actors.chunks(per) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "SELECT id, alert_id, detector, actor, verdict, reason, observed, unit, \
                         author, at_ms FROM alert_feedback \
                         WHERE verdict = 'false_positive' AND actor IN (",
                    );
                    let mut list = q.separated(", ");
                    for a in chunk {
                        list.push_bind(a.clone());
                    }
                    q.push(")");
                    for row in q.build().fetch_all(&self.pool).await? {
                        let id: i64 = sqlx::Row::try_get(&row, "id")?;
                        found.push((id, $crate::store::alerting::rows::feedback(&row)?));
                    }
                }
                // Oldest first across chunks, as one query ordered by id would answer.
                found.sort_by_key(|(id, _)| *id);
                Ok(found.into_iter().map(|(_, f)| f).collect())
            }

            async fn insert_silence(
                &self,
                s: &$crate::store::Silence,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO silences (id, matchers, starts_ms, ends_ms, author, comment, \
                     created_by, created_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(&s.id)
                .bind(serde_json::to_string(&s.matchers).unwrap_or_else(|_| "{}".into()))
                .bind(s.starts_ms)
                .bind(s.ends_ms)
                .bind(&s.author)
                .bind(&s.comment)
                .bind(&s.created_by)
                .bind(s.created_ms)
                .execute(&self.pool)
                .await
                .map_err(|e| $crate::store::conflict_or(e, format!("silence `{}`", s.id)))?;
                Ok(())
            }

            async fn list_silences(
                &self,
                now_ms: i64,
                include_expired: bool,
            ) -> $crate::store::StoreResult<Vec<$crate::store::Silence>> {
                let rows = sqlx::query(
                    "SELECT id, matchers, starts_ms, ends_ms, author, comment, created_by, \
                     created_ms FROM silences WHERE ends_ms > $1 OR $2 ORDER BY created_ms, id",
                )
                .bind(now_ms)
                .bind(include_expired)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .iter()
                    .map($crate::store::alerting::rows::silence)
                    .collect::<Result<_, _>>()?)
            }

            async fn expire_silence(
                &self,
                id: &str,
                now_ms: i64,
            ) -> $crate::store::StoreResult<bool> {
                let done = sqlx::query(
                    "UPDATE silences SET ends_ms = $1 WHERE id = $2 AND ends_ms > $1",
                )
                .bind(now_ms)
                .bind(id)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() > 0)
            }
        }
    };
}

pub(in crate::store) use impl_review_store;
