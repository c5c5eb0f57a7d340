//! `GET /api/stats` against a hub in-process on a manual clock: an incident raised,
//! acknowledged after 30 s, its identify clock running out; the range checked.

use std::time::Duration;

use axum::http::StatusCode;
use noc_api::Console;
use noc_model::{AlarmSignal, Severity, Signal, Snapshot};
use serde_json::Value;

mod common;
use common::{call_bearing, in_process_hub, wait_for};

const TOKEN: &str = "0123456789abcdef0123456789abcdef";
const NOW: i64 = 1_700_000_000_000;
const MIN: i64 = 60_000;

async fn until(console: &Console, done: impl Fn(&Snapshot) -> bool) -> Snapshot {
    wait_for("the expected state", Duration::from_secs(10), || async {
        let snapshot = console.snapshot().await;
        done(&snapshot).then_some(snapshot)
    })
    .await
}

async fn call(
    app: &axum::Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
) -> (StatusCode, Value) {
    call_bearing(app, method, uri, token, None).await
}

#[tokio::test]
async fn todays_numbers_follow_the_incident_and_the_clock() {
    let hub = in_process_hub(TOKEN, NOW).await;
    let since = NOW - 10 * MIN;
    let stats = |q: String| {
        let app = hub.app.clone();
        async move { call(&app, "GET", &format!("/api/stats?{q}"), Some(TOKEN)).await }
    };

    let (status, empty) = stats(format!("since={since}")).await;
    assert_eq!(status, StatusCode::OK, "{empty}");
    assert_eq!(empty["opened"], 0);
    assert_eq!(empty["mtta_ms"], Value::Null);
    assert_eq!(empty["until"], NOW);

    hub.console
        .signal_sink()
        .send(Signal::Alarm(AlarmSignal {
            source: "test".into(),
            key: "db".into(),
            node: Some("db-01".into()),
            severity: Severity::Critical,
            title: "db is down".into(),
            text: String::new(),
            labels: Default::default(),
            at: NOW,
            firing: true,
        }))
        .await
        .unwrap();
    let snapshot = until(&hub.console, |s| !s.incidents.is_empty()).await;
    let id = snapshot.incidents[0].id;

    hub.clock.advance(30_000);
    let (status, _) = call(
        &hub.app,
        "POST",
        &format!("/api/incidents/{id}/acknowledge"),
        Some(TOKEN),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let (_, now) = stats(format!("since={since}")).await;
    assert_eq!(now["opened"], 1);
    assert_eq!(now["acknowledged"], 1);
    assert_eq!(now["mtta_ms"], 30_000);
    assert_eq!(now["resolved"], 0);
    assert_eq!(now["open_by_severity"]["critical"], 1);
    assert_eq!(now["compliance"]["detect"]["met"], 1);
    assert_eq!(now["compliance"]["detect"]["total"], 1);
    // 30 s into a 5-minute target: identify is still running, counted nowhere yet.
    assert_eq!(now["compliance"]["identify"]["total"], 0);

    hub.clock.advance(6 * MIN);
    let (_, later) = stats(format!("since={since}")).await;
    assert_eq!(later["compliance"]["identify"]["met"], 0);
    assert_eq!(later["compliance"]["identify"]["total"], 1);
    assert_eq!(later["compliance"]["recover"]["total"], 0);

    // A range that ended before the incident saw none of it.
    let (_, before) = stats(format!("since={since}&until={}", NOW - 1)).await;
    assert_eq!(before["opened"], 0);
    assert_eq!(before["open_by_severity"]["critical"], 0);

    let (status, err) = stats(format!("since={NOW}&until={since}")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["code"], "invalid_range");
    let (status, _) = stats(String::new()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = call(&hub.app, "GET", &format!("/api/stats?since={since}"), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
