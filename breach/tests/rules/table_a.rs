//! Table A of shared/breach-rules.md section 6: settled-rule vectors, expected exactly. Date-only clock starts are
//! given a working-hours time in the rule's zone; the expected day does not depend on it.

use serde_json::json;

use crate::helpers::{due_local, owed, run};

#[test]
fn a1_gdpr_72_hours_from_friday_evening_end_monday_evening_in_france() {
    let out = run(json!({
        "facts": {"aware_at": "2025-12-19T17:00:00+01:00"},
        "affected": [{"jurisdiction": "FR", "subjects": 40, "categories": ["pii"]}]
    }));
    assert_eq!(
        due_local(&out, "eu-gdpr-sa-fr"),
        "2025-12-22T17:00:00+01:00"
    );
    assert_eq!(
        owed(&out, "eu-gdpr-sa-fr").due.as_deref(),
        Some("2025-12-22T16:00:00Z")
    );
    assert!(owed(&out, "eu-gdpr-sa-fr").recipient.contains("CNIL"));
}

#[test]
fn a3_ico_72_hours_run_through_christmas_and_boxing_day() {
    let out = run(json!({
        "facts": {"aware_at": "2025-12-24T10:00:00+00:00"},
        "affected": [{"jurisdiction": "GB", "subjects": 10, "categories": ["pii"]}]
    }));
    assert_eq!(due_local(&out, "gb-ico"), "2025-12-27T10:00:00+00:00");
}

#[test]
fn a5_gdpr_clock_runs_from_when_the_processor_informed_the_controller_and_flags_the_lag() {
    let out = run(json!({
        "facts": {"aware_at": "2026-06-03T09:00:00+02:00", "processor_aware_at": "2026-06-01T09:00:00+02:00"},
        "affected": [{"jurisdiction": "DE", "subjects": 10, "categories": ["pii"]}]
    }));
    let sa = owed(&out, "eu-gdpr-sa-de");
    assert_eq!(sa.due_local.as_deref(), Some("2026-06-06T09:00:00+02:00"));
    assert!(
        sa.notes.contains("processor_aware_at is 48.0 h before"),
        "{}",
        sa.notes
    );
}

#[test]
fn a6_cert_in_six_hours_run_through_saturday_night() {
    let out = run(json!({
        "facts": {"noticed_at": "2025-12-27T22:00:00+05:30", "aware_at": "2025-12-28T10:00:00+05:30"},
        "affected": [{"jurisdiction": "IN", "subjects": 1000, "categories": ["pii"]}]
    }));
    assert_eq!(due_local(&out, "in-cert-in"), "2025-12-28T04:00:00+05:30");
}

#[test]
fn a7_dpdp_detailed_report_72_hours_across_year_end_with_asap_stage_one_and_principals() {
    let out = run(json!({
        "facts": {"aware_at": "2027-12-31T23:30:00+05:30"},
        "affected": [{"jurisdiction": "IN", "subjects": 5, "categories": ["pii"]}]
    }));
    assert_eq!(
        due_local(&out, "in-dpdp-board-report"),
        "2028-01-03T23:30:00+05:30"
    );
    for asap in ["in-dpdp-board-intimation", "in-dpdp-principals"] {
        let o = owed(&out, asap);
        assert!(
            o.asap && o.due.is_none() && o.internal_target.is_some(),
            "{asap}: {o:?}"
        );
    }
}

#[test]
fn a9_korea_72_hours_for_subjects_and_pipc_across_new_year() {
    let out = run(json!({
        "facts": {"aware_at": "2025-12-31T20:00:00+09:00"},
        "affected": [{"jurisdiction": "KR", "subjects": 1000, "categories": ["pii"]}]
    }));
    assert_eq!(due_local(&out, "kr-subjects"), "2026-01-03T20:00:00+09:00");
    assert_eq!(due_local(&out, "kr-pipc"), "2026-01-03T20:00:00+09:00");
}

#[test]
fn a10_nydfs_72_hours_ignore_the_observed_independence_day() {
    let out = run(json!({
        "facts": {"aware_at": "2026-07-02T09:00:00-04:00", "determined_at": "2026-07-03T09:00:00-04:00"},
        "regimes": ["US-NYDFS"]
    }));
    assert_eq!(
        due_local(&out, "us-nydfs-incident"),
        "2026-07-06T09:00:00-04:00"
    );
}

#[test]
fn a12_nis2_early_warning_and_notification_run_from_the_same_awareness() {
    let out = run(json!({
        "facts": {"aware_at": "2026-03-02T09:00:00+01:00"},
        "regimes": ["EU-NIS2"],
        "entity": {"establishment": "DE"}
    }));
    assert_eq!(
        due_local(&out, "eu-nis2-early-warning-de"),
        "2026-03-03T09:00:00+01:00"
    );
    assert_eq!(
        due_local(&out, "eu-nis2-notification-de"),
        "2026-03-05T09:00:00+01:00"
    );
}

#[test]
fn a16_sec_four_business_days_skip_martin_luther_king_day() {
    for at in ["2026-01-16T00:30:00-05:00", "2026-01-16T23:30:00-05:00"] {
        let out = run(json!({
            "facts": {"aware_at": "2026-01-10T09:00:00-05:00", "materiality_determined_at": at},
            "regimes": ["US-SEC"]
        }));
        assert_eq!(
            due_local(&out, "us-sec-8k"),
            "2026-01-23T23:59:59-05:00",
            "determined {at}"
        );
    }
}

#[test]
fn a17_sec_four_business_days_from_a_friday_evening_determination() {
    let out = run(json!({
        "facts": {"aware_at": "2026-03-10T09:00:00-04:00", "materiality_determined_at": "2026-03-13T17:00:00-04:00"},
        "regimes": ["US-SEC"]
    }));
    assert_eq!(due_local(&out, "us-sec-8k"), "2026-03-19T23:59:59-04:00");
}

#[test]
fn a21_hipaa_individuals_hhs_and_media_share_the_60_day_outer_bound() {
    let out = run(json!({
        "facts": {"aware_at": "2025-11-03T10:00:00-05:00", "discovered_at": "2025-11-03T10:00:00-05:00"},
        "affected": [{"jurisdiction": "US-TX", "subjects": 600, "categories": ["health"]}],
        "regimes": ["US-HIPAA"]
    }));
    for id in ["us-hipaa-individuals", "us-hipaa-hhs", "us-hipaa-media"] {
        assert_eq!(due_local(&out, id), "2026-01-02T23:59:59-05:00", "{id}");
    }
    assert_eq!(owed(&out, "us-hipaa-media").jurisdiction, "US-TX");
}

#[test]
fn a22_hipaa_small_breach_log_is_due_on_leap_day_2028() {
    let out = run(json!({
        "facts": {"aware_at": "2027-06-15T10:00:00-04:00", "discovered_at": "2027-06-15T10:00:00-04:00"},
        "affected": [{"jurisdiction": "US-NY", "subjects": 12, "categories": ["health"]}],
        "regimes": ["US-HIPAA"]
    }));
    assert_eq!(
        due_local(&out, "us-hipaa-hhs-annual"),
        "2028-02-29T23:59:59-05:00"
    );
}

/// A US state incident: one state, one fact, a resident count.
fn state(jurisdiction: &str, fact: &str, at: &str, subjects: u64) -> serde_json::Value {
    json!({
        "facts": {"aware_at": at, fact: at},
        "affected": [{"jurisdiction": jurisdiction, "subjects": subjects, "categories": ["pii", "ssn"]}]
    })
}

#[test]
fn a23_california_residents_30_days_after_discovery_under_sb_446() {
    let out = run(state(
        "US-CA",
        "discovered_at",
        "2026-01-12T10:00:00-08:00",
        100,
    ));
    assert_eq!(
        due_local(&out, "us-ca-residents"),
        "2026-02-11T23:59:59-08:00"
    );
}

#[test]
fn a24_california_attorney_general_15_days_after_residents_were_notified() {
    let mut input = state("US-CA", "discovered_at", "2026-01-12T10:00:00-08:00", 501);
    input["facts"]["consumer_notice_sent_at"] = json!("2026-02-11T12:00:00-08:00");
    let out = run(input);
    assert_eq!(due_local(&out, "us-ca-ag"), "2026-02-26T23:59:59-08:00");
    assert_eq!(
        owed(&out, "us-ca-ag").clock_start,
        "consumer_notice_sent_at"
    );
}

#[test]
fn a25_new_york_residents_30_days_after_discovery() {
    let out = run(state(
        "US-NY",
        "discovered_at",
        "2026-01-13T10:00:00-05:00",
        100,
    ));
    assert_eq!(
        due_local(&out, "us-ny-residents"),
        "2026-02-12T23:59:59-05:00"
    );
}

#[test]
fn a26_colorado_residents_and_attorney_general_30_days_after_determination() {
    let out = run(state(
        "US-CO",
        "determined_at",
        "2025-12-01T10:00:00-07:00",
        500,
    ));
    assert_eq!(
        due_local(&out, "us-co-residents"),
        "2025-12-31T23:59:59-07:00"
    );
    assert_eq!(due_local(&out, "us-co-ag"), "2025-12-31T23:59:59-07:00");
}

#[test]
fn a28_washington_residents_and_attorney_general_30_days_after_discovery() {
    let out = run(state(
        "US-WA",
        "discovered_at",
        "2025-12-24T10:00:00-08:00",
        501,
    ));
    assert_eq!(
        due_local(&out, "us-wa-residents"),
        "2026-01-23T23:59:59-08:00"
    );
    assert_eq!(due_local(&out, "us-wa-ag"), "2026-01-23T23:59:59-08:00");
}

#[test]
fn a31_connecticut_attorney_general_due_no_later_than_the_residents_notice() {
    let out = run(state(
        "US-CT",
        "discovered_at",
        "2026-03-02T10:00:00-05:00",
        20,
    ));
    assert_eq!(
        due_local(&out, "us-ct-residents"),
        "2026-05-01T23:59:59-04:00"
    );
    assert_eq!(due_local(&out, "us-ct-ag"), "2026-05-01T23:59:59-04:00");
    assert_eq!(
        owed(&out, "us-ct-ag").depends_on.as_deref(),
        Some("us-ct-residents")
    );

    let mut sent = state("US-CT", "discovered_at", "2026-03-02T10:00:00-05:00", 20);
    sent["facts"]["consumer_notice_sent_at"] = json!("2026-04-10T15:00:00-04:00");
    assert_eq!(
        due_local(&run(sent), "us-ct-ag"),
        "2026-04-10T15:00:00-04:00"
    );
}

#[test]
fn a33_vermont_preliminary_notice_14_business_days_when_consumers_are_not_yet_notified() {
    let out = run(state(
        "US-VT",
        "discovered_at",
        "2026-04-17T10:00:00-04:00",
        20,
    ));
    assert_eq!(due_local(&out, "us-vt-ag"), "2026-05-07T23:59:59-04:00");
    assert_eq!(
        due_local(&out, "us-vt-residents"),
        "2026-06-01T23:59:59-04:00"
    );
}

#[test]
fn a36_louisiana_attorney_general_10_days_after_consumer_notices_went_out() {
    let mut input = state("US-LA", "discovered_at", "2026-01-20T10:00:00-06:00", 20);
    input["facts"]["consumer_notice_sent_at"] = json!("2026-02-02T10:00:00-06:00");
    let out = run(input);
    assert_eq!(due_local(&out, "us-la-ag"), "2026-02-12T23:59:59-06:00");
    assert_eq!(
        due_local(&out, "us-la-residents"),
        "2026-03-21T23:59:59-05:00"
    );
}

#[test]
fn a37_oklahoma_attorney_general_60_days_after_notifying_residents() {
    let mut input = state("US-OK", "discovered_at", "2026-02-10T10:00:00-06:00", 500);
    input["facts"]["consumer_notice_sent_at"] = json!("2026-03-02T10:00:00-06:00");
    let out = run(input);
    assert_eq!(due_local(&out, "us-ok-ag"), "2026-05-01T23:59:59-05:00");
}

#[test]
fn a38_puerto_rico_daco_10_days_after_detection() {
    let out = run(state(
        "US-PR",
        "detected_at",
        "2026-03-02T10:00:00-04:00",
        20,
    ));
    assert_eq!(due_local(&out, "us-pr-ag"), "2026-03-12T23:59:59-04:00");
}

#[test]
fn a39_ftc_safeguards_notice_30_days_after_discovery() {
    let out = run(json!({
        "facts": {"aware_at": "2026-03-02T10:00:00-05:00", "discovered_at": "2026-03-02T10:00:00-05:00"},
        "affected": [{"jurisdiction": "US-OH", "subjects": 500, "categories": ["financial"]}],
        "regimes": ["US-FTC-GLBA"]
    }));
    assert_eq!(due_local(&out, "us-ftc-glba"), "2026-04-01T23:59:59-04:00");
}

#[test]
fn a42_brazil_anpd_three_working_days_from_a_friday_evening() {
    let out = run(json!({
        "facts": {"aware_at": "2026-03-13T17:00:00-03:00"},
        "affected": [{"jurisdiction": "BR", "subjects": 50, "categories": ["financial"]}]
    }));
    assert_eq!(due_local(&out, "br-anpd"), "2026-03-18T23:59:59-03:00");
    assert_eq!(
        owed(&out, "br-anpd").calendar.as_deref(),
        Some("br-national")
    );
}

#[test]
fn a44_australia_assessment_within_30_days_then_oaic_as_soon_as_practicable() {
    let out = run(json!({
        "facts": {"aware_at": "2026-12-15T10:00:00+11:00", "suspected_at": "2026-12-15T10:00:00+11:00"},
        "affected": [{"jurisdiction": "AU", "subjects": 50, "categories": ["pii"]}]
    }));
    assert_eq!(
        due_local(&out, "au-assessment"),
        "2027-01-14T23:59:59+11:00"
    );
    let oaic = owed(&out, "au-oaic");
    assert!(oaic.asap && oaic.due.is_none());
}

#[test]
fn a45_pipeda_has_no_hard_deadline_but_an_internal_target() {
    let out = run(json!({
        "facts": {"aware_at": "2026-03-02T10:00:00-05:00", "determined_at": "2026-03-02T10:00:00-05:00"},
        "affected": [{"jurisdiction": "CA-ON", "subjects": 50, "categories": ["pii"]}]
    }));
    let opc = owed(&out, "ca-opc");
    assert!(opc.asap && opc.due.is_none());
    assert_eq!(opc.internal_target.as_deref(), Some("2026-03-05T15:00:00Z"));
}
