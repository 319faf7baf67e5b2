//! Applying a change (`PATCH /v1/incidents/{id}`, `incidents update`) to an incident: validate every key,
//! naming the field on error, and describe each changed field as an audit entry (old → new). Engine-facing
//! fields are validated by the rules engine itself, so a fact typo is refused exactly as `obligations` would.

use serde_json::{Map, Value};

use super::model::{AffectedEntry, Incident, Severity, Status};
use super::IncidentError;
use crate::store::NewAudit;

/// Keys the engine reads; `facts` merges key by key (null removes a fact), the others replace.
const ENGINE_KEYS: &[&str] = &[
    "facts",
    "affected",
    "encrypted",
    "key_compromised",
    "risk",
    "malicious",
    "regimes",
    "entity",
];
const PLAIN_KEYS: &[&str] = &[
    "title",
    "description",
    "severity",
    "status",
    "verdict",
    "assignee",
];

/// The patched incident, its audit entries, and whether the engine's input changed.
pub struct Patched {
    pub incident: Incident,
    pub audit: Vec<NewAudit>,
    pub engine_changed: bool,
}

fn invalid(field: &str, message: impl std::fmt::Display) -> IncidentError {
    IncidentError::Invalid(format!("{field}: {message}"))
}

/// Applies `patch` (a JSON object; `reason` explains the change and is required for clock-start facts).
pub fn apply(
    current: &Incident,
    patch: &Map<String, Value>,
    actor: &str,
    at_ms: i64,
) -> Result<Patched, IncidentError> {
    let reason = match patch.get("reason") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Some(_) => return Err(invalid("reason", "must be a non-empty string")),
    };
    let mut next = current.clone();
    let mut engine = engine_value(current);
    let mut engine_touched = false;
    for (key, value) in patch {
        match key.as_str() {
            "reason" => {}
            "facts" => {
                let Value::Object(facts) = value else {
                    return Err(invalid("facts", "must be an object of RFC 3339 timestamps"));
                };
                for (name, v) in facts {
                    if v.is_null() {
                        if let Some(f) = engine["facts"].as_object_mut() {
                            f.remove(name);
                        }
                    } else {
                        engine["facts"][name.as_str()] = v.clone();
                    }
                }
                engine_touched = true;
            }
            k if ENGINE_KEYS.contains(&k) => {
                engine[k] = value.clone();
                engine_touched = true;
            }
            k if PLAIN_KEYS.contains(&k) => set_plain(&mut next, k, value)?,
            other => {
                return Err(invalid(
                    other,
                    "unknown or read-only field (alerts, tasks and comments have their own routes)",
                ))
            }
        }
    }
    if engine_touched {
        let input = breach::Input::from_value(engine).map_err(engine_error)?;
        next.facts = input.facts;
        if patch.contains_key("affected") {
            next.affected = input
                .affected
                .into_iter()
                .map(|a| AffectedEntry {
                    jurisdiction: a.jurisdiction,
                    subjects: a.subjects,
                    categories: a.categories,
                    estimated: false,
                })
                .collect();
        }
        next.encrypted = input.encrypted;
        next.key_compromised = input.key_compromised;
        next.risk = input.risk;
        next.malicious = input.malicious;
        next.regimes = input.regimes;
        next.entity = input.entity;
    }
    let audit = diff(current, &next, actor, at_ms, reason.as_deref())?;
    let engine_changed = engine_value(current) != engine_value(&next);
    Ok(Patched {
        incident: next,
        audit,
        engine_changed,
    })
}

/// Maps an engine error to a field-naming validation error.
pub fn engine_error(e: breach::Error) -> IncidentError {
    match e {
        breach::Error::Rule { .. } | breach::Error::Data { .. } => {
            IncidentError::Internal(anyhow::anyhow!("rules engine: {e}"))
        }
        other => IncidentError::Invalid(other.to_string()),
    }
}

fn set_plain(next: &mut Incident, key: &str, value: &Value) -> Result<(), IncidentError> {
    let text = |v: &Value| -> Result<Option<String>, IncidentError> {
        match v {
            Value::Null => Ok(None),
            Value::String(s) if s.len() <= 10_000 => Ok(Some(s.trim().to_string())),
            _ => Err(invalid(
                key,
                "must be a string of at most 10000 bytes, or null",
            )),
        }
    };
    match key {
        "title" => {
            next.title = text(value)?
                .filter(|t| !t.is_empty() && t.len() <= 200)
                .ok_or_else(|| invalid("title", "must be 1 to 200 characters"))?;
        }
        "description" => next.description = text(value)?.unwrap_or_default(),
        "verdict" => next.verdict = text(value)?.filter(|s| !s.is_empty()),
        "assignee" => next.assignee = text(value)?.filter(|s| !s.is_empty()),
        "severity" => {
            next.severity = serde_json::from_value::<Severity>(value.clone())
                .map_err(|_| invalid("severity", "must be low, medium, high or critical"))?;
        }
        _ => {
            next.status = serde_json::from_value::<Status>(value.clone()).map_err(|_| {
                invalid(
                    "status",
                    "must be new, in_progress, on_hold, resolved or closed",
                )
            })?;
        }
    }
    Ok(())
}

/// The engine-facing part of an incident as engine input JSON (no submissions: those are obligations').
fn engine_value(incident: &Incident) -> Value {
    let mut v = serde_json::to_value(incident.engine_input(Vec::new())).unwrap_or_default();
    if let Some(map) = v.as_object_mut() {
        map.remove("submissions");
    }
    v
}

/// One audit entry per changed field (each fact separately); facts need a reason.
fn diff(
    old: &Incident,
    new: &Incident,
    actor: &str,
    at_ms: i64,
    reason: Option<&str>,
) -> Result<Vec<NewAudit>, IncidentError> {
    let entry = |action: &str, field: String, o: Option<Value>, n: Option<Value>| NewAudit {
        at_ms,
        actor: actor.to_string(),
        action: action.to_string(),
        field: Some(field),
        old_value: o.filter(|v| !v.is_null()).map(|v| v.to_string()),
        new_value: n.filter(|v| !v.is_null()).map(|v| v.to_string()),
        reason: reason.map(str::to_string),
    };
    let mut audit = Vec::new();
    for fact in breach::Fact::ALL {
        let (o, n) = (old.facts.get(*fact), new.facts.get(*fact));
        if o != n {
            if reason.is_none() {
                return Err(invalid(
                    "reason",
                    format!("required when a clock-start fact ({fact}) is set or changed"),
                ));
            }
            let as_json = |t: Option<chrono::DateTime<chrono::FixedOffset>>| {
                t.map(|t| Value::String(t.to_rfc3339()))
            };
            audit.push(entry(
                "fact",
                format!("facts.{fact}"),
                as_json(o),
                as_json(n),
            ));
        }
    }
    let (Value::Object(o), Value::Object(n)) = (
        serde_json::to_value(old).unwrap_or_default(),
        serde_json::to_value(new).unwrap_or_default(),
    ) else {
        return Ok(audit);
    };
    for (key, new_value) in &n {
        if key == "facts" {
            continue;
        }
        let old_value = o.get(key).cloned();
        if old_value.as_ref() != Some(new_value) {
            audit.push(entry(
                "update",
                key.clone(),
                old_value,
                Some(new_value.clone()),
            ));
        }
    }
    Ok(audit)
}
