//! Email through SMTP (lettre): STARTTLS or implicit TLS with rustls, optional authentication, a
//! pool of reused connections. Each notification is one message with a plain-text and an HTML part;
//! its `Message-ID` derives from the notification id so mail systems can spot a redelivery.

use std::time::Duration;

use anyhow::Context;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::config::{EmailConfig, EmailTls};
use super::deliver::Failure;
use super::message::Notification;
use crate::web::escape;

pub struct EmailSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    to: Vec<Mailbox>,
}

impl EmailSender {
    pub fn new(config: &EmailConfig, timeout: Duration) -> anyhow::Result<Self> {
        let tls = match config.tls {
            EmailTls::None => Tls::None,
            mode => {
                let mut params = TlsParameters::builder(config.host.clone());
                if let Some(path) = &config.ca_file {
                    let pem = std::fs::read(path)
                        .with_context(|| format!("reading ca_file {}", path.display()))?;
                    params = params.add_root_certificate(
                        Certificate::from_pem(&pem).context("ca_file is not a PEM certificate")?,
                    );
                }
                let params = params.build_rustls().context("TLS parameters")?;
                if mode == EmailTls::Tls {
                    Tls::Wrapper(params)
                } else {
                    Tls::Required(params)
                }
            }
        };
        let port = config.port.unwrap_or(match config.tls {
            EmailTls::Starttls => 587,
            EmailTls::Tls => 465,
            EmailTls::None => 25,
        });
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host)
            .port(port)
            .tls(tls)
            .timeout(Some(timeout))
            .pool_config(PoolConfig::new().max_size(config.pool_size.max(1)));
        if let (Some(user), Some(password)) = (&config.username, &config.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Self {
            transport: builder.build(),
            from: config
                .from
                .parse()
                .context("`from` is not an email address")?,
            to: config
                .to
                .iter()
                .map(|t| {
                    t.parse()
                        .with_context(|| format!("`{t}` is not an email address"))
                })
                .collect::<anyhow::Result<_>>()?,
        })
    }

    /// One alert notification; its Message-ID derives from the notification id.
    pub async fn send(&self, n: &Notification) -> Result<(), Failure> {
        self.send_message(&n.id, &n.title(), n.text(), html(n))
            .await
    }

    /// Any message with a plain-text and an HTML part. `id` becomes `<id@accesswatch>`, so a
    /// redelivery carries the same Message-ID and mail systems can recognise it.
    pub async fn send_message(
        &self,
        id: &str,
        subject: &str,
        text: String,
        html: String,
    ) -> Result<(), Failure> {
        let mut builder = Message::builder()
            .from(self.from.clone())
            .subject(subject)
            .message_id(Some(format!("<{id}@accesswatch>")));
        for to in &self.to {
            builder = builder.to(to.clone());
        }
        let message = builder
            .multipart(MultiPart::alternative_plain_html(text, html))
            .map_err(|e| Failure::Permanent {
                status: None,
                message: format!("cannot build the message: {e}"),
            })?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| {
            let code = e.status().and_then(|c| c.to_string().parse::<u16>().ok());
            if e.is_permanent() {
                Failure::Permanent {
                    status: code,
                    message: format!("SMTP: {e}"),
                }
            } else {
                Failure::Transient {
                    status: code,
                    retry_after: None,
                    message: format!("SMTP: {e}"),
                }
            }
        })
    }
}

/// The HTML part: the same facts as the text, escaped, with links.
fn html(n: &Notification) -> String {
    let mut out = format!("<html><body><h2>{}</h2>", escape(&n.title()));
    for item in &n.items {
        let link = n.link(&item.alert.id);
        out.push_str(&format!(
            "<h3>{} — {}</h3><p>{}.</p><table>\
             <tr><th align=left>Actor</th><td>{}</td></tr>\
             <tr><th align=left>Observed</th><td>{} {}</td></tr>\
             <tr><th align=left>Expected</th><td>{} ({})</td></tr>\
             <tr><th align=left>Window</th><td>{}</td></tr>\
             <tr><th align=left>Detector</th><td>{} (score {})</td></tr></table>",
            escape(&item.state_line()),
            escape(&item.alert.summary),
            escape(&item.sentence()),
            escape(&item.alert.actor),
            super::message::number(&item.body["evidence"]["observed"]),
            escape(item.body["evidence"]["unit"].as_str().unwrap_or_default()),
            super::message::number(&item.body["evidence"]["expected"]),
            escape(
                item.body["evidence"]["baseline"]
                    .as_str()
                    .unwrap_or_default()
            ),
            escape(item.body["evidence"]["window"].as_str().unwrap_or_default()),
            escape(&item.alert.detector),
            item.alert.score,
        ));
        if let Some(note) = item.feedback_note() {
            out.push_str(&format!("<p><em>Feedback: {}</em></p>", escape(note)));
        }
        out.push_str(&format!(
            "<p><a href=\"{}\">{}</a></p>",
            escape(&link),
            escape(&link)
        ));
    }
    out.push_str("</body></html>");
    out
}
