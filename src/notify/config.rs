//! `[alerting.receivers.NAME]`: where notifications go. Every receiver holds a secret (a webhook URL
//! with a token in it, a signing secret, a routing key, an SMTP password), so `Debug` shows only the
//! kind and the host.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

#[derive(Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ReceiverConfig {
    /// Generic webhook, signed with Standard Webhooks headers when `secret` is set.
    Webhook(WebhookConfig),
    /// Slack (or Mattermost) incoming webhook.
    Slack(UrlConfig),
    /// PagerDuty Events API v2.
    Pagerduty(PagerDutyConfig),
    /// A receiver that speaks Alertmanager's webhook v4 payload.
    Alertmanager(UrlConfig),
    /// Microsoft Teams Workflows webhook (Adaptive Card).
    Teams(UrlConfig),
    Email(EmailConfig),
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UrlConfig {
    pub url: String,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookConfig {
    pub url: String,
    /// `whsec_` + base64 key: signs `webhook-id.webhook-timestamp.body` (Standard Webhooks).
    #[serde(default)]
    pub secret: Option<String>,
    /// Body template; `{{payload}}`, `{{alerts}}` insert JSON, `{{title}}`, `{{text}}`,
    /// `{{status}}`, `{{id}}`, `{{receiver}}`, `{{group_key}}`, `{{count}}`, `{{url}}` insert
    /// JSON-escaped text. Without a template the body is the default JSON payload.
    #[serde(default)]
    pub template: Option<String>,
    #[serde(default = "json_type")]
    pub content_type: String,
    /// Extra request headers (e.g. an authorization token).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PagerDutyConfig {
    pub routing_key: String,
    #[serde(default = "pagerduty_url")]
    pub url: String,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailConfig {
    pub host: String,
    /// Defaults to 587 for `starttls`, 465 for `tls`, 25 for `none`.
    #[serde(default)]
    pub port: Option<u16>,
    #[serde(default)]
    pub tls: EmailTls,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    pub from: String,
    pub to: Vec<String>,
    /// PEM file of an extra trusted CA (a private mail relay); the web PKI roots stay trusted.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// SMTP connections kept open for reuse.
    #[serde(default = "pool_size")]
    pub pool_size: u32,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmailTls {
    /// Plain connection upgraded with STARTTLS (refused if the server cannot).
    #[default]
    Starttls,
    /// TLS from the first byte (SMTPS).
    Tls,
    /// No encryption: loopback relays only.
    None,
}

fn json_type() -> String {
    "application/json".into()
}

fn pagerduty_url() -> String {
    "https://events.pagerduty.com/v2/enqueue".into()
}

fn pool_size() -> u32 {
    4
}

impl ReceiverConfig {
    pub fn kind(&self) -> &'static str {
        match self {
            ReceiverConfig::Webhook(_) => "webhook",
            ReceiverConfig::Slack(_) => "slack",
            ReceiverConfig::Pagerduty(_) => "pagerduty",
            ReceiverConfig::Alertmanager(_) => "alertmanager",
            ReceiverConfig::Teams(_) => "teams",
            ReceiverConfig::Email(_) => "email",
        }
    }

    fn url(&self) -> Option<&str> {
        match self {
            ReceiverConfig::Webhook(w) => Some(&w.url),
            ReceiverConfig::Slack(u)
            | ReceiverConfig::Alertmanager(u)
            | ReceiverConfig::Teams(u) => Some(&u.url),
            ReceiverConfig::Pagerduty(p) => Some(&p.url),
            ReceiverConfig::Email(_) => None,
        }
    }

    pub fn validate(&self) -> Result<(), String> {
        if let Some(url) = self.url() {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err("url must start with https:// or http://".into());
            }
        }
        match self {
            ReceiverConfig::Webhook(WebhookConfig {
                secret: Some(s), ..
            }) => crate::notify::webhook::secret_key(s).map(|_| ()),
            ReceiverConfig::Email(e) if e.to.is_empty() => Err("`to` lists no address".into()),
            _ => Ok(()),
        }
    }
}

/// Scheme and host of a URL: enough to recognise it, never its token-bearing path or query.
pub fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return "***".into();
    };
    let rest = &url[scheme_end + 3..];
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit('@').next().unwrap_or_default();
    format!("{}{host}/***", &url[..scheme_end + 3])
}

impl fmt::Debug for ReceiverConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("ReceiverConfig");
        d.field("kind", &self.kind());
        if let Some(url) = self.url() {
            d.field("url", &redact(url));
        }
        if let ReceiverConfig::Email(e) = self {
            d.field("host", &e.host)
                .field("port", &e.port)
                .field("tls", &e.tls)
                .field("username", &e.username)
                .field("password", &e.password.as_ref().map(|_| "***"))
                .field("to", &e.to.len());
        }
        d.finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_tokens_keys_and_passwords() {
        let receivers: BTreeMap<String, ReceiverConfig> = toml::from_str(
            r#"
            [slack]
            kind = "slack"
            url = "https://hooks.slack.com/services/T000/B000/SECRETTOKEN"
            [pd]
            kind = "pagerduty"
            routing_key = "SECRETROUTINGKEY"
            [mail]
            kind = "email"
            host = "smtp.example.com"
            username = "aw"
            password = "SECRETPASSWORD"
            from = "aw@example.com"
            to = ["soc@example.com"]
            [hook]
            kind = "webhook"
            url = "https://example.com/hook?token=SECRETQUERY"
            secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
            "#,
        )
        .unwrap();
        let shown = format!("{receivers:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(shown.contains("hooks.slack.com"), "{shown}");
        for r in receivers.values() {
            r.validate().unwrap();
        }
    }
}
