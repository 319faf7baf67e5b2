//! Slack incoming webhooks (Mattermost accepts the same): `text` as the fallback and Block Kit
//! sections for the readable version.

use serde_json::{json, Value};

use super::message::Notification;

pub fn payload(n: &Notification) -> Value {
    let mut blocks = vec![json!({
        "type": "header",
        "text": {"type": "plain_text", "text": truncate(&n.title(), 150)}
    })];
    for item in n.items.iter().take(20) {
        let mut text = format!(
            "*{}* — {}\n{}.\n<{}|Open alert {}>",
            item.state_line(),
            item.alert.summary,
            item.sentence(),
            n.link(&item.alert.id),
            item.alert.id
        );
        if let Some(note) = item.feedback_note() {
            text.push_str(&format!("\n_Feedback: {note}_"));
        }
        blocks.push(
            json!({"type": "section", "text": {"type": "mrkdwn", "text": truncate(&text, 3000)}}),
        );
    }
    json!({"text": n.title(), "blocks": blocks})
}

/// Slack rejects over-long block texts with a 400, which would dead-letter the notification.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}
