//! Grouping, silences, acknowledgement, resolution, feedback, escalation, auto-resolve.

use super::support::*;
use crate::helpers::Backend;
use crate::on_both_backends;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use detectors::Severity;
use hmac::{Hmac, Mac};
use serde_json::json;
use std::time::Duration;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn verify(r: &Received) -> bool {
    let h = |n: &str| r.headers.get(n).unwrap().to_str().unwrap().to_string();
    let key = STANDARD
        .decode(SECRET.trim_start_matches("whsec_"))
        .unwrap();
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{}.{}.", h("webhook-id"), h("webhook-timestamp")).as_bytes());
    mac.update(&r.raw);
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    h("webhook-signature").split(' ').any(|s| s == expected)
}

async fn hundred_findings_of_one_actor_in_a_minute_make_one_notification(backend: Backend) {
    let sink = Sink::start(&[]).await;
    let mut config = fast_config();
    config.receivers.insert(
        "soc".into(),
        receiver(&format!(
            "kind = \"webhook\"\nurl = \"{}\"\nsecret = \"{SECRET}\"",
            sink.url
        )),
    );
    let Some((app, feeder)) = spawn(backend, config).await else {
        return;
    };
    let now = chrono::Utc::now().timestamp_millis();
    for chunk in 0..10 {
        let batch: Vec<_> = (0..10)
            .map(|i| {
                let n = chunk * 10 + i;
                finding(
                    "mallory@example.com",
                    &format!("db.table{}", n % 4),
                    500.0 + n as f64,
                    T0 + n * 600,
                    Severity::High,
                )
            })
            .collect();
        feeder.record(&batch, now).await.unwrap();
    }
    eventually(10, "the grouped notification", || async {
        !sink.accepted().is_empty()
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let got = sink.accepted();
    assert_eq!(got.len(), 1, "one notification for the burst");
    let body = &got[0].body;
    assert_eq!(
        body["alerts"].as_array().unwrap().len(),
        4,
        "one alert per fingerprint: {body}"
    );
    assert_eq!(body["group_key"], r#"{actor="mallory@example.com"}"#);
    assert!(verify(&got[0]), "Standard Webhooks signature verifies");
    assert_eq!(got[0].headers["webhook-id"], body["id"].as_str().unwrap());
    let alerts = get_json(&app, "/v1/alerts?actor=mallory@example.com").await;
    let list = alerts["alerts"].as_array().unwrap();
    assert_eq!(list.len(), 4);
    let id = list[0]["id"].as_str().unwrap();
    let detail = get_json(&app, &format!("/v1/alerts/{id}")).await;
    assert_eq!(
        detail["occurrences"], 25,
        "repeats update the open alert: {detail}"
    );
    assert_eq!(detail["deliveries"][0]["outcome"], "sent");
    assert_eq!(detail["history"][0]["action"], "open");
    let stats = get_json(&app, "/v1/stats").await;
    assert_eq!(stats["outbox_pending"], 0);
    app.stop().await;
}
on_both_backends!(hundred_findings_of_one_actor_in_a_minute_make_one_notification);

async fn a_silenced_alert_is_recorded_and_not_sent(backend: Backend) {
    let sink = Sink::start(&[]).await;
    let mut config = fast_config();
    config.receivers.insert(
        "soc".into(),
        receiver(&format!("kind = \"slack\"\nurl = \"{}\"", sink.url)),
    );
    let Some((app, feeder)) = spawn(backend, config).await else {
        return;
    };
    let created = act(
        &app,
        "/v1/silences",
        json!({
            "matchers": {"actor": "backup-*", "detector": "volume"},
            "duration": "2h", "comment": "nightly backup rehearsal"
        }),
    )
    .await;
    assert_eq!(created.status(), 201);
    let silence: serde_json::Value = created.json().await.unwrap();
    assert_eq!(silence["author"], "test-read");
    assert_eq!(silence["state"], "active");
    let now = chrono::Utc::now().timestamp_millis();
    feeder
        .record(
            &[finding(
                "backup-svc",
                "db.customers",
                90_000.0,
                T0,
                Severity::Critical,
            )],
            now,
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(sink.requests(), 0, "silenced: nothing sent");
    let list = get_json(&app, "/v1/alerts?actor=backup-svc").await;
    let id = list["alerts"][0]["id"].as_str().unwrap().to_string();
    let detail = get_json(&app, &format!("/v1/alerts/{id}")).await;
    assert_eq!(detail["silenced_by"], silence["id"]);
    assert!(detail["history"][0]["note"]
        .as_str()
        .unwrap()
        .contains("silenced"));
    let listed = get_json(&app, "/v1/silences").await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let sid = silence["id"].as_str().unwrap();
    let expired = app
        .client
        .delete(format!("{}/v1/silences/{sid}", app.url))
        .bearer_auth(&app.read_key)
        .send()
        .await
        .unwrap();
    assert_eq!(expired.status(), 204);
    assert_eq!(get_json(&app, "/v1/silences").await, json!([]));
    app.stop().await;
}
on_both_backends!(a_silenced_alert_is_recorded_and_not_sent);

async fn acknowledging_and_resolving_reach_pagerduty_by_alert_id(backend: Backend) {
    let sink = Sink::start(&[]).await;
    let mut config = fast_config();
    config.receivers.insert(
        "pd".into(),
        receiver(&format!(
            "kind = \"pagerduty\"\nrouting_key = \"R0UTINGKEY\"\nurl = \"{}\"",
            sink.url
        )),
    );
    let Some((app, feeder)) = spawn(backend, config).await else {
        return;
    };
    let now = chrono::Utc::now().timestamp_millis();
    feeder
        .record(
            &[finding(
                "eve@example.com",
                "db.payroll",
                12_000.0,
                T0,
                Severity::Critical,
            )],
            now,
        )
        .await
        .unwrap();
    eventually(10, "trigger", || async { sink.accepted().len() == 1 }).await;
    let trigger = sink.accepted()[0].body.clone();
    let id = trigger["dedup_key"].as_str().unwrap().to_string();
    assert_eq!(trigger["event_action"], "trigger");
    assert_eq!(trigger["routing_key"], "R0UTINGKEY");
    assert_eq!(trigger["payload"]["severity"], "critical");
    assert_eq!(trigger["payload"]["source"], "eve@example.com");
    assert!(trigger["payload"]["summary"]
        .as_str()
        .unwrap()
        .contains("12000 records"));
    assert_eq!(
        trigger["links"][0]["href"],
        format!("https://aw.example.com/v1/alerts/{id}")
    );

    let acked = act(
        &app,
        &format!("/v1/alerts/{id}/ack"),
        json!({"note": "looking"}),
    )
    .await;
    assert_eq!(acked.status(), 200);
    let again = act(&app, &format!("/v1/alerts/{id}/ack"), json!({})).await;
    assert_eq!(again.status(), 409, "already acknowledged");
    eventually(10, "acknowledge", || async { sink.accepted().len() == 2 }).await;
    let resolved = act(&app, &format!("/v1/alerts/{id}/resolve"), json!({})).await;
    assert_eq!(resolved.status(), 200);
    eventually(10, "resolve", || async { sink.accepted().len() == 3 }).await;
    let events: Vec<_> = sink.accepted().iter().map(|r| r.body.clone()).collect();
    assert_eq!(
        events[1],
        json!({"routing_key": "R0UTINGKEY", "event_action": "acknowledge", "dedup_key": id})
    );
    assert_eq!(
        events[2],
        json!({"routing_key": "R0UTINGKEY", "event_action": "resolve", "dedup_key": id})
    );
    let detail = get_json(&app, &format!("/v1/alerts/{id}")).await;
    assert_eq!(detail["status"], "resolved");
    let history: Vec<_> = detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["action"].clone(), h["who"].clone()))
        .collect();
    assert_eq!(
        history,
        vec![
            (json!("open"), json!("detector:volume")),
            (json!("acknowledge"), json!("test-read")),
            (json!("resolve"), json!("test-read")),
        ]
    );
    let missing = act(&app, "/v1/alerts/al_nope/ack", json!({})).await;
    assert_eq!(missing.status(), 404);
    let resolved_list = get_json(&app, "/v1/alerts?status=resolved").await;
    assert_eq!(resolved_list["alerts"][0]["id"], id.as_str());
    app.stop().await;
}
on_both_backends!(acknowledging_and_resolving_reach_pagerduty_by_alert_id);

async fn a_false_positive_raises_the_bar_and_the_next_alert_says_so(backend: Backend) {
    let Some((app, feeder)) = spawn(backend, fast_config()).await else {
        return;
    };
    let now = chrono::Utc::now().timestamp_millis();
    let first = feeder
        .record(
            &[finding("auditor", "db.claims", 5_000.0, T0, Severity::High)],
            now,
        )
        .await
        .unwrap();
    assert_eq!(first.outcomes.len(), 1);
    let list = get_json(&app, "/v1/alerts?actor=auditor").await;
    let id = list["alerts"][0]["id"].as_str().unwrap().to_string();
    let no_reason = act(
        &app,
        &format!("/v1/alerts/{id}/feedback"),
        json!({"verdict": "false_positive"}),
    )
    .await;
    assert_eq!(no_reason.status(), 400);
    let fb = act(
        &app,
        &format!("/v1/alerts/{id}/feedback"),
        json!({"verdict": "false_positive", "reason": "quarterly claims audit"}),
    )
    .await;
    assert_eq!(fb.status(), 200);
    let detail: serde_json::Value = fb.json().await.unwrap();
    assert_eq!(
        detail["status"], "resolved",
        "a false positive closes the alert"
    );
    assert_eq!(detail["feedback"][0]["judged_normal"], 5000.0);

    let smaller = feeder
        .record(
            &[finding(
                "auditor",
                "db.claims",
                4_500.0,
                T0 + 86_400_000,
                Severity::High,
            )],
            now,
        )
        .await
        .unwrap();
    assert_eq!(smaller.suppressed, 1, "within what was judged normal");
    let larger = feeder
        .record(
            &[finding(
                "auditor",
                "db.claims",
                20_000.0,
                T0 + 2 * 86_400_000,
                Severity::High,
            )],
            now,
        )
        .await
        .unwrap();
    assert_eq!(larger.suppressed, 0);
    let list = get_json(&app, "/v1/alerts?actor=auditor&status=firing").await;
    let next = &list["alerts"][0];
    assert_eq!(
        next["evidence"]["feedback"]["judged_normal"], 5000.0,
        "{next}"
    );
    assert_eq!(
        next["evidence"]["feedback"]["reason"],
        "quarterly claims audit"
    );
    assert!(next["summary"].as_str().unwrap().contains("judged normal"));
    let tp = act(
        &app,
        &format!("/v1/alerts/{}/feedback", next["id"].as_str().unwrap()),
        json!({"verdict": "true_positive", "reason": "confirmed exfiltration"}),
    )
    .await;
    assert_eq!(tp.status(), 200);
    app.stop().await;
}
on_both_backends!(a_false_positive_raises_the_bar_and_the_next_alert_says_so);

async fn unacknowledged_high_alerts_escalate_and_quiet_ones_resolve(backend: Backend) {
    let team = Sink::start(&[]).await;
    let pager = Sink::start(&[]).await;
    let mut config = fast_config();
    config.receivers.insert(
        "team".into(),
        receiver(&format!("kind = \"slack\"\nurl = \"{}\"", team.url)),
    );
    config.receivers.insert(
        "pager".into(),
        receiver(&format!("kind = \"slack\"\nurl = \"{}\"", pager.url)),
    );
    config.routes = toml::from_str::<toml::Table>("[[r]]\nreceivers = [\"team\"]").unwrap()["r"]
        .clone()
        .try_into()
        .unwrap();
    config.escalation =
        toml::from_str::<toml::Table>("[[s]]\nafter = \"400ms\"\nreceivers = [\"pager\"]").unwrap()
            ["s"]
            .clone()
            .try_into()
            .unwrap();
    config.resolve_after = Duration::from_secs(3);
    let Some((app, feeder)) = spawn(backend, config).await else {
        return;
    };
    let now = chrono::Utc::now().timestamp_millis();
    feeder
        .record(
            &[
                finding("trent", "db.hr", 9_000.0, T0, Severity::Critical),
                finding("peggy", "db.hr", 9_000.0, T0, Severity::Low),
            ],
            now,
        )
        .await
        .unwrap();
    eventually(10, "escalation to the pager", || async {
        !pager.accepted().is_empty()
    })
    .await;
    let paged = &pager.accepted()[0].body;
    assert!(paged["text"].as_str().unwrap().contains("trent"), "{paged}");
    assert!(
        !paged.to_string().contains("peggy"),
        "low severity does not escalate"
    );
    let list = get_json(&app, "/v1/alerts?actor=trent").await;
    let id = list["alerts"][0]["id"].as_str().unwrap().to_string();
    eventually(10, "auto-resolve after the quiet period", || async {
        get_json(&app, &format!("/v1/alerts/{id}")).await["status"] == "resolved"
    })
    .await;
    let detail = get_json(&app, &format!("/v1/alerts/{id}")).await;
    let actions: Vec<_> = detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(actions, ["open", "escalate", "auto_resolve"]);
    // The resolution reaches everyone who was told, the escalation step included.
    eventually(10, "resolution on the pager", || async {
        pager.accepted().len() == 2
    })
    .await;
    app.stop().await;
}
on_both_backends!(unacknowledged_high_alerts_escalate_and_quiet_ones_resolve);
