//! A configured receiver ready to send: formats a [`Notification`] its way and makes one attempt.

use std::time::Duration;

use super::config::{PagerDutyConfig, ReceiverConfig, WebhookConfig};
use super::deliver::{post, Failure};
use super::email::EmailSender;
use super::message::Notification;
use super::{alertmanager, pagerduty, slack, teams, webhook};

pub enum Receiver {
    Webhook(WebhookConfig),
    Slack(String),
    Teams(String),
    Alertmanager(String),
    PagerDuty(PagerDutyConfig),
    Email(EmailSender),
}

impl Receiver {
    pub fn new(config: &ReceiverConfig, timeout: Duration) -> anyhow::Result<Self> {
        Ok(match config {
            ReceiverConfig::Email(e) => Receiver::Email(EmailSender::new(e, timeout)?),
            ReceiverConfig::Webhook(w) => Receiver::Webhook(w.clone()),
            ReceiverConfig::Slack(u) => Receiver::Slack(u.url.clone()),
            ReceiverConfig::Teams(u) => Receiver::Teams(u.url.clone()),
            ReceiverConfig::Alertmanager(u) => Receiver::Alertmanager(u.url.clone()),
            ReceiverConfig::Pagerduty(p) => Receiver::PagerDuty(p.clone()),
        })
    }

    /// One attempt; the HTTP status (or none for SMTP) on success.
    pub async fn send(
        &self,
        n: &Notification,
        http: &reqwest::Client,
    ) -> Result<Option<u16>, Failure> {
        let json = |url: &str| http.post(url).header("content-type", "application/json");
        let to_vec = |v: serde_json::Value| v.to_string().into_bytes();
        match self {
            Receiver::Email(sender) => sender.send(n).await.map(|()| None),
            Receiver::Slack(url) => post(json(url), to_vec(slack::payload(n))).await.map(Some),
            Receiver::Teams(url) => post(json(url), to_vec(teams::payload(n))).await.map(Some),
            Receiver::Alertmanager(url) => post(json(url), to_vec(alertmanager::payload(n)))
                .await
                .map(Some),
            Receiver::PagerDuty(c) => {
                // One event per alert: PagerDuty deduplicates by `dedup_key`, so a retry of the
                // whole batch after a partial failure cannot double an incident.
                let mut status = None;
                for item in &n.items {
                    let event = pagerduty::event(n, item, &c.routing_key);
                    status = Some(post(json(&c.url), to_vec(event)).await?);
                }
                Ok(status)
            }
            Receiver::Webhook(c) => {
                let body = webhook::body(n, c.template.as_deref()).into_bytes();
                let mut request = http
                    .post(&c.url)
                    .header("content-type", &c.content_type)
                    .header("webhook-id", &n.id);
                for (name, value) in &c.headers {
                    request = request.header(name, value);
                }
                if let Some(secret) = &c.secret {
                    let key =
                        webhook::secret_key(secret).map_err(|message| Failure::Permanent {
                            status: None,
                            message,
                        })?;
                    let ts = chrono::Utc::now().timestamp();
                    request = request
                        .header("webhook-timestamp", ts.to_string())
                        .header("webhook-signature", webhook::sign(&key, &n.id, ts, &body));
                }
                post(request, body).await.map(Some)
            }
        }
    }
}
