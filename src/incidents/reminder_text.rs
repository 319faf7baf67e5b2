//! The words of a reminder for people (email subject and parts, chat text). The JSON webhook gets the
//! fields themselves; these render the same facts so an on-call reader sees what is due, to whom, by when
//! and why without opening the app.

use super::reminders::ReminderMessage;
use crate::web::escape;

impl ReminderMessage {
    /// `[accesswatch] Breach notice due in 4 h: <recipient> (<jurisdiction>, <regime>) — incident #N`.
    pub fn subject(&self) -> String {
        let when = if self.kind == "overdue" {
            "overdue".to_string()
        } else {
            format!("due in {}", span(self.offset_secs))
        };
        format!(
            "[accesswatch] Breach notice {when}: {} ({}, {}) — incident #{}",
            self.recipient, self.jurisdiction, self.regime, self.incident_id
        )
    }

    /// The deadline as people read it, in UTC; the raw value if it does not parse.
    pub fn due_utc(&self) -> String {
        chrono::DateTime::parse_from_rfc3339(&self.due)
            .map(|d| {
                d.with_timezone(&chrono::Utc)
                    .format("%Y-%m-%d %H:%M UTC")
                    .to_string()
            })
            .unwrap_or_else(|_| self.due.clone())
    }

    fn due_label(&self) -> &'static str {
        if self.asap {
            "Internal target (notice due as soon as possible)"
        } else {
            "Due"
        }
    }

    fn rows(&self) -> [(&'static str, String); 6] {
        [
            (
                "Incident",
                format!("#{} {}", self.incident_id, self.incident_title),
            ),
            (
                "Notice",
                format!(
                    "{} to {} ({}, {}; rule {})",
                    self.stage, self.recipient, self.jurisdiction, self.regime, self.rule_id
                ),
            ),
            (self.due_label(), self.due_utc()),
            ("Basis", self.basis.clone()),
            ("Reminder", format!("{} #{}", self.kind, self.reminder_id)),
            ("Open", self.link.clone()),
        ]
    }

    /// The plain-text part (also the chat message).
    pub fn text(&self) -> String {
        let mut out = format!("{}\n\n", self.subject());
        for (label, value) in self.rows() {
            out.push_str(&format!("{label}: {value}\n"));
        }
        out
    }

    /// The HTML part: the same facts, escaped, with the link clickable.
    pub fn html(&self) -> String {
        let mut out = format!("<html><body><h2>{}</h2><table>", escape(&self.subject()));
        for (label, value) in self.rows() {
            let cell = if label == "Open" {
                format!("<a href=\"{0}\">{0}</a>", escape(&value))
            } else {
                escape(&value)
            };
            out.push_str(&format!(
                "<tr><th align=left>{}</th><td>{cell}</td></tr>",
                escape(label)
            ));
        }
        out.push_str("</table></body></html>");
        out
    }
}

/// `4 h`, `90 min`, `30 s`: whole hours when they fit.
fn span(secs: i64) -> String {
    if secs > 0 && secs % 3600 == 0 {
        format!("{} h", secs / 3600)
    } else if secs > 0 && secs % 60 == 0 {
        format!("{} min", secs / 60)
    } else {
        format!("{secs} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(kind: &str, offset_secs: i64) -> ReminderMessage {
        ReminderMessage {
            kind: kind.into(),
            reminder_id: 7,
            incident_id: 3,
            incident_title: "Support <export>".into(),
            rule_id: "in-cert-in".into(),
            jurisdiction: "IN".into(),
            regime: "IN-CERT-In".into(),
            recipient: "CERT-In".into(),
            stage: "initial".into(),
            basis: "CERT-In Directions 2022, para (ii)".into(),
            due: "2026-12-24T17:30:00.000Z".into(),
            asap: false,
            offset_secs,
            link: "http://aw.test/v1/incidents/3".into(),
        }
    }

    #[test]
    fn the_subject_names_the_time_left_recipient_and_incident() {
        assert_eq!(
            message("reminder", 14_400).subject(),
            "[accesswatch] Breach notice due in 4 h: CERT-In (IN, IN-CERT-In) — incident #3"
        );
        assert_eq!(
            message("overdue", 0).subject(),
            "[accesswatch] Breach notice overdue: CERT-In (IN, IN-CERT-In) — incident #3"
        );
        assert!(message("reminder", 5_400)
            .subject()
            .contains("due in 90 min"));
    }

    #[test]
    fn both_parts_carry_the_due_time_basis_stage_and_link_and_html_is_escaped() {
        let m = message("reminder", 3_600);
        for part in [m.text(), m.html()] {
            for needle in [
                "2026-12-24 17:30 UTC",
                "CERT-In Directions 2022",
                "initial",
                "http://aw.test/v1/incidents/3",
            ] {
                assert!(part.contains(needle), "{needle} missing from {part}");
            }
        }
        assert!(m.html().contains("Support &lt;export&gt;"));
    }
}
