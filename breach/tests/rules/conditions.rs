//! Exemptions and gates: encryption safe harbours, risk assessments, data categories, no-harm determinations and
//! the engine options for ASAP internal targets.

use serde_json::json;

use crate::helpers::{owed, run, skipped_entry};

fn texas(extra: serde_json::Value) -> serde_json::Value {
    let mut input = json!({
        "facts": {"aware_at": "2026-05-04T10:00:00-05:00", "determined_at": "2026-05-04T10:00:00-05:00"},
        "affected": [{"jurisdiction": "US-TX", "subjects": 300, "categories": ["ssn"]}]
    });
    if let (Some(obj), Some(more)) = (input.as_object_mut(), extra.as_object()) {
        obj.extend(more.clone());
    }
    input
}

#[test]
fn encrypted_data_is_exempt_from_state_notices_with_the_reason() {
    let out = run(texas(json!({"encrypted": true})));
    assert!(skipped_entry(&out, "us-tx-residents")
        .reason
        .starts_with("exemption applied: the data was encrypted"));
}

#[test]
fn a_compromised_key_voids_the_encryption_safe_harbour() {
    let out = run(texas(json!({"encrypted": true, "key_compromised": true})));
    owed(&out, "us-tx-residents");
}

#[test]
fn gdpr_authority_notice_is_not_required_when_a_risk_is_unlikely() {
    let out = run(json!({
        "facts": {"aware_at": "2026-05-04T10:00:00+02:00"},
        "affected": [{"jurisdiction": "BE", "subjects": 10, "categories": ["pii"]}],
        "risk": "unlikely"
    }));
    let reason = &skipped_entry(&out, "eu-gdpr-sa-be").reason;
    assert!(reason.contains("unlikely to result in a risk"), "{reason}");
}

#[test]
fn gdpr_subjects_are_told_only_for_a_high_risk_and_not_when_the_data_was_encrypted() {
    let base = json!({
        "facts": {"aware_at": "2026-05-04T10:00:00+02:00"},
        "affected": [{"jurisdiction": "BE", "subjects": 10, "categories": ["pii"]}],
        "risk": "high"
    });
    owed(&run(base.clone()), "eu-gdpr-subjects-be");
    let mut encrypted = base;
    encrypted["encrypted"] = json!(true);
    skipped_entry(&run(encrypted), "eu-gdpr-subjects-be");
}

#[test]
fn non_personal_data_owes_no_data_protection_notice() {
    let out = run(json!({
        "facts": {"aware_at": "2026-05-04T10:00:00+02:00"},
        "affected": [{"jurisdiction": "FR", "subjects": 10, "categories": ["public"]}]
    }));
    assert!(skipped_entry(&out, "eu-gdpr-sa-fr")
        .reason
        .contains("not personal data"));
}

#[test]
fn hipaa_rules_need_health_data() {
    let out = run(json!({
        "facts": {"discovered_at": "2026-05-04T10:00:00-04:00"},
        "affected": [{"jurisdiction": "US-TX", "subjects": 900, "categories": ["financial"]}],
        "regimes": ["US-HIPAA"]
    }));
    assert!(skipped_entry(&out, "us-hipaa-individuals")
        .reason
        .contains("not health data"));
}

#[test]
fn a_florida_no_harm_determination_is_itself_owed_to_the_department_within_30_days() {
    let out = run(json!({
        "facts": {"determined_at": "2026-05-04T10:00:00-04:00"},
        "affected": [{"jurisdiction": "US-FL", "subjects": 900, "categories": ["ssn"]}],
        "risk": "unlikely"
    }));
    skipped_entry(&out, "us-fl-residents");
    assert_eq!(
        owed(&out, "us-fl-ag-no-harm").due_local.as_deref(),
        Some("2026-06-03T23:59:59-04:00")
    );
}

#[test]
fn asap_notices_get_the_default_internal_target_and_options_change_it() {
    let input = breach::Input::from_value(json!({
        "facts": {"aware_at": "2026-05-04T10:00:00+02:00"},
        "affected": [{"jurisdiction": "CH", "subjects": 10, "categories": ["pii"]}]
    }))
    .unwrap_or_else(|e| panic!("{e}"));
    let set = breach::RuleSet::embedded().unwrap_or_else(|e| panic!("{e}"));
    let target = |options: &breach::Options| {
        let out = set
            .compute(&input, options)
            .unwrap_or_else(|e| panic!("{e}"));
        out.obligations
            .iter()
            .find(|o| o.rule_id == "ch-fdpic")
            .and_then(|o| o.internal_target.clone())
    };
    assert_eq!(
        target(&breach::Options::default()).as_deref(),
        Some("2026-05-07T08:00:00Z")
    );
    let fast = breach::Options {
        asap_authority_hours: 24,
        ..breach::Options::default()
    };
    assert_eq!(target(&fast).as_deref(), Some("2026-05-05T08:00:00Z"));
}

#[test]
fn asap_notices_to_individuals_align_with_the_strictest_fixed_individual_deadline() {
    let out = run(json!({
        "facts": {"aware_at": "2026-05-04T10:00:00-04:00", "discovered_at": "2026-05-04T10:00:00-04:00"},
        "affected": [
            {"jurisdiction": "KR", "subjects": 10, "categories": ["pii"]},
            {"jurisdiction": "US-GA", "subjects": 10, "categories": ["ssn"]}
        ]
    }));
    let korea = owed(&out, "kr-subjects").due.clone();
    let georgia = owed(&out, "us-ga-residents");
    assert_eq!(georgia.internal_target, korea);
    assert!(georgia.notes.contains("aligned"), "{}", georgia.notes);
}

#[test]
fn japan_one_person_suffices_for_a_malicious_leak_with_a_60_day_final_report() {
    let out = run(json!({
        "facts": {"aware_at": "2026-03-02T10:00:00+09:00"},
        "affected": [{"jurisdiction": "JP", "subjects": 1, "categories": ["pii"]}],
        "malicious": true
    }));
    assert_eq!(
        owed(&out, "jp-ppc-final-unlawful").due_local.as_deref(),
        Some("2026-04-30T23:59:59+09:00")
    );
    skipped_entry(&out, "jp-ppc-final");
}
