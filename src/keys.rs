//! API keys: `aw_` followed by 43 URL-safe characters (256 random bits). Only the SHA-256 of a key
//! is stored; a key's entropy makes a slow password hash unnecessary.

use crate::store::{NewApiKey, Scope, Store, StoreResult};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

const PREFIX: &str = "aw_";

/// A freshly generated key: `secret` is shown once and never stored.
pub struct IssuedKey {
    pub secret: String,
    pub record: NewApiKey,
}

/// Hex SHA-256 of a presented key, the lookup value in the store.
pub fn hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Generates a key for `name` with `scope`.
pub fn generate(name: &str, scope: Scope, now_ms: i64) -> IssuedKey {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret = format!(
        "{PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
    IssuedKey {
        record: NewApiKey {
            name: name.to_string(),
            key_hash: hash(&secret),
            scope,
            created_ms: now_ms,
        },
        secret,
    }
}

/// Generates and stores a key, returning the secret to show once.
pub async fn create(store: &dyn Store, name: &str, scope: Scope) -> StoreResult<String> {
    let issued = generate(name, scope, chrono::Utc::now().timestamp_millis());
    store.insert_api_key(&issued.record).await?;
    Ok(issued.secret)
}

/// Whether `candidate` has the shape of a key (cheap check before touching the store).
pub fn looks_like_key(candidate: &str) -> bool {
    candidate.len() >= PREFIX.len() + 32
        && candidate.len() <= 128
        && candidate.starts_with(PREFIX)
        && candidate[PREFIX.len()..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_have_the_documented_format_and_differ() {
        let a = generate("a", Scope::Ingest, 0);
        let b = generate("b", Scope::Ingest, 0);
        assert!(
            a.secret.starts_with("aw_") && a.secret.len() == 46,
            "{}",
            a.secret
        );
        assert!(looks_like_key(&a.secret));
        assert_ne!(a.secret, b.secret);
        assert_eq!(a.record.key_hash, hash(&a.secret));
        assert!(!a.record.key_hash.contains(&a.secret[3..]));
    }

    #[test]
    fn malformed_candidates_are_not_keys() {
        assert!(!looks_like_key("aw_short"));
        assert!(!looks_like_key(
            "xx_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        ));
        assert!(!looks_like_key(
            "aw_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA A"
        ));
    }
}
