//! Turning findings into the sentence and evidence a human acts on.
//!
//! Every detector writes its own clause (`Finding::what`: who read what, how much against which
//! baseline); this module joins clauses, formats numbers and builds the `Alert`.

use crate::alert::{Alert, Contribution, Evidence, ResourceCount, Severity};
use crate::config::Config;
use crate::finding::Finding;
use crate::timefmt::{format_utc, DAY_MS, HOUR_MS, MINUTE_MS};

/// Evidence event ids carried by an alert.
pub const MAX_EVENT_IDS: usize = 20;

/// `48,200` (integers) or `3.4` (small fractions).
pub fn count(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".to_owned();
    }
    if x.abs() < 10.0 && x.fract().abs() > 1e-9 {
        return format!("{x:.1}");
    }
    let n = x.round() as i64;
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `96x` / `2.5x`.
pub fn ratio(observed: f64, expected: f64) -> String {
    let r = observed / expected.max(1e-9);
    if r >= 10.0 {
        format!("{}x", count(r))
    } else {
        format!("{r:.1}x")
    }
}

/// `5 min` / `3 h` / `2 days`.
pub fn duration(ms: i64) -> String {
    if ms >= DAY_MS && ms % DAY_MS == 0 {
        let d = ms / DAY_MS;
        format!("{d} day{}", if d == 1 { "" } else { "s" })
    } else if ms >= HOUR_MS && ms % HOUR_MS == 0 {
        format!("{} h", ms / HOUR_MS)
    } else {
        format!("{} min", (ms / MINUTE_MS).max(1))
    }
}

/// Score 0-100 from a natural-log p-value.
pub fn score(ln_p: f64, cfg: &Config) -> f64 {
    let log10 = -ln_p / std::f64::consts::LN_10;
    (100.0 * log10 / cfg.combiner.score_full_log10).clamp(0.0, 100.0)
}

fn contribution(f: &Finding, cfg: &Config) -> Contribution {
    Contribution {
        detector: f.family.name().to_owned(),
        score: score(f.ln_p, cfg),
        p_value: f.p_value(),
        observed: f.observed,
        expected: f.expected,
        unit: f.unit.clone(),
        baseline: f.baseline.clone(),
    }
}

/// Builds the alert from one actor's findings (strongest first) and their combined `ln p`.
pub fn alert(
    actor: &str,
    group: Option<&str>,
    findings: &[Finding],
    combined_ln_p: f64,
    detected_ms: i64,
    cfg: &Config,
) -> Option<Alert> {
    let lead = findings.first()?;
    let mut resources: Vec<ResourceCount> = Vec::new();
    let mut event_ids: Vec<String> = Vec::new();
    for f in findings {
        for r in &f.top_resources {
            match resources.iter_mut().find(|x| x.resource == r.resource) {
                Some(x) if x.records < r.records => *x = r.clone(),
                Some(_) => {}
                None => resources.push(r.clone()),
            }
        }
        for id in &f.event_ids {
            if event_ids.len() < MAX_EVENT_IDS && !event_ids.contains(id) {
                event_ids.push(id.clone());
            }
        }
    }
    resources.sort_by(|a, b| {
        b.records
            .cmp(&a.records)
            .then_with(|| a.resource.cmp(&b.resource))
    });
    let s = score(combined_ln_p, cfg);
    let who = match group {
        Some(g) if g != actor => format!("{actor} ({g})"),
        _ => actor.to_owned(),
    };
    let top = resources
        .first()
        .filter(|r| r.records > 0 && lead.unit == "records")
        .map(|r| {
            format!(
                "; mostly {} ({} records)",
                r.resource,
                count(r.records as f64)
            )
        })
        .unwrap_or_default();
    let also: Vec<&str> = findings.iter().skip(1).map(|f| f.family.name()).collect();
    let also = if also.is_empty() {
        String::new()
    } else {
        format!(". Corroborated by: {}", also.join(", "))
    };
    let start = findings
        .iter()
        .map(|f| f.start_ms)
        .min()
        .unwrap_or(lead.start_ms);
    Some(Alert {
        actor: actor.to_owned(),
        actor_group: group.map(str::to_owned),
        time_ms: start,
        detected_ms,
        detector: lead.family.name().to_owned(),
        detectors: findings
            .iter()
            .map(|f| f.family.name().to_owned())
            .collect(),
        severity: Severity::from_score(s),
        score: s,
        p_value: combined_ln_p.exp(),
        summary: format!("{who} {}{top}{also}.", lead.what),
        evidence: Evidence {
            observed: lead.observed,
            expected: lead.expected,
            baseline: lead.baseline.clone(),
            unit: lead.unit.clone(),
            window: format!(
                "{} from {}",
                duration(lead.span_ms),
                format_utc(lead.start_ms)
            ),
            window_start_ms: lead.start_ms,
            window_end_ms: lead.start_ms + lead.span_ms,
            top_resources: resources.iter().take(5).cloned().collect(),
            contributions: findings.iter().map(|f| contribution(f, cfg)).collect(),
        },
        resources: resources.into_iter().map(|r| r.resource).collect(),
        event_ids,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_like_a_human_wrote_them() {
        assert_eq!(count(48_200.0), "48,200");
        assert_eq!(count(999.0), "999");
        assert_eq!(count(1_000_000.0), "1,000,000");
        assert_eq!(count(2.5), "2.5");
        assert_eq!(ratio(48_200.0, 500.0), "96x");
        assert_eq!(ratio(750.0, 500.0), "1.5x");
        assert_eq!(duration(5 * MINUTE_MS), "5 min");
        assert_eq!(duration(3 * DAY_MS), "3 days");
    }

    #[test]
    fn scores_map_p_values_onto_zero_to_hundred() {
        let cfg = Config::default();
        assert_eq!(score(0.0, &cfg), 0.0);
        assert!((score((1e-8f64).ln(), &cfg) - 50.0).abs() < 1e-9);
        assert_eq!(score(-1e6, &cfg), 100.0);
    }
}
