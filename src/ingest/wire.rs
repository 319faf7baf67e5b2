//! The native event schema as it arrives on the wire (DESIGN.md "Access event").
//!
//! Items are first parsed straight into [`WireEvent`] (fast path, borrowed strings). Only when that
//! fails is the item re-read as a generic JSON value by [`diagnose`], to name the offending field
//! instead of echoing serde's positional message.

use detectors::{ActorType, Outcome};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::borrow::Cow;

/// Every top-level field of the native schema.
pub const FIELDS: &[&str] = &[
    "event_id",
    "time",
    "actor",
    "actor_type",
    "actor_group",
    "action",
    "resource",
    "records",
    "bytes",
    "outcome",
    "sensitivity",
    "subject_jurisdictions",
    "source_ip",
    "region",
    "attributes",
];

const REQUIRED: &[&str] = &["time", "actor", "action", "resource"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WireEvent<'a> {
    #[serde(borrow)]
    pub event_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub time: Cow<'a, str>,
    #[serde(borrow)]
    pub actor: Cow<'a, str>,
    pub actor_type: Option<ActorType>,
    #[serde(borrow)]
    pub actor_group: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub action: Cow<'a, str>,
    #[serde(borrow)]
    pub resource: Cow<'a, str>,
    pub records: Option<i64>,
    pub bytes: Option<i64>,
    pub outcome: Option<Outcome>,
    #[serde(borrow)]
    pub sensitivity: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub subject_jurisdictions: Option<Vec<Cow<'a, str>>>,
    #[serde(borrow)]
    pub source_ip: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub region: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub attributes: Option<&'a RawValue>,
}

/// A field-level complaint: which field (if any) and why.
pub type Complaint = (Option<String>, String);

/// Explains why `raw` did not parse as a [`WireEvent`], naming the field. `fallback` is serde's own
/// message, used only if no specific cause is found.
pub fn diagnose(raw: &[u8], fallback: &str) -> Complaint {
    let value: Value = match serde_json::from_slice(raw) {
        Ok(v) => v,
        Err(e) => return (None, format!("invalid JSON: {e}")),
    };
    let Value::Object(map) = value else {
        return (None, "an event must be a JSON object".into());
    };
    if let Some(unknown) = map.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return (
            Some(unknown.clone()),
            format!(
                "unknown field `{unknown}`; known fields: {}",
                FIELDS.join(", ")
            ),
        );
    }
    if let Some(missing) = REQUIRED
        .iter()
        .find(|f| map.get(**f).is_none_or(Value::is_null))
    {
        return (
            Some(missing.to_string()),
            "required field is missing".into(),
        );
    }
    for (name, value) in &map {
        if let Some(problem) = type_problem(name, value) {
            return (Some(name.clone()), problem);
        }
    }
    (None, fallback.to_string())
}

fn type_problem(name: &str, value: &Value) -> Option<String> {
    if value.is_null() {
        return None;
    }
    let expect =
        |ok: bool, what: &str| (!ok).then(|| format!("must be {what}, got {}", kind(value)));
    match name {
        "records" | "bytes" => match value {
            Value::Number(n) if n.is_i64() => None,
            Value::Number(n) if n.is_u64() => Some("is too large".into()),
            _ => Some(format!(
                "must be a non-negative integer, got {}",
                kind(value)
            )),
        },
        "actor_type" => expect(
            matches!(value.as_str(), Some("user" | "service")),
            "\"user\" or \"service\"",
        ),
        "outcome" => expect(
            matches!(value.as_str(), Some("success" | "denied" | "error")),
            "\"success\", \"denied\" or \"error\"",
        ),
        "subject_jurisdictions" => expect(
            value
                .as_array()
                .is_some_and(|a| a.iter().all(Value::is_string)),
            "an array of jurisdiction codes",
        ),
        "attributes" => expect(value.is_object(), "an object"),
        _ => expect(value.is_string(), "a string"),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn why(raw: &str) -> Complaint {
        diagnose(raw.as_bytes(), "fallback")
    }

    #[test]
    fn unknown_fields_are_named() {
        let (field, msg) =
            why(r#"{"time":"x","actor":"a","action":"read","resource":"r","recods":5}"#);
        assert_eq!(field.as_deref(), Some("recods"));
        assert!(msg.contains("unknown field `recods`"), "{msg}");
    }

    #[test]
    fn missing_required_fields_are_named() {
        let (field, _) = why(r#"{"actor":"a","action":"read","resource":"r"}"#);
        assert_eq!(field.as_deref(), Some("time"));
    }

    #[test]
    fn wrong_types_are_named_with_what_was_expected() {
        let (field, msg) =
            why(r#"{"time":"t","actor":"a","action":"r","resource":"r","records":1.5}"#);
        assert_eq!(field.as_deref(), Some("records"));
        assert!(msg.contains("non-negative integer"), "{msg}");
        let (field, _) =
            why(r#"{"time":"t","actor":"a","action":"r","resource":"r","outcome":"ok"}"#);
        assert_eq!(field.as_deref(), Some("outcome"));
    }

    #[test]
    fn broken_json_has_no_field() {
        assert_eq!(why("{\"time\":").0, None);
    }
}
