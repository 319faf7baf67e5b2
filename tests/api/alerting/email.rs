//! Email against a real SMTP server on loopback, over STARTTLS with a self-signed certificate.

use super::smtp::{self, Mailbox};
use super::support::*;
use crate::helpers::Backend;
use crate::on_both_backends;
use detectors::Severity;
use std::time::Duration;

/// Undoes quoted-printable soft breaks and header folding, enough to search the text.
fn readable(raw: &str) -> String {
    raw.replace("=\r\n", "")
        .replace("\r\n ", " ")
        .replace("=3D", "=")
}

async fn email_over_starttls_after_the_server_comes_up_arrives_once(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let (pem, acceptor) = smtp::tls();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, pem).unwrap();
    // Reserve a port, leave it closed: the SMTP server is down at first.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut config = fast_config();
    config.receivers.insert(
        "mail".into(),
        receiver(&format!(
            "kind = \"email\"\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"starttls\"\n\
             username = \"aw\"\npassword = \"s3cret\"\nfrom = \"accesswatch@example.com\"\n\
             to = [\"soc@example.com\"]\nca_file = '{}'",
            ca.display()
        )),
    );
    let Some((app, feeder)) = spawn(backend, config).await else {
        return;
    };
    let now = chrono::Utc::now().timestamp_millis();
    feeder
        .record(
            &[finding(
                "mallory@example.com",
                "db.customers",
                7_000.0,
                T0,
                Severity::High,
            )],
            now,
        )
        .await
        .unwrap();
    let list = get_json(&app, "/v1/alerts?actor=mallory@example.com").await;
    let id = list["alerts"][0]["id"].as_str().unwrap().to_string();
    eventually(10, "failed attempts while SMTP is down", || async {
        get_json(&app, &format!("/v1/alerts/{id}")).await["deliveries"]
            .as_array()
            .unwrap()
            .len()
            >= 2
    })
    .await;
    let mailbox = Mailbox::default();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    smtp::serve(listener, acceptor, mailbox.clone());
    eventually(10, "the email", || async {
        !mailbox.messages.lock().unwrap().is_empty()
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let messages = mailbox.messages.lock().unwrap().clone();
    assert_eq!(messages.len(), 1, "exactly once");
    assert!(
        *mailbox.tls_sessions.lock().unwrap() >= 1,
        "STARTTLS was used"
    );
    assert!(mailbox.auth.lock().unwrap()[0].starts_with("AUTH PLAIN"));
    let mail = readable(&messages[0]);
    assert!(
        mail.contains(
            "Subject: [FIRING HIGH] mallory@example.com read 7000 records of db.customers"
        ),
        "{mail}"
    );
    assert!(mail.contains("Content-Type: text/plain"), "{mail}");
    assert!(mail.contains("Content-Type: text/html"), "{mail}");
    assert!(
        mail.contains("against an expected 40 (baseline: 14 days of this actor at this hour)"),
        "{mail}"
    );
    assert!(
        mail.contains(&format!("https://aw.example.com/v1/alerts/{id}")),
        "{mail}"
    );
    assert!(
        mail.contains("<th align=left>Observed</th><td>7000 records</td>"),
        "{mail}"
    );
    eventually(10, "the successful attempt recorded", || async {
        let detail = get_json(&app, &format!("/v1/alerts/{id}")).await;
        detail["deliveries"].as_array().unwrap().last().unwrap()["outcome"] == "sent"
    })
    .await;
    app.stop().await;
}
on_both_backends!(email_over_starttls_after_the_server_comes_up_arrives_once);
