//! Table B of shared/breach-rules.md section 6: vectors whose answer depends on an engine policy. Each test
//! asserts the engine's documented default (docs/RULES.md "Default policies"): the conservative value.

use serde_json::json;

use crate::helpers::{due_local, owed, run};

#[test]
fn b1_sec_counts_statutory_federal_holidays_only_not_executive_order_closures() {
    let out = run(json!({
        "facts": {"aware_at": "2025-12-15T09:00:00-05:00", "materiality_determined_at": "2025-12-19T11:00:00-05:00"},
        "regimes": ["US-SEC"]
    }));
    assert_eq!(due_local(&out, "us-sec-8k"), "2025-12-26T23:59:59-05:00");
}

#[test]
fn b2_texas_attorney_general_deadline_on_a_saturday_is_not_rolled_over() {
    let out = run(json!({
        "facts": {"aware_at": "2026-05-07T10:00:00-05:00", "determined_at": "2026-05-07T10:00:00-05:00"},
        "affected": [{"jurisdiction": "US-TX", "subjects": 250, "categories": ["ssn"]}]
    }));
    assert_eq!(due_local(&out, "us-tx-ag"), "2026-06-06T23:59:59-05:00");
    assert!(owed(&out, "us-tx-ag").notes.contains("311.014"));
}

#[test]
fn b3_washington_deadline_on_a_sunday_is_not_rolled_over() {
    let out = run(json!({
        "facts": {"aware_at": "2026-01-09T10:00:00-08:00", "discovered_at": "2026-01-09T10:00:00-08:00"},
        "affected": [{"jurisdiction": "US-WA", "subjects": 20, "categories": ["ssn"]}]
    }));
    assert_eq!(
        due_local(&out, "us-wa-residents"),
        "2026-02-08T23:59:59-08:00"
    );
}

#[test]
fn b4_hipaa_annual_log_for_2025_is_due_on_sunday_1_march_2026() {
    let out = run(json!({
        "facts": {"aware_at": "2025-04-01T10:00:00-04:00", "discovered_at": "2025-04-01T10:00:00-04:00"},
        "affected": [{"jurisdiction": "US-NJ", "subjects": 40, "categories": ["health"]}],
        "regimes": ["US-HIPAA"]
    }));
    assert_eq!(
        due_local(&out, "us-hipaa-hhs-annual"),
        "2026-03-01T23:59:59-05:00"
    );
}

#[test]
fn b5_nis2_final_report_one_month_after_the_submitted_notification_ends_on_a_sunday() {
    let out = run(json!({
        "facts": {"aware_at": "2026-03-02T09:00:00+01:00"},
        "regimes": ["EU-NIS2"],
        "entity": {"establishment": "DE"},
        "submissions": [{"rule_id": "eu-nis2-notification-de", "submitted_at": "2026-03-05T09:00:00+01:00"}]
    }));
    let fin = owed(&out, "eu-nis2-final-de");
    assert_eq!(fin.due_local.as_deref(), Some("2026-04-05T23:59:59+02:00"));
    assert_eq!(fin.clock_start, "submitted:eu-nis2-notification-de");
}

#[test]
fn b6_dora_final_report_one_month_from_31_january_clamps_to_28_february() {
    let out = run(json!({
        "facts": {"aware_at": "2026-01-27T10:00:00+01:00", "classified_major_at": "2026-01-27T12:00:00+01:00"},
        "regimes": ["EU-DORA"],
        "entity": {"dora_class": "credit_institution", "establishment": "DE"},
        "submissions": [
            {"rule_id": "eu-dora-initial-de", "submitted_at": "2026-01-27T15:00:00+01:00"},
            {"rule_id": "eu-dora-intermediate-de", "submitted_at": "2026-01-29T10:00:00+01:00"},
            {"rule_id": "eu-dora-intermediate-de", "submitted_at": "2026-01-31T10:00:00+01:00"}
        ]
    }));
    assert_eq!(
        due_local(&out, "eu-dora-final-de"),
        "2026-02-28T23:59:59+01:00"
    );
}

#[test]
fn b7_iowa_attorney_general_counts_business_days_on_the_federal_calendar_and_notes_the_state_one() {
    let out = run(json!({
        "facts": {"aware_at": "2026-01-20T10:00:00-06:00", "consumer_notice_sent_at": "2026-02-11T10:00:00-06:00"},
        "affected": [{"jurisdiction": "US-IA", "subjects": 501, "categories": ["ssn"]}]
    }));
    let ag = owed(&out, "us-ia-ag");
    assert_eq!(ag.due_local.as_deref(), Some("2026-02-19T23:59:59-06:00"));
    assert!(ag.notes.contains("2026-02-20"), "{}", ag.notes);
}

#[test]
fn b8_gdpr_72_hours_are_exact_from_the_minute_of_awareness() {
    let out = run(json!({
        "facts": {"aware_at": "2026-05-11T14:37:00+02:00"},
        "affected": [{"jurisdiction": "IT", "subjects": 3, "categories": ["pii"]}]
    }));
    assert_eq!(
        due_local(&out, "eu-gdpr-sa-it"),
        "2026-05-14T14:37:00+02:00"
    );
}

#[test]
fn b9_japan_final_report_counts_the_day_of_knowledge_as_day_one() {
    let out = run(json!({
        "facts": {"aware_at": "2026-03-02T10:00:00+09:00"},
        "affected": [{"jurisdiction": "JP", "subjects": 5, "categories": ["health"]}]
    }));
    assert_eq!(due_local(&out, "jp-ppc-final"), "2026-03-31T23:59:59+09:00");
}
