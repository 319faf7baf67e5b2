//! A notification as every receiver sees it before formatting: the outbox rows of one batch (one
//! receiver, one group), with the sentences a person needs: who read what, how much against which
//! baseline, and where to look.

use serde_json::Value;

use crate::store::{AlertRecord, OutboxItem};

/// One batch of outbox rows, delivered together.
#[derive(Debug, Clone)]
pub struct Notification {
    /// Stable across retries and restarts: receivers deduplicate on it.
    pub id: String,
    pub receiver: String,
    pub group_key: String,
    pub items: Vec<Item>,
    pub public_url: String,
}

/// One alert change inside a notification.
#[derive(Debug, Clone)]
pub struct Item {
    pub outbox_id: i64,
    pub kind: String,
    pub who: String,
    pub alert: AlertRecord,
    /// The alert JSON (DESIGN.md shape).
    pub body: Value,
}

impl Item {
    pub fn from_outbox(item: &OutboxItem) -> Self {
        Self {
            outbox_id: item.id,
            kind: item.kind.clone(),
            who: item.who.clone(),
            body: serde_json::from_str(&item.alert.body).unwrap_or(Value::Null),
            alert: item.alert.clone(),
        }
    }

    /// `firing` unless the change is a resolution.
    pub fn status(&self) -> &'static str {
        if self.kind == "resolved" {
            "resolved"
        } else {
            "firing"
        }
    }

    /// What happened, for a person: `FIRING`, `ACKNOWLEDGED by ops`, `ESCALATED`, ...
    pub fn state_line(&self) -> String {
        match self.kind.as_str() {
            "acknowledged" => format!("ACKNOWLEDGED by {}", self.who),
            "resolved" => format!("RESOLVED by {}", self.who),
            "escalation" => "ESCALATED (unacknowledged)".into(),
            "repeat" => "STILL FIRING".into(),
            "update" => "FIRING (severity raised)".into(),
            _ => "FIRING".into(),
        }
    }

    fn evidence(&self, key: &str) -> &Value {
        &self.body["evidence"][key]
    }

    /// The resources read, most touched first.
    pub fn resources(&self) -> String {
        let list: Vec<&str> = self.body["resources"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).take(5).collect())
            .unwrap_or_default();
        if list.is_empty() {
            "unknown resources".into()
        } else {
            list.join(", ")
        }
    }

    /// `alice read 12000 records of db.customers (15 min from ...) against an expected 40 (baseline: ...)`.
    pub fn sentence(&self) -> String {
        let unit = self.evidence("unit").as_str().unwrap_or("records");
        let window = self.evidence("window").as_str().unwrap_or_default();
        format!(
            "{} read {} {unit} of {} ({window}) against an expected {} (baseline: {})",
            self.alert.actor,
            number(self.evidence("observed")),
            self.resources(),
            number(self.evidence("expected")),
            self.evidence("baseline").as_str().unwrap_or("none"),
        )
    }

    /// The feedback note the alert carries, if a false-positive verdict shaped it.
    pub fn feedback_note(&self) -> Option<&str> {
        self.evidence("feedback")["note"].as_str()
    }
}

impl Notification {
    pub fn link(&self, alert_id: &str) -> String {
        format!(
            "{}/v1/alerts/{alert_id}",
            self.public_url.trim_end_matches('/')
        )
    }

    /// `resolved` only when every change in it is a resolution (Alertmanager's group status).
    pub fn status(&self) -> &'static str {
        if self.items.iter().all(|i| i.status() == "resolved") {
            "resolved"
        } else {
            "firing"
        }
    }

    /// A one-line title: the alert's own for one change, a count for several.
    pub fn title(&self) -> String {
        match self.items.as_slice() {
            [one] => format!(
                "[{} {}] {} read {} {} of {}",
                one.state_line(),
                one.alert.severity.to_uppercase(),
                one.alert.actor,
                number(one.evidence("observed")),
                one.evidence("unit").as_str().unwrap_or("records"),
                one.resources(),
            ),
            many => format!(
                "[{}] {} alert changes for {}",
                self.status().to_uppercase(),
                many.len(),
                self.group_key
            ),
        }
    }

    /// Plain-text lines, one paragraph per change.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for item in &self.items {
            out.push_str(&format!(
                "{} — {} ({}, score {})\n{}.\n{}\n",
                item.state_line(),
                item.alert.summary,
                item.alert.detector,
                item.alert.score,
                item.sentence(),
                self.link(&item.alert.id)
            ));
            if let Some(note) = item.feedback_note() {
                out.push_str(&format!("Feedback: {note}\n"));
            }
            out.push('\n');
        }
        out
    }
}

/// A JSON number as a person writes it (no `.0`), or `?`.
pub fn number(v: &Value) -> String {
    match v.as_f64() {
        Some(x) if x.fract() == 0.0 => format!("{x:.0}"),
        Some(x) => format!("{x:.1}"),
        None => "?".into(),
    }
}
