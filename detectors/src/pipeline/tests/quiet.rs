//! What must stay quiet, and what must survive a restart.

use super::*;
use crate::Snapshot;

#[test]
fn four_weeks_of_ordinary_work_raise_no_alert() {
    let mut g = Gen::new(11);
    let mut ev = Vec::new();
    team(&mut g, &mut ev, "support", 20, 0, 28);
    let alerts = run(&mut ev);
    assert!(alerts.is_empty(), "{alerts:#?}");
}

#[test]
fn a_new_hire_working_like_the_team_raises_nothing() {
    let mut g = Gen::new(12);
    let mut ev = Vec::new();
    team(&mut g, &mut ev, "support", 12, 0, 24);
    for day in 21..24 {
        workday(
            &mut g,
            &mut ev,
            ("newbie", Some("support")),
            day,
            8,
            20,
            10.0,
        );
    }
    let alerts = run(&mut ev);
    assert!(alerts.is_empty(), "{alerts:#?}");
}

#[test]
fn without_actor_group_a_new_account_working_like_the_others_raises_nothing() {
    let mut g = Gen::new(14);
    let mut ev = Vec::new();
    ungrouped(&mut g, &mut ev, 12, 0, 24);
    for day in 21..24 {
        workday(&mut g, &mut ev, ("newbie", None), day, 8, 20, 10.0);
    }
    let alerts = run(&mut ev);
    assert!(alerts.is_empty(), "{alerts:#?}");
}

#[test]
fn a_group_surge_is_reported_once_and_its_members_stay_quiet() {
    let mut g = Gen::new(13);
    let mut ev = Vec::new();
    team(&mut g, &mut ev, "support", 20, 0, 22);
    for i in 0..20 {
        workday(
            &mut g,
            &mut ev,
            (&format!("support-{i}"), Some("support")),
            22,
            8,
            80,
            10.0,
        );
    }
    team(&mut g, &mut ev, "support", 20, 23, 24);
    let alerts = run(&mut ev);
    assert!(alerts.len() <= 1, "{alerts:#?}");
    assert!(
        alerts
            .iter()
            .all(|a| a.detector == "population_shift" && a.actor == "support"),
        "{alerts:#?}"
    );
}

#[test]
fn on_call_night_work_seen_before_is_quiet() {
    let mut g = Gen::new(14);
    let mut ev = Vec::new();
    team(&mut g, &mut ev, "ops", 8, 0, 29);
    // One engineer on call every other week: a few night sessions each time.
    for day in (0..29).filter(|d| (d / 7) % 2 == 0 && d % 2 == 0) {
        for k in 0..4 {
            let t = T0 + day * DAY_MS + (1 + k % 3) * HOUR_MS + g.range(0, HOUR_MS);
            ev.push(access(
                t,
                "ops-0",
                Some("ops"),
                "crm.orders",
                g.around(10.0),
            ));
        }
    }
    let alerts = run(&mut ev);
    assert!(alerts.is_empty(), "{alerts:#?}");
}

#[test]
fn snapshot_round_trip_through_json_gives_identical_later_alerts() {
    let mut g = Gen::new(15);
    let mut ev = Vec::new();
    team(&mut g, &mut ev, "support", 10, 0, 24);
    ev.push(access(
        T0 + 22 * DAY_MS + 14 * HOUR_MS,
        "support-2",
        Some("support"),
        "crm.customers",
        15_000,
    ));
    ev.push(access(
        T0 + 23 * DAY_MS + 10 * HOUR_MS,
        "support-4",
        Some("support"),
        "crm.customers",
        15_000,
    ));
    ev.sort_by_key(|e| e.time_ms);
    let whole = run(&mut ev.clone());
    assert_eq!(whole.len(), 2, "{whole:#?}");

    let cut = ev.partition_point(|e| e.time_ms < T0 + 22 * DAY_MS + 18 * HOUR_MS);
    let Ok(mut first) = Pipeline::new(Config::default()) else {
        panic!("default config")
    };
    let mut alerts: Vec<Alert> = ev[..cut]
        .iter()
        .flat_map(|e| first.observe(&e.as_event()))
        .collect();
    let json = serde_json::to_string(&first.snapshot()).unwrap();
    let snap: Snapshot = serde_json::from_str(&json).unwrap();
    assert_eq!(snap.watermark_ms(), first.watermark_ms());
    let mut second = Pipeline::restore(Config::default(), snap).unwrap();
    assert_eq!(second.actors_tracked(), first.actors_tracked());
    alerts.extend(ev[cut..].iter().flat_map(|e| second.observe(&e.as_event())));
    alerts.extend(second.flush());
    assert_eq!(alerts, whole);
    // The restored pipeline ends in the same state as the uninterrupted one (compared as values:
    // a hash map's iteration order is not state). Compared without `assert_eq!` to keep output short.
    let mut p = Pipeline::new(Config::default()).unwrap();
    ev.iter().for_each(|e| drop(p.observe(&e.as_event())));
    p.flush();
    assert!(second.snapshot() == p.snapshot(), "restored state diverged");
}

#[test]
fn a_snapshot_with_other_windows_is_refused() {
    let p = Pipeline::new(Config::default()).unwrap();
    let cfg = Config {
        window_minutes: 10,
        ..Config::default()
    };
    assert!(matches!(
        Pipeline::restore(cfg, p.snapshot()),
        Err(crate::RestoreError::WindowChanged { .. })
    ));
}

#[test]
fn memory_per_tracked_actor_stays_within_four_kib() {
    let mut g = Gen::new(16);
    let mut ev = Vec::new();
    team(&mut g, &mut ev, "support", 50, 0, 21);
    events_into(&mut ev, |p| {
        let per_actor = p.approx_memory_bytes() / p.actors_tracked();
        assert!(per_actor <= 4096, "{per_actor} bytes per actor");
    });
}

#[test]
fn closed_windows_hand_their_evidence_buffers_on_instead_of_keeping_them() {
    // UUID event ids and long table names: the evidence an idle actor would otherwise keep.
    let mut g = Gen::new(16);
    let mut ev = Vec::new();
    team(&mut g, &mut ev, "support", 50, 0, 21);
    for (i, e) in ev.iter_mut().enumerate() {
        e.event_id = Some(format!("{:08x}-0000-4000-8000-{:012x}", i, i * 7919));
        e.resource = format!("warehouse.customer_{}_history_by_region", e.resource);
    }
    events_into(&mut ev, |p| {
        let closed = p.st.actors.iter().filter(|a| !a.win.open);
        assert_eq!(closed.map(|a| a.win.evidence.bytes()).sum::<usize>(), 0);
        assert!(p.st.spares.heap_bytes() > 0, "kept for the next windows");
        let per_actor = p.approx_memory_bytes() / p.actors_tracked();
        assert!(per_actor <= 4096, "{per_actor} bytes per actor");
    });
}

fn events_into(ev: &mut [OwnedEvent], check: impl Fn(&Pipeline)) {
    ev.sort_by_key(|e| e.time_ms);
    let mut p = Pipeline::new(Config::default()).unwrap();
    for e in ev.iter() {
        p.observe(&e.as_event());
    }
    check(&p);
}
