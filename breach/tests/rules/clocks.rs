//! Deadline arithmetic through the public API: DST changes in the EU, UK and US, year end, leap days, the zone a
//! trigger date is read in, DORA relief, and a calendar year the data does not cover.

use serde_json::json;

use crate::helpers::{due_local, owed, run};

#[test]
fn gdpr_72_hours_across_the_october_dst_change_end_an_hour_earlier_on_the_wall_clock() {
    let out = run(json!({
        "facts": {"aware_at": "2026-10-23T17:00:00+02:00"},
        "affected": [{"jurisdiction": "DE", "subjects": 5, "categories": ["pii"]}]
    }));
    assert_eq!(
        due_local(&out, "eu-gdpr-sa-de"),
        "2026-10-26T16:00:00+01:00"
    );
}

#[test]
fn gdpr_72_hours_across_the_march_dst_change_end_an_hour_later_on_the_wall_clock() {
    let out = run(json!({
        "facts": {"aware_at": "2026-03-27T10:00:00+01:00"},
        "affected": [{"jurisdiction": "NL", "subjects": 5, "categories": ["pii"]}]
    }));
    assert_eq!(
        due_local(&out, "eu-gdpr-sa-nl"),
        "2026-03-30T11:00:00+02:00"
    );
}

#[test]
fn ico_72_hours_across_the_uk_clock_change_stay_72_elapsed_hours() {
    let out = run(json!({
        "facts": {"aware_at": "2026-10-23T09:00:00+01:00"},
        "affected": [{"jurisdiction": "UK", "subjects": 5, "categories": ["pii"]}]
    }));
    let ico = owed(&out, "gb-ico");
    assert_eq!(ico.due_local.as_deref(), Some("2026-10-26T08:00:00+00:00"));
    assert_eq!(ico.due.as_deref(), Some("2026-10-26T08:00:00Z"));
}

#[test]
fn nydfs_72_hours_across_the_us_autumn_and_spring_changes() {
    let fall = run(
        json!({"facts": {"determined_at": "2026-10-30T12:00:00-04:00"}, "regimes": ["US-NYDFS"]}),
    );
    assert_eq!(
        due_local(&fall, "us-nydfs-incident"),
        "2026-11-02T11:00:00-05:00"
    );
    let spring = run(
        json!({"facts": {"determined_at": "2026-03-06T12:00:00-05:00"}, "regimes": ["US-NYDFS"]}),
    );
    assert_eq!(
        due_local(&spring, "us-nydfs-incident"),
        "2026-03-09T13:00:00-04:00"
    );
}

#[test]
fn day_deadlines_end_at_local_midnight_whatever_the_offset_after_a_dst_change() {
    let out = run(json!({
        "facts": {"discovered_at": "2026-10-15T10:00:00-07:00"},
        "affected": [{"jurisdiction": "US-CA", "subjects": 5, "categories": ["ssn"]}]
    }));
    assert_eq!(
        due_local(&out, "us-ca-residents"),
        "2026-11-14T23:59:59-08:00"
    );
}

#[test]
fn day_deadlines_cross_the_year_end() {
    let out = run(json!({
        "facts": {"discovered_at": "2026-12-10T10:00:00-08:00"},
        "affected": [{"jurisdiction": "US-CA", "subjects": 5, "categories": ["ssn"]}]
    }));
    assert_eq!(
        due_local(&out, "us-ca-residents"),
        "2027-01-09T23:59:59-08:00"
    );
}

#[test]
fn day_deadlines_count_the_leap_day() {
    let out = run(json!({
        "facts": {"discovered_at": "2028-02-01T10:00:00-08:00"},
        "affected": [{"jurisdiction": "US-CA", "subjects": 5, "categories": ["ssn"]}]
    }));
    assert_eq!(
        due_local(&out, "us-ca-residents"),
        "2028-03-02T23:59:59-08:00"
    );
}

#[test]
fn one_month_from_31_january_in_a_leap_year_ends_on_29_february() {
    let out = run(json!({
        "facts": {"aware_at": "2028-01-20T10:00:00+01:00"},
        "regimes": ["EU-DORA"],
        "entity": {"dora_class": "credit_institution", "establishment": "FR"},
        "submissions": [{"rule_id": "eu-dora-intermediate-fr", "submitted_at": "2028-01-31T10:00:00+01:00"}]
    }));
    assert_eq!(
        due_local(&out, "eu-dora-final-fr"),
        "2028-02-29T23:59:59+01:00"
    );
}

#[test]
fn the_trigger_date_is_read_in_the_rules_zone_not_the_callers() {
    // 23:30 in Los Angeles is already the next day in New York: New York's 30 days start a day later.
    let out = run(json!({
        "facts": {"discovered_at": "2026-03-01T23:30:00-08:00"},
        "affected": [{"jurisdiction": "US-NY", "subjects": 5, "categories": ["ssn"]}]
    }));
    assert_eq!(
        due_local(&out, "us-ny-residents"),
        "2026-04-01T23:59:59-04:00"
    );
}

#[test]
fn dora_relief_moves_a_weekend_time_limit_to_noon_of_the_next_working_day_for_a_payment_institution(
) {
    let input = |class: &str| {
        json!({
            "facts": {"aware_at": "2026-01-27T10:00:00+01:00"},
            "regimes": ["EU-DORA"],
            "entity": {"dora_class": class, "establishment": "DE"},
            "submissions": [{"rule_id": "eu-dora-intermediate-de", "submitted_at": "2026-01-31T10:00:00+01:00"}]
        })
    };
    let relieved = run(input("payment_institution"));
    let fin = owed(&relieved, "eu-dora-final-de");
    assert_eq!(fin.due_local.as_deref(), Some("2026-03-02T12:00:00+01:00"));
    assert_eq!(fin.internal_target.as_deref(), Some("2026-02-28T22:59:59Z"));
    let strict = run(input("credit_institution"));
    assert_eq!(
        due_local(&strict, "eu-dora-final-de"),
        "2026-02-28T23:59:59+01:00"
    );
}

#[test]
fn dora_initial_notification_is_capped_24_hours_after_awareness() {
    let out = run(json!({
        "facts": {"aware_at": "2026-02-02T08:00:00+01:00", "classified_major_at": "2026-02-03T06:00:00+01:00"},
        "regimes": ["EU-DORA"],
        "entity": {"dora_class": "credit_institution", "establishment": "FR"}
    }));
    assert_eq!(
        due_local(&out, "eu-dora-initial-fr"),
        "2026-02-03T08:00:00+01:00"
    );
}

#[test]
fn dora_classification_after_the_24_hour_backstop_gives_4_hours_from_classification() {
    let out = run(json!({
        "facts": {"aware_at": "2026-02-02T08:00:00+01:00", "classified_major_at": "2026-02-04T09:00:00+01:00"},
        "regimes": ["EU-DORA"],
        "entity": {"dora_class": "credit_institution", "establishment": "FR"}
    }));
    assert_eq!(
        due_local(&out, "eu-dora-initial-fr"),
        "2026-02-04T13:00:00+01:00"
    );
}

#[test]
fn a_business_day_deadline_in_a_year_without_holiday_data_is_an_error() {
    let err = breach::compute_value(json!({
        "facts": {"materiality_determined_at": "2030-12-27T10:00:00-05:00"},
        "regimes": ["US-SEC"]
    }));
    match err {
        Err(breach::Error::MissingCalendarYear {
            calendar,
            year,
            rule,
        }) => {
            assert_eq!(
                (calendar.as_str(), year, rule.as_str()),
                ("us-federal", 2031, "us-sec-8k")
            );
        }
        other => panic!("expected a missing-calendar-year error, got {other:?}"),
    }
}
