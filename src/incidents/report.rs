//! The incident report for regulators and counsel, as JSON (for tools) and Markdown (for people): the facts
//! and their reasons, who was affected, every obligation with its legal basis and what was submitted, the
//! notices found not owed and why, the timeline, and an excerpt of the audit chain with its verification.

use serde_json::{json, Value};
use std::fmt::Write;

use super::audit::{self, ChainReport};
use super::service::{self, Loaded};
use super::{view, IncidentError};
use crate::engine::record::rfc3339;
use crate::store::{AuditRecord, Store};

/// Audit rows quoted with their hashes (the full trail is in the timeline).
const EXCERPT_ROWS: usize = 20;

/// The report as JSON.
pub async fn json(store: &dyn Store, id: i64, now_ms: i64) -> Result<Value, IncidentError> {
    let loaded = service::load(store, id).await?;
    let trail = store.audit_entries(Some(id), 0, 100_000).await?;
    let chain = audit::verify(store).await?;
    Ok(build(&loaded, &trail, &chain, now_ms))
}

fn build(l: &Loaded, trail: &[AuditRecord], chain: &ChainReport, now_ms: i64) -> Value {
    let timeline: Vec<Value> = trail
        .iter()
        .map(|a| {
            json!({"at": rfc3339(a.at_ms), "actor": a.actor, "action": a.action, "field": a.field,
                   "old": a.old_value, "new": a.new_value, "reason": a.reason})
        })
        .collect();
    let excerpt: Vec<&AuditRecord> = trail.iter().rev().take(EXCERPT_ROWS).rev().collect();
    json!({
        "generated_at": rfc3339(now_ms),
        "incident": view::incident(l),
        "timeline": timeline,
        "audit_excerpt": {"rows": excerpt, "chain": chain},
    })
}

/// The report as Markdown.
pub async fn markdown(store: &dyn Store, id: i64, now_ms: i64) -> Result<String, IncidentError> {
    Ok(render(&json(store, id, now_ms).await?))
}

fn text(v: &Value) -> String {
    match v {
        Value::Null => "-".into(),
        Value::String(s) => s.replace('|', "\\|").replace('\n', " "),
        other => other.to_string(),
    }
}

/// Renders the JSON report; every value comes from it so the two formats cannot disagree.
fn render(r: &Value) -> String {
    let i = &r["incident"];
    let mut md = String::new();
    let _ = writeln!(md, "# Incident {}: {}\n", text(&i["id"]), text(&i["title"]));
    let _ = writeln!(md, "Report generated {}.\n", text(&r["generated_at"]));
    let _ = writeln!(md, "| | |\n|---|---|");
    for key in [
        "status",
        "severity",
        "verdict",
        "assignee",
        "encrypted",
        "key_compromised",
        "risk",
        "malicious",
        "regimes",
        "alert_ids",
        "created_at",
        "updated_at",
    ] {
        let _ = writeln!(md, "| {key} | {} |", text(&i[key]));
    }
    let _ = writeln!(md, "\n{}\n", text(&i["description"]));
    let _ = writeln!(md, "## Clock-start facts\n\n| fact | value |\n|---|---|");
    if let Some(facts) = i["facts"].as_object() {
        for (k, v) in facts {
            let _ = writeln!(md, "| {k} | {} |", text(v));
        }
    }
    let _ = writeln!(
        md,
        "\n## Affected people\n\n| jurisdiction | subjects | categories | estimated |\n|---|---|---|---|"
    );
    for a in i["affected"].as_array().into_iter().flatten() {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} |",
            text(&a["jurisdiction"]),
            text(&a["subjects"]),
            text(&a["categories"]),
            text(&a["estimated"])
        );
    }
    let _ = writeln!(md, "\n## Obligations\n\n| jurisdiction | regime | recipient | stage | due | state | basis | submitted | reference |\n|---|---|---|---|---|---|---|---|---|");
    for o in i["obligations"].as_array().into_iter().flatten() {
        let due = if o["asap"] == true {
            format!(
                "without undue delay (target {})",
                text(&o["internal_target"])
            )
        } else {
            text(&o["due"])
        };
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {due} | {} | {} | {} | {} |",
            text(&o["jurisdiction"]),
            text(&o["regime"]),
            text(&o["recipient"]),
            text(&o["stage"]),
            text(&o["state"]),
            text(&o["basis"]),
            text(&o["submitted_at"]),
            text(&o["reference"])
        );
    }
    let _ = writeln!(
        md,
        "\n## Submissions and decisions\n\n| rule | state | when | by | reference | attachment | reason |\n|---|---|---|---|---|---|---|"
    );
    let decided = i["obligations"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|o| o["state"] == "submitted" || o["state"] == "not_required");
    for o in decided {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} |",
            text(&o["rule_id"]),
            text(&o["state"]),
            text(&o["submitted_at"]),
            text(&o["submitted_by"]),
            text(&o["reference"]),
            text(&o["attachment_note"]),
            text(&o["reason"])
        );
    }
    let _ = writeln!(
        md,
        "\n## Considered and not owed\n\n| rule | reason |\n|---|---|"
    );
    for n in i["not_required"].as_array().into_iter().flatten() {
        let _ = writeln!(md, "| {} | {} |", text(&n["rule_id"]), text(&n["reason"]));
    }
    let _ = writeln!(md, "\n## Timeline\n\n| at | who | what | field | old | new | reason |\n|---|---|---|---|---|---|---|");
    for t in r["timeline"].as_array().into_iter().flatten() {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} |",
            text(&t["at"]),
            text(&t["actor"]),
            text(&t["action"]),
            text(&t["field"]),
            text(&t["old"]),
            text(&t["new"]),
            text(&t["reason"])
        );
    }
    let chain = &r["audit_excerpt"]["chain"];
    let verdict = if chain["broken"].is_null() {
        format!(
            "intact: {} rows, head {}",
            text(&chain["rows"]),
            text(&chain["head"])
        )
    } else {
        format!("BROKEN at row {}", text(&chain["broken"]["seq"]))
    };
    let _ = writeln!(md, "\n## Audit excerpt\n\nChain {verdict}.\n\n| seq | at (ms) | actor | action | hash |\n|---|---|---|---|---|");
    for a in r["audit_excerpt"]["rows"].as_array().into_iter().flatten() {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} |",
            text(&a["seq"]),
            text(&a["at_ms"]),
            text(&a["actor"]),
            text(&a["action"]),
            text(&a["hash"])
        );
    }
    md
}
