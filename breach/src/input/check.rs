//! Shape check of the JSON input before serde sees it. serde's own errors say "unknown field `x`" without
//! saying where, and a bad timestamp as "premature end of input"; incident managers need `facts.aware_x` and
//! `affected[2].subjects`, so the shape is walked here with paths.

use chrono::DateTime;
use serde_json::{Map, Value};

use super::Fact;
use crate::Error;

const TOP: &[&str] = &[
    "facts",
    "affected",
    "encrypted",
    "key_compromised",
    "risk",
    "malicious",
    "regimes",
    "entity",
    "submissions",
];
const AFFECTED: &[&str] = &["jurisdiction", "subjects", "categories"];
const ENTITY: &[&str] = &[
    "dora_class",
    "establishment",
    "nis2_class",
    "trust_service_provider",
    "eu_main_establishment",
    "small_processing_agent",
];
const SUBMISSION: &[&str] = &["rule_id", "submitted_at"];
const RISKS: &[&str] = &[
    "unlikely",
    "none",
    "no_risk",
    "risk",
    "low",
    "medium",
    "some",
    "high",
    "serious",
    "significant",
    "likely_high",
];

/// Checks field names, types and timestamps, naming the path of the first problem.
pub(super) fn shape(value: &Value) -> Result<(), Error> {
    let top = object(value, "input")?;
    known_keys(top, "", TOP)?;
    let facts = top
        .get("facts")
        .ok_or_else(|| Error::input("facts", "required"))?;
    let facts = object(facts, "facts")?;
    let names: Vec<&str> = Fact::ALL.iter().map(|f| f.name()).collect();
    known_keys(facts, "facts.", &names)?;
    for (key, v) in facts {
        if !v.is_null() {
            timestamp(v, &format!("facts.{key}"))?;
        }
    }
    if let Some(list) = top.get("affected") {
        for (i, item) in array(list, "affected")?.iter().enumerate() {
            let path = format!("affected[{i}]");
            let entry = object(item, &path)?;
            known_keys(entry, &format!("{path}."), AFFECTED)?;
            match entry.get("jurisdiction") {
                Some(Value::String(_)) => {}
                Some(_) => {
                    return Err(Error::input(
                        format!("{path}.jurisdiction"),
                        "must be a string",
                    ))
                }
                None => return Err(Error::input(format!("{path}.jurisdiction"), "required")),
            }
            if let Some(n) = entry.get("subjects").filter(|v| !v.is_null()) {
                if n.as_u64().is_none() {
                    return Err(Error::input(
                        format!("{path}.subjects"),
                        format!("must be a whole number >= 0, got {n}"),
                    ));
                }
            }
            if let Some(c) = entry.get("categories") {
                strings(c, &format!("{path}.categories"))?;
            }
        }
    }
    for flag in ["encrypted", "key_compromised", "malicious"] {
        if let Some(v) = top.get(flag).filter(|v| !v.is_null() && !v.is_boolean()) {
            return Err(Error::input(
                flag,
                format!("must be true or false, got {v}"),
            ));
        }
    }
    if let Some(r) = top.get("risk").filter(|v| !v.is_null()) {
        match r.as_str() {
            Some(s) if RISKS.contains(&s) => {}
            _ => {
                return Err(Error::input(
                    "risk",
                    format!("must be one of {}, got {r}", RISKS.join(", ")),
                ))
            }
        }
    }
    if let Some(r) = top.get("regimes") {
        strings(r, "regimes")?;
    }
    if let Some(e) = top.get("entity") {
        let entity = object(e, "entity")?;
        known_keys(entity, "entity.", ENTITY)?;
        for flag in ["trust_service_provider", "small_processing_agent"] {
            if let Some(v) = entity.get(flag).filter(|v| !v.is_null() && !v.is_boolean()) {
                return Err(Error::input(
                    format!("entity.{flag}"),
                    format!("must be true or false, got {v}"),
                ));
            }
        }
        for (key, v) in entity {
            if !v.is_null() && !v.is_boolean() && !v.is_string() {
                return Err(Error::input(format!("entity.{key}"), "must be a string"));
            }
        }
    }
    if let Some(list) = top.get("submissions") {
        for (i, item) in array(list, "submissions")?.iter().enumerate() {
            let path = format!("submissions[{i}]");
            let entry = object(item, &path)?;
            known_keys(entry, &format!("{path}."), SUBMISSION)?;
            if !entry.get("rule_id").is_some_and(Value::is_string) {
                return Err(Error::input(format!("{path}.rule_id"), "required string"));
            }
            let at = entry
                .get("submitted_at")
                .ok_or_else(|| Error::input(format!("{path}.submitted_at"), "required"))?;
            timestamp(at, &format!("{path}.submitted_at"))?;
        }
    }
    Ok(())
}

fn object<'a>(v: &'a Value, path: &str) -> Result<&'a Map<String, Value>, Error> {
    v.as_object()
        .ok_or_else(|| Error::input(path, "must be a JSON object"))
}

fn array<'a>(v: &'a Value, path: &str) -> Result<&'a Vec<Value>, Error> {
    v.as_array()
        .ok_or_else(|| Error::input(path, "must be a JSON array"))
}

fn strings(v: &Value, path: &str) -> Result<(), Error> {
    for (i, item) in array(v, path)?.iter().enumerate() {
        if !item.is_string() {
            return Err(Error::input(format!("{path}[{i}]"), "must be a string"));
        }
    }
    Ok(())
}

fn known_keys(map: &Map<String, Value>, prefix: &str, known: &[&str]) -> Result<(), Error> {
    let unknown: Vec<&str> = map
        .keys()
        .map(String::as_str)
        .filter(|k| !known.contains(k))
        .collect();
    match unknown.first() {
        None => Ok(()),
        Some(first) => Err(Error::input(
            format!("{prefix}{first}"),
            format!(
                "unknown field{} {}; expected one of: {}",
                if unknown.len() > 1 { "s" } else { "" },
                unknown.join(", "),
                known.join(", ")
            ),
        )),
    }
}

fn timestamp(v: &Value, path: &str) -> Result<(), Error> {
    let text = v
        .as_str()
        .ok_or_else(|| Error::input(path, "must be an RFC 3339 string"))?;
    DateTime::parse_from_rfc3339(text).map(|_| ()).map_err(|e| {
        Error::input(
            path,
            format!("{text:?} is not an RFC 3339 timestamp with offset ({e})"),
        )
    })
}
