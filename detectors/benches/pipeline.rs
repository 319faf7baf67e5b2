//! Throughput of the whole detector update path: events/s through `Pipeline::observe` on a synthetic
//! stream of ~1M events from 5,000 actors (people in 50 groups, a few services), no JSON involved;
//! and what the live engine pays for each snapshot of that state (to JSON, as it stores it) and for
//! restoring it on start.
//!
//! `CARGO_TARGET_DIR=/work/target-detectors cargo bench -p detectors --bench pipeline`

use std::hint::black_box;
use std::sync::OnceLock;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use detectors::{ActorType, Config, Event, Outcome, Pipeline};

const EVENTS: usize = 1_000_000;
const ACTORS: usize = 5_000;
const GROUPS: usize = 50;
const SERVICES: usize = 100;
/// Ten days starting on a Monday, so baselines learn, windows and days close, detectors judge.
const T0: i64 = 1_736_121_600_000;
const SPAN_MS: i64 = 10 * 86_400_000;

struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Strings the events borrow.
struct Pool {
    actors: Vec<String>,
    groups: Vec<String>,
    resources: Vec<String>,
    ids: Vec<String>,
}

/// One synthetic event, as indexes into the pool.
struct Row {
    t: i64,
    actor: usize,
    resource: usize,
    records: u64,
    outcome: Outcome,
}

fn world() -> (Pool, Vec<Row>) {
    let mut g = Gen(0x9e37_79b9_7f4a_7c15);
    let pool = Pool {
        actors: (0..ACTORS)
            .map(|i| {
                if i < SERVICES {
                    format!("svc-{i:03}")
                } else {
                    format!("user.{i:05}")
                }
            })
            .collect(),
        groups: (0..GROUPS).map(|i| format!("team-{i:02}")).collect(),
        resources: (0..400).map(|i| format!("db.table_{i:03}")).collect(),
        ids: (0..EVENTS).map(|i| format!("ev-{i:08}")).collect(),
    };
    let mut rows: Vec<Row> = (0..EVENTS)
        .map(|_| {
            // Services are busy (a third of the traffic), people read during office hours.
            let service = g.below(3) == 0;
            let actor = if service {
                g.below(SERVICES)
            } else {
                SERVICES + g.below(ACTORS - SERVICES)
            };
            let day = (g.below(10)) as i64;
            let t = if service {
                T0 + (g.next() % SPAN_MS as u64) as i64
            } else {
                T0 + day * 86_400_000 + 8 * 3_600_000 + (g.next() % (9 * 3_600_000)) as i64
            };
            let resource = (actor * 7 + g.below(6)) % 400;
            let records = 1 + (g.next() % 40) * (1 + g.below(3) as u64);
            let outcome = if g.below(500) == 0 {
                Outcome::Denied
            } else {
                Outcome::Success
            };
            Row {
                t,
                actor,
                resource,
                records,
                outcome,
            }
        })
        .collect();
    rows.sort_by_key(|r| r.t);
    (pool, rows)
}

fn events<'a>(pool: &'a Pool, rows: &[Row]) -> Vec<Event<'a>> {
    rows.iter()
        .enumerate()
        .map(|(i, r)| {
            let service = r.actor < SERVICES;
            Event {
                time_ms: r.t,
                event_id: Some(&pool.ids[i]),
                actor: &pool.actors[r.actor],
                actor_type: if service {
                    ActorType::Service
                } else {
                    ActorType::User
                },
                actor_group: (!service).then(|| pool.groups[r.actor % GROUPS].as_str()),
                action: "read",
                resource: &pool.resources[r.resource],
                records: r.records,
                bytes: r.records * 300,
                outcome: r.outcome,
                sensitivity: Some(if r.resource % 5 == 0 { "health" } else { "pii" }),
                source_ip: Some("10.1.2.3"),
                region: Some("eu-west-1"),
            }
        })
        .collect()
}

fn observe_all(c: &mut Criterion) {
    let (pool, rows) = world();
    let evs = events(&pool, &rows);
    let mut group = c.benchmark_group("pipeline");
    group.throughput(Throughput::Elements(evs.len() as u64));
    group.sample_size(10);
    group.bench_function("observe_1m_events_5k_actors", |b| {
        b.iter(|| {
            let Ok(mut p) = Pipeline::new(Config::default()) else {
                return 0;
            };
            let mut alerts = 0;
            for ev in &evs {
                alerts += p.observe(black_box(ev)).len();
            }
            alerts + p.flush().len()
        })
    });
    group.finish();
}

/// The pipeline after the whole stream (the state a live shard snapshots) and its JSON, built on
/// first use, so that filtering for `observe` alone (callgrind) does not build them.
fn learned() -> &'static (Pipeline, String) {
    static LEARNED: OnceLock<(Pipeline, String)> = OnceLock::new();
    LEARNED.get_or_init(|| {
        let (pool, rows) = world();
        let mut p = Pipeline::new(Config::default()).expect("default config is valid");
        for ev in &events(&pool, &rows) {
            p.observe(ev);
        }
        let json = serde_json::to_string(&p.snapshot()).expect("snapshot serialises");
        eprintln!(
            "snapshot of {} actors: {} bytes of JSON ({} per actor)",
            p.actors_tracked(),
            json.len(),
            json.len() / p.actors_tracked().max(1)
        );
        (p, json)
    })
}

fn snapshot_and_restore(c: &mut Criterion) {
    let mut group = c.benchmark_group("snapshot");
    group.sample_size(10);
    group.bench_function("snapshot_to_json_5k_actors", |b| {
        let (p, _) = learned();
        b.iter(|| serde_json::to_string(&black_box(p).snapshot()).map(|s| s.len()))
    });
    group.bench_function("restore_from_json_5k_actors", |b| {
        let (_, json) = learned();
        b.iter(|| {
            let snapshot = serde_json::from_str(black_box(json)).expect("snapshot parses");
            Pipeline::restore(Config::default(), snapshot).map(|p| p.actors_tracked())
        })
    });
    group.finish();
}

criterion_group!(benches, observe_all, snapshot_and_restore);
criterion_main!(benches);
