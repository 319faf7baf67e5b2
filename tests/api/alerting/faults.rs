//! Fault injection: failing, throttling, absent and refusing receivers. Every notification arrives
//! exactly once after recovery; permanent refusals are not retried; every attempt is logged.

use super::support::*;
use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;
use detectors::Severity;
use std::time::{Duration, Instant};

async fn one_alert_through(
    backend: Backend,
    sink_url: &str,
    actor: &str,
) -> Option<(TestApp, String)> {
    let mut config = fast_config();
    config.receivers.insert(
        "hook".into(),
        receiver(&format!("kind = \"webhook\"\nurl = \"{sink_url}\"")),
    );
    let (app, feeder) = spawn(backend, config).await?;
    let now = chrono::Utc::now().timestamp_millis();
    feeder
        .record(
            &[finding(actor, "db.customers", 7_000.0, T0, Severity::High)],
            now,
        )
        .await
        .unwrap();
    let list = get_json(&app, &format!("/v1/alerts?actor={actor}")).await;
    let id = list["alerts"][0]["id"].as_str().unwrap().to_string();
    Some((app, id))
}

async fn outcomes(app: &TestApp, id: &str) -> Vec<(String, Option<i64>)> {
    let detail = get_json(app, &format!("/v1/alerts/{id}")).await;
    detail["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["outcome"].as_str().unwrap().to_string(),
                d["status_code"].as_i64(),
            )
        })
        .collect()
}

async fn a_500_then_200_is_delivered_once_after_a_retry(backend: Backend) {
    let sink = Sink::start(&[(500, None), (503, None)]).await;
    let Some((app, id)) = one_alert_through(backend, &sink.url, "u500").await else {
        return;
    };
    eventually(10, "delivery", || async { sink.accepted().len() == 1 }).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sink.accepted().len(), 1, "exactly once");
    assert_eq!(
        outcomes(&app, &id).await,
        [
            ("retry".into(), Some(500)),
            ("retry".into(), Some(503)),
            ("sent".into(), Some(202))
        ]
    );
    let metrics = app
        .client
        .get(format!("{}/metrics", app.url))
        .bearer_auth(&app.read_key)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("accesswatch_notifications_sent_total{receiver=\"hook\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("accesswatch_notifications_retried_total{receiver=\"hook\"} 2"),
        "{metrics}"
    );
    assert!(
        metrics.contains("accesswatch_outbox_pending{receiver=\"hook\"} 0"),
        "{metrics}"
    );
    app.stop().await;
}
on_both_backends!(a_500_then_200_is_delivered_once_after_a_retry);

async fn a_429_with_retry_after_is_honoured(backend: Backend) {
    let sink = Sink::start(&[(429, Some(1))]).await;
    let started = Instant::now();
    let Some((app, id)) = one_alert_through(backend, &sink.url, "u429").await else {
        return;
    };
    eventually(10, "delivery", || async { sink.accepted().len() == 1 }).await;
    // retry_max is 400 ms, so only Retry-After explains a wait of a second or more.
    assert!(
        started.elapsed() >= Duration::from_millis(1300),
        "{:?}",
        started.elapsed()
    );
    // The receiver has it; the worker records the attempt right after its answer.
    eventually(10, "the attempt recorded", || async {
        outcomes(&app, &id).await.len() == 2
    })
    .await;
    assert_eq!(
        outcomes(&app, &id).await,
        [("retry".into(), Some(429)), ("sent".into(), Some(202))]
    );
    app.stop().await;
}
on_both_backends!(a_429_with_retry_after_is_honoured);

async fn a_permanent_refusal_is_dead_lettered_without_retries(backend: Backend) {
    let sink = Sink::start(&[(400, None), (400, None)]).await;
    let Some((app, id)) = one_alert_through(backend, &sink.url, "u400").await else {
        return;
    };
    eventually(10, "the refusal", || async { sink.requests() == 1 }).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(sink.requests(), 1, "not retried");
    assert_eq!(outcomes(&app, &id).await, [("dead".into(), Some(400))]);
    app.stop().await;
}
on_both_backends!(a_permanent_refusal_is_dead_lettered_without_retries);

async fn a_receiver_down_for_a_while_gets_everything_once_it_is_back(backend: Backend) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let url = format!("http://{addr}/hook");
    let Some((app, id)) = one_alert_through(backend, &url, "udown").await else {
        return;
    };
    eventually(10, "failed attempts while down", || async {
        outcomes(&app, &id).await.len() >= 2
    })
    .await;
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    let sink = Sink::serve(listener, &[]).await;
    eventually(10, "delivery after recovery", || async {
        sink.accepted().len() == 1
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sink.accepted().len(), 1);
    eventually(10, "the successful attempt recorded", || async {
        outcomes(&app, &id)
            .await
            .last()
            .is_some_and(|(o, _)| o == "sent")
    })
    .await;
    let log = outcomes(&app, &id).await;
    assert_eq!(log.last().unwrap(), &("sent".to_string(), Some(202)));
    assert!(
        log[..log.len() - 1]
            .iter()
            .all(|(o, s)| o == "retry" && s.is_none()),
        "{log:?}"
    );
    app.stop().await;
}
on_both_backends!(a_receiver_down_for_a_while_gets_everything_once_it_is_back);
