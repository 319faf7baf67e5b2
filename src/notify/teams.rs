//! Microsoft Teams through a Workflows webhook: a message with one Adaptive Card attachment
//! (the Office 365 connector format is retired).

use serde_json::{json, Value};

use super::message::Notification;

pub fn payload(n: &Notification) -> Value {
    let mut body = vec![json!({
        "type": "TextBlock", "text": n.title(), "weight": "Bolder", "size": "Medium", "wrap": true
    })];
    for item in n.items.iter().take(20) {
        body.push(json!({"type": "TextBlock", "text": format!("**{}** — {}", item.state_line(), item.alert.summary), "wrap": true}));
        let mut facts = vec![
            json!({"title": "Actor", "value": item.alert.actor}),
            json!({"title": "Read", "value": item.sentence()}),
            json!({"title": "Severity", "value": item.alert.severity}),
            json!({"title": "Detector", "value": item.alert.detector}),
        ];
        if let Some(note) = item.feedback_note() {
            facts.push(json!({"title": "Feedback", "value": note}));
        }
        body.push(json!({"type": "FactSet", "facts": facts}));
    }
    let actions: Vec<Value> = n
        .items
        .iter()
        .take(5)
        .map(|i| json!({"type": "Action.OpenUrl", "title": format!("Open {}", i.alert.id), "url": n.link(&i.alert.id)}))
        .collect();
    json!({
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard",
                "version": "1.4",
                "body": body,
                "actions": actions,
            }
        }]
    })
}
