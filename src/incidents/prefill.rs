//! Estimating who was affected from the events behind an incident's alerts, so the first obligations can be
//! computed minutes after promotion instead of after a forensic count.
//!
//! Events carry no subject identifiers, only `records` (rows returned) and `subject_jurisdictions`. The
//! estimate therefore assumes one record is one person, counts each stored event once, ignores events that
//! were denied or failed (nothing left), and attributes an event's records in full to every jurisdiction it
//! lists. That is an upper bound: repeated reads of the same rows count twice and a mixed-residence result
//! counts in each place. For notification thresholds over-counting is the safer error; the incident manager
//! replaces the estimate with the forensic figure (an audited change) when it is known.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::model::AffectedEntry;
use crate::store::StoredEvent;

/// Sensitivity labels that are not personal-data categories.
const NOT_PERSONAL: &[&str] = &["public", "internal"];

/// Per-jurisdiction estimate, and the records of events that named no jurisdiction.
#[derive(Debug, Default, PartialEq)]
pub struct Estimate {
    pub affected: Vec<AffectedEntry>,
    pub unattributed_records: u64,
}

pub fn estimate(events: &[StoredEvent]) -> Estimate {
    let mut seen = HashSet::new();
    let mut per: BTreeMap<String, (u64, BTreeSet<String>)> = BTreeMap::new();
    let mut unattributed = 0u64;
    for stored in events {
        let e = &stored.event;
        if !seen.insert(stored.id) || e.outcome != detectors::Outcome::Success {
            continue;
        }
        let records = u64::try_from(e.records).unwrap_or(0);
        let codes: Vec<String> = e
            .jurisdictions
            .as_deref()
            .and_then(|j| serde_json::from_str::<Vec<String>>(j).ok())
            .unwrap_or_default()
            .into_iter()
            .map(|c| c.trim().to_ascii_uppercase())
            .filter(|c| !c.is_empty())
            .collect();
        if codes.is_empty() {
            unattributed = unattributed.saturating_add(records);
            continue;
        }
        let category = e
            .sensitivity
            .as_deref()
            .map(str::to_ascii_lowercase)
            .filter(|s| !NOT_PERSONAL.contains(&s.as_str()));
        for code in codes {
            let entry = per.entry(code).or_default();
            entry.0 = entry.0.saturating_add(records);
            entry.1.extend(category.clone());
        }
    }
    Estimate {
        affected: per
            .into_iter()
            .map(|(jurisdiction, (subjects, categories))| AffectedEntry {
                jurisdiction,
                subjects: Some(subjects),
                categories: categories.into_iter().collect(),
                estimated: true,
            })
            .collect(),
        unattributed_records: unattributed,
    }
}

/// Folds an estimate into the incident's affected list: evidence only raises counts (a lower figure someone
/// entered stays unless new events exceed it), categories are united, new jurisdictions are added.
pub fn merge(current: &mut Vec<AffectedEntry>, estimate: &[AffectedEntry]) {
    for est in estimate {
        match current
            .iter_mut()
            .find(|a| a.jurisdiction == est.jurisdiction)
        {
            Some(a) => {
                if a.subjects.is_none() || a.subjects < est.subjects {
                    a.subjects = est.subjects;
                    a.estimated = true;
                }
                for c in &est.categories {
                    if !a.categories.contains(c) {
                        a.categories.push(c.clone());
                    }
                }
            }
            None => current.push(est.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::NewEvent;
    use detectors::{ActorType, Outcome};

    fn stored(id: i64, records: i64, jurisdictions: &str, outcome: Outcome) -> StoredEvent {
        StoredEvent {
            id,
            received_ms: 0,
            event: NewEvent {
                eid_hash: None,
                event_id: None,
                ts_ms: 0,
                actor: "a".into(),
                actor_type: ActorType::User,
                actor_group: None,
                action: "read".into(),
                resource: "db.customers".into(),
                records,
                bytes: None,
                outcome,
                sensitivity: Some("pii".into()),
                jurisdictions: Some(jurisdictions.into()),
                source_ip: None,
                region: None,
                attributes: None,
            },
        }
    }

    #[test]
    fn records_count_once_per_event_in_every_listed_jurisdiction_and_denied_reads_do_not_count() {
        let events = [
            stored(1, 100, r#"["IN","de"]"#, Outcome::Success),
            stored(1, 100, r#"["IN","DE"]"#, Outcome::Success),
            stored(2, 50, r#"["IN"]"#, Outcome::Success),
            stored(3, 999, r#"["IN"]"#, Outcome::Denied),
            stored(4, 7, "[]", Outcome::Success),
        ];
        let e = estimate(&events);
        let counts: Vec<_> = e
            .affected
            .iter()
            .map(|a| (a.jurisdiction.as_str(), a.subjects))
            .collect();
        assert_eq!(counts, vec![("DE", Some(100)), ("IN", Some(150))]);
        assert_eq!(e.affected[0].categories, vec!["pii".to_string()]);
        assert_eq!(e.unattributed_records, 7);
    }

    #[test]
    fn merging_never_lowers_a_count_and_adds_new_jurisdictions() {
        let mut current = vec![AffectedEntry {
            jurisdiction: "IN".into(),
            subjects: Some(500),
            categories: vec!["financial".into()],
            estimated: false,
        }];
        let est = estimate(&[
            stored(1, 100, r#"["IN"]"#, Outcome::Success),
            stored(2, 10, r#"["FR"]"#, Outcome::Success),
        ]);
        merge(&mut current, &est.affected);
        assert_eq!(current[0].subjects, Some(500));
        assert!(!current[0].estimated);
        assert_eq!(current[0].categories, vec!["financial", "pii"]);
        assert_eq!(current[1].jurisdiction, "FR");
    }
}
