//! OCSF input (`POST /v1/events/ocsf`): Datastore Activity (6005), API Activity (6003) and File
//! System Activity (1001) events mapped onto the native schema, then validated like native events.
//!
//! OCSF has no standard field for records returned, sensitivity or data subjects' jurisdictions;
//! they are read from `unmapped.records`, `unmapped.sensitivity` and `unmapped.subject_jurisdictions`
//! (the rest of `unmapped` is kept as `attributes`). The full mapping is in docs/OCSF.md.

use serde_json::{json, Map, Value};

use super::{validate_item, Item, ItemError, Limits};
use crate::store::NewEvent;

const CLASSES: [u64; 3] = [6005, 6003, 1001];

/// Maps one OCSF item and validates the result; errors name the OCSF field where the mapping failed.
pub fn validate_ocsf_item(item: &Item<'_>, limits: &Limits) -> Result<NewEvent, ItemError> {
    let fail = |field: Option<&str>, message: String| ItemError {
        index: item.index,
        line: item.line,
        event_id: None,
        field: field.map(str::to_string),
        message,
    };
    let value: Value =
        serde_json::from_slice(item.raw).map_err(|e| fail(None, format!("invalid JSON: {e}")))?;
    let native = to_native(&value).map_err(|(field, message)| fail(Some(field), message))?;
    let bytes = serde_json::to_vec(&native).map_err(|e| fail(None, e.to_string()))?;
    validate_item(
        &Item {
            raw: &bytes,
            ..*item
        },
        limits,
    )
    .map_err(|mut e| {
        e.message = format!("{} (after mapping OCSF to the native schema)", e.message);
        e
    })
}

type Failure = (&'static str, String);

/// The native event for an OCSF event, or the OCSF field that prevents the mapping.
pub fn to_native(ocsf: &Value) -> Result<Value, Failure> {
    let at = |path: &str| ocsf.pointer(path).filter(|v| !v.is_null());
    let text = |path: &str| at(path).and_then(Value::as_str).map(str::to_string);
    let class = at("/class_uid")
        .and_then(Value::as_u64)
        .ok_or(("class_uid", "required".to_string()))?;
    if !CLASSES.contains(&class) {
        return Err((
            "class_uid",
            format!("{class} is not supported: use 6005, 6003 or 1001"),
        ));
    }
    let time_ms = at("/time")
        .and_then(Value::as_i64)
        .ok_or(("time", "required: epoch milliseconds".to_string()))?;
    let time = chrono::DateTime::from_timestamp_millis(time_ms)
        .ok_or(("time", format!("{time_ms} is out of range")))?
        .to_rfc3339();
    let actor = text("/actor/user/name")
        .or_else(|| text("/actor/user/uid"))
        .or_else(|| text("/actor/user/email_addr"))
        .or_else(|| text("/actor/app_name"))
        .ok_or((
            "actor.user.name",
            "no actor: set actor.user.name, uid, email_addr or actor.app_name".to_string(),
        ))?;
    let is_service = at("/actor/user/type_id").and_then(Value::as_u64) == Some(3)
        || (at("/actor/user").is_none() && at("/actor/app_name").is_some());
    let resource = match class {
        6005 => match (
            text("/database/name"),
            text("/table/name"),
            text("/databucket/name"),
        ) {
            (Some(db), Some(table), _) => Some(format!("{db}.{table}")),
            (_, Some(table), _) => Some(table),
            (db, None, bucket) => bucket.or(db),
        },
        6003 => text("/resources/0/name").or_else(|| {
            let service = text("/api/service/name")?;
            Some(format!(
                "{service}/{}",
                text("/api/operation").unwrap_or_default()
            ))
        }),
        _ => text("/file/path").or_else(|| text("/file/name")),
    }
    .ok_or((
        "resource",
        "no resource: database/table, databucket, resources[0].name, api.service or file.path"
            .to_string(),
    ))?;
    let action = text("/activity_name")
        .or_else(|| text("/api/operation"))
        .ok_or(("activity_name", "required".to_string()))?;
    let outcome = match (
        at("/disposition_id").and_then(Value::as_u64),
        at("/status_id").and_then(Value::as_u64),
    ) {
        (Some(2), _) => "denied",
        (_, Some(2)) => "error",
        _ => "success",
    };
    let mut native = json!({
        "time": time,
        "actor": actor,
        "actor_type": if is_service { "service" } else { "user" },
        "action": action.to_ascii_lowercase(),
        "resource": resource,
        "outcome": outcome,
    });
    let copies = [
        ("event_id", at("/metadata/uid")),
        ("actor_group", at("/actor/user/groups/0/name")),
        ("source_ip", at("/src_endpoint/ip")),
        (
            "region",
            at("/cloud/region").or_else(|| at("/src_endpoint/location/region")),
        ),
        ("bytes", at("/traffic/bytes_out")),
        ("records", at("/unmapped/records")),
        ("sensitivity", at("/unmapped/sensitivity")),
        (
            "subject_jurisdictions",
            at("/unmapped/subject_jurisdictions"),
        ),
    ];
    for (name, value) in copies {
        if let Some(v) = value {
            native[name] = v.clone();
        }
    }
    if let Some(Value::Object(unmapped)) = at("/unmapped") {
        let rest: Map<String, Value> = unmapped
            .iter()
            .filter(|(k, _)| {
                !matches!(
                    k.as_str(),
                    "records" | "sensitivity" | "subject_jurisdictions"
                )
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if !rest.is_empty() {
            native["attributes"] = Value::Object(rest);
        }
    }
    Ok(native)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_datastore_read_maps_onto_the_native_schema() {
        let ocsf = json!({
            "class_uid": 6005, "activity_name": "Read", "time": 1_796_013_000_000_i64,
            "metadata": {"uid": "o-1"},
            "actor": {"user": {"name": "alice@example.com", "groups": [{"name": "support"}]}},
            "database": {"name": "crm"}, "table": {"name": "customers"},
            "src_endpoint": {"ip": "10.1.2.3"}, "disposition_id": 2,
            "unmapped": {"records": 5000, "sensitivity": "pii", "ticket": "T-9"}
        });
        let native = to_native(&ocsf).unwrap();
        assert_eq!(native["resource"], "crm.customers");
        assert_eq!(native["action"], "read");
        assert_eq!(native["outcome"], "denied");
        assert_eq!(native["actor_group"], "support");
        assert_eq!(native["records"], 5000);
        assert_eq!(native["event_id"], "o-1");
        assert_eq!(native["attributes"], json!({"ticket": "T-9"}));
    }

    #[test]
    fn api_and_file_activity_find_their_resource() {
        let api = json!({"class_uid": 6003, "time": 0, "actor": {"app_name": "billing"},
            "api": {"operation": "GetCustomer", "service": {"name": "crm-api"}}});
        let native = to_native(&api).unwrap();
        assert_eq!(
            (native["resource"].as_str(), native["actor_type"].as_str()),
            (Some("crm-api/GetCustomer"), Some("service"))
        );
        let file = json!({"class_uid": 1001, "time": 0, "activity_name": "Read",
            "actor": {"user": {"uid": "u1"}}, "file": {"path": "/exports/all.csv"}});
        assert_eq!(to_native(&file).unwrap()["resource"], "/exports/all.csv");
    }

    #[test]
    fn unsupported_classes_and_missing_fields_are_named() {
        assert_eq!(
            to_native(&json!({"class_uid": 4001, "time": 0}))
                .unwrap_err()
                .0,
            "class_uid"
        );
        assert_eq!(
            to_native(&json!({"class_uid": 6005})).unwrap_err().0,
            "time"
        );
        let no_actor =
            json!({"class_uid": 6005, "time": 0, "activity_name": "Read", "table": {"name": "t"}});
        assert_eq!(to_native(&no_actor).unwrap_err().0, "actor.user.name");
    }
}
