//! The embedded rule set: every file loads and validates, every rule is cited, every file on disk is embedded,
//! calendars cover 2025-2030, every jurisdiction of the brief is covered, and validation errors name the file and
//! rule.

use std::collections::BTreeSet;

use breach::{RuleSet, Sources};

fn rules() -> &'static RuleSet {
    RuleSet::embedded().unwrap_or_else(|e| panic!("embedded rule set does not load: {e}"))
}

#[test]
fn every_embedded_rule_file_loads_and_validates() {
    assert!(
        rules().rules().len() > 300,
        "{} rules",
        rules().rules().len()
    );
}

#[test]
fn every_rule_has_a_citation_a_url_and_an_effective_date() {
    for r in rules().rules() {
        assert!(!r.citation.trim().is_empty(), "{} has no citation", r.id);
        assert!(
            r.url.starts_with("https://") || r.url.starts_with("http://"),
            "{} has no url",
            r.id
        );
        assert!(
            r.effective_from.to_string().len() == 10,
            "{} has no effective_from",
            r.id
        );
    }
}

#[test]
fn every_rule_file_on_disk_is_embedded() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/rules");
    let on_disk: BTreeSet<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .filter_map(|e| {
            e.ok()
                .map(|e| format!("rules/{}", e.file_name().to_string_lossy()))
        })
        .collect();
    let embedded: BTreeSet<String> = rules().rules().iter().map(|r| r.file.clone()).collect();
    assert_eq!(on_disk, embedded);
}

#[test]
fn every_calendar_on_disk_is_embedded_and_covers_2025_to_2030() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/calendars");
    let on_disk: BTreeSet<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .filter_map(|e| {
            e.ok().and_then(|e| {
                e.file_name()
                    .to_string_lossy()
                    .strip_suffix(".toml")
                    .map(String::from)
            })
        })
        .collect();
    let embedded: BTreeSet<String> = rules().calendars().keys().cloned().collect();
    assert_eq!(on_disk, embedded);
    for cal in rules().calendars().values() {
        let years: Vec<i32> = cal.years().collect();
        assert!(
            (2025..=2030).all(|y| years.contains(&y)),
            "{} covers {years:?}",
            cal.id
        );
        assert!(!cal.source.is_empty(), "{} has no source", cal.id);
    }
}

#[test]
fn every_jurisdiction_and_regime_of_the_brief_has_rules() {
    let set = rules();
    let jurisdictions: BTreeSet<&str> = set
        .rules()
        .iter()
        .map(|r| r.jurisdiction.as_str())
        .collect();
    let regimes: BTreeSet<&str> = set.rules().iter().map(|r| r.regime.as_str()).collect();
    let eea =
        "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO";
    let others = "IN GB CH SG AU NZ JP KR CN PH ID TH MY VN CA CA-QC BR SA AE NG KE ZA";
    let states = "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC \
                  ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR";
    for code in eea.split_whitespace().chain(others.split_whitespace()) {
        assert!(jurisdictions.contains(code), "no rule for {code}");
    }
    for st in states.split_whitespace() {
        assert!(
            jurisdictions.contains(format!("US-{st}").as_str()),
            "no rule for US-{st}"
        );
    }
    for regime in [
        "IN-CERT-In",
        "IN-DPDP",
        "EU-GDPR",
        "EU-NIS2",
        "EU-DORA",
        "GB-UK-GDPR",
        "US-HIPAA",
        "US-FTC-HBNR",
        "US-FTC-GLBA",
        "US-SEC",
        "US-NYDFS",
        "US-BANK",
    ] {
        assert!(regimes.contains(regime), "no rule for {regime}");
    }
}

#[test]
fn gdpr_names_each_member_states_own_authority() {
    let set = rules();
    let recipient = |id: &str| {
        set.rule(id)
            .map(|r| r.recipient.clone())
            .unwrap_or_default()
    };
    assert!(recipient("eu-gdpr-sa-ie").contains("Data Protection Commission"));
    assert!(recipient("eu-gdpr-sa-es").contains("AEPD"));
    assert!(recipient("eu-gdpr-sa-no").contains("Datatilsynet"));
}

const MEMBERS: &str = include_str!("../../data/eu-member-states.toml");
const CATEGORIES: &str = include_str!("../../data/categories.toml");
const GOOD_RULE: &str = r#"
family = "XX"
title = "Test"
sources = ["https://example.org"]

[[rule]]
id = "xx-sa"
jurisdiction = "XX"
regime = "XX-LAW"
recipient = "Authority"
recipient_kind = "authority"
stage = "notification"
clock_start = "aware_at"
period = { amount = 4, unit = "business_days" }
zone = "Europe/Paris"
calendar = "none-such"
effective_from = "2020-01-01"
citation = "Art 1"
url = "https://example.org"
confidence = "high"
"#;

fn load(rule_text: &str) -> Result<RuleSet, breach::Error> {
    RuleSet::load(&Sources {
        rules: vec![("rules/xx.toml", rule_text)],
        calendars: vec![],
        member_states: ("data/eu-member-states.toml", MEMBERS),
        categories: ("data/categories.toml", CATEGORIES),
    })
}

#[test]
fn a_rule_naming_a_missing_calendar_fails_validation_naming_the_file_and_rule() {
    let msg = load(GOOD_RULE)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        msg.starts_with("rule file rules/xx.toml, rule xx-sa: calendar \"none-such\""),
        "{msg}"
    );
}

#[test]
fn a_misspelt_key_in_a_rule_fails_validation_naming_the_rule() {
    let text = GOOD_RULE
        .replace("calendar = \"none-such\"\n", "")
        .replace("business_days", "hours");
    assert!(load(&text).is_ok());
    let msg = load(&text.replace("confidence", "confidnce"))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        msg.contains("rules/xx.toml, rule xx-sa") && msg.contains("confidnce"),
        "{msg}"
    );
}

#[test]
fn a_rule_without_a_citation_fails_validation() {
    let text = GOOD_RULE
        .replace("calendar = \"none-such\"\n", "")
        .replace("business_days", "hours");
    let msg = load(&text.replace("citation = \"Art 1\"", "citation = \" \""))
        .err()
        .map(|e| e.to_string());
    assert!(msg.is_some_and(|m| m.contains("citation is required")));
}
