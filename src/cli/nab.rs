//! `accesswatch nab DATA_DIR OUT_DIR`: runs the univariate volume detector over series in the
//! Numenta Anomaly Benchmark layout (`DATA_DIR/<category>/<name>.csv`, `timestamp,value`) and
//! writes NAB result files (`OUT_DIR/<detector>/<category>/<detector>_<name>.csv`) that NAB's own
//! scorer reads.

use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use detectors::nab::{format_results, parse_series, results_path, score_series, NabConfig};

const DETECTOR: &str = "accesswatch";

#[derive(Debug, Args)]
pub struct NabArgs {
    /// NAB data directory (category folders of CSV files).
    pub data_dir: PathBuf,
    /// Results directory to write into.
    pub out_dir: PathBuf,
}

pub fn run(args: NabArgs) -> anyhow::Result<ExitCode> {
    let mut files = Vec::new();
    collect_csv(&args.data_dir, &mut files)?;
    files.sort();
    let config = NabConfig::default();
    for file in &files {
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
            "nab: {relative}: {} points -> {}",
            points.len(),
            out.display()
        );
    }
    eprintln!("nab: {} series scored", files.len());
    Ok(ExitCode::SUCCESS)
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
