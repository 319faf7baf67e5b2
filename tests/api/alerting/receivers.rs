//! Every webhook kind against a real HTTP receiver: each payload has its format's documented shape.

use super::support::*;
use crate::helpers::Backend;
use crate::on_both_backends;
use detectors::Severity;

async fn every_webhook_kind_receives_its_own_format(backend: Backend) {
    let (slack, teams, am, hook) = (
        Sink::start(&[]).await,
        Sink::start(&[]).await,
        Sink::start(&[]).await,
        Sink::start(&[]).await,
    );
    let mut config = fast_config();
    for (name, text) in [
        ("slack", format!("kind = \"slack\"\nurl = \"{}\"", slack.url)),
        ("teams", format!("kind = \"teams\"\nurl = \"{}\"", teams.url)),
        ("am", format!("kind = \"alertmanager\"\nurl = \"{}\"", am.url)),
        (
            "hook",
            format!(
                "kind = \"webhook\"\nurl = \"{}\"\nheaders = {{ x-team = \"soc\" }}\ntemplate = '{{\"msg\": \"{{{{title}}}}\", \"n\": {{{{count}}}}, \"alerts\": {{{{alerts}}}}}}'",
                hook.url
            ),
        ),
    ] {
        config.receivers.insert(name.into(), receiver(&text));
    }
    let Some((app, feeder)) = spawn(backend, config).await else {
        return;
    };
    let now = chrono::Utc::now().timestamp_millis();
    feeder
        .record(
            &[finding(
                "oscar@example.com",
                "s3://exports/customers.csv",
                48_000.0,
                T0,
                Severity::High,
            )],
            now,
        )
        .await
        .unwrap();
    for sink in [&slack, &teams, &am, &hook] {
        eventually(10, "every receiver", || async {
            sink.accepted().len() == 1
        })
        .await;
    }
    let s = &slack.accepted()[0].body;
    assert!(s["text"]
        .as_str()
        .unwrap()
        .contains("oscar@example.com read 48000 records"));
    assert_eq!(s["blocks"][0]["type"], "header");
    let section = s["blocks"][1]["text"]["text"].as_str().unwrap();
    assert!(section.contains("against an expected 40"), "{section}");
    assert!(
        section.contains("<https://aw.example.com/v1/alerts/al_"),
        "{section}"
    );

    let t = &teams.accepted()[0].body;
    assert_eq!(t["type"], "message");
    let card = &t["attachments"][0];
    assert_eq!(
        card["contentType"],
        "application/vnd.microsoft.card.adaptive"
    );
    assert_eq!(card["content"]["type"], "AdaptiveCard");
    assert_eq!(card["content"]["actions"][0]["type"], "Action.OpenUrl");

    let a = &am.accepted()[0].body;
    assert_eq!(a["version"], "4");
    assert_eq!(a["status"], "firing");
    assert_eq!(a["receiver"], "am");
    assert_eq!(a["groupLabels"]["actor"], "oscar@example.com");
    assert_eq!(a["commonLabels"]["severity"], "high");
    let alert = &a["alerts"][0];
    assert_eq!(alert["labels"]["alertname"], "accesswatch_volume");
    assert_eq!(alert["endsAt"], "0001-01-01T00:00:00Z");
    assert!(alert["startsAt"].as_str().unwrap().ends_with('Z'));
    assert!(alert["generatorURL"]
        .as_str()
        .unwrap()
        .starts_with("https://aw.example.com/v1/alerts/"));
    assert_eq!(alert["fingerprint"].as_str().unwrap().len(), 16);

    let h = &hook.accepted()[0];
    assert_eq!(h.headers["x-team"], "soc");
    assert!(
        h.headers.get("webhook-signature").is_none(),
        "unsigned without a secret"
    );
    assert_eq!(h.body["n"], 1);
    assert!(h.body["msg"]
        .as_str()
        .unwrap()
        .contains("oscar@example.com"));
    assert_eq!(h.body["alerts"][0]["evidence"]["observed"], 48000.0);
    assert_eq!(h.body["alerts"][0]["status"], "firing");
    app.stop().await;
}
on_both_backends!(every_webhook_kind_receives_its_own_format);
