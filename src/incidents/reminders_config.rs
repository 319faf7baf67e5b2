//! `[reminders]`: when reminders before breach-notification deadlines go out, and where to.

use serde::Deserialize;
use std::fmt;

/// Reminders before breach-notification deadlines (see docs/INCIDENTS.md).
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RemindersConfig {
    /// Remind this many minutes before each deadline (an overdue escalation always follows).
    pub offsets_minutes: Vec<u64>,
    /// How often the scheduler looks for due reminders, in seconds.
    pub check_every_secs: u64,
    /// Generic JSON webhook receiving reminders; without it (and `receivers`) reminders are logged.
    pub webhook_url: Option<String>,
    /// Names of `[alerting.receivers]` (email, webhook, slack) that also receive every reminder.
    pub receivers: Vec<String>,
    /// Delivery attempts (one per check) before a reminder is marked failed.
    pub max_attempts: u32,
}

impl Default for RemindersConfig {
    fn default() -> Self {
        Self {
            offsets_minutes: vec![24 * 60, 4 * 60, 60],
            check_every_secs: 30,
            webhook_url: None,
            receivers: Vec::new(),
            max_attempts: 10,
        }
    }
}

impl fmt::Debug for RemindersConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Webhook URLs often carry a token in their path or query: show only scheme and host.
        let webhook = self.webhook_url.as_deref().map(|u| {
            let host_end = u
                .find("://")
                .and_then(|s| u[s + 3..].find('/').map(|p| s + 3 + p))
                .unwrap_or(u.len());
            format!("{}/***", &u[..host_end])
        });
        f.debug_struct("RemindersConfig")
            .field("offsets_minutes", &self.offsets_minutes)
            .field("check_every_secs", &self.check_every_secs)
            .field("webhook_url", &webhook)
            .field("receivers", &self.receivers)
            .field("max_attempts", &self.max_attempts)
            .finish()
    }
}

impl RemindersConfig {
    /// The scheduler's policy; links point at `public_url`.
    pub fn policy(&self, public_url: &str) -> crate::incidents::reminders::Policy {
        crate::incidents::reminders::Policy {
            offsets_secs: self
                .offsets_minutes
                .iter()
                .map(|m| i64::try_from(m.saturating_mul(60)).unwrap_or(i64::MAX))
                .collect(),
            max_attempts: i64::from(self.max_attempts.max(1)),
            public_url: public_url.to_string(),
        }
    }
}
