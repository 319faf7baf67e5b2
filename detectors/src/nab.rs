//! The Numenta Anomaly Benchmark (NAB) runner logic: read its CSV series, score them with a streaming
//! univariate detector, write NAB result files, and compute NAB's own score in Rust.
//!
//! NAB is an outside yardstick for the volume-style modelling at the heart of the detectors: series
//! from other people, labelled by other people. Everything here works on text and numbers; the
//! `accesswatch nab` command does the file IO.

mod csv;
mod detector;
mod scoring;
mod tail;
mod timestamp;

pub use csv::{format_results, parse_series};
pub use detector::{score_series, NabConfig, UnivariateDetector};
pub use scoring::{score_corpus, CostProfile, NabScore, ScoredSeries};
pub use timestamp::{format_timestamp, parse_timestamp};

/// Why NAB input could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NabError {
    #[error("line {line}: {message}")]
    Csv { line: usize, message: String },
    #[error("bad NAB timestamp {0:?} (expected YYYY-MM-DD HH:MM:SS)")]
    Timestamp(String),
}

/// NAB's `labels/combined_windows.json` as serde reads it: `"<category>/<name>.csv"` to `[[start, end]]`.
pub type CombinedWindows = std::collections::BTreeMap<String, Vec<(String, String)>>;

/// One series' windows from [`CombinedWindows`], as epoch-millisecond pairs.
pub fn parse_windows(pairs: &[(String, String)]) -> Result<Vec<(i64, i64)>, NabError> {
    pairs
        .iter()
        .map(|(start, end)| Ok((parse_timestamp(start)?, parse_timestamp(end)?)))
        .collect()
}

/// Where NAB expects a detector's results for a data file: `realTweets/Twitter_volume_GOOG.csv` becomes
/// `<detector>/realTweets/<detector>_Twitter_volume_GOOG.csv` under its `results/` directory.
pub fn results_path(detector: &str, data_path: &str) -> String {
    let (dir, file) = data_path.rsplit_once('/').unwrap_or(("", data_path));
    if dir.is_empty() {
        format!("{detector}/{detector}_{file}")
    } else {
        format!("{detector}/{dir}/{detector}_{file}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_go_where_nab_looks_for_them() {
        assert_eq!(
            results_path("accesswatch", "realTweets/Twitter_volume_GOOG.csv"),
            "accesswatch/realTweets/accesswatch_Twitter_volume_GOOG.csv"
        );
        assert_eq!(results_path("aw", "x.csv"), "aw/aw_x.csv");
    }

    #[test]
    fn label_windows_parse_into_epoch_pairs() {
        let pairs = vec![(
            "1970-01-01 00:00:01.000000".to_string(),
            "1970-01-01 00:01:00.000000".to_string(),
        )];
        assert_eq!(parse_windows(&pairs), Ok(vec![(1000, 60_000)]));
        assert!(parse_windows(&[("bad".into(), "1970-01-01 00:00:00".into())]).is_err());
    }
}
