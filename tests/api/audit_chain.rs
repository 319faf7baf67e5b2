//! The audit log is tamper-evident: `accesswatch audit verify` (the real binary) passes on an honest log and
//! names the first row an administrator edited behind the service's back.

use crate::breach_helpers::admin;
use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;
use serde_json::json;

fn verify(database_url: &str) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_accesswatch"))
        .args(["audit", "verify", "--database-url", database_url])
        .env("RUST_LOG", "warn")
        .output()
        .expect("run accesswatch audit verify");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

async fn execute(backend: Backend, url: &str, sql: &str) -> Result<(), sqlx::Error> {
    match backend {
        Backend::Sqlite => {
            let pool = sqlx::SqlitePool::connect(url).await?;
            sqlx::raw_sql(sql).execute(&pool).await?;
        }
        Backend::Postgres => {
            let pool = sqlx::PgPool::connect(url).await?;
            sqlx::raw_sql(sql).execute(&pool).await?;
        }
    }
    Ok(())
}

async fn a_row_edited_in_the_database_is_named_by_audit_verify(backend: Backend) {
    let mut database_url = String::new();
    let Some(app) = TestApp::spawn_with(backend, |c| database_url = c.database_url.clone()).await
    else {
        return;
    };
    let (_, created) = admin(&app, "POST", "/v1/incidents", json!({"title": "t"})).await;
    let id = created["id"].as_i64().unwrap();
    for status in ["in_progress", "on_hold", "resolved"] {
        let (code, _) = admin(
            &app,
            "PATCH",
            &format!("/v1/incidents/{id}"),
            json!({"status": status}),
        )
        .await;
        assert_eq!(code, 200);
    }
    let (ok, out) = verify(&database_url);
    assert!(ok, "{out}");
    assert!(out.contains("intact: 5 rows"), "{out}");

    let edit = "UPDATE audit_log SET actor = 'someone-else' WHERE id = 3";
    let refused = execute(backend, &database_url, edit).await;
    assert!(refused.is_err(), "the append-only trigger refuses updates");
    let drop = match backend {
        Backend::Sqlite => "DROP TRIGGER audit_log_no_update",
        Backend::Postgres => "DROP TRIGGER audit_log_no_update ON audit_log",
    };
    execute(backend, &database_url, drop).await.unwrap();
    execute(backend, &database_url, edit).await.unwrap();
    let (ok, out) = verify(&database_url);
    assert!(!ok, "{out}");
    assert!(out.contains("BROKEN at row 3"), "{out}");
    app.stop().await;
}
on_both_backends!(a_row_edited_in_the_database_is_named_by_audit_verify);
