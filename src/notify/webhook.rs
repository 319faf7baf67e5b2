//! The generic webhook: a default JSON payload or a user template, signed per Standard Webhooks
//! (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256(key,
//! "id.timestamp.body")>`, key = base64 after `whsec_`), so receivers verify with any of its libraries.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

use super::message::Notification;

/// The default payload, also `{{payload}}` in templates.
pub fn payload(n: &Notification) -> Value {
    json!({
        "id": n.id,
        "type": "accesswatch.alerts",
        "receiver": n.receiver,
        "status": n.status(),
        "group_key": n.group_key,
        "title": n.title(),
        "alerts": alerts(n),
    })
}

/// Each alert's JSON with its current status, the change being announced and its link.
pub fn alerts(n: &Notification) -> Value {
    Value::Array(
        n.items
            .iter()
            .map(|i| {
                let mut a = i.body.clone();
                if let Value::Object(map) = &mut a {
                    map.insert("status".into(), json!(i.alert.status));
                    map.insert("change".into(), json!(i.kind));
                    map.insert("changed_by".into(), json!(i.who));
                    map.insert("url".into(), json!(n.link(&i.alert.id)));
                }
                a
            })
            .collect(),
    )
}

/// The request body: the template with its placeholders filled, or the default payload.
pub fn body(n: &Notification, template: Option<&str>) -> String {
    let Some(template) = template else {
        return payload(n).to_string();
    };
    let escaped = |s: &str| {
        let quoted = Value::String(s.to_string()).to_string();
        quoted[1..quoted.len() - 1].to_string()
    };
    let first_url = n
        .items
        .first()
        .map(|i| n.link(&i.alert.id))
        .unwrap_or_default();
    let vars = [
        ("payload", payload(n).to_string()),
        ("alerts", alerts(n).to_string()),
        ("title", escaped(&n.title())),
        ("text", escaped(&n.text())),
        ("status", n.status().to_string()),
        ("id", escaped(&n.id)),
        ("receiver", escaped(&n.receiver)),
        ("group_key", escaped(&n.group_key)),
        ("count", n.items.len().to_string()),
        ("url", escaped(&first_url)),
    ];
    vars.iter()
        .fold(template.to_string(), |out, (name, value)| {
            out.replace(&format!("{{{{{name}}}}}"), value)
        })
}

/// The HMAC key of a `whsec_` secret.
pub fn secret_key(secret: &str) -> Result<Vec<u8>, String> {
    let encoded = secret
        .strip_prefix("whsec_")
        .ok_or("secret must start with whsec_ (Standard Webhooks)")?;
    STANDARD
        .decode(encoded)
        .map_err(|_| "secret after whsec_ must be base64".to_string())
}

/// `v1,<signature>` for the Standard Webhooks `webhook-signature` header.
pub fn sign(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_the_standard_webhooks_reference_vector() {
        // From the Standard Webhooks specification's test vectors.
        let key = secret_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let body = br#"{"test": 2432232314}"#;
        assert_eq!(
            sign(&key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }
}
