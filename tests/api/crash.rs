//! SIGKILL while clients post: after a restart, every event that got a `202` is present.

use crate::helpers::{fresh_database, ndjson, start_server, Backend};
use crate::on_both_backends;
use accesswatch::store::{self, Scope};
use std::sync::{Arc, Mutex};
use std::time::Duration;

async fn events_acknowledged_before_a_sigkill_survive_it(backend: Backend) {
    let Some((database_url, _dir)) = fresh_database(backend).await else {
        return;
    };
    let key = {
        let store = store::open(&database_url).await.unwrap();
        accesswatch::keys::create(store.as_ref(), "crash-test", Scope::Ingest)
            .await
            .unwrap()
    };
    let (mut server, url) = start_server(&database_url, &[]).await;
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let client = reqwest::Client::new();
    let mut posters = Vec::new();
    for c in 0..8 {
        let (client, url, key, acknowledged) = (
            client.clone(),
            url.clone(),
            key.clone(),
            acknowledged.clone(),
        );
        posters.push(tokio::spawn(async move {
            for batch in 0.. {
                let ids: Vec<String> = (0..200).map(|i| format!("k{c}-{batch}-{i}")).collect();
                let sent = client
                    .post(format!("{url}/v1/events"))
                    .bearer_auth(&key)
                    .header("content-type", "application/x-ndjson")
                    .body(ndjson(ids.clone()))
                    .send()
                    .await;
                match sent {
                    Ok(r) if r.status() == 202 => acknowledged.lock().unwrap().extend(ids),
                    Ok(_) => {}
                    Err(_) => return,
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.start_kill().expect("SIGKILL");
    server.wait().await.expect("wait for killed server");
    for p in posters {
        p.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() >= 1000,
        "only {} events acknowledged before the kill",
        acknowledged.len()
    );

    let (mut restarted, url) = start_server(&database_url, &[]).await;
    let health = client.get(format!("{url}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let store = store::open(&database_url).await.unwrap();
    let mut stored = std::collections::HashSet::new();
    let mut after = 0;
    loop {
        let page = store.events_after(after, 10_000).await.unwrap();
        let Some(last) = page.last() else { break };
        after = last.id;
        stored.extend(page.into_iter().filter_map(|e| e.event.event_id));
    }
    let missing: Vec<_> = acknowledged
        .iter()
        .filter(|id| !stored.contains(*id))
        .take(5)
        .collect();
    assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
    restarted.start_kill().ok();
}
on_both_backends!(events_acknowledged_before_a_sigkill_survive_it);
