//! Bearer API keys checked per handler: a handler names the scope it needs in its signature
//! (`Auth<Read>`), so no route can forget to check.

use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts, Method};
use std::marker::PhantomData;

use super::error::Error;
use super::AppState;
use crate::keys;
use crate::store::{ApiKey, Scope};

/// A scope a handler requires.
pub trait Needs: Send + Sync {
    const SCOPE: Scope;
}

/// Posting events.
pub struct Ingest;
/// Reading alerts, stats, incidents.
pub struct Read;
/// Managing keys and everything else.
pub struct Admin;

impl Needs for Ingest {
    const SCOPE: Scope = Scope::Ingest;
}
impl Needs for Read {
    const SCOPE: Scope = Scope::Read;
}
impl Needs for Admin {
    const SCOPE: Scope = Scope::Admin;
}

/// Proof that the request carried an active key allowed to use `S` routes.
pub struct Auth<S> {
    pub key: ApiKey,
    _scope: PhantomData<S>,
}

impl<S: Needs> FromRequestParts<AppState> for Auth<S> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        let presented = bearer(parts)
            .or_else(|| ui_cookie(parts))
            .filter(|k| keys::looks_like_key(k))
            .ok_or(Error::Unauthorized)?;
        let key = state
            .store
            .find_api_key(&keys::hash(presented))
            .await?
            .filter(|k| k.revoked_ms.is_none())
            .ok_or(Error::Unauthorized)?;
        if !key.scope.allows(S::SCOPE) {
            return Err(Error::Forbidden(S::SCOPE.as_str()));
        }
        Ok(Auth {
            key,
            _scope: PhantomData,
        })
    }
}

fn bearer(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
}

/// The web UI's session cookie, honoured for safe (GET/HEAD) requests only so a cross-site form
/// cannot act with it (the cookie is also `SameSite=Strict`).
fn ui_cookie(parts: &Parts) -> Option<&str> {
    if !(parts.method == Method::GET || parts.method == Method::HEAD) {
        return None;
    }
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(UI_COOKIE)?.strip_prefix('='))
}

/// Name of the web UI's session cookie.
pub const UI_COOKIE: &str = "aw_key";
