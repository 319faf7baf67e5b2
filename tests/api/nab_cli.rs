//! `accesswatch nab` from a shell (the real binary): NAB result files where NAB's scorer looks for
//! them, the score of a small labelled corpus with `--labels`, and a broken data file named by file
//! and line.

use std::path::Path;

use detectors::nab::format_timestamp;

const START_MS: i64 = 1_577_836_800_000; // 2020-01-01 00:00:00
const STEP_MS: i64 = 300_000;

fn nab(args: &[&str]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_accesswatch"))
        .arg("nab")
        .args(args)
        .output()
        .expect("run accesswatch");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.success(), text(&out.stdout), text(&out.stderr))
}

/// A noisy series of 2,000 five-minute points with a burst at `burst` (if any).
fn write_series(path: &Path, burst: Option<usize>) {
    let mut csv = String::from("timestamp,value\n");
    for i in 0..2000 {
        let noise = ((i * 7919) % 13) as f64 - 6.0;
        let value = if Some(i) == burst {
            500.0
        } else {
            100.0 + noise
        };
        csv.push_str(&format!("{},{value}\n", at(i)));
    }
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, csv).unwrap();
}

fn at(i: usize) -> String {
    format_timestamp(START_MS + i as i64 * STEP_MS)
}

#[test]
fn nab_writes_result_files_and_scores_a_labelled_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    write_series(&data.join("cat/a.csv"), Some(1500));
    write_series(&data.join("cat/b.csv"), Some(1200));
    write_series(&data.join("other/quiet.csv"), None);
    let window = |i: usize| {
        [
            format!("{}.000000", at(i - 40)),
            format!("{}.000000", at(i + 40)),
        ]
    };
    let labels = serde_json::json!({
        "cat/a.csv": [window(1500)],
        "cat/b.csv": [window(1200)],
        "other/quiet.csv": [],
    });
    let labels_path = dir.path().join("combined_windows.json");
    std::fs::write(&labels_path, labels.to_string()).unwrap();
    let out = dir.path().join("results");

    let (ok, stdout, stderr) = nab(&[
        data.to_str().unwrap(),
        out.to_str().unwrap(),
        "--labels",
        labels_path.to_str().unwrap(),
        "--json",
    ]);
    assert!(ok, "{stderr}");
    assert!(stderr.contains("[3/3]"), "progress per series: {stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");

    let result = std::fs::read_to_string(out.join("accesswatch/cat/accesswatch_a.csv")).unwrap();
    let mut lines = result.lines();
    assert_eq!(lines.next(), Some("timestamp,value,anomaly_score"));
    assert_eq!(lines.count(), 2000);
    assert!(out.join("accesswatch/other/accesswatch_quiet.csv").exists());

    let scores: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    for profile in ["standard", "reward_low_FP_rate", "reward_low_FN_rate"] {
        let s = &scores[profile];
        assert_eq!(s["windows"], 2, "{profile}: {s}");
        assert_eq!(s["detected_windows"], 2, "{profile}: {s}");
        assert_eq!(s["false_positives"], 0, "{profile}: {s}");
        assert!(s["normalized"].as_f64().unwrap() > 90.0, "{profile}: {s}");
    }

    let (ok, table, _) = nab(&[
        data.to_str().unwrap(),
        out.to_str().unwrap(),
        "--labels",
        labels_path.to_str().unwrap(),
    ]);
    assert!(ok);
    assert!(table.starts_with("profile"), "{table}");
    assert!(table.contains("2/2"), "{table}");
}

#[test]
fn series_missing_from_the_labels_are_warned_about() {
    // Pointing DATA_DIR at a category folder: names no longer match the labels' `category/name.csv`.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    write_series(&data.join("cat/a.csv"), Some(1500));
    let labels_path = dir.path().join("combined_windows.json");
    std::fs::write(&labels_path, r#"{"cat/a.csv": []}"#).unwrap();
    let (ok, _, stderr) = nab(&[
        data.join("cat").to_str().unwrap(),
        dir.path().join("out").to_str().unwrap(),
        "--labels",
        labels_path.to_str().unwrap(),
    ]);
    assert!(ok, "{stderr}");
    assert!(
        stderr.contains("1 of 1 series have no entry in the labels (e.g. \"a.csv\")"),
        "{stderr}"
    );
}

#[test]
fn a_broken_data_file_is_named_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(
        data.join("bad.csv"),
        "timestamp,value\n2020-01-01 00:00:00,1\n2020-01-01 00:05:00,abc\n",
    )
    .unwrap();
    let out = dir.path().join("results");
    let (ok, _, stderr) = nab(&[data.to_str().unwrap(), out.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        stderr.contains("bad.csv") && stderr.contains("line 3"),
        "{stderr}"
    );
}

#[test]
fn a_bad_detector_setting_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    write_series(&data.join("a.csv"), None);
    let config = dir.path().join("nab.json");
    std::fs::write(&config, r#"{"baseline_pionts": 10}"#).unwrap();
    let (ok, _, stderr) = nab(&[
        data.to_str().unwrap(),
        dir.path().join("out").to_str().unwrap(),
        "--detector-config",
        config.to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(stderr.contains("baseline_pionts"), "{stderr}");
}
