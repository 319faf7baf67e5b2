//! `accesswatch eval` on a world written by `tools/otherworld` (an independent generator, in Python):
//! its events (arrival order, late ones, fields the simulator never writes) and labels go through
//! the real binary, and detection on it stays above a floor.

use std::path::Path;
use std::process::Command;

/// Runs `cmd` to success and returns its stdout (its stderr in the failure message).
fn stdout_of(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.output().expect("the program runs");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn eval_scores_a_world_written_by_the_independent_generator() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("world");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/otherworld/otherworld.py");
    // python3: the machine's CPython (README, Dev loop; .ci/run installs it if missing).
    stdout_of(
        Command::new("python3")
            .arg(&script)
            .args([
                "--seed",
                "2",
                "--actors",
                "120",
                "--days",
                "21",
                "--history-days",
                "14",
            ])
            .arg("--out")
            .arg(&world),
    );

    let report = stdout_of(
        Command::new(env!("CARGO_BIN_EXE_accesswatch"))
            .arg("eval")
            .arg(&world)
            .arg("--json"),
    );
    let report: serde_json::Value = serde_json::from_slice(&report).unwrap();
    let attacks = report["attacks"].as_u64().unwrap();
    let detected = report["detected"].as_u64().unwrap();
    assert!(attacks >= 30, "{report}");
    assert_eq!(report["by_kind"].as_array().unwrap().len(), 10, "{report}");
    // 25 of 33 when this test was written; the floor catches a detector that stops generalising.
    assert!(
        detected * 10 >= attacks * 6,
        "{detected} of {attacks} detected"
    );
}
