//! Detection quality on simulated worlds: generates a world per seed, runs one `Pipeline` over it and
//! prints the `eval` report (recall per attack kind, precision, false alerts per 1,000 actor-days,
//! delay). `cargo run --release -p detectors --example quality -- 1 2 3` (seeds; default 1 2 3).
//! `-v` also prints every alert of the test period; `--config FILE.json` uses a `detectors::Config`;
//! `--days N`, `--history-days N`, `--actors N` and `--start-ms MS` change the world's shape (the
//! defaults are `SimConfig`'s), to check that the figures hold on worlds unlike the tuning ones.

use detectors::eval::{evaluate, ScoredAlert};
use detectors::sim::{simulate, SimConfig};
use detectors::{Config, Pipeline};

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
    for seed in seeds {
        let world = simulate(&SimConfig {
            seed,
            ..shape.clone()
        })?;
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
