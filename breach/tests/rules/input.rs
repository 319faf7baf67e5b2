//! Input validation: unknown fields and bad values are rejected with a message naming the field; missing facts
//! fall back to `aware_at` and say so.

use serde_json::json;

use crate::helpers::{owed, run};

fn error(input: serde_json::Value) -> String {
    match breach::compute_value(input) {
        Err(breach::Error::Input { field, message }) => format!("{field}: {message}"),
        other => panic!("expected an input error, got {other:?}"),
    }
}

#[test]
fn an_unknown_top_level_field_is_rejected_by_name() {
    let msg = error(json!({"facts": {"aware_at": "2026-01-01T00:00:00Z"}, "encryptd": true}));
    assert!(msg.starts_with("encryptd: unknown field"), "{msg}");
}

#[test]
fn an_unknown_fact_is_rejected_with_its_path() {
    let msg = error(json!({"facts": {"aware": "2026-01-01T00:00:00Z"}}));
    assert!(msg.starts_with("facts.aware: unknown field"), "{msg}");
    assert!(msg.contains("aware_at"), "{msg}");
}

#[test]
fn an_unknown_field_in_an_affected_entry_is_rejected_with_its_index() {
    let msg = error(json!({
        "facts": {"aware_at": "2026-01-01T00:00:00Z"},
        "affected": [{"jurisdiction": "FR", "subjects": 1}, {"jurisdiction": "DE", "subject": 2}]
    }));
    assert!(
        msg.starts_with("affected[1].subject: unknown field"),
        "{msg}"
    );
}

#[test]
fn a_timestamp_without_offset_is_rejected() {
    let msg = error(json!({"facts": {"aware_at": "2026-01-01T10:00:00"}}));
    assert!(msg.starts_with("facts.aware_at: "), "{msg}");
}

#[test]
fn a_negative_subject_count_is_rejected() {
    let msg = error(
        json!({"facts": {"aware_at": "2026-01-01T00:00:00Z"}, "affected": [{"jurisdiction": "FR", "subjects": -3}]}),
    );
    assert!(msg.starts_with("affected[0].subjects: "), "{msg}");
}

#[test]
fn a_malformed_jurisdiction_code_is_rejected() {
    let msg = error(
        json!({"facts": {"aware_at": "2026-01-01T00:00:00Z"}, "affected": [{"jurisdiction": "France"}]}),
    );
    assert!(msg.starts_with("affected[0].jurisdiction: "), "{msg}");
}

#[test]
fn an_unknown_regime_is_rejected_listing_the_known_ones() {
    let msg = error(json!({"facts": {"aware_at": "2026-01-01T00:00:00Z"}, "regimes": ["US-SECC"]}));
    assert!(msg.starts_with("regimes[0]: unknown regime"), "{msg}");
    assert!(msg.contains("US-SEC"), "{msg}");
}

#[test]
fn a_submission_for_an_unknown_rule_is_rejected() {
    let msg = error(json!({
        "facts": {"aware_at": "2026-01-01T00:00:00Z"},
        "submissions": [{"rule_id": "no-such-rule", "submitted_at": "2026-01-02T00:00:00Z"}]
    }));
    assert!(msg.starts_with("submissions[0].rule_id: "), "{msg}");
}

#[test]
fn a_missing_clock_fact_falls_back_to_aware_at_and_says_so() {
    let out = run(json!({
        "facts": {"aware_at": "2026-01-12T10:00:00-08:00"},
        "affected": [{"jurisdiction": "US-CA", "subjects": 5, "categories": ["ssn"]}]
    }));
    let ca = owed(&out, "us-ca-residents");
    assert_eq!(ca.clock_start, "aware_at");
    assert!(
        ca.notes
            .contains("discovered_at not given: counted from aware_at"),
        "{}",
        ca.notes
    );
}

#[test]
fn regime_names_and_jurisdiction_codes_are_matched_case_insensitively() {
    let out = run(json!({
        "facts": {"noticed_at": "2026-01-12T10:00:00+05:30"},
        "regimes": ["in-cert-in"],
        "affected": [{"jurisdiction": "uk", "subjects": 5, "categories": ["pii"]}]
    }));
    owed(&out, "in-cert-in");
    owed(&out, "gb-ico");
}

#[test]
fn an_affected_jurisdiction_no_rule_covers_is_reported_not_ignored() {
    let out = run(json!({
        "facts": {"aware_at": "2026-01-12T10:00:00Z"},
        "affected": [{"jurisdiction": "AR", "subjects": 5, "categories": ["pii"]}]
    }));
    let entry = out
        .not_required
        .iter()
        .find(|n| n.obligation.jurisdiction == "AR");
    assert!(entry.is_some_and(|e| e.reason.contains("no rule in the rule set covers AR")));
}

#[test]
fn the_output_has_exactly_the_contract_fields_plus_the_documented_extras() {
    let value = breach::compute_value(json!({
        "facts": {"aware_at": "2026-01-12T10:00:00Z"},
        "affected": [{"jurisdiction": "FR", "subjects": 5, "categories": ["pii"]}]
    }))
    .unwrap_or_else(|e| panic!("{e}"));
    let first = &value["obligations"][0];
    for field in [
        "jurisdiction",
        "regime",
        "recipient",
        "stage",
        "due",
        "due_local",
        "asap",
        "clock_start",
        "basis",
        "url",
        "notes",
        "rule_id",
        "confidence",
        "internal_target",
        "depends_on",
        "clock_start_at",
        "time_zone",
        "calendar",
    ] {
        assert!(first.get(field).is_some(), "missing {field} in {first}");
    }
    assert_eq!(first.as_object().map(|o| o.len()), Some(18));
    assert!(value["not_required"].is_array());
}

#[test]
fn common_regime_aliases_are_understood() {
    let out = run(json!({
        "facts": {"aware_at": "2026-05-04T10:00:00-04:00"},
        "regimes": ["US-GLBA", "DORA", "nis2", "CERT-In"]
    }));
    for id in [
        "eu-dora-initial-eu",
        "eu-nis2-early-warning-eu",
        "in-cert-in",
    ] {
        owed(&out, id);
    }
}
