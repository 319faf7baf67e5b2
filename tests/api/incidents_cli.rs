//! `accesswatch incidents` from a shell (the real binary): create, set a fact with a reason, record a
//! submission, export the report; the CLI user is the actor in the audit log.

use crate::helpers::{fresh_database, Backend};
use crate::on_both_backends;

fn cli(database_url: &str, args: &[&str]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_accesswatch"))
        .args(args)
        .args(["--database-url", database_url, "--actor", "cli:dpo"])
        .env("RUST_LOG", "warn")
        .output()
        .expect("run accesswatch");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.success(), text(&out.stdout), text(&out.stderr))
}

async fn the_cli_runs_an_incident_to_its_report(backend: Backend) {
    let Some((url, _dir)) = fresh_database(backend).await else {
        return;
    };
    let (ok, out, err) = cli(
        &url,
        &[
            "incidents",
            "create",
            "--title",
            "Export by support",
            "--severity",
            "high",
        ],
    );
    assert!(ok, "{err}");
    let created: serde_json::Value = serde_json::from_str(&out).unwrap();
    let id = created["id"].to_string();
    let set = [
        "incidents",
        "update",
        &id,
        "--set",
        "facts.noticed_at=2026-12-24T17:00:00+05:30",
        "--set",
        r#"affected=[{"jurisdiction":"IN","subjects":1200}]"#,
        "--set",
        r#"regimes=["IN-CERT-In"]"#,
    ];
    let (ok, _, err) = cli(&url, &set);
    assert!(
        !ok && err.contains("reason:"),
        "a fact needs a reason: {err}"
    );
    let (ok, out, err) = cli(&url, &[&set[..], &["--reason", "SOC ticket 7"]].concat());
    assert!(ok, "{err}");
    assert!(out.contains("\"in-cert-in\""), "{out}");
    let (ok, _, err) = cli(
        &url,
        &[
            "incidents",
            "submit",
            &id,
            "in-cert-in",
            "--reference",
            "CERTIN-5",
            "--attachment-note",
            "form v1",
            "--at",
            "2026-12-24T17:20:00+05:30",
        ],
    );
    assert!(ok, "{err}");
    let (ok, md, err) = cli(&url, &["incidents", "report", &id, "--format", "md"]);
    assert!(ok, "{err}");
    for needle in [
        "# Incident",
        "| noticed_at | 2026-12-24T17:00:00+05:30 |",
        "| in-cert-in | submitted | 2026-12-24T17:20:00+05:30 | cli:dpo | CERTIN-5 | form v1 | - |",
        "cli:dpo",
        "SOC ticket 7",
        "s 70B",
    ] {
        assert!(md.contains(needle), "missing {needle:?} in\n{md}");
    }
    let (ok, json, _) = cli(&url, &["incidents", "report", &id, "--format", "json"]);
    assert!(ok);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        report["incident"]["obligations"][0]["submitted_by"],
        "cli:dpo"
    );
    let (ok, list, _) = cli(&url, &["incidents", "list"]);
    assert!(ok && list.contains("Export by support"), "{list}");
}
on_both_backends!(the_cli_runs_an_incident_to_its_report);
