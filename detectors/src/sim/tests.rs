use std::collections::{HashMap, HashSet};

use super::*;
use crate::event::ActorType;

fn small() -> SimConfig {
    SimConfig {
        seed: 7,
        days: 14,
        history_days: 10,
        actors: 120,
        ..SimConfig::default()
    }
}

/// Five weeks like the default, with fewer people so that debug-mode tests stay quick.
fn medium(seed: u64) -> World {
    simulate(&SimConfig {
        seed,
        actors: 300,
        ..SimConfig::default()
    })
    .expect("valid config")
}

#[test]
fn same_seed_gives_the_same_world() {
    let a = simulate(&small()).expect("valid config");
    let b = simulate(&small()).expect("valid config");
    assert_eq!(a, b);
}

#[test]
fn different_seeds_give_different_worlds() {
    let a = simulate(&small()).expect("valid config");
    let b = simulate(&SimConfig { seed: 8, ..small() }).expect("valid config");
    assert_ne!(a.events, b.events);
}

#[test]
fn events_are_in_time_order_inside_the_world_with_unique_ids() {
    let w = medium(1);
    let meta = &w.labels.world;
    assert!(w.events.windows(2).all(|p| p[0].time_ms <= p[1].time_ms));
    assert!(w
        .events
        .iter()
        .all(|e| e.time_ms >= meta.start_ms && e.time_ms < meta.end_ms));
    let ids: HashSet<_> = w
        .events
        .iter()
        .filter_map(|e| e.event_id.as_deref())
        .collect();
    assert_eq!(ids.len(), w.events.len());
    assert_eq!(meta.events, w.events.len());
}

#[test]
fn every_labelled_event_exists_and_belongs_to_the_attacker_in_the_test_period() {
    let w = medium(2);
    let by_id: HashMap<&str, &OwnedEvent> = w
        .events
        .iter()
        .filter_map(|e| Some((e.event_id.as_deref()?, e)))
        .collect();
    for a in &w.labels.attacks {
        assert!(!a.event_ids.is_empty(), "{} has events", a.id);
        assert!(
            a.start_ms >= w.labels.world.test_start_ms,
            "{} starts in the test period",
            a.id
        );
        for id in &a.event_ids {
            let e = by_id
                .get(id.as_str())
                .unwrap_or_else(|| panic!("{} lists unknown event {id}", a.id));
            assert_eq!(e.actor, a.actor);
            assert!(e.time_ms >= a.start_ms && e.time_ms <= a.end_ms);
        }
    }
}

#[test]
fn the_test_period_holds_every_attack_kind_and_every_benign_surprise() {
    let w = medium(3);
    let kinds: HashSet<_> = w.labels.attacks.iter().map(|a| a.kind).collect();
    for kind in AttackKind::ALL {
        assert!(kinds.contains(&kind), "missing {}", kind.name());
    }
    let benign: HashSet<_> = w.labels.benign.iter().map(|b| b.kind).collect();
    for kind in [
        BenignKind::GroupSurge,
        BenignKind::NewHire,
        BenignKind::OrganicGrowth,
        BenignKind::NewService,
    ] {
        assert!(benign.contains(&kind), "missing {}", kind.name());
    }
    let attackers: HashSet<_> = w.labels.attacks.iter().map(|a| a.actor.as_str()).collect();
    assert_eq!(
        attackers.len(),
        w.labels.attacks.len(),
        "one attack per actor"
    );
}

#[test]
fn history_volume_of_each_ordinary_person_is_stationary() {
    let w = medium(4);
    let meta = &w.labels.world;
    let mut changing: HashSet<&str> = w.labels.attacks.iter().map(|a| a.actor.as_str()).collect();
    changing.extend(
        w.labels
            .benign
            .iter()
            .flat_map(|b| b.actors.iter().map(String::as_str)),
    );
    // Records per actor in the first and second half of the history.
    let half = meta.start_ms + (meta.test_start_ms - meta.start_ms) / 2;
    let mut halves: HashMap<&str, [f64; 2]> = HashMap::new();
    for e in w
        .events
        .iter()
        .filter(|e| e.time_ms < meta.test_start_ms && e.actor_type == ActorType::User)
    {
        halves.entry(e.actor.as_str()).or_default()[usize::from(e.time_ms >= half)] +=
            e.records as f64;
    }
    let mut log_ratios: Vec<f64> = halves
        .iter()
        .filter(|(actor, h)| !changing.contains(*actor) && h[0] > 0.0 && h[1] > 0.0)
        .map(|(_, h)| (h[1] / h[0]).ln())
        .collect();
    log_ratios.sort_by(f64::total_cmp);
    let median = log_ratios[log_ratios.len() / 2];
    let within_2x =
        log_ratios.iter().filter(|r| r.abs() < 2f64.ln()).count() as f64 / log_ratios.len() as f64;
    assert!(median.abs() < 0.1, "median log ratio {median}");
    assert!(within_2x > 0.75, "share within 2x: {within_2x}");
}

#[test]
fn the_surge_day_multiplies_the_group_volume() {
    let w = medium(5);
    let Some(surge) = w
        .labels
        .benign
        .iter()
        .find(|b| b.kind == BenignKind::GroupSurge)
    else {
        panic!("no surge")
    };
    let day = |t: i64| (t - w.labels.world.start_ms).div_euclid(86_400_000);
    let group = surge.group.as_deref();
    let mid = day((surge.start_ms + surge.end_ms) / 2);
    let mut per_day: HashMap<i64, u64> = HashMap::new();
    for e in w
        .events
        .iter()
        .filter(|e| e.actor_group.as_deref() == group)
    {
        *per_day.entry(day(e.time_ms)).or_default() += e.records;
    }
    let same_weekday_before = per_day.get(&(mid - 7)).copied().unwrap_or(1) as f64;
    let ratio = per_day.get(&mid).copied().unwrap_or(0) as f64 / same_weekday_before;
    assert!((2.5..6.0).contains(&ratio), "surge ratio {ratio}");
}

#[test]
fn labels_survive_a_json_round_trip() {
    let w = simulate(&small()).expect("valid config");
    let text = serde_json::to_string(&w.labels).expect("serialisable");
    let back: Labels = serde_json::from_str(&text).expect("parsable");
    assert_eq!(back, w.labels);
    assert!(text.contains("\"kind\":\"bulk_export\""));
}

#[test]
fn impossible_configurations_are_rejected() {
    let base = SimConfig::default();
    assert_eq!(
        simulate(&SimConfig {
            days: 1,
            ..base.clone()
        })
        .err(),
        Some(SimError::Days(1))
    );
    assert!(matches!(
        simulate(&SimConfig {
            history_days: 35,
            ..base.clone()
        }),
        Err(SimError::HistoryDays { .. })
    ));
    assert_eq!(
        simulate(&SimConfig {
            actors: 3,
            ..base.clone()
        })
        .err(),
        Some(SimError::Actors(3))
    );
    assert_eq!(
        simulate(&SimConfig {
            start_ms: 5,
            ..base
        })
        .err(),
        Some(SimError::Start(5))
    );
}
