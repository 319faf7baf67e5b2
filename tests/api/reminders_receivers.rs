//! Reminders through the alerting receivers named in `[reminders] receivers`: a real SMTP server on
//! loopback (STARTTLS with a self-signed certificate, AUTH) and a loopback HTTP webhook receive the same
//! reminder, from the scheduler in `serve` and from `tick` driven through a chosen clock.

use crate::alerting::smtp::{self, Mailbox};
use crate::breach_helpers::{admin, receiver, Received};
use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;
use accesswatch::config::Config;
use accesswatch::incidents::reminder_sinks;
use accesswatch::incidents::reminders::{self, Policy};
use axum::http::HeaderMap;
use base64::Engine;
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;

const HOUR: i64 = 3_600_000;

/// An SMTP server over STARTTLS on loopback: its port, what it received, and the CA file to trust it.
async fn smtp_server(dir: &Path) -> (u16, Mailbox, String) {
    let (pem, acceptor) = smtp::tls();
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, pem).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let mailbox = Mailbox::default();
    smtp::serve(listener, acceptor, mailbox.clone());
    (port, mailbox, ca.display().to_string())
}

/// `[alerting.receivers]` with `mail` (email) and `hook` (generic webhook), both named by `[reminders]`.
fn use_receivers(c: &mut Config, port: u16, ca: &str, hook_url: &str) {
    let receivers = format!(
        "[mail]\nkind = \"email\"\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"starttls\"\n\
         username = \"aw\"\npassword = \"s3cret\"\nfrom = \"accesswatch@example.com\"\n\
         to = [\"dpo@example.com\"]\nca_file = '{ca}'\n\
         [hook]\nkind = \"webhook\"\nurl = \"{hook_url}\"\n"
    );
    c.alerting.receivers = toml::from_str(&receivers).unwrap();
    c.reminders.receivers = vec!["mail".into(), "hook".into()];
}

/// Unfolds headers and undoes quoted-printable soft breaks, then decodes the (RFC 2047) subject.
fn subject(raw: &str) -> String {
    let unfolded = raw.replace("\r\n ", " ").replace("\r\n\t", " ");
    let line = unfolded
        .lines()
        .find_map(|l| l.strip_prefix("Subject: "))
        .unwrap_or_else(|| panic!("no subject in {raw}"));
    // Whitespace between two encoded words is dropped (RFC 2047 section 6.2); anywhere else it stays.
    let mut bytes = Vec::new();
    let mut last_encoded = false;
    for word in line.split(' ') {
        let encoded = word.to_ascii_lowercase().starts_with("=?utf-8?b?") && word.ends_with("?=");
        let joined = encoded && last_encoded;
        if !bytes.is_empty() && !joined {
            bytes.push(b' ');
        }
        if encoded {
            let b64 = &word[10..word.len() - 2];
            bytes.extend(
                base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .unwrap(),
            );
        } else {
            bytes.extend(word.as_bytes());
        }
        last_encoded = encoded;
    }
    String::from_utf8(bytes).unwrap()
}

fn readable(raw: &str) -> String {
    raw.replace("=\r\n", "")
        .replace("\r\n ", " ")
        .replace("=3D", "=")
}

/// The mails about the CERT-In notice, and the webhook bodies about it.
fn cert_in_mails(mailbox: &Mailbox) -> Vec<String> {
    let all = mailbox.messages.lock().unwrap().clone();
    all.into_iter()
        .filter(|m| subject(m).contains("IN-CERT-In"))
        .collect()
}

fn cert_in_posts(got: &Received) -> Vec<(HeaderMap, Value)> {
    got.lock()
        .unwrap()
        .iter()
        .filter(|(_, m)| m["rule_id"] == "in-cert-in")
        .cloned()
        .collect()
}

async fn create_cert_in_incident(app: &TestApp, noticed_at: &str) -> i64 {
    let (status, body) = admin(app, "POST", "/v1/incidents", json!({
        "title": "Support export", "facts": {"noticed_at": noticed_at}, "reason": "SOC",
        "affected": [{"jurisdiction": "IN", "subjects": 5, "categories": ["pii"]}], "regimes": ["IN-CERT-In"]}))
    .await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_i64().unwrap()
}

async fn reminders_reach_the_smtp_server_webhook_and_slack_named_as_receivers_from_serve(
    backend: Backend,
) {
    let dir = tempfile::tempdir().unwrap();
    let (port, mailbox, ca) = smtp_server(dir.path()).await;
    let (hook_url, got) = receiver().await;
    let (chat_url, chat) = receiver().await;
    let Some(app) = TestApp::spawn_with(backend, |c| {
        c.reminders.check_every_secs = 1;
        c.public_url = "https://aw.example.com".into();
        use_receivers(c, port, &ca, &hook_url);
        let slack = format!("kind = \"slack\"\nurl = \"{chat_url}\"\n");
        c.alerting
            .receivers
            .insert("chat".into(), toml::from_str(&slack).unwrap());
        c.reminders.receivers.push("chat".into());
    })
    .await
    else {
        return;
    };
    // CERT-In gives 6 hours: noticed 5.5 hours ago, 30 minutes are left, so the 1-hour reminder is due.
    let noticed = chrono::Utc::now() - chrono::Duration::minutes(330);
    let id = create_cert_in_incident(&app, &noticed.to_rfc3339()).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while cert_in_mails(&mailbox).is_empty()
        || cert_in_posts(&got).is_empty()
        || chat.lock().unwrap().is_empty()
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no reminder arrived at both receivers"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (headers, posted) = cert_in_posts(&got).remove(0);
    assert_eq!(
        (posted["kind"].as_str(), posted["offset_secs"].as_i64()),
        (Some("reminder"), Some(3600))
    );
    assert_eq!(posted["incident_id"], id);
    let reminder_id = posted["reminder_id"].as_i64().unwrap();
    assert_eq!(
        headers.get("idempotency-key").and_then(|v| v.to_str().ok()),
        Some(format!("reminder-{reminder_id}").as_str())
    );

    let raw = cert_in_mails(&mailbox).remove(0);
    assert_eq!(
        subject(&raw),
        format!(
            "[accesswatch] Breach notice due in 1 h: {} (IN, IN-CERT-In) — incident #{id}",
            posted["recipient"].as_str().unwrap()
        )
    );
    let mail = readable(&raw);
    assert!(
        mail.contains(&format!("Message-ID: <reminder-{reminder_id}@accesswatch>")),
        "{mail}"
    );
    assert!(mail.contains("Content-Type: text/plain"), "{mail}");
    assert!(mail.contains("Content-Type: text/html"), "{mail}");
    assert!(mail.contains("To: dpo@example.com"), "{mail}");
    let link = format!("https://aw.example.com/v1/incidents/{id}");
    assert!(mail.contains(&format!("Open: {link}")), "text part: {mail}");
    assert!(
        mail.contains(&format!("<a href=\"{link}\">")),
        "html part: {mail}"
    );
    assert!(mail.contains("UTC"), "{mail}");
    assert!(
        *mailbox.tls_sessions.lock().unwrap() >= 1,
        "STARTTLS was used"
    );
    assert!(mailbox.auth.lock().unwrap()[0].starts_with("AUTH"));
    app.stop().await;
}
on_both_backends!(reminders_reach_the_smtp_server_webhook_and_slack_named_as_receivers_from_serve);

/// A webhook receiver on `port` (which was reserved and left closed until now).
async fn receiver_on(port: u16, got: Received) {
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: axum::Json<Value>| {
            let got = got.clone();
            async move {
                got.lock().unwrap().push((headers, body.0));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
}

async fn reminders_with_a_failing_receiver_are_retried_at_every_receiver_with_the_same_ids(
    backend: Backend,
) {
    let Some(app) = TestApp::spawn_with(backend, |c| c.reminders.check_every_secs = 3600).await
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (smtp_port, mailbox, ca) = smtp_server(dir.path()).await;
    let hook_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut config = Config::default();
    use_receivers(
        &mut config,
        smtp_port,
        &ca,
        &format!("http://127.0.0.1:{hook_port}/hook"),
    );
    let sink = reminder_sinks::from_config(&config).unwrap();
    let policy = Policy {
        offsets_secs: vec![86_400, 14_400, 3_600],
        max_attempts: 5,
        public_url: "http://aw.test".into(),
    };
    let id = create_cert_in_incident(&app, "2026-12-24T17:00:00+05:30").await;
    let due = chrono::DateTime::parse_from_rfc3339("2026-12-24T17:30:00Z")
        .unwrap()
        .timestamp_millis();

    // The webhook is down: the email goes out, but the reminder is not delivered.
    reminders::tick(app.store.as_ref(), sink.as_ref(), &policy, due - 3 * HOUR)
        .await
        .unwrap();
    let first = cert_in_mails(&mailbox);
    assert_eq!(first.len(), 1);
    assert_eq!(
        subject(&first[0]).split(':').next(),
        Some("[accesswatch] Breach notice due in 4 h"),
    );
    assert!(subject(&first[0]).ends_with(&format!("(IN, IN-CERT-In) — incident #{id}")));

    // It comes up: the retry reaches both, and the email repeats with the same Message-ID.
    let got = Received::default();
    receiver_on(hook_port, got.clone()).await;
    reminders::tick(
        app.store.as_ref(),
        sink.as_ref(),
        &policy,
        due - 3 * HOUR + 30_000,
    )
    .await
    .unwrap();
    let posts = cert_in_posts(&got);
    assert_eq!(posts.len(), 1);
    let reminder_id = posts[0].1["reminder_id"].as_i64().unwrap();
    let mails = cert_in_mails(&mailbox);
    assert_eq!(mails.len(), 2);
    let message_id = format!("Message-ID: <reminder-{reminder_id}@accesswatch>");
    assert!(
        mails.iter().all(|m| readable(m).contains(&message_id)),
        "{mails:?}"
    );

    // Delivered: a later pass before the next offset sends nothing more.
    reminders::tick(
        app.store.as_ref(),
        sink.as_ref(),
        &policy,
        due - 3 * HOUR + 60_000,
    )
    .await
    .unwrap();
    assert_eq!(cert_in_mails(&mailbox).len(), 2);
    assert_eq!(cert_in_posts(&got).len(), 1);
    app.stop().await;
}
on_both_backends!(
    reminders_with_a_failing_receiver_are_retried_at_every_receiver_with_the_same_ids
);
