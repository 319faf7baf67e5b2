//! Turning evaluated rules into the output records of DESIGN.md: RFC 3339 in UTC and in the rule's zone, notes
//! joined into one readable paragraph.

use chrono::{DateTime, SecondsFormat, Utc};

use super::deadline::Timed;
use crate::output::{NotRequired, Obligation};
use crate::ruleset::Rule;

fn utc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The fields every entry of a rule shares.
fn base(rule: &Rule, jurisdiction: &str) -> Obligation {
    let recipient = if jurisdiction != rule.jurisdiction {
        format!("{} ({jurisdiction})", rule.recipient)
    } else {
        rule.recipient.clone()
    };
    Obligation {
        jurisdiction: jurisdiction.to_string(),
        regime: rule.regime.clone(),
        recipient,
        stage: rule.stage.clone(),
        clock_start: rule
            .clock_start
            .facts()
            .iter()
            .map(|f| f.name())
            .collect::<Vec<_>>()
            .join("+"),
        basis: rule.citation.clone(),
        url: rule.url.clone(),
        notes: rule.notes.clone().unwrap_or_default(),
        rule_id: rule.id.clone(),
        confidence: rule.confidence.as_str().to_string(),
        depends_on: rule
            .after
            .first()
            .cloned()
            .or_else(|| rule.not_later_than.clone()),
        time_zone: rule.zone.clone(),
        calendar: rule.calendar.clone(),
        ..Obligation::default()
    }
}

pub(crate) fn obligation(t: &Timed<'_>) -> Obligation {
    let rule = t.draft.rule;
    let mut o = base(rule, &t.draft.place.jurisdiction);
    o.due = t.due.map(utc);
    o.due_local = t.due.map(|d| {
        d.with_timezone(&t.tz)
            .to_rfc3339_opts(SecondsFormat::Secs, false)
    });
    o.asap = t.due.is_none();
    o.clock_start = t.clock_name.clone();
    o.clock_start_at = Some(utc(t.start));
    o.internal_target = t.internal_target.map(utc);
    let mut notes: Vec<String> = t.draft.notes.clone();
    if let Some(n) = &rule.notes {
        notes.push(n.clone());
    }
    if o.asap {
        if let Some(standard) = &rule.standard {
            notes.insert(
                0,
                format!("No fixed period: the law requires notice {standard}."),
            );
        }
    }
    o.notes = notes.join(" ");
    o
}

pub(crate) fn not_required(rule: &Rule, jurisdiction: &str, reason: String) -> NotRequired {
    NotRequired {
        obligation: base(rule, jurisdiction),
        reason,
    }
}

/// An affected jurisdiction no rule covers.
pub(crate) fn uncovered(code: &str) -> NotRequired {
    NotRequired {
        obligation: Obligation {
            jurisdiction: code.to_string(),
            regime: "none".into(),
            recipient: "unknown".into(),
            stage: "none".into(),
            clock_start: "aware_at".into(),
            basis: "none".into(),
            confidence: "low".into(),
            time_zone: "UTC".into(),
            ..Obligation::default()
        },
        reason: format!(
            "no rule in the rule set covers {code}: the engine cannot say what is owed there; get local advice \
             (for the United States, give the state, e.g. US-TX)"
        ),
    }
}
