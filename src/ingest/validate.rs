//! From one raw item to a [`NewEvent`], or an [`ItemError`] that names the field.

use super::wire::{diagnose, WireEvent};
use super::{Item, ItemError};
use crate::store::NewEvent;
use std::borrow::Cow;
use std::net::IpAddr;

/// Size and time bounds applied to every event.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Latest acceptable event time, epoch ms (now plus the tolerated clock skew).
    pub latest_ms: i64,
}

const MAX_EVENT_ID: usize = 128;
const MAX_ACTOR: usize = 256;
const MAX_RESOURCE: usize = 512;
const MAX_SHORT: usize = 64;
const MAX_JURISDICTIONS: usize = 300;
const MAX_ATTRIBUTES_BYTES: usize = 16 * 1024;

pub fn validate_item(item: &Item<'_>, limits: &Limits) -> Result<NewEvent, ItemError> {
    let fail = |event_id: Option<String>, field: Option<&str>, message: String| ItemError {
        index: item.index,
        line: item.line,
        event_id,
        field: field.map(str::to_string),
        message,
    };
    let wire: WireEvent<'_> = serde_json::from_slice(item.raw).map_err(|e| {
        let (field, message) = diagnose(item.raw, &e.to_string());
        fail(readable_event_id(item.raw), field.as_deref(), message)
    })?;
    let event_id = wire.event_id.as_deref().map(str::to_string);
    to_new_event(wire, limits).map_err(|(field, message)| fail(event_id, Some(field), message))
}

type Invalid = (&'static str, String);

fn to_new_event(w: WireEvent<'_>, limits: &Limits) -> Result<NewEvent, Invalid> {
    let event_id = optional("event_id", w.event_id, MAX_EVENT_ID)?;
    let ts = chrono::DateTime::parse_from_rfc3339(&w.time)
        .map_err(|e| ("time", format!("must be an RFC 3339 timestamp ({e})")))?;
    let ts_ms = ts.timestamp_millis();
    if ts_ms < 0 {
        return Err(("time", "must not be before 1970-01-01".into()));
    }
    if ts_ms > limits.latest_ms {
        return Err((
            "time",
            "lies too far in the future (check the sender's clock)".into(),
        ));
    }
    let records = non_negative("records", w.records.unwrap_or(1))?;
    let bytes = w.bytes.map(|b| non_negative("bytes", b)).transpose()?;
    let jurisdictions = w
        .subject_jurisdictions
        .map(|list| jurisdictions(&list))
        .transpose()?;
    let source_ip = match w.source_ip {
        Some(ip) => Some(
            ip.parse::<IpAddr>()
                .map_err(|_| {
                    (
                        "source_ip",
                        format!("`{}` is not an IP address", truncate(&ip)),
                    )
                })?
                .to_string(),
        ),
        None => None,
    };
    let attributes = match w.attributes {
        Some(raw) if raw.get().len() > MAX_ATTRIBUTES_BYTES => {
            return Err((
                "attributes",
                format!("exceeds {MAX_ATTRIBUTES_BYTES} bytes"),
            ));
        }
        Some(raw) if raw.get() == "null" => None,
        Some(raw) => Some(raw.get().to_string()),
        None => None,
    };
    Ok(NewEvent {
        eid_hash: event_id.as_deref().map(hash_event_id),
        event_id,
        ts_ms,
        actor: required("actor", w.actor, MAX_ACTOR)?,
        actor_type: w.actor_type.unwrap_or_default(),
        actor_group: optional("actor_group", w.actor_group, MAX_ACTOR)?,
        action: required("action", w.action, MAX_SHORT)?.to_ascii_lowercase(),
        resource: required("resource", w.resource, MAX_RESOURCE)?,
        records,
        bytes,
        outcome: w.outcome.unwrap_or_default(),
        sensitivity: optional("sensitivity", w.sensitivity, MAX_SHORT)?
            .map(|s| s.to_ascii_lowercase()),
        jurisdictions,
        source_ip,
        region: optional("region", w.region, MAX_SHORT)?,
        attributes,
    })
}

/// The dedup key: xxh3-64 of the client's `event_id`, as a signed integer column.
pub fn hash_event_id(id: &str) -> i64 {
    xxhash_rust::xxh3::xxh3_64(id.as_bytes()) as i64
}

fn required(field: &'static str, value: Cow<'_, str>, max: usize) -> Result<String, Invalid> {
    if value.trim().is_empty() {
        return Err((field, "must not be empty".into()));
    }
    optional(field, Some(value), max).map(|v| v.unwrap_or_default())
}

fn optional(
    field: &'static str,
    value: Option<Cow<'_, str>>,
    max: usize,
) -> Result<Option<String>, Invalid> {
    match value {
        Some(v) if v.chars().count() > max => Err((field, format!("exceeds {max} characters"))),
        Some(v) if v.is_empty() => Ok(None),
        Some(v) => Ok(Some(v.into_owned())),
        None => Ok(None),
    }
}

fn non_negative(field: &'static str, n: i64) -> Result<i64, Invalid> {
    if n < 0 {
        return Err((field, format!("must be >= 0, got {n}")));
    }
    Ok(n)
}

fn jurisdictions(list: &[Cow<'_, str>]) -> Result<String, Invalid> {
    const FIELD: &str = "subject_jurisdictions";
    if list.len() > MAX_JURISDICTIONS {
        return Err((FIELD, format!("lists more than {MAX_JURISDICTIONS} codes")));
    }
    let mut codes: Vec<String> = Vec::with_capacity(list.len());
    for code in list {
        let upper = code.trim().to_ascii_uppercase();
        if !is_jurisdiction_code(&upper) {
            return Err((
                FIELD,
                format!("`{}` is not a code like IN, DE or US-CA", truncate(code)),
            ));
        }
        if !codes.contains(&upper) {
            codes.push(upper);
        }
    }
    serde_json::to_string(&codes).map_err(|e| (FIELD, e.to_string()))
}

/// ISO 3166-1 alpha-2, optionally with an ISO 3166-2 subdivision (`US-CA`, `CA-QC`).
fn is_jurisdiction_code(code: &str) -> bool {
    let (country, sub) = code
        .split_once('-')
        .map_or((code, None), |(c, s)| (c, Some(s)));
    country.len() == 2
        && country.bytes().all(|b| b.is_ascii_uppercase())
        && sub.is_none_or(|s| {
            (1..=3).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

fn truncate(s: &str) -> String {
    s.chars().take(40).collect()
}

/// The `event_id` of an item that failed to parse, when it can still be read.
fn readable_event_id(raw: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct IdOnly {
        event_id: Option<String>,
    }
    serde_json::from_slice::<IdOnly>(raw)
        .ok()
        .and_then(|i| i.event_id)
        .filter(|id| id.chars().count() <= MAX_EVENT_ID)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAR_FUTURE: Limits = Limits {
        latest_ms: i64::MAX,
    };

    fn check(json: &str) -> Result<NewEvent, ItemError> {
        validate_item(
            &Item {
                index: 3,
                line: Some(4),
                raw: json.as_bytes(),
            },
            &FAR_FUTURE,
        )
    }

    fn field_of(json: &str) -> String {
        check(json).unwrap_err().field.unwrap_or_default()
    }

    const BASE: &str = r#""time":"2026-11-30T10:00:00+05:30","actor":"alice","action":"READ","resource":"db.customers""#;

    #[test]
    fn a_minimal_event_gets_the_documented_defaults() {
        let e = check(&format!("{{{BASE}}}")).unwrap();
        assert_eq!(e.records, 1);
        assert_eq!(e.action, "read");
        assert_eq!(e.ts_ms, 1_796_013_000_000);
        assert_eq!(e.eid_hash, None);
    }

    #[test]
    fn negative_records_name_the_field_and_keep_the_event_id() {
        let err = check(&format!(r#"{{{BASE},"event_id":"e1","records":-5}}"#)).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("records"));
        assert_eq!(err.event_id.as_deref(), Some("e1"));
        assert_eq!((err.index, err.line), (3, Some(4)));
    }

    #[test]
    fn oversized_fields_and_bad_values_are_named() {
        let big = "x".repeat(2 << 20);
        assert_eq!(
            field_of(&format!(r#"{{{BASE},"region":"{big}"}}"#)),
            "region"
        );
        assert_eq!(
            field_of(&format!(r#"{{{BASE},"attributes":{{"a":"{big}"}}}}"#)),
            "attributes"
        );
        assert_eq!(
            field_of(&format!(r#"{{{BASE},"source_ip":"999.1.1.1"}}"#)),
            "source_ip"
        );
        assert_eq!(
            field_of(&format!(r#"{{{BASE},"subject_jurisdictions":["India"]}}"#)),
            "subject_jurisdictions"
        );
        assert_eq!(
            field_of(r#"{"time":"yesterday","actor":"a","action":"r","resource":"r"}"#),
            "time"
        );
        assert_eq!(
            field_of(r#"{"time":"2026-01-01T00:00:00Z","actor":" ","action":"r","resource":"r"}"#),
            "actor"
        );
    }

    #[test]
    fn events_from_the_future_are_refused() {
        let limits = Limits { latest_ms: 0 };
        let raw = format!("{{{BASE}}}");
        let err = validate_item(
            &Item {
                index: 0,
                line: None,
                raw: raw.as_bytes(),
            },
            &limits,
        )
        .unwrap_err();
        assert_eq!(err.field.as_deref(), Some("time"));
    }

    #[test]
    fn jurisdiction_codes_are_normalised_and_deduplicated() {
        let e = check(&format!(
            r#"{{{BASE},"subject_jurisdictions":["in","US-CA","IN"]}}"#
        ))
        .unwrap();
        assert_eq!(e.jurisdictions.as_deref(), Some(r#"["IN","US-CA"]"#));
    }
}
