//! What must alert, and what must not, about when and from where: reading at night (by day workers,
//! in teams with and without night work) and services used from a new origin.

use super::*;

#[test]
fn a_night_export_by_a_day_worker_alerts_as_time_of_day() {
    let mut g = Gen::new(7);
    let mut ev = history(&mut g);
    for i in 0..10 {
        ev.push(access(
            at(HISTORY, 2) + i * 6 * MINUTE_MS,
            "support-8",
            Some("support"),
            "crm.orders",
            60,
        ));
    }
    let alerts = run(&mut ev);
    assert!(
        alerts
            .iter()
            .any(|a| a.actor == "support-8" && a.detectors.iter().any(|d| d == "time_of_day")),
        "{alerts:#?}"
    );
}

/// 60 people over 30 days (enough member-days to tell whether they work nights), in a team or,
/// with `group` `None`, without one; `night_workers` of them each work a night session every `every`
/// days, and person 8 reads `reads` x 10 records (about 240 a day is usual) at 02:00 on the last day.
fn read_at_night_in(
    group: Option<&str>,
    night_workers: usize,
    every: i64,
    reads: i64,
) -> Vec<Alert> {
    let mut g = Gen::new(12);
    let mut ev = Vec::new();
    let prefix = group.unwrap_or("user");
    match group {
        Some(team_name) => team(&mut g, &mut ev, team_name, 60, 0, 31),
        None => ungrouped(&mut g, &mut ev, 60, 0, 31),
    }
    for day in (0..29).filter(|d| d % every == 1) {
        for who in (0..night_workers).map(|i| format!("{prefix}-{}", 59 - i)) {
            for i in 0..3 {
                let t = at(day, 1) + i * 2 * MINUTE_MS;
                ev.push(access(t, &who, group, "crm.orders", 10));
            }
        }
    }
    let reader = format!("{prefix}-8");
    for i in 0..reads {
        let t = at(29, 2) + i * 6 * MINUTE_MS / (1 + reads / 10);
        ev.push(access(t, &reader, group, "crm.orders", 10));
    }
    run(&mut ev)
        .into_iter()
        .filter(|a| a.actor == reader)
        .collect()
}

fn read_at_night(night_workers: usize, every: i64, reads: i64) -> Vec<Alert> {
    read_at_night_in(Some("support"), night_workers, every, reads)
}

#[test]
fn a_third_of_a_day_read_at_night_alerts_in_a_team_that_never_works_nights() {
    let alerts = read_at_night(0, 1, 8);
    assert!(
        alerts.iter().any(|a| a.detector == "time_of_day"),
        "{alerts:#?}"
    );
}

#[test]
fn a_third_of_a_day_read_at_night_is_quiet_in_a_team_with_night_work() {
    // Two of sixty on call every fourth day: about one member-day in 120.
    let alerts = read_at_night(2, 4, 8);
    assert!(alerts.is_empty(), "{alerts:#?}");
}

#[test]
fn a_first_night_of_a_whole_day_is_quiet_in_a_team_with_night_shifts_but_not_in_one_with_on_call() {
    // Support-8's first night: about 1.7 typical days. Twelve of sixty on nights every other day
    // (one member-day in ten) make nights the team's routine; two on call every fourth day do not.
    let shifts = read_at_night(12, 2, 40);
    assert!(shifts.is_empty(), "{shifts:#?}");
    let on_call = read_at_night(2, 4, 40);
    assert!(
        on_call.iter().any(|a| a.detector == "time_of_day"),
        "{on_call:#?}"
    );
}

/// Three weeks of the team's work beside `actor`, a service calling `calls_per_day` times a day from
/// one region and address block; on the last day its calls numbered `stolen` come from an unseen
/// region and address block and read `boost` times as much.
fn service_from_a_new_origin(
    seed: u64,
    actor: &str,
    calls_per_day: i64,
    stolen: std::ops::Range<i64>,
    boost: u64,
) -> Vec<OwnedEvent> {
    let mut g = Gen::new(seed);
    let mut ev = history(&mut g);
    let step = DAY_MS / calls_per_day;
    for day in 0..=HISTORY {
        for k in 0..calls_per_day {
            let t = at(day, 0) + k * step + g.range(0, 60_000);
            let mut e = access(t, actor, None, "crm.orders", g.around(5.0));
            e.actor_type = ActorType::Service;
            e.region = Some("eu-west-1".into());
            e.source_ip = Some("10.1.2.3".into());
            if day == HISTORY && stolen.contains(&k) {
                e.region = Some("sa-east-1".into());
                e.source_ip = Some("203.0.113.10".into());
                e.records *= boost;
            }
            ev.push(e);
        }
    }
    ev
}

#[test]
fn a_service_reading_a_lot_from_a_new_region_alerts_with_origin() {
    // Every five minutes; 10:00 to 10:30 from the new origin, thirty times the usual reads.
    let alerts = run(&mut service_from_a_new_origin(
        8,
        "svc-api",
        288,
        120..126,
        30,
    ));
    assert!(
        alerts
            .iter()
            .any(|a| a.actor == "svc-api" && a.detectors.iter().any(|d| d == "origin")),
        "{alerts:#?}"
    );
}

/// A service calling every quarter of an hour, all day; on the last day `stolen` of its calls
/// around noon come from an unseen region and address block.
fn sparse_service(stolen: i64) -> Vec<OwnedEvent> {
    service_from_a_new_origin(9, "svc-sync", 96, 48..48 + stolen, 1)
}

#[test]
fn a_sparse_service_used_for_an_hour_from_a_new_region_alerts_with_origin() {
    // Four ordinary calls are a usual hour's reading, a quarter of the mean active window times twelve.
    let alerts = run(&mut sparse_service(4));
    assert!(
        alerts
            .iter()
            .any(|a| a.actor == "svc-sync" && a.detectors.iter().any(|d| d == "origin")),
        "{alerts:#?}"
    );
}

#[test]
fn a_service_moved_to_another_region_for_three_hours_alerts_once() {
    // A failover drill: every call from 10:00 to 13:00 comes from the other region, at usual volume.
    let alerts = run(&mut service_from_a_new_origin(
        10,
        "svc-api",
        288,
        120..156,
        1,
    ));
    let mine: Vec<_> = alerts.iter().filter(|a| a.actor == "svc-api").collect();
    assert_eq!(mine.len(), 1, "{mine:#?}");
    assert_eq!(mine[0].detector, "origin");
}

#[test]
fn a_single_call_of_a_sparse_service_from_a_new_region_stays_quiet() {
    let alerts = run(&mut sparse_service(1));
    assert!(!alerts.iter().any(|a| a.actor == "svc-sync"), "{alerts:#?}");
}

#[test]
fn without_actor_group_the_night_shifts_of_some_do_not_cover_a_day_worker_at_night() {
    // The same twelve night workers as a team's night shifts, but nobody has a group: a whole day
    // read at 2 am by someone who never works nights still alerts.
    let alerts = read_at_night_in(None, 12, 2, 40);
    assert!(
        alerts.iter().any(|a| a.detector == "time_of_day"),
        "{alerts:#?}"
    );
}
