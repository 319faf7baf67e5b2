//! The web UI: refused without a key, signed in with one, charts an alert's actor.

use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;
use accesswatch::engine::{alert_record, Shards};
use detectors::sim::{simulate, SimConfig};

/// A real alert from a small simulated world, stored as the engine would.
async fn store_one_alert(app: &TestApp) -> String {
    let world = simulate(&SimConfig {
        seed: 3,
        days: 10,
        history_days: 7,
        actors: 60,
        ..SimConfig::default()
    })
    .unwrap();
    let mut shards = Shards::new(&detectors::Config::default(), 1).unwrap();
    let alert = world
        .events
        .iter()
        .flat_map(|e| shards.observe(&e.as_event()))
        .next()
        .expect("the world raises an alert");
    let record = alert_record(&alert, 0).unwrap();
    app.store
        .insert_alerts(std::slice::from_ref(&record))
        .await
        .unwrap();
    record.id
}

async fn the_ui_refuses_without_a_key_and_charts_an_alert_after_sign_in(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let id = store_one_alert(&app).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let anonymous = client.get(format!("{}/ui", app.url)).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    assert!(anonymous.text().await.unwrap().contains("<form"));

    let bad = client
        .post(format!("{}/ui/login", app.url))
        .form(&[("key", app.ingest_key.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 401, "an ingest key cannot read the UI");

    let signed = client
        .post(format!("{}/ui/login", app.url))
        .form(&[("key", app.read_key.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), 303);
    let cookie = signed.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    let session = cookie.split(';').next().unwrap().to_string();

    let list = client
        .get(format!("{}/ui", app.url))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), 200);
    assert!(list.text().await.unwrap().contains(&id));

    let detail = client
        .get(format!("{}/ui/alerts/{id}", app.url))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(detail.status(), 200);
    let html = detail.text().await.unwrap();
    assert!(
        html.contains("<svg") && html.contains("baseline"),
        "chart missing"
    );

    let post_with_cookie = client
        .post(format!("{}/v1/keys", app.url))
        .header("cookie", &session)
        .json(&serde_json::json!({"name": "x", "scope": "admin"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        post_with_cookie.status(),
        401,
        "the cookie never authorises a change"
    );
    app.stop().await;
}
on_both_backends!(the_ui_refuses_without_a_key_and_charts_an_alert_after_sign_in);
