//! The queries both backends share word for word (`$N` placeholders work on both). The macro
//! writes the whole `impl Store` for a backend so `#[async_trait]` sees every method; each backend
//! provides only `apply_migrations`, `append` and `read_events_after`, where SQLite and PostgreSQL
//! differ.

macro_rules! impl_store {
    ($store:ty, $db:ty, $name:literal) => {
        #[async_trait::async_trait]
        impl $crate::store::Store for $store {
            fn backend(&self) -> &'static str {
                $name
            }

            async fn migrate(&self) -> $crate::store::StoreResult<Vec<String>> {
                self.apply_migrations().await
            }

            async fn ping(&self) -> $crate::store::StoreResult<()> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn append_events(
                &self,
                batch: std::sync::Arc<$crate::store::EventBatch>,
            ) -> $crate::store::StoreResult<$crate::store::Appended> {
                self.append(batch).await
            }

            async fn known_actors(&self) -> $crate::store::StoreResult<Vec<String>> {
                Ok(sqlx::query_scalar("SELECT name FROM actors")
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn events_after(
                &self,
                after_id: i64,
                limit: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::store::StoredEvent>> {
                self.read_events_after(after_id, limit).await
            }

            async fn count_events(&self) -> $crate::store::StoreResult<i64> {
                Ok(sqlx::query_scalar("SELECT count(*) FROM events")
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn actor_hourly_records(
                &self,
                actor: &str,
                since_ms: i64,
                until_ms: i64,
            ) -> $crate::store::StoreResult<Vec<(i64, i64)>> {
                let rows = sqlx::query(
                    "SELECT (ts_ms / 3600000) * 3600000 AS hour, CAST(sum(records) AS BIGINT) AS records \
                     FROM events WHERE ts_ms >= $1 AND ts_ms < $2 AND actor = $3 \
                     GROUP BY (ts_ms / 3600000) ORDER BY 1",
                )
                .bind(since_ms)
                .bind(until_ms)
                .bind(actor)
                .fetch_all(&self.pool)
                .await?;
                Ok($crate::store::row::int_pairs(&rows)?)
            }

            async fn delete_events_before(
                &self,
                received_before_ms: i64,
                max_id: i64,
                limit: i64,
            ) -> $crate::store::StoreResult<u64> {
                // Ids grow with receipt time (one writer), so the oldest are the lowest ids.
                let done = sqlx::query(
                    "DELETE FROM events WHERE received_ms < $1 AND id IN \
                     (SELECT id FROM events WHERE id <= $2 ORDER BY id LIMIT $3)",
                )
                .bind(received_before_ms)
                .bind(max_id)
                .bind(limit)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected())
            }

            async fn recent_event_hashes(
                &self,
                since_received_ms: i64,
                limit: i64,
            ) -> $crate::store::StoreResult<Vec<(i64, i64)>> {
                // Ids grow with receipt time (one writer): the newest rows are the highest ids.
                let rows = sqlx::query(
                    "SELECT eid_hash, received_ms FROM events \
                     WHERE id > (SELECT COALESCE(MAX(id), 0) FROM events) - $1 \
                     AND received_ms >= $2 AND eid_hash IS NOT NULL ORDER BY id",
                )
                .bind(limit)
                .bind(since_received_ms)
                .fetch_all(&self.pool)
                .await?;
                Ok($crate::store::row::int_pairs(&rows)?)
            }

            async fn count_events_after(&self, after_id: i64) -> $crate::store::StoreResult<i64> {
                Ok(sqlx::query_scalar("SELECT count(*) FROM events WHERE id > $1")
                    .bind(after_id)
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn insert_api_key(
                &self,
                key: &$crate::store::NewApiKey,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO api_keys (name, key_hash, scope, created_ms) VALUES ($1, $2, $3, $4)",
                )
                .bind(&key.name)
                .bind(&key.key_hash)
                .bind(key.scope.as_str())
                .bind(key.created_ms)
                .execute(&self.pool)
                .await
                .map_err(|e| {
                    $crate::store::conflict_or(e, format!("an API key named `{}`", key.name))
                })?;
                Ok(())
            }

            async fn find_api_key(
                &self,
                key_hash: &str,
            ) -> $crate::store::StoreResult<Option<$crate::store::ApiKey>> {
                let found = sqlx::query(
                    "SELECT name, scope, created_ms, revoked_ms FROM api_keys WHERE key_hash = $1",
                )
                .bind(key_hash)
                .fetch_optional(&self.pool)
                .await?;
                Ok(found.as_ref().map($crate::store::row::api_key).transpose()?)
            }

            async fn list_api_keys(
                &self,
            ) -> $crate::store::StoreResult<Vec<$crate::store::ApiKey>> {
                let rows = sqlx::query(
                    "SELECT name, scope, created_ms, revoked_ms FROM api_keys ORDER BY id",
                )
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .iter()
                    .map($crate::store::row::api_key)
                    .collect::<Result<_, _>>()?)
            }

            async fn revoke_api_key(
                &self,
                name: &str,
                at_ms: i64,
            ) -> $crate::store::StoreResult<bool> {
                let done = sqlx::query(
                    "UPDATE api_keys SET revoked_ms = $1 WHERE name = $2 AND revoked_ms IS NULL",
                )
                .bind(at_ms)
                .bind(name)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn insert_alerts(
                &self,
                alerts: &[$crate::store::AlertRecord],
            ) -> $crate::store::StoreResult<Vec<bool>> {
                let mut tx = self.pool.begin().await?;
                let mut inserted = Vec::with_capacity(alerts.len());
                for a in alerts {
                    let done = sqlx::query(
                        "INSERT INTO alerts (id, fingerprint, actor, actor_group, detector, severity, \
                         score, time_ms, detected_ms, status, summary, body, created_ms, updated_ms) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) \
                         ON CONFLICT (id) DO NOTHING",
                    )
                    .bind(&a.id)
                    .bind(&a.fingerprint)
                    .bind(&a.actor)
                    .bind(&a.actor_group)
                    .bind(&a.detector)
                    .bind(&a.severity)
                    .bind(a.score)
                    .bind(a.time_ms)
                    .bind(a.detected_ms)
                    .bind(&a.status)
                    .bind(&a.summary)
                    .bind(&a.body)
                    .bind(a.created_ms)
                    .execute(&mut *tx)
                    .await?;
                    inserted.push(done.rows_affected() > 0);
                }
                tx.commit().await?;
                Ok(inserted)
            }

            async fn list_alerts(
                &self,
                filter: &$crate::store::AlertFilter,
            ) -> $crate::store::StoreResult<Vec<$crate::store::AlertRecord>> {
                let mut q = sqlx::QueryBuilder::<$db>::new(format!(
                    "SELECT {} FROM alerts WHERE 1 = 1",
                    $crate::store::row::ALERT_COLUMNS
                ));
                let text_filters = [
                    ("status", &filter.status),
                    ("actor", &filter.actor),
                    ("detector", &filter.detector),
                    ("severity", &filter.severity),
                ];
                for (column, value) in text_filters {
                    if let Some(v) = value {
                        q.push(format!(" AND {column} = ")).push_bind(v.clone());
                    }
                }
                if let Some(since) = filter.since_ms {
                    q.push(" AND time_ms >= ").push_bind(since);
                }
                if let Some(until) = filter.until_ms {
                    q.push(" AND time_ms < ").push_bind(until);
                }
                if let Some((time_ms, id)) = &filter.before {
                    q.push(" AND (time_ms < ")
                        .push_bind(*time_ms)
                        .push(" OR (time_ms = ")
                        .push_bind(*time_ms)
                        .push(" AND id < ")
                        .push_bind(id.clone())
                        .push("))");
                }
                q.push(" ORDER BY time_ms DESC, id DESC LIMIT ")
                    .push_bind(filter.limit);
                let rows = q.build().fetch_all(&self.pool).await?;
                Ok(rows
                    .iter()
                    .map($crate::store::row::alert)
                    .collect::<Result<_, _>>()?)
            }

            async fn get_alert(
                &self,
                id: &str,
            ) -> $crate::store::StoreResult<Option<$crate::store::AlertRecord>> {
                let sql = format!(
                    "SELECT {} FROM alerts WHERE id = $1",
                    $crate::store::row::ALERT_COLUMNS
                );
                let found = sqlx::query(&sql).bind(id).fetch_optional(&self.pool).await?;
                Ok(found.as_ref().map($crate::store::row::alert).transpose()?)
            }

            async fn load_engine_state(
                &self,
            ) -> $crate::store::StoreResult<Option<$crate::store::EngineState>> {
                let found = sqlx::query(
                    "SELECT cursor_id, shards, snapshot FROM engine_state WHERE id = 1",
                )
                .fetch_optional(&self.pool)
                .await?;
                Ok(found.as_ref().map($crate::store::row::engine_state).transpose()?)
            }

            async fn save_engine_state(
                &self,
                state: &$crate::store::EngineState,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO engine_state (id, cursor_id, shards, snapshot, saved_ms) \
                     VALUES (1, $1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET \
                     cursor_id = excluded.cursor_id, shards = excluded.shards, \
                     snapshot = excluded.snapshot, saved_ms = excluded.saved_ms",
                )
                .bind(state.cursor_id)
                .bind(state.shards)
                .bind(&state.snapshot)
                .bind(chrono::Utc::now().timestamp_millis())
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn stats(&self) -> $crate::store::StoreResult<$crate::store::Stats> {
                let count = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql).fetch_one(&self.pool);
                Ok($crate::store::Stats {
                    events_stored: count("SELECT count(*) FROM events").await?,
                    actors_tracked: count("SELECT count(*) FROM actors").await?,
                    alerts_open: count("SELECT count(*) FROM alerts WHERE status <> 'resolved'")
                        .await?,
                    incidents_open: count(
                        "SELECT count(*) FROM incidents WHERE status NOT IN ('resolved', 'closed')",
                    )
                    .await?,
                    outbox_pending: count("SELECT count(*) FROM outbox WHERE status = 'pending'")
                        .await?,
                    ..$crate::store::Stats::default()
                })
            }
        }
    };
}

pub(super) use impl_store;
