//! The harness: start the real service on 127.0.0.1:0 with a fresh database, with keys of every scope.

use accesswatch::config::Config;
use accesswatch::store::{self, Scope, Store};
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const POSTGRES_ENV: &str = "ACCESSWATCH_TEST_POSTGRES_URL";

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh, empty database URL for one test, or `None` (with a visible message) when PostgreSQL
/// is not configured. CI always configures it, so there a missing server fails the test.
pub async fn fresh_database(backend: Backend) -> Option<(String, Option<tempfile::TempDir>)> {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}/aw.db", dir.path().display());
            Some((url, Some(dir)))
        }
        Backend::Postgres => {
            let Ok(base) = std::env::var(POSTGRES_ENV) else {
                eprintln!("SKIPPED (PostgreSQL): set {POSTGRES_ENV}=postgres://postgres@127.0.0.1:5432/test to run it");
                return None;
            };
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let schema = format!(
                "aw_t_{}_{}_{}",
                std::process::id(),
                chrono::Utc::now().timestamp_millis(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            );
            let pool = sqlx::PgPool::connect(&base).await.unwrap_or_else(|e| {
                panic!("{POSTGRES_ENV} is set but PostgreSQL is unreachable: {e}")
            });
            sqlx::query(&format!("CREATE SCHEMA {schema}"))
                .execute(&pool)
                .await
                .expect("create test schema");
            pool.close().await;
            let sep = if base.contains('?') { '&' } else { '?' };
            Some((
                format!("{base}{sep}options=-c%20search_path%3D{schema}"),
                None,
            ))
        }
    }
}

pub struct TestApp {
    pub url: String,
    pub client: reqwest::Client,
    pub store: Arc<dyn Store>,
    pub ingest_key: String,
    pub read_key: String,
    pub admin_key: String,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
    _dir: Option<tempfile::TempDir>,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        Self::spawn_with(backend, |_| {}).await
    }

    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> Option<TestApp> {
        let (database_url, dir) = fresh_database(backend).await?;
        let mut config = Config {
            database_url: database_url.clone(),
            ..Config::default()
        };
        adjust(&mut config);
        let store = store::open(&database_url).await.expect("open store");
        let key = |name: &'static str, scope| {
            let store = store.clone();
            async move {
                accesswatch::keys::create(store.as_ref(), name, scope)
                    .await
                    .expect("key")
            }
        };
        let ingest_key = key("test-ingest", Scope::Ingest).await;
        let read_key = key("test-read", Scope::Read).await;
        let admin_key = key("test-admin", Scope::Admin).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (tx, rx) = oneshot::channel();
        let task = tokio::spawn(accesswatch::app::run(config, listener, async {
            let _ = rx.await;
        }));
        Some(TestApp {
            url: format!("http://{addr}"),
            client: reqwest::Client::new(),
            store,
            ingest_key,
            read_key,
            admin_key,
            shutdown: Some(tx),
            task: Some(task),
            _dir: dir,
        })
    }

    /// Posts `body` to `/v1/events` with the ingest key.
    pub async fn post_events(
        &self,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> reqwest::Response {
        self.client
            .post(format!("{}/v1/events", self.url))
            .bearer_auth(&self.ingest_key)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("request")
    }

    /// Every stored event id, in storage order.
    pub async fn stored_ids(&self) -> Vec<String> {
        let mut ids = Vec::new();
        let mut after = 0;
        loop {
            let page = self
                .store
                .events_after(after, 10_000)
                .await
                .expect("events_after");
            let Some(last) = page.last() else { break };
            after = last.id;
            ids.extend(
                page.into_iter()
                    .map(|e| e.event.event_id.unwrap_or_default()),
            );
        }
        ids
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("join").expect("server result");
        }
    }
}

/// A valid event line with the given id.
pub fn event(id: &str) -> String {
    format!(
        r#"{{"event_id":"{id}","time":"2026-11-29T10:00:00Z","actor":"alice@example.com","actor_group":"support","action":"read","resource":"db.customers","records":12,"bytes":3400,"sensitivity":"pii","subject_jurisdictions":["IN","DE"]}}"#
    )
}

pub fn ndjson(ids: impl IntoIterator<Item = String>) -> String {
    ids.into_iter().map(|id| event(&id) + "\n").collect()
}

/// Runs one async test case on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($name:ident) => {
        mod $name {
            use $crate::helpers::Backend;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_sqlite() {
                super::$name(Backend::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() {
                super::$name(Backend::Postgres).await;
            }
        }
    };
}

/// Starts the real `accesswatch serve` binary on a free port; returns the process and its base URL.
pub async fn start_server(database_url: &str, extra_args: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_accesswatch"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            database_url,
        ])
        .args(extra_args)
        .env("RUST_LOG", "warn")
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn accesswatch");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let url = loop {
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("server did not start in 30 s")
            .expect("read stderr")
            .expect("server exited before listening");
        if let Some(rest) = line.split("listening on ").nth(1) {
            break rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
        }
    };
    // Keep draining stderr so the server never blocks on a full pipe.
    tokio::spawn(async move {
        while let Ok(Some(line)) = lines.next_line().await {
            eprintln!("[server] {line}");
        }
    });
    (child, url)
}
