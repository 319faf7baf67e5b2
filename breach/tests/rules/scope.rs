//! Where rules apply: fan-out by residence, the GDPR one-stop shop, establishment-based regimes, sub-national
//! codes, versions in force, and facts that make a rule relevant.

use serde_json::json;

use crate::helpers::{ids, owed, run, skipped_entry};

#[test]
fn a_non_eu_controller_notifies_every_authority_where_affected_people_live() {
    let out = run(json!({
        "facts": {"aware_at": "2026-05-04T10:00:00+05:30"},
        "affected": [
            {"jurisdiction": "FR", "subjects": 10, "categories": ["pii"]},
            {"jurisdiction": "ES", "subjects": 10, "categories": ["pii"]},
            {"jurisdiction": "NO", "subjects": 10, "categories": ["pii"]}
        ]
    }));
    for id in ["eu-gdpr-sa-fr", "eu-gdpr-sa-es", "eu-gdpr-sa-no"] {
        owed(&out, id);
    }
    assert!(!ids(&out).contains(&"eu-gdpr-sa-de"));
}

#[test]
fn with_a_main_establishment_only_the_lead_authority_is_notified() {
    let out = run(json!({
        "facts": {"aware_at": "2026-05-04T10:00:00+02:00"},
        "affected": [{"jurisdiction": "FR", "subjects": 10, "categories": ["pii"]}],
        "entity": {"eu_main_establishment": "IE"}
    }));
    let lead = owed(&out, "eu-gdpr-sa-ie");
    assert!(lead.recipient.contains("Data Protection Commission"));
    assert!(skipped_entry(&out, "eu-gdpr-sa-fr")
        .reason
        .contains("one-stop shop"));
}

#[test]
fn nis2_without_an_establishment_names_a_generic_authority_and_asks_for_it() {
    let out =
        run(json!({"facts": {"aware_at": "2026-05-04T10:00:00+02:00"}, "regimes": ["EU-NIS2"]}));
    let ew = owed(&out, "eu-nis2-early-warning-eu");
    assert!(
        ew.recipient.contains("set entity.establishment"),
        "{}",
        ew.recipient
    );
}

#[test]
fn a_trust_service_provider_gets_the_24_hour_nis2_notification() {
    let out = run(json!({
        "facts": {"aware_at": "2026-05-04T10:00:00+02:00"},
        "regimes": ["EU-NIS2"],
        "entity": {"establishment": "AT", "trust_service_provider": true}
    }));
    assert_eq!(
        owed(&out, "eu-nis2-notification-tsp-at")
            .due_local
            .as_deref(),
        Some("2026-05-05T10:00:00+02:00")
    );
    assert!(skipped_entry(&out, "eu-nis2-notification-at")
        .reason
        .contains("is a trust service provider"));
}

#[test]
fn cert_in_applies_to_anyone_serving_affected_indian_users_without_listing_the_regime() {
    let out = run(json!({
        "facts": {"aware_at": "2026-05-04T10:00:00+05:30"},
        "affected": [{"jurisdiction": "IN", "subjects": 3, "categories": ["pii"]}]
    }));
    assert_eq!(owed(&out, "in-cert-in").clock_start, "aware_at");
}

#[test]
fn dpdp_rules_before_commencement_are_not_required_with_the_date() {
    let out = run(json!({
        "facts": {"aware_at": "2026-05-04T10:00:00+05:30"},
        "affected": [{"jurisdiction": "IN", "subjects": 3, "categories": ["pii"]}]
    }));
    let reason = &skipped_entry(&out, "in-dpdp-board-report").reason;
    assert!(reason.contains("effective from 2027-05-13"), "{reason}");
}

#[test]
fn quebec_residents_owe_both_the_quebec_and_the_federal_notices() {
    let out = run(json!({
        "facts": {"aware_at": "2026-05-04T10:00:00-04:00"},
        "affected": [{"jurisdiction": "CA-QC", "subjects": 3, "categories": ["pii"]}]
    }));
    owed(&out, "ca-qc-cai");
    owed(&out, "ca-opc");
}

#[test]
fn hipaa_media_notice_is_owed_per_state_above_500_residents() {
    let out = run(json!({
        "facts": {"discovered_at": "2026-05-04T10:00:00-04:00"},
        "affected": [
            {"jurisdiction": "US-TX", "subjects": 900, "categories": ["health"]},
            {"jurisdiction": "US-OK", "subjects": 300, "categories": ["health"]},
            {"jurisdiction": "US-NM", "subjects": 700, "categories": ["health"]}
        ],
        "regimes": ["US-HIPAA"]
    }));
    let mut media: Vec<&str> = out
        .obligations
        .iter()
        .filter(|o| o.rule_id == "us-hipaa-media")
        .map(|o| o.jurisdiction.as_str())
        .collect();
    media.sort_unstable();
    assert_eq!(media, ["US-NM", "US-TX"]);
}

#[test]
fn the_california_version_in_force_at_discovery_is_used() {
    let out = run(json!({
        "facts": {"discovered_at": "2025-12-20T10:00:00-08:00", "consumer_notice_sent_at": "2026-01-10T10:00:00-08:00"},
        "affected": [{"jurisdiction": "US-CA", "subjects": 900, "categories": ["ssn"]}]
    }));
    assert!(owed(&out, "us-ca-residents-pre-2026").asap);
    owed(&out, "us-ca-ag-pre-2026");
    assert!(!ids(&out).contains(&"us-ca-ag") && !ids(&out).contains(&"us-ca-residents"));
}

#[test]
fn the_nydfs_extortion_notice_appears_only_once_a_payment_is_recorded() {
    let without = run(
        json!({"facts": {"determined_at": "2026-05-04T10:00:00-04:00"}, "regimes": ["US-NYDFS"]}),
    );
    assert!(!ids(&without).contains(&"us-nydfs-extortion"));
    let with = run(json!({
        "facts": {"determined_at": "2026-05-04T10:00:00-04:00", "extortion_paid_at": "2026-05-06T10:00:00-04:00"},
        "regimes": ["US-NYDFS"]
    }));
    assert_eq!(
        owed(&with, "us-nydfs-extortion").due_local.as_deref(),
        Some("2026-05-07T10:00:00-04:00")
    );
}

#[test]
fn a_jurisdiction_reported_with_zero_people_owes_nothing() {
    let out = run(json!({
        "facts": {"aware_at": "2026-05-04T10:00:00+02:00"},
        "affected": [{"jurisdiction": "FR", "subjects": 0, "categories": ["pii"]}]
    }));
    assert!(out.obligations.is_empty(), "{:?}", ids(&out));
}
