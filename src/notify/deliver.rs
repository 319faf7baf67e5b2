//! One attempt over HTTP and what its answer means for the outbox: 2xx is delivered; 408, 429 and
//! 5xx (and network errors) are retried, honouring `Retry-After`; any other 4xx is permanent (the
//! request itself is wrong, sending it again cannot help). Also the retry schedule.

use std::time::Duration;

use rand::Rng;
use reqwest::header::{HeaderMap, RETRY_AFTER};

/// Why an attempt failed.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    Transient {
        status: Option<u16>,
        retry_after: Option<Duration>,
        message: String,
    },
    Permanent {
        status: Option<u16>,
        message: String,
    },
}

impl Failure {
    pub fn status(&self) -> Option<u16> {
        match self {
            Failure::Transient { status, .. } | Failure::Permanent { status, .. } => *status,
        }
    }

    pub fn message(&self) -> &str {
        match self {
            Failure::Transient { message, .. } | Failure::Permanent { message, .. } => message,
        }
    }

    pub fn transient(message: impl Into<String>) -> Self {
        Failure::Transient {
            status: None,
            retry_after: None,
            message: message.into(),
        }
    }
}

/// Sends `body` and classifies the answer; returns the HTTP status on success.
pub async fn post(request: reqwest::RequestBuilder, body: Vec<u8>) -> Result<u16, Failure> {
    let response = request.body(body).send().await.map_err(|e| {
        // Without the URL: webhook URLs carry tokens.
        Failure::transient(e.without_url().to_string())
    })?;
    let status = response.status().as_u16();
    if response.status().is_success() {
        return Ok(status);
    }
    let retry_after = retry_after(response.headers());
    // A short excerpt of the answer helps the operator; receivers do not echo our secrets.
    let excerpt: String = response
        .text()
        .await
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect();
    let message = format!("HTTP {status}: {excerpt}");
    if matches!(status, 408 | 429) || status >= 500 {
        Err(Failure::Transient {
            status: Some(status),
            retry_after,
            message,
        })
    } else {
        Err(Failure::Permanent {
            status: Some(status),
            message,
        })
    }
}

/// `Retry-After` as seconds or as an HTTP date.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = at.timestamp_millis() - chrono::Utc::now().timestamp_millis();
    Some(Duration::from_millis(u64::try_from(wait).unwrap_or(0)))
}

/// Delay before retry number `attempts + 1`: exponential from `initial`, capped at `max`, with
/// "equal jitter" (half fixed, half random) so receivers recovering from an outage are not hit by
/// every sender at once; a `Retry-After` from the receiver wins.
pub fn backoff(
    attempts: i64,
    initial: Duration,
    max: Duration,
    retry_after: Option<Duration>,
) -> Duration {
    if let Some(wait) = retry_after {
        return wait;
    }
    let exp = u32::try_from(attempts.clamp(0, 30)).unwrap_or(30);
    let full = initial.saturating_mul(2u32.saturating_pow(exp)).min(max);
    let half = full / 2;
    half + half.mul_f64(rand::thread_rng().gen_range(0.0..=1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_up_to_the_cap_and_retry_after_wins() {
        let (i, m) = (Duration::from_secs(1), Duration::from_secs(60));
        for attempts in 0..10 {
            let full = (i * 2u32.pow(attempts as u32)).min(m);
            let d = backoff(attempts, i, m, None);
            assert!(d >= full / 2 && d <= full, "{attempts}: {d:?}");
        }
        assert_eq!(
            backoff(3, i, m, Some(Duration::from_secs(7))),
            Duration::from_secs(7)
        );
    }

    #[test]
    fn retry_after_reads_seconds() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, "2".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(2)));
    }
}
