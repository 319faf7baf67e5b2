//! Reminders through the alerting receivers: `[reminders] receivers = ["name", ...]` names entries of
//! `[alerting.receivers]`, so the SMTP relay or chat webhook people already configured for alerts also
//! carries breach deadlines. Each named receiver becomes a sink; several are combined in a [`FanOut`].
//!
//! Reminders do not go through the alert outbox: the `reminders` table already records each attempt and
//! retries it, so a sink only has to make one attempt. Every sink marks its delivery with the reminder id
//! (Message-ID, `Idempotency-Key`), so the retry that follows a partial fan-out failure is recognisable as
//! a redelivery at the receivers that already got it.

use anyhow::Context;
use async_trait::async_trait;
use std::sync::Arc;
use std::time::Duration;

use super::reminders::{LogSink, ReminderMessage, ReminderSink, WebhookSink};
use crate::config::Config;
use crate::notify::email::EmailSender;
use crate::notify::ReceiverConfig;

/// Receiver kinds that can carry a reminder. PagerDuty, Alertmanager and Teams expect alert-shaped
/// payloads, so a reminder there would be rejected or misread: naming one is a configuration error.
pub const SUPPORTED_KINDS: [&str; 3] = ["email", "webhook", "slack"];

/// Checks `[reminders] receivers` against `[alerting.receivers]`; the error names the offending entry.
pub fn validate(config: &Config) -> Result<(), String> {
    for name in &config.reminders.receivers {
        let Some(rc) = config.alerting.receivers.get(name) else {
            return Err(format!(
                "reminders.receivers: no receiver named `{name}` in [alerting.receivers]"
            ));
        };
        if !SUPPORTED_KINDS.contains(&rc.kind()) {
            return Err(format!(
                "reminders.receivers: receiver `{name}` is of kind `{}`, which cannot carry \
                 reminders (use one of: {})",
                rc.kind(),
                SUPPORTED_KINDS.join(", ")
            ));
        }
    }
    Ok(())
}

/// The sink for the configured receivers and `webhook_url`; the log when neither is set.
pub fn from_config(config: &Config) -> anyhow::Result<Arc<dyn ReminderSink>> {
    validate(config).map_err(anyhow::Error::msg)?;
    let timeout = config.alerting.outbox.timeout;
    let mut sinks: Vec<Box<dyn ReminderSink>> = Vec::new();
    if let Some(url) = &config.reminders.webhook_url {
        sinks.push(Box::new(
            WebhookSink::new(url.clone()).context("reminder webhook client")?,
        ));
    }
    for name in &config.reminders.receivers {
        let rc = config
            .alerting
            .receivers
            .get(name)
            .with_context(|| format!("no receiver named `{name}`"))?;
        sinks.push(sink(rc, timeout).with_context(|| format!("reminder receiver `{name}`"))?);
    }
    Ok(match sinks.len() {
        0 => Arc::new(LogSink),
        1 => Arc::from(sinks.remove(0)),
        _ => Arc::new(FanOut(sinks)),
    })
}

fn sink(rc: &ReceiverConfig, timeout: Duration) -> anyhow::Result<Box<dyn ReminderSink>> {
    Ok(match rc {
        ReceiverConfig::Email(e) => Box::new(EmailSink(EmailSender::new(e, timeout)?)),
        ReceiverConfig::Webhook(w) => Box::new(WebhookSink::new(w.url.clone())?),
        ReceiverConfig::Slack(u) => Box::new(WebhookSink::slack(u.url.clone())?),
        other => anyhow::bail!("kind `{}` cannot carry reminders", other.kind()),
    })
}

/// One email per reminder, text and HTML; the Message-ID is `<reminder-ID@accesswatch>`.
pub struct EmailSink(pub EmailSender);

#[async_trait]
impl ReminderSink for EmailSink {
    async fn deliver(&self, m: &ReminderMessage) -> anyhow::Result<()> {
        self.0
            .send_message(
                &format!("reminder-{}", m.reminder_id),
                &m.subject(),
                m.text(),
                m.html(),
            )
            .await
            .map_err(|f| anyhow::anyhow!("{}", f.message()))
    }
}

/// Delivers to every sink; succeeds only when all did, so a failure anywhere retries the whole reminder
/// (receivers that already have it see the same reminder id again).
pub struct FanOut(pub Vec<Box<dyn ReminderSink>>);

#[async_trait]
impl ReminderSink for FanOut {
    async fn deliver(&self, m: &ReminderMessage) -> anyhow::Result<()> {
        let mut errors = Vec::new();
        for (i, sink) in self.0.iter().enumerate() {
            if let Err(e) = sink.deliver(m).await {
                errors.push(format!("sink {}: {e:#}", i + 1));
            }
        }
        anyhow::ensure!(errors.is_empty(), "{}", errors.join("; "));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(receivers: &str, names: &[&str]) -> Config {
        let mut c = Config::default();
        c.alerting.receivers = toml::from_str(receivers).unwrap();
        c.reminders.receivers = names.iter().map(|n| n.to_string()).collect();
        c
    }

    #[test]
    fn an_unknown_receiver_name_is_a_configuration_error_naming_it() {
        let c = config(
            "[hook]\nkind = \"webhook\"\nurl = \"http://127.0.0.1:1/x\"\n",
            &["hook", "pager"],
        );
        let e = validate(&c).unwrap_err();
        assert!(e.contains("`pager`"), "{e}");
        assert!(c.validate().is_err());
    }

    #[test]
    fn a_receiver_kind_that_cannot_carry_reminders_is_refused() {
        let c = config("[pd]\nkind = \"pagerduty\"\nrouting_key = \"k\"\n", &["pd"]);
        let e = validate(&c).unwrap_err();
        assert!(e.contains("`pd`") && e.contains("pagerduty"), "{e}");
    }

    #[test]
    fn named_webhook_and_slack_receivers_build_a_sink() {
        let c = config(
            "[hook]\nkind = \"webhook\"\nurl = \"http://127.0.0.1:1/x\"\n\
             [chat]\nkind = \"slack\"\nurl = \"http://127.0.0.1:1/y\"\n",
            &["hook", "chat"],
        );
        assert!(from_config(&c).is_ok());
    }
}
