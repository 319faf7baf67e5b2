//! What routing, grouping and silences look at: an alert's labels. Kept in one place so the three
//! always agree on what "actor group" or "resource" means.

use super::config::{AlertingConfig, Route};
use crate::store::{Matchers, Silence};

/// The labels of one alert.
#[derive(Debug, Clone)]
pub struct Labels<'a> {
    pub actor: &'a str,
    pub group: Option<&'a str>,
    pub detector: &'a str,
    pub severity: &'a str,
    pub resources: &'a [String],
}

impl Labels<'_> {
    fn get(&self, label: &str) -> String {
        match label {
            "actor" => self.actor.to_string(),
            "group" => self.group.unwrap_or_default().to_string(),
            "detector" => self.detector.to_string(),
            "severity" => self.severity.to_string(),
            "resource" => self.resources.first().cloned().unwrap_or_default(),
            _ => String::new(),
        }
    }

    /// Alertmanager-style group key: `{actor="alice"}` for `group_by = ["actor"]`.
    pub fn group_key(&self, group_by: &[String]) -> String {
        let pairs: Vec<String> = group_by
            .iter()
            .map(|l| format!("{l}={:?}", self.get(l)))
            .collect();
        format!("{{{}}}", pairs.join(","))
    }

    /// Receivers chosen by the routing rules, in rule order, without repeats.
    pub fn receivers(&self, config: &AlertingConfig) -> Vec<String> {
        if config.routes.is_empty() {
            return config.receivers.keys().cloned().collect();
        }
        let mut chosen: Vec<String> = Vec::new();
        for route in &config.routes {
            if !self.matches_route(route) {
                continue;
            }
            for r in &route.receivers {
                if !chosen.contains(r) {
                    chosen.push(r.clone());
                }
            }
            if !route.continue_matching {
                break;
            }
        }
        chosen
    }

    fn matches_route(&self, route: &Route) -> bool {
        let any = |list: &[String], v: &str| list.is_empty() || list.iter().any(|x| x == v);
        any(&route.severities, self.severity)
            && any(&route.detectors, self.detector)
            && any(&route.actor_groups, self.group.unwrap_or_default())
    }

    /// The first silence in force that matches, if any.
    pub fn silenced_by<'s>(&self, silences: &'s [Silence], now_ms: i64) -> Option<&'s Silence> {
        silences
            .iter()
            .find(|s| s.starts_ms <= now_ms && now_ms < s.ends_ms && self.matches(&s.matchers))
    }

    fn matches(&self, m: &Matchers) -> bool {
        let one = |pattern: &Option<String>, value: Option<&str>| match pattern {
            None => true,
            Some(p) => value.is_some_and(|v| glob(p, v)),
        };
        one(&m.actor, Some(self.actor))
            && one(&m.group, self.group)
            && one(&m.detector, Some(self.detector))
            && one(&m.severity, Some(self.severity))
            && (m.resource.is_none() || self.resources.iter().any(|r| one(&m.resource, Some(r))))
    }
}

/// Exact match, or a prefix match when the pattern ends with `*`.
fn glob(pattern: &str, value: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => value.starts_with(prefix),
        None => pattern == value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(resources: &[String]) -> Labels<'_> {
        Labels {
            actor: "alice@example.com",
            group: Some("support"),
            detector: "volume",
            severity: "high",
            resources,
        }
    }

    #[test]
    fn group_keys_name_their_labels() {
        let r = vec!["db.customers".to_string()];
        let key = labels(&r).group_key(&["actor".into(), "detector".into()]);
        assert_eq!(key, r#"{actor="alice@example.com",detector="volume"}"#);
    }

    #[test]
    fn silences_match_on_every_given_matcher_and_prefixes() {
        let r = vec!["db.customers".to_string()];
        let silence = |m: Matchers| Silence {
            id: "s".into(),
            matchers: m,
            starts_ms: 0,
            ends_ms: 100,
            author: "a".into(),
            comment: "c".into(),
            created_by: "k".into(),
            created_ms: 0,
        };
        let hit = silence(Matchers {
            actor: Some("alice@*".into()),
            resource: Some("db.customers".into()),
            ..Matchers::default()
        });
        let miss = silence(Matchers {
            severity: Some("low".into()),
            ..Matchers::default()
        });
        assert!(labels(&r)
            .silenced_by(std::slice::from_ref(&hit), 50)
            .is_some());
        assert!(labels(&r).silenced_by(&[hit], 100).is_none(), "ended");
        assert!(labels(&r).silenced_by(&[miss], 50).is_none());
    }
}
