//! Detection quality on simulated worlds: generates a world per seed, runs one `Pipeline` over it and
//! prints the `eval` report (recall per attack kind, precision, false alerts per 1,000 actor-days,
//! delay). `cargo run --release -p detectors --example quality -- 1 2 3` (seeds; default 1 2 3).
//! `-v` also prints every alert of the test period; `--config FILE.json` uses a `detectors::Config`;
//! `--days N`, `--history-days N`, `--actors N` and `--start-ms MS` change the world's shape (the
//! defaults are `SimConfig`'s), to check that the figures hold on worlds unlike the tuning ones.
//! `--world DIR` instead scores a world written by anyone in the `simulate` layout (`events.ndjson`
//! in the native schema, `labels.json`), e.g. one from `tools/otherworld`.

use detectors::eval::{evaluate, ScoredAlert};
use detectors::sim::{simulate, Labels, SimConfig, World};
use detectors::{Config, OwnedEvent, Pipeline};

/// Where a world comes from: the simulator with a seed, or a directory.
enum Source {
    Seed(u64),
    Dir(String),
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "-v");
    let config: Config = match args
        .iter()
        .position(|a| a == "--config")
        .and_then(|i| args.get(i + 1))
    {
        Some(path) => serde_json::from_str(&std::fs::read_to_string(path)?)?,
        None => Config::default(),
    };
    let flag = |name: &str| -> Option<i64> {
        let i = args.iter().position(|a| a == name)?;
        args.get(i + 1)?.parse().ok()
    };
    let shape = SimConfig {
        days: flag("--days").map_or(SimConfig::default().days, |v| v as u32),
        history_days: flag("--history-days")
            .map_or(SimConfig::default().history_days, |v| v as u32),
        actors: flag("--actors").map_or(SimConfig::default().actors, |v| v as u32),
        start_ms: flag("--start-ms").unwrap_or(SimConfig::default().start_ms),
        ..SimConfig::default()
    };
    // Seeds are the bare numbers that are not a flag's value.
    let mut seeds: Vec<u64> = args
        .iter()
        .enumerate()
        .filter(|&(i, _)| i == 0 || !args[i - 1].starts_with("--"))
        .filter_map(|(_, a)| a.parse().ok())
        .collect();
    if seeds.is_empty() {
        seeds = vec![1, 2, 3];
    }
    let world_dir = args
        .iter()
        .position(|a| a == "--world")
        .map(|i| args.get(i + 1).cloned().ok_or("--world needs a directory"))
        .transpose()?;
    let sources: Vec<Source> = match world_dir {
        Some(dir) => vec![Source::Dir(dir)],
        None => seeds.into_iter().map(Source::Seed).collect(),
    };
    for source in sources {
        let world = match source {
            Source::Seed(seed) => simulate(&SimConfig {
                seed,
                ..shape.clone()
            })?,
            Source::Dir(dir) => read_world(&dir)?,
        };
        let seed = world.labels.world.seed;
        let mut p = Pipeline::new(config.clone())?;
        let started = std::time::Instant::now();
        let mut alerts = Vec::new();
        for ev in &world.events {
            alerts.extend(p.observe(&ev.as_event()));
        }
        alerts.extend(p.flush());
        let elapsed = started.elapsed();
        let scored: Vec<ScoredAlert> = alerts
            .iter()
            .map(|a| ScoredAlert {
                actor: a.actor.clone(),
                actor_group: a.actor_group.clone(),
                time_ms: a.time_ms,
                detected_ms: a.detected_ms,
                detector: a.detector.clone(),
            })
            .collect();
        let report = evaluate(&world.labels, &scored);
        println!(
            "seed {seed}: {} events, {} actors, {} alerts, {:.0} events/s, {} bytes/actor",
            world.events.len(),
            p.actors_tracked(),
            alerts.len(),
            world.events.len() as f64 / elapsed.as_secs_f64(),
            p.approx_memory_bytes() / p.actors_tracked().max(1)
        );
        println!("{}", report.to_text());
        if verbose {
            for a in alerts
                .iter()
                .filter(|a| a.detected_ms >= world.labels.world.test_start_ms)
            {
                println!(
                    "  [{}] {} {:.0} {}",
                    a.detector, a.severity as u8, a.score, a.summary
                );
            }
            for l in &world.labels.attacks {
                println!(
                    "  attack {} {} {} {} .. {} ({})",
                    l.id,
                    l.kind.name(),
                    l.actor,
                    l.start_ms,
                    l.end_ms,
                    l.strength
                );
            }
        }
    }
    Ok(())
}

/// A world from disk: NDJSON events in the native wire schema (sorted here by time) and its labels.
fn read_world(dir: &str) -> Result<World, Box<dyn std::error::Error>> {
    #[derive(serde::Deserialize)]
    struct Wire {
        event_id: Option<String>,
        time: String,
        actor: String,
        #[serde(default)]
        actor_type: detectors::ActorType,
        actor_group: Option<String>,
        action: String,
        resource: String,
        records: Option<u64>,
        #[serde(default)]
        bytes: u64,
        #[serde(default)]
        outcome: detectors::Outcome,
        sensitivity: Option<String>,
        source_ip: Option<String>,
        region: Option<String>,
    }
    let labels: Labels =
        serde_json::from_str(&std::fs::read_to_string(format!("{dir}/labels.json"))?)?;
    let text = std::fs::read_to_string(format!("{dir}/events.ndjson"))?;
    let mut events = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let w: Wire = serde_json::from_str(line).map_err(|e| format!("line {}: {e}", n + 1))?;
        events.push(OwnedEvent {
            time_ms: rfc3339_ms(&w.time).ok_or(format!("line {}: bad time {}", n + 1, w.time))?,
            event_id: w.event_id,
            actor: w.actor,
            actor_type: w.actor_type,
            actor_group: w.actor_group,
            action: w.action,
            resource: w.resource,
            records: w.records.unwrap_or(1),
            bytes: w.bytes,
            outcome: w.outcome,
            sensitivity: w.sensitivity,
            source_ip: w.source_ip,
            region: w.region,
        });
    }
    events.sort_by_key(|e| e.time_ms);
    Ok(World { events, labels })
}

/// `YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM)` to epoch milliseconds.
fn rfc3339_ms(s: &str) -> Option<i64> {
    let num = |a: usize, b: usize| s.get(a..b)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (h, mi, sec) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    let rest = s.get(19..)?;
    let zone_at = rest.find(['Z', '+', '-'])?;
    let frac = &rest[..zone_at];
    let ms = match frac.strip_prefix('.') {
        Some(f) => format!("{f:0<3}").get(..3)?.parse::<i64>().ok()?,
        None => 0,
    };
    let zone = &rest[zone_at..];
    let offset_min = match zone.as_bytes().first()? {
        b'Z' => 0,
        sign => {
            let m =
                zone.get(1..3)?.parse::<i64>().ok()? * 60 + zone.get(4..6)?.parse::<i64>().ok()?;
            if *sign == b'-' {
                -m
            } else {
                m
            }
        }
    };
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if mo <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (mo + if mo > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 24 + h) * 60 + mi - offset_min) * 60_000 + sec * 1000 + ms)
}
