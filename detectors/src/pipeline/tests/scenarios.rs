//! What must alert, and its quiet twins: each attack kind on top of three weeks of ordinary work
//! (reading at night and new origins are in `hours_and_origins`).

use super::*;
use crate::Severity;

#[test]
fn bulk_export_by_an_established_member_alerts_within_minutes_with_evidence() {
    let mut g = Gen::new(1);
    let mut ev = history(&mut g);
    let mut export = access(
        at(HISTORY, 14) + 7 * MINUTE_MS,
        "support-3",
        Some("support"),
        "crm.customers",
        20_000,
    );
    export.action = "export".into();
    ev.push(export);
    let alerts = run(&mut ev);
    let a: Vec<_> = alerts.iter().filter(|a| a.actor == "support-3").collect();
    assert_eq!(a.len(), 1, "{alerts:#?}");
    assert_eq!(a[0].detector, "volume");
    assert!(a[0].severity >= Severity::High);
    assert!(delay_minutes(a[0]) <= 6);
    assert!(
        a[0].summary.contains("crm.customers") && a[0].summary.contains("20,000"),
        "{}",
        a[0].summary
    );
    assert!(a[0].event_ids.iter().any(|id| id.contains("crm.customers")));
    assert!(
        a[0].evidence.baseline.contains("own history")
            && a[0].evidence.baseline.contains("its largest window before"),
        "{}",
        a[0].evidence.baseline
    );
    assert_eq!(alerts.len(), 1, "nobody else alerts: {alerts:#?}");
}

#[test]
fn a_bulk_read_no_larger_than_one_the_actor_made_two_weeks_before_alerts_only_the_first_time() {
    let mut g = Gen::new(1);
    let mut ev = history(&mut g);
    for (day, records) in [(8, 30_000), (HISTORY, 20_000)] {
        let mut big = access(
            at(day, 14) + 7 * MINUTE_MS,
            "support-3",
            Some("support"),
            "crm.customers",
            records,
        );
        big.action = "export".into();
        ev.push(big);
    }
    let alerts = run(&mut ev);
    let a: Vec<_> = alerts.iter().filter(|a| a.actor == "support-3").collect();
    assert_eq!(a.len(), 1, "{alerts:#?}");
    assert!(a[0].summary.contains("30,000"), "{}", a[0].summary);
}

/// Three weeks of the team's work (or of users without a group), then a newcomer's ordinary day with
/// one export of 20,000 records: the alerts, and the newcomer's.
fn new_hire_export(group: Option<&str>) -> (Vec<Alert>, Vec<Alert>) {
    let mut g = Gen::new(2);
    let mut ev = match group {
        Some(_) => history(&mut g),
        None => {
            let mut ev = Vec::new();
            ungrouped(&mut g, &mut ev, 12, 0, HISTORY + 2);
            ev
        }
    };
    workday(&mut g, &mut ev, ("newbie", group), HISTORY, 8, 20, 10.0);
    ev.push(access(
        at(HISTORY, 15),
        "newbie",
        group,
        "crm.customers",
        20_000,
    ));
    let alerts = run(&mut ev);
    let newbie = alerts
        .iter()
        .filter(|a| a.actor == "newbie")
        .cloned()
        .collect();
    (alerts, newbie)
}

#[test]
fn a_new_hire_exporting_a_hundred_times_the_team_alerts_on_day_one() {
    let (alerts, a) = new_hire_export(Some("support"));
    assert_eq!(a.len(), 1, "{alerts:#?}");
    assert_eq!(a[0].detector, "peer");
    assert!(
        a[0].evidence.baseline.contains("peers in 'support'"),
        "{}",
        a[0].evidence.baseline
    );
}

#[test]
fn without_actor_group_a_new_account_is_judged_against_all_accounts_without_one() {
    // Events without `actor_group`: the actors' peers are every user without a group.
    let (alerts, a) = new_hire_export(None);
    assert_eq!(alerts.len(), 1, "nobody else alerts: {alerts:#?}");
    assert_eq!(a[0].detector, "peer");
    assert!(
        a[0].evidence.baseline.contains("(users without a group)"),
        "{}",
        a[0].evidence.baseline
    );
}

#[test]
fn a_rule_breach_alerts_on_the_crossing_event_even_during_learning() {
    let mut g = Gen::new(3);
    let mut ev = Vec::new();
    team(&mut g, &mut ev, "hr", 4, 0, 3);
    let mut export = access(at(1, 11), "hr-1", Some("hr"), "hr.health_benefits", 12_000);
    export.action = "export".into();
    export.sensitivity = Some("health".into());
    ev.push(export);
    let alerts = run(&mut ev);
    assert_eq!(alerts.len(), 1, "{alerts:#?}");
    assert_eq!(
        (alerts[0].detector.as_str(), alerts[0].detected_ms),
        ("rule", at(1, 11))
    );
    assert_eq!(alerts[0].severity, Severity::Critical);
}

/// Three weeks of the team's work, then 30 requests by support-5 denied in four minutes, each on
/// the resource `table(i)`: the alerts on support-5.
fn denied_thirty_times(table: impl Fn(i64) -> String) -> Vec<Alert> {
    let mut g = Gen::new(4);
    let mut ev = history(&mut g);
    for i in 0..30 {
        let mut e = access(
            at(HISTORY, 10) + i * 8_000,
            "support-5",
            Some("support"),
            &table(i),
            0,
        );
        e.outcome = Outcome::Denied;
        ev.push(e);
    }
    run(&mut ev)
        .into_iter()
        .filter(|a| a.actor == "support-5")
        .collect()
}

#[test]
fn a_denied_burst_alerts() {
    let alerts = denied_thirty_times(|i| format!("secret.t{i}"));
    assert!(
        alerts.iter().any(|a| a.detector == "denied_burst"),
        "{alerts:#?}"
    );
}

#[test]
fn denied_retries_of_the_actors_own_tables_are_not_probing() {
    // A rotated credential: the same requests as every day, refused until it is fixed.
    let own = ["crm.customers", "crm.orders", "crm.tickets"];
    let alerts = denied_thirty_times(|i| own[i as usize % 3].to_owned());
    assert!(alerts.is_empty(), "{alerts:#?}");
}

/// Three weeks of the team's work, then `actor` reading `tables` internal tables of five records,
/// `step_ms` apart, from 10:00 on the next day.
fn table_walk(seed: u64, actor: &str, tables: i64, step_ms: i64) -> Vec<Alert> {
    let mut g = Gen::new(seed);
    let mut ev = history(&mut g);
    for i in 0..tables {
        let t = at(HISTORY, 10) + i * step_ms;
        let mut e = access(t, actor, Some("support"), &format!("dw.table_{i:03}"), 5);
        e.sensitivity = Some("internal".into());
        ev.push(e);
    }
    run(&mut ev)
}

#[test]
fn walking_sixty_tables_alerts_as_breadth() {
    let alerts = table_walk(5, "support-6", 60, 4_000);
    assert!(
        alerts
            .iter()
            .any(|a| a.actor == "support-6" && a.detectors.iter().any(|d| d == "breadth")),
        "{alerts:#?}"
    );
}

/// Three weeks of the support team, then `actor` (of `group`) reads `clinic.patient_records`, which
/// nobody in any group has read, at 10:00 on the next day: the actor's alerts.
fn first_health_read(actor: &str, kind: ActorType, group: &str) -> Vec<Alert> {
    let mut g = Gen::new(6);
    let mut ev = history(&mut g);
    let mut e = access(
        at(HISTORY, 10),
        actor,
        Some(group),
        "clinic.patient_records",
        3,
    );
    e.sensitivity = Some("health".into());
    e.actor_type = kind;
    ev.push(e);
    run(&mut ev)
        .into_iter()
        .filter(|a| a.actor == actor)
        .collect()
}

#[test]
fn a_first_read_of_health_data_nobody_in_the_team_reads_alerts() {
    for actor in ["support-7", "support-new"] {
        let a = first_health_read(actor, ActorType::User, "support");
        assert_eq!(a.len(), 1, "{actor}: {a:#?}");
        assert_eq!(a[0].detector, "new_access");
        assert!(a[0].summary.contains("clinic.patient_records"));
    }
}

#[test]
fn a_new_service_in_a_group_as_new_as_itself_learns_its_first_days_quietly() {
    let a = first_health_read("svc-scribe", ActorType::Service, "clinical-ai");
    assert!(a.is_empty(), "{a:#?}");
}

/// Support-3 probes `iam.api_keys` (denied) on day `HISTORY`; support-7 reads it the next day.
fn api_keys_after_a_teammate_tried(teammate: Outcome) -> Vec<Alert> {
    let mut g = Gen::new(8);
    let mut ev = history(&mut g);
    ev.retain(|e| e.time_ms < at(HISTORY + 1, 0) || e.actor != "support-3");
    let mut probe = access(
        at(HISTORY, 10),
        "support-3",
        Some("support"),
        "iam.api_keys",
        0,
    );
    probe.sensitivity = Some("credentials".into());
    probe.outcome = teammate;
    ev.push(probe);
    let mut read = access(
        at(HISTORY + 1, 11),
        "support-7",
        Some("support"),
        "iam.api_keys",
        2,
    );
    read.sensitivity = Some("credentials".into());
    ev.push(read);
    run(&mut ev)
        .into_iter()
        .filter(|a| a.actor == "support-7")
        .collect()
}

#[test]
fn a_first_read_of_credentials_a_teammate_was_only_denied_still_alerts() {
    let alerts = api_keys_after_a_teammate_tried(Outcome::Denied);
    assert!(
        alerts.iter().any(|a| a.detector == "new_access"),
        "{alerts:#?}"
    );
}

#[test]
fn a_first_read_of_credentials_a_teammate_already_reads_does_not_alert_alone() {
    let alerts = api_keys_after_a_teammate_tried(Outcome::Success);
    assert!(alerts.is_empty(), "{alerts:#?}");
}

#[test]
fn walking_twenty_five_tables_a_minute_apart_alerts_as_breadth() {
    let alerts = table_walk(9, "support-5", 25, 62_000);
    assert!(
        alerts
            .iter()
            .any(|a| a.actor == "support-5" && a.detector == "breadth"),
        "{alerts:#?}"
    );
}
