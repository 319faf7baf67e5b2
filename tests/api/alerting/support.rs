//! Real parts for the alerting tests: HTTP receivers on loopback that record what arrives and
//! answer from a script, detector alerts built by hand, fast timers, and polling helpers.

use accesswatch::alerts::{Alerting, AlertingConfig};
use accesswatch::notify::ReceiverConfig;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use detectors::{Alert, Evidence, ResourceCount, Severity};
use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::helpers::{Backend, TestApp};

/// One request a receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: serde_json::Value,
    pub raw: Bytes,
}

#[derive(Default)]
struct Inner {
    /// Answers to give before answering 200: (status, Retry-After seconds).
    script: VecDeque<(u16, Option<u64>)>,
    /// Requests answered 2xx.
    accepted: Vec<Received>,
    /// Every request, whatever the answer.
    all: usize,
    /// How long to think before answering (to be killed mid-delivery).
    delay: Duration,
}

/// An HTTP receiver on 127.0.0.1.
#[derive(Clone)]
pub struct Sink {
    pub url: String,
    inner: Arc<Mutex<Inner>>,
}

impl Sink {
    pub async fn start(script: &[(u16, Option<u64>)]) -> Sink {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        Self::serve(listener, script).await
    }

    /// A receiver that takes `delay` to answer each request.
    pub async fn slow(delay: Duration) -> Sink {
        let sink = Self::start(&[]).await;
        sink.inner.lock().unwrap().delay = delay;
        sink
    }

    pub async fn serve(listener: tokio::net::TcpListener, script: &[(u16, Option<u64>)]) -> Sink {
        let inner = Arc::new(Mutex::new(Inner {
            script: script.iter().copied().collect(),
            ..Inner::default()
        }));
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let app = Router::new()
            .route("/hook", post(receive))
            .with_state(inner.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.ok() });
        Sink { url, inner }
    }

    pub fn accepted(&self) -> Vec<Received> {
        self.inner.lock().unwrap().accepted.clone()
    }

    pub fn requests(&self) -> usize {
        self.inner.lock().unwrap().all
    }
}

async fn receive(
    State(inner): State<Arc<Mutex<Inner>>>,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    let mut inner = inner.lock().unwrap();
    inner.all += 1;
    if let Some((status, retry_after)) = inner.script.pop_front() {
        let mut response =
            (StatusCode::from_u16(status).unwrap(), "scripted failure").into_response();
        if let Some(s) = retry_after {
            response.headers_mut().insert("retry-after", s.into());
        }
        return response;
    }
    let body = serde_json::from_slice(&raw).unwrap_or(serde_json::Value::Null);
    inner.accepted.push(Received { headers, body, raw });
    (StatusCode::ACCEPTED, "ok").into_response()
}

/// Timers small enough for tests: grouping in 300 ms, retries from 100 ms.
pub fn fast_config() -> AlertingConfig {
    let mut c = AlertingConfig {
        group_wait: Duration::from_millis(300),
        group_interval: Duration::from_millis(600),
        sweep_every: Duration::from_millis(100),
        ..AlertingConfig::default()
    };
    c.outbox.poll_every = Duration::from_millis(50);
    c.outbox.retry_initial = Duration::from_millis(100);
    c.outbox.retry_max = Duration::from_millis(400);
    c.outbox.timeout = Duration::from_secs(2);
    c
}

pub fn receiver(toml_text: &str) -> ReceiverConfig {
    toml::from_str(toml_text).unwrap()
}

/// The app with `alerting`, and an [`Alerting`] on the same database for feeding findings.
pub async fn spawn(backend: Backend, alerting: AlertingConfig) -> Option<(TestApp, Alerting)> {
    let for_app = alerting.clone();
    let app = TestApp::spawn_with(backend, move |c| {
        c.alerting = for_app;
        c.public_url = "https://aw.example.com".into();
    })
    .await?;
    let feeder = Alerting::new(app.store.clone(), Arc::new(alerting));
    Some((app, feeder))
}

/// A detector alert about `actor` reading `observed` records of `resource`.
pub fn finding(
    actor: &str,
    resource: &str,
    observed: f64,
    time_ms: i64,
    severity: Severity,
) -> Alert {
    Alert {
        actor: actor.into(),
        actor_group: Some("support".into()),
        time_ms,
        detected_ms: time_ms + 60_000,
        detector: "volume".into(),
        detectors: vec!["volume".into()],
        severity,
        score: 91.0,
        p_value: 1e-9,
        summary: format!(
            "{actor} read {observed} records of {resource}, about 100 times the usual 40."
        ),
        evidence: Evidence {
            observed,
            expected: 40.0,
            baseline: "14 days of this actor at this hour".into(),
            unit: "records".into(),
            window: "15 min from 2026-11-29 10:00 UTC".into(),
            window_start_ms: time_ms,
            window_end_ms: time_ms + 900_000,
            top_resources: vec![ResourceCount {
                resource: resource.into(),
                records: observed as u64,
                events: 3,
            }],
            contributions: Vec::new(),
        },
        resources: vec![resource.into()],
        event_ids: vec!["e1".into(), "e2".into()],
    }
}

pub const T0: i64 = 1_795_000_000_000;

/// Group timing of the store-level tests: short waits, flapping from the first repeat.
pub const TIMING: accesswatch::store::GroupTiming = accesswatch::store::GroupTiming {
    group_wait_ms: 1_000,
    group_interval_ms: 5_000,
    flap_window_ms: 60_000,
    flap_threshold: 1,
};

/// Polls `check` every 25 ms for up to `secs` seconds.
pub async fn eventually<F, Fut>(secs: u64, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    while tokio::time::Instant::now() < deadline {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("timed out waiting for: {what}");
}

/// POSTs to an alert action with the read key.
pub async fn act(app: &TestApp, path: &str, body: serde_json::Value) -> reqwest::Response {
    app.client
        .post(format!("{}{path}", app.url))
        .bearer_auth(&app.read_key)
        .json(&body)
        .send()
        .await
        .unwrap()
}

pub async fn get_json(app: &TestApp, path: &str) -> serde_json::Value {
    let r = app
        .client
        .get(format!("{}{path}", app.url))
        .bearer_auth(&app.read_key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{path}");
    r.json().await.unwrap()
}
