//! `accesswatch nab DATA_DIR OUT_DIR`: runs the univariate volume detector over series in the
//! Numenta Anomaly Benchmark layout (`DATA_DIR/<category>/<name>.csv`, `timestamp,value`) and
//! writes NAB result files (`OUT_DIR/<detector>/<category>/<detector>_<name>.csv`) that NAB's own
//! scorer reads. With `--labels`, it also prints NAB's score for the three profiles, computed by the
//! Rust port of NAB's scorer, so a figure needs no Python.

use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use detectors::nab::{
    format_results, parse_series, parse_windows, results_path, score_corpus, score_series,
    CombinedWindows, CostProfile, NabConfig, NabScore, ScoredSeries,
};

const DETECTOR: &str = "accesswatch";

#[derive(Debug, Args)]
pub struct NabArgs {
    /// NAB data directory (category folders of CSV files).
    pub data_dir: PathBuf,
    /// Results directory to write into.
    pub out_dir: PathBuf,
    /// NAB's `labels/combined_windows.json`: also score the results (standard, reward_low_FP_rate and
    /// reward_low_FN_rate profiles) and print the scores on stdout.
    #[arg(long, value_name = "FILE")]
    pub labels: Option<PathBuf>,
    /// Print the scores as JSON (with `--labels`).
    #[arg(long, requires = "labels")]
    pub json: bool,
    /// The univariate detector's settings as JSON (fields of `NabConfig`, docs/DETECTORS.md);
    /// defaults otherwise.
    #[arg(long, value_name = "FILE")]
    pub detector_config: Option<PathBuf>,
}

/// One series after scoring: its name relative to the data directory, times and scores.
struct Scored {
    name: String,
    timestamps: Vec<i64>,
    scores: Vec<f64>,
}

pub fn run(args: NabArgs) -> anyhow::Result<ExitCode> {
    let config: NabConfig = match &args.detector_config {
        Some(path) => read_json(path)?,
        None => NabConfig::default(),
    };
    let labels: Option<CombinedWindows> = args.labels.as_deref().map(read_json).transpose()?;
    let mut files = Vec::new();
    collect_csv(&args.data_dir, &mut files)?;
    files.sort();
    let mut corpus = Vec::with_capacity(files.len());
    for (i, file) in files.iter().enumerate() {
        let relative = file
            .strip_prefix(&args.data_dir)?
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(file)?;
        let points = parse_series(&text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
        let scores = score_series(&points, &config);
        let out = args.out_dir.join(results_path(DETECTOR, &relative));
        if let Some(parent) = out.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&out, format_results(&points, &scores))?;
        eprintln!(
            "nab: [{}/{}] {relative}: {} points -> {}",
            i + 1,
            files.len(),
            points.len(),
            out.display()
        );
        corpus.push(Scored {
            name: relative,
            timestamps: points.iter().map(|p| p.0).collect(),
            scores,
        });
    }
    eprintln!("nab: {} series scored", files.len());
    if let Some(labels) = labels {
        print_scores(&corpus, &labels, args.json)?;
    }
    Ok(ExitCode::SUCCESS)
}

const PROFILES: [(&str, CostProfile); 3] = [
    ("standard", CostProfile::STANDARD),
    ("reward_low_FP_rate", CostProfile::REWARD_LOW_FP_RATE),
    ("reward_low_FN_rate", CostProfile::REWARD_LOW_FN_RATE),
];

/// Scores the corpus against its labelled windows (a series without labels has none) per profile.
fn print_scores(corpus: &[Scored], labels: &CombinedWindows, json: bool) -> anyhow::Result<()> {
    let unlabelled: Vec<&str> = corpus
        .iter()
        .map(|s| s.name.as_str())
        .filter(|name| !labels.contains_key(*name))
        .collect();
    if let Some(first) = unlabelled.first() {
        // NAB's labels list every series (`[]` when it has no anomaly): a missing one is a path that
        // does not match, and scoring it as anomaly-free would make the figure meaningless.
        eprintln!(
            "nab: warning: {} of {} series have no entry in the labels (e.g. {first:?}) and are \
             scored as having no anomaly window; DATA_DIR should be the folder that holds the \
             category folders",
            unlabelled.len(),
            corpus.len()
        );
    }
    let mut windows = Vec::with_capacity(corpus.len());
    for s in corpus {
        let pairs = labels.get(&s.name).map_or(&[][..], Vec::as_slice);
        windows
            .push(parse_windows(pairs).map_err(|e| anyhow::anyhow!("labels for {}: {e}", s.name))?);
    }
    let series: Vec<ScoredSeries> = corpus
        .iter()
        .zip(&windows)
        .map(|(s, w)| ScoredSeries {
            timestamps: &s.timestamps,
            scores: &s.scores,
            windows: w,
        })
        .collect();
    let scores: Vec<(&str, NabScore)> = PROFILES
        .iter()
        .map(|&(name, profile)| (name, score_corpus(&series, profile)))
        .collect();
    if json {
        let map: serde_json::Map<String, serde_json::Value> = scores
            .into_iter()
            .map(|(name, score)| Ok((name.to_string(), serde_json::to_value(score)?)))
            .collect::<anyhow::Result<_>>()?;
        println!("{}", serde_json::Value::Object(map));
        return Ok(());
    }
    println!(
        "{:<20} {:>6} {:>10} {:>9} {:>16}",
        "profile", "score", "threshold", "windows", "false positives"
    );
    for (name, s) in scores {
        println!(
            "{name:<20} {:>6.1} {:>10.3} {:>9} {:>16}",
            s.normalized,
            s.threshold,
            format!("{}/{}", s.detected_windows, s.windows),
            s.false_positives
        );
    }
    Ok(())
}

/// A JSON file as `T`; errors name the file (and serde's line and column).
fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> anyhow::Result<T> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

fn collect_csv(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    for entry in
        std::fs::read_dir(dir).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", dir.display()))?
    {
        let path = entry?.path();
        if path.is_dir() {
            collect_csv(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "csv") {
            out.push(path);
        }
    }
    Ok(())
}
