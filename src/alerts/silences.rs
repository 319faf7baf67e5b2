//! Silences as people create them, from the API and the CLI alike: matchers, a window given as an
//! end time or a duration, an author and a comment saying why (the next person on call reads it).

use rand::Rng;
use serde::Deserialize;
use serde_json::{json, Value};

use super::duration;
use crate::engine::record::rfc3339;
use crate::store::{Matchers, Silence};

/// A request to silence alerts.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SilenceRequest {
    pub matchers: Matchers,
    /// RFC 3339; default now.
    #[serde(default)]
    pub starts_at: Option<String>,
    /// RFC 3339; or give `duration`.
    #[serde(default)]
    pub ends_at: Option<String>,
    /// `2h`, `30m`, `1d`: from `starts_at`.
    #[serde(default)]
    pub duration: Option<String>,
    /// Defaults to the creating key's name.
    #[serde(default)]
    pub author: Option<String>,
    pub comment: String,
}

fn time(name: &str, v: &str) -> Result<i64, String> {
    chrono::DateTime::parse_from_rfc3339(v)
        .map(|t| t.timestamp_millis())
        .map_err(|_| format!("{name} must be an RFC 3339 time"))
}

impl SilenceRequest {
    /// Validates the request into a silence created by `created_by` at `now_ms`.
    pub fn build(self, created_by: &str, now_ms: i64) -> Result<Silence, String> {
        if self.matchers == Matchers::default() {
            return Err("a silence needs at least one matcher".into());
        }
        if self.comment.trim().is_empty() {
            return Err("a silence needs a comment saying why".into());
        }
        let starts_ms = match &self.starts_at {
            Some(s) => time("starts_at", s)?,
            None => now_ms,
        };
        let ends_ms = match (&self.ends_at, &self.duration) {
            (Some(e), None) => time("ends_at", e)?,
            (None, Some(d)) => starts_ms + duration::ms(duration::parse(d)?),
            _ => return Err("give exactly one of ends_at and duration".into()),
        };
        if ends_ms <= starts_ms.max(now_ms) {
            return Err("the silence must end in the future and after it starts".into());
        }
        Ok(Silence {
            id: format!("sil_{:016x}", rand::thread_rng().gen::<u64>()),
            matchers: self.matchers,
            starts_ms,
            ends_ms,
            author: self.author.unwrap_or_else(|| created_by.to_string()),
            comment: self.comment,
            created_by: created_by.to_string(),
            created_ms: now_ms,
        })
    }
}

/// A silence as the API and `silences list --json` show it.
pub fn to_json(s: &Silence, now_ms: i64) -> Value {
    let state = if now_ms < s.starts_ms {
        "pending"
    } else if now_ms < s.ends_ms {
        "active"
    } else {
        "expired"
    };
    json!({
        "id": s.id,
        "matchers": s.matchers,
        "starts_at": rfc3339(s.starts_ms),
        "ends_at": rfc3339(s.ends_ms),
        "state": state,
        "author": s.author,
        "comment": s.comment,
        "created_by": s.created_by,
        "created_at": rfc3339(s.created_ms),
    })
}
