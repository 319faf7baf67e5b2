use super::*;
use crate::sim::{AttackKind, AttackLabel, BenignKind, BenignLabel, Labels, WorldMeta};

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;
const TEST_START: i64 = 100 * HOUR;

fn attack(id: &str, kind: AttackKind, actor: &str, start: i64, end: i64) -> AttackLabel {
    AttackLabel {
        id: id.into(),
        kind,
        actor: actor.into(),
        actor_group: Some("support".into()),
        start_ms: start,
        end_ms: end,
        strength: "test".into(),
        event_ids: vec!["e-1".into()],
    }
}

fn labels(attacks: Vec<AttackLabel>, benign: Vec<BenignLabel>) -> Labels {
    Labels {
        world: WorldMeta {
            seed: 9,
            days: 10,
            history_days: 7,
            start_ms: 0,
            test_start_ms: TEST_START,
            end_ms: 240 * HOUR,
            actors: 50,
            events: 1000,
            test_actor_days: 500,
        },
        attacks,
        benign,
    }
}

fn alert(actor: &str, time: i64, detected: i64, detector: &str) -> ScoredAlert {
    ScoredAlert {
        actor: actor.into(),
        actor_group: Some("support".into()),
        time_ms: time,
        detected_ms: detected,
        detector: detector.into(),
    }
}

fn surge() -> BenignLabel {
    BenignLabel {
        kind: BenignKind::GroupSurge,
        group: Some("support".into()),
        actors: vec!["ann".into(), "bob".into(), "cid".into()],
        start_ms: TEST_START + 20 * HOUR,
        end_ms: TEST_START + 44 * HOUR,
        description: String::new(),
    }
}

#[test]
fn an_alert_inside_the_attack_detects_it_with_its_delay() {
    let l = labels(
        vec![attack(
            "a-1",
            AttackKind::BulkExport,
            "eve",
            TEST_START + HOUR,
            TEST_START + HOUR + 5 * MIN,
        )],
        vec![],
    );
    let r = evaluate(
        &l,
        &[alert(
            "eve",
            TEST_START + HOUR,
            TEST_START + HOUR + 3 * MIN,
            "volume",
        )],
    );
    assert_eq!(r.recall, Some(1.0));
    assert_eq!(r.per_attack[0].delay_ms, Some(3 * MIN));
    assert_eq!(r.median_delay_bulk_ms, Some(3 * MIN));
    assert_eq!(r.per_attack[0].detectors, vec!["volume".to_string()]);
    assert_eq!(r.precision, Some(1.0));
}

#[test]
fn an_alert_raised_within_the_slack_before_the_start_counts_with_zero_delay() {
    let l = labels(
        vec![attack(
            "a-1",
            AttackKind::DeniedBurst,
            "eve",
            TEST_START + 5 * HOUR,
            TEST_START + 5 * HOUR,
        )],
        vec![],
    );
    let early = TEST_START + 5 * HOUR - 30 * MIN;
    let r = evaluate(&l, &[alert("eve", early, early, "denied_burst")]);
    assert_eq!(r.per_attack[0].delay_ms, Some(0));
}

#[test]
fn an_alert_beyond_the_slack_or_on_someone_else_misses_and_is_false() {
    let l = labels(
        vec![attack(
            "a-1",
            AttackKind::OffHours,
            "eve",
            TEST_START + 5 * HOUR,
            TEST_START + 6 * HOUR,
        )],
        vec![],
    );
    let late = TEST_START + 7 * HOUR + MIN;
    let r = evaluate(
        &l,
        &[
            alert("eve", late, late, "time_of_day"),
            alert(
                "mal",
                TEST_START + 5 * HOUR,
                TEST_START + 5 * HOUR,
                "volume",
            ),
        ],
    );
    assert_eq!(r.detected, 0);
    assert_eq!(r.recall, Some(0.0));
    assert_eq!(r.alerts.false_positive, 2);
    assert_eq!(r.precision, Some(0.0));
    assert_eq!(r.false_by_detector.get("time_of_day"), Some(&1));
}

#[test]
fn an_alert_starting_inside_but_raised_after_the_attack_still_detects_it() {
    let l = labels(
        vec![attack(
            "a-1",
            AttackKind::LowAndSlow,
            "eve",
            TEST_START,
            TEST_START + 50 * HOUR,
        )],
        vec![],
    );
    let r = evaluate(
        &l,
        &[alert(
            "eve",
            TEST_START + 40 * HOUR,
            TEST_START + 60 * HOUR,
            "sustained_volume",
        )],
    );
    assert_eq!(r.per_attack[0].delay_ms, Some(60 * HOUR));
    assert_eq!(r.alerts.true_positive, 1);
}

#[test]
fn precision_and_false_alert_rate_count_only_test_period_alerts() {
    let l = labels(
        vec![attack(
            "a-1",
            AttackKind::BulkExport,
            "eve",
            TEST_START + HOUR,
            TEST_START + HOUR,
        )],
        vec![],
    );
    let t = TEST_START + HOUR;
    let alerts = [
        alert("eve", t, t, "volume"),
        alert("eve", t, t + MIN, "rule"),
        alert("eve", t, t + 2 * MIN, "breadth"),
        alert("zed", t, t, "peer"),
        alert("zed", 10 * HOUR, 10 * HOUR, "volume"), // warm-up
    ];
    let r = evaluate(&l, &alerts);
    assert_eq!(r.alerts.warm_up, 1);
    assert_eq!(r.alerts.test, 4);
    assert_eq!(r.precision, Some(0.75));
    // One false alert over 500 actor-days.
    assert!((r.false_alerts_per_1000_actor_days - 2.0).abs() < 1e-9);
    assert_eq!(r.per_attack[0].alerts, 3);
    assert_eq!(r.per_attack[0].delay_ms, Some(0));
}

#[test]
fn median_delay_of_an_even_count_is_the_mean_of_the_middle_two() {
    let l = labels(
        vec![
            attack("a-1", AttackKind::BulkExport, "eve", TEST_START, TEST_START),
            attack("a-2", AttackKind::RuleBreach, "fay", TEST_START, TEST_START),
            attack(
                "a-3",
                AttackKind::Enumeration,
                "gus",
                TEST_START,
                TEST_START,
            ),
        ],
        vec![],
    );
    let r = evaluate(
        &l,
        &[
            alert("eve", TEST_START, TEST_START + MIN, "volume"),
            alert("fay", TEST_START, TEST_START + 3 * MIN, "rule"),
        ],
    );
    assert_eq!(r.median_delay_bulk_ms, Some(2 * MIN));
    assert_eq!(r.median_delay_ms, Some(2 * MIN));
    let enumeration = r
        .by_kind
        .iter()
        .find(|k| k.kind == AttackKind::Enumeration)
        .expect("kind listed");
    assert_eq!(
        (
            enumeration.attacks,
            enumeration.detected,
            enumeration.median_delay_ms
        ),
        (1, 0, None)
    );
    assert!(
        r.by_kind.iter().all(|k| k.attacks > 0),
        "kinds without attacks are left out"
    );
}

#[test]
fn one_group_alert_on_the_surge_is_tolerated_and_more_are_false() {
    let s = surge();
    let t = s.start_ms + 6 * HOUR;
    let l = labels(vec![], vec![s]);
    let one = evaluate(&l, &[alert("support", t, t, "population_shift")]);
    assert_eq!((one.alerts.tolerated, one.alerts.false_positive), (1, 0));
    assert_eq!(one.precision, None);
    assert!(one
        .surge
        .as_ref()
        .is_some_and(|g| !g.storm && g.group_alerts == 1));
    let two = evaluate(
        &l,
        &[
            alert("support", t, t, "population_shift"),
            alert("support", t + HOUR, t + HOUR, "population_shift"),
        ],
    );
    assert_eq!((two.alerts.tolerated, two.alerts.false_positive), (1, 1));
    assert!(two.surge.as_ref().is_some_and(|g| g.storm));
}

#[test]
fn alerts_on_many_surging_members_are_an_alert_storm() {
    let s = surge();
    let t = s.start_ms + 6 * HOUR;
    let l = labels(vec![], vec![s]);
    let r = evaluate(
        &l,
        &[
            alert("ann", t, t, "volume"),
            alert("bob", t, t, "volume"),
            alert("cid", t, t, "peer"),
        ],
    );
    let g = r.surge.as_ref().expect("surge reported");
    assert_eq!((g.member_alerts, g.storm), (3, true));
    assert_eq!(r.benign[0].alerts, 3);
    assert!(!r.quality.no_surge_storm && !r.quality.pass);
}

#[test]
fn a_world_without_alerts_has_zero_recall_and_no_precision() {
    let l = labels(
        vec![attack(
            "a-1",
            AttackKind::BulkExport,
            "eve",
            TEST_START,
            TEST_START,
        )],
        vec![],
    );
    let r = evaluate(&l, &[]);
    assert_eq!(
        (r.recall, r.precision, r.median_delay_ms),
        (Some(0.0), None, None)
    );
    assert!(!r.quality.recall && r.quality.precision && !r.quality.bulk_delay);
    assert!(r.to_text().contains("missed a-1 bulk_export eve"));
}

#[test]
fn the_text_report_is_a_table_and_the_json_names_kinds() {
    let l = labels(
        vec![attack(
            "a-1",
            AttackKind::BulkExport,
            "eve",
            TEST_START,
            TEST_START,
        )],
        vec![surge()],
    );
    let r = evaluate(
        &l,
        &[alert("eve", TEST_START, TEST_START + 90 * 1000, "volume")],
    );
    let text = r.to_text();
    assert!(
        text.contains("bulk_export                    1        1    1.00        1m 30s"),
        "{text}"
    );
    assert!(text.contains("=> PASS"), "{text}");
    let json = serde_json::to_string(&r).expect("serialisable");
    assert!(
        json.contains("\"kind\":\"bulk_export\"")
            && json.contains("\"false_alerts_per_1000_actor_days\":0.0")
    );
}

#[test]
fn a_few_alerts_among_many_surging_members_are_not_a_storm() {
    let mut s = surge();
    s.actors = (0..100).map(|i| format!("m{i}")).collect();
    let t = s.start_ms + 6 * HOUR;
    let l = labels(vec![], vec![s]);
    let alerts: Vec<ScoredAlert> = (0..4)
        .map(|i| alert(&format!("m{i}"), t, t, "volume"))
        .collect();
    let g = evaluate(&l, &alerts).surge.expect("surge reported");
    assert_eq!((g.member_alerts, g.storm), (4, false));
    let five: Vec<ScoredAlert> = (0..5)
        .map(|i| alert(&format!("m{i}"), t, t, "volume"))
        .collect();
    assert!(evaluate(&l, &five).surge.is_some_and(|g| g.storm));
}
