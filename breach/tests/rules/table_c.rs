//! Table C of shared/breach-rules.md section 6: threshold boundaries, where `>` and `>=` differ.

use serde_json::{json, Value};

use crate::helpers::{owed, run, skipped_entry};

fn one(jurisdiction: &str, subjects: u64, categories: Value) -> Value {
    json!({
        "facts": {"aware_at": "2027-06-01T10:00:00+00:00", "discovered_at": "2027-06-01T10:00:00+00:00",
                  "determined_at": "2027-06-01T10:00:00+00:00", "assessed_at": "2027-06-01T10:00:00+00:00"},
        "affected": [{"jurisdiction": jurisdiction, "subjects": subjects, "categories": categories}]
    })
}

fn hipaa(subjects: u64) -> Value {
    let mut input = one("US-FL", subjects, json!(["health"]));
    input["regimes"] = json!(["US-HIPAA"]);
    input
}

#[test]
fn c1_hipaa_500_in_one_state_owes_hhs_but_not_the_media() {
    let out = run(hipaa(500));
    owed(&out, "us-hipaa-hhs");
    let media = skipped_entry(&out, "us-hipaa-media");
    assert!(
        media
            .reason
            .contains("500 affected residents of US-FL (rule: > 500)"),
        "{}",
        media.reason
    );
}

#[test]
fn c2_hipaa_501_in_one_state_owes_hhs_and_the_media() {
    let out = run(hipaa(501));
    owed(&out, "us-hipaa-hhs");
    assert_eq!(owed(&out, "us-hipaa-media").jurisdiction, "US-FL");
}

#[test]
fn c4_california_attorney_general_needs_more_than_500_residents() {
    let out = run(one("US-CA", 500, json!(["ssn"])));
    assert!(skipped_entry(&out, "us-ca-ag")
        .reason
        .contains("(rule: > 500)"));
    owed(&run(one("US-CA", 501, json!(["ssn"]))), "us-ca-ag");
}

#[test]
fn c5_colorado_attorney_general_is_owed_at_exactly_500() {
    owed(&run(one("US-CO", 500, json!(["ssn"]))), "us-co-ag");
}

#[test]
fn c6_washington_attorney_general_is_not_owed_at_exactly_500() {
    let out = run(one("US-WA", 500, json!(["ssn"])));
    skipped_entry(&out, "us-wa-ag");
}

#[test]
fn c9_singapore_500_people_without_prescribed_data_notify_the_pdpc_but_not_individuals() {
    let out = run(one("SG", 500, json!(["pii"])));
    owed(&out, "sg-pdpc");
    let ind = skipped_entry(&out, "sg-individuals");
    assert!(
        ind.reason.contains("none of the triggers"),
        "{}",
        ind.reason
    );
}

#[test]
fn c10_japan_1000_ordinary_records_are_not_reportable_but_1001_are() {
    let out = run(one("JP", 1000, json!(["pii"])));
    for id in ["jp-ppc-preliminary", "jp-ppc-final", "jp-individuals"] {
        skipped_entry(&out, id);
    }
    let out = run(one("JP", 1001, json!(["pii"])));
    for id in ["jp-ppc-preliminary", "jp-ppc-final", "jp-individuals"] {
        owed(&out, id);
    }
}

#[test]
fn c11_korea_1000_subjects_from_an_insider_error_owe_pipc_and_the_subjects() {
    let out = run(one("KR", 1000, json!(["pii"])));
    owed(&out, "kr-pipc");
    owed(&out, "kr-subjects");
}

#[test]
fn c12_district_of_columbia_attorney_general_is_owed_at_50_residents() {
    owed(&run(one("US-DC", 50, json!(["ssn"]))), "us-dc-ag");
    skipped_entry(&run(one("US-DC", 49, json!(["ssn"]))), "us-dc-ag");
}

#[test]
fn c13_dpdp_one_data_principal_at_low_risk_still_owes_the_board_and_the_principal() {
    let mut input = one("IN", 1, json!(["pii"]));
    input["risk"] = json!("low");
    let out = run(input);
    for id in [
        "in-dpdp-board-intimation",
        "in-dpdp-board-report",
        "in-dpdp-principals",
    ] {
        owed(&out, id);
    }
}
