//! NAB's score of the univariate detector on a corpus in NAB's layout, without Python:
//! `cargo run --release -p detectors --example nab_score -- DATA_DIR LABELS_JSON [--config FILE.json] [-v]`
//! (e.g. `../shared/nab/data ../shared/nab/labels/combined_windows.json`). Prints the normalised score
//! for the three NAB profiles; `-v` also prints, per series, each window's highest score and the
//! highest score outside windows, which is where a detector wins or loses.

use std::path::{Path, PathBuf};

use detectors::nab::{
    parse_series, parse_windows, score_corpus, score_series, CombinedWindows, CostProfile,
    NabConfig, ScoredSeries,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "-v");
    let config_at = args.iter().position(|a| a == "--config").map(|i| i + 1);
    let config: NabConfig = match config_at.and_then(|i| args.get(i)) {
        Some(path) => serde_json::from_str(&std::fs::read_to_string(path)?)?,
        None => NabConfig::default(),
    };
    let positional: Vec<&String> = args
        .iter()
        .enumerate()
        .filter(|&(i, a)| !a.starts_with('-') && Some(i) != config_at)
        .map(|(_, a)| a)
        .collect();
    let [data_dir, labels] = positional[..] else {
        return Err("usage: nab_score DATA_DIR LABELS_JSON [--config FILE.json] [-v]".into());
    };
    let labels: CombinedWindows = serde_json::from_str(&std::fs::read_to_string(labels)?)?;
    let mut files = Vec::new();
    collect_csv(Path::new(data_dir), &mut files)?;
    files.sort();
    let started = std::time::Instant::now();
    let mut corpus = Vec::new();
    for file in &files {
        let name = file
            .strip_prefix(data_dir)?
            .to_string_lossy()
            .replace('\\', "/");
        let points = parse_series(&std::fs::read_to_string(file)?)?;
        let scores = score_series(&points, &config);
        let windows = parse_windows(labels.get(&name).map_or(&[][..], Vec::as_slice))?;
        let timestamps: Vec<i64> = points.iter().map(|p| p.0).collect();
        corpus.push((name, timestamps, scores, windows));
    }
    let elapsed = started.elapsed();
    if verbose {
        for (name, ts, scores, windows) in &corpus {
            let probation = ((0.15 * ts.len() as f64) as usize).min(750);
            let inside = |t: i64| windows.iter().position(|&(a, b)| a <= t && t <= b);
            let mut best = vec![0.0f64; windows.len()];
            let mut outside = 0.0f64;
            for (&t, &s) in ts.iter().zip(scores).skip(probation) {
                match inside(t) {
                    Some(w) => best[w] = best[w].max(s),
                    None => outside = outside.max(s),
                }
            }
            let best: Vec<String> = best.iter().map(|s| format!("{s:.3}")).collect();
            println!(
                "{name}: windows [{}], outside {outside:.3}",
                best.join(", ")
            );
        }
    }
    let series: Vec<ScoredSeries> = corpus
        .iter()
        .map(|(_, ts, scores, windows)| ScoredSeries {
            timestamps: ts,
            scores,
            windows,
        })
        .collect();
    for (profile, weights) in [
        ("standard", CostProfile::STANDARD),
        ("reward_low_FP_rate", CostProfile::REWARD_LOW_FP_RATE),
        ("reward_low_FN_rate", CostProfile::REWARD_LOW_FN_RATE),
    ] {
        let s = score_corpus(&series, weights);
        println!(
            "{profile}: {:.1} (threshold {:.3}, {} of {} windows, {} false positives)",
            s.normalized, s.threshold, s.detected_windows, s.windows, s.false_positives
        );
    }
    println!(
        "{} series scored in {:.2} s",
        corpus.len(),
        elapsed.as_secs_f64()
    );
    Ok(())
}

fn collect_csv(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_csv(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "csv") {
            out.push(path);
        }
    }
    Ok(())
}
