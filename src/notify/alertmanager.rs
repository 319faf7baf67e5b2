//! Alertmanager's webhook payload, version 4, so anything built for Alertmanager receivers
//! (ticketing bridges, chat relays) takes accesswatch notifications unchanged.

use serde_json::{json, Map, Value};

use super::message::{Item, Notification};

const ZERO_TIME: &str = "0001-01-01T00:00:00Z";

fn labels(item: &Item) -> Map<String, Value> {
    let mut l = Map::new();
    l.insert(
        "alertname".into(),
        json!(format!("accesswatch_{}", item.alert.detector)),
    );
    l.insert("actor".into(), json!(item.alert.actor));
    l.insert("detector".into(), json!(item.alert.detector));
    l.insert("severity".into(), json!(item.alert.severity));
    if let Some(g) = &item.alert.actor_group {
        l.insert("group".into(), json!(g));
    }
    if let Some(r) = item.body["resources"][0].as_str() {
        l.insert("resource".into(), json!(r));
    }
    l
}

/// Labels every alert of the notification shares.
fn common(maps: &[Map<String, Value>]) -> Map<String, Value> {
    let Some((first, rest)) = maps.split_first() else {
        return Map::new();
    };
    first
        .iter()
        .filter(|(k, v)| rest.iter().all(|m| m.get(*k) == Some(*v)))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

pub fn payload(n: &Notification) -> Value {
    let label_maps: Vec<_> = n.items.iter().map(labels).collect();
    let alerts: Vec<Value> = n
        .items
        .iter()
        .zip(&label_maps)
        .map(|(item, labels)| {
            let ends = if item.status() == "resolved" {
                crate::engine::record::rfc3339(item.alert.updated_ms)
            } else {
                ZERO_TIME.to_string()
            };
            json!({
                "status": item.status(),
                "labels": labels,
                "annotations": {
                    "summary": item.alert.summary,
                    "description": item.sentence(),
                    "change": item.state_line(),
                },
                "startsAt": item.body["time"],
                "endsAt": ends,
                "generatorURL": n.link(&item.alert.id),
                "fingerprint": format!("{:016x}", xxhash_rust::xxh3::xxh3_64(item.alert.fingerprint.as_bytes())),
            })
        })
        .collect();
    let common_labels = common(&label_maps);
    let group_labels: Map<String, Value> = common_labels
        .iter()
        .filter(|(k, _)| n.group_key.contains(&format!("{k}=")))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    json!({
        "version": "4",
        "groupKey": n.group_key,
        "truncatedAlerts": 0,
        "status": n.status(),
        "receiver": n.receiver,
        "groupLabels": group_labels,
        "commonLabels": common_labels,
        "commonAnnotations": {},
        "externalURL": n.public_url,
        "alerts": alerts,
    })
}
