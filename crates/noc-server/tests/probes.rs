//! The probe list and history endpoints, over a probe history filled directly.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use noc_api::{Console, EnvSecrets, HubSettings, Probes};
use noc_model::{
    Clock, HttpProbe, ManualClock, ProbeResult, ProbeTimings, SourceDefinition, SourceSettings,
    TcpProbe,
};
use noc_server::{router, AppState};
use noc_store::{ProbeHistory, Store};
use serde_json::Value;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

mod common;
use common::open_console;

const TOKEN: &str = "0123456789abcdef0123456789abcdef";
const NOW: i64 = 1_700_000_000_000;

fn probe(name: &str, settings: SourceSettings) -> SourceDefinition {
    SourceDefinition {
        name: name.into(),
        // Not run: the test writes the history itself.
        enabled: false,
        interval_secs: Some(30),
        timeout_secs: None,
        node: None,
        settings,
    }
}

fn result(at: i64, ok: bool) -> ProbeResult {
    ProbeResult {
        probe: "web".into(),
        vantage: String::new(),
        at,
        ok,
        timings: ProbeTimings {
            total_ms: ok.then_some(42.5),
            ..ProbeTimings::default()
        },
        status_code: Some(if ok { 200 } else { 500 }),
        detail: if ok { String::new() } else { "HTTP 500".into() },
        cert_expires_at: None,
    }
}

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, Value) {
    let req = Request::builder()
        .uri(uri)
        .header("authorization", format!("Bearer {TOKEN}"))
        .body(Body::empty())
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn probes_are_listed_with_uptime_and_their_history_is_served() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("noc.db")).await.unwrap();
    let history = ProbeHistory::open(&dir.path().join("probes.db"))
        .await
        .unwrap();
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(NOW));
    let shutdown = CancellationToken::new();
    let console = Console::start(
        store,
        clock.clone(),
        HubSettings::default(),
        shutdown.clone(),
    )
    .await;
    let web = HttpProbe {
        url: "http://127.0.0.1:9/health".into(),
        method: None,
        expect_status: Vec::new(),
        keyword: None,
        regex: None,
        json_path: None,
        json_equals: None,
        cert_warn_days: None,
        auth: None,
    };
    let tcp = TcpProbe {
        host: "db.example".into(),
        port: 5432,
    };
    let file = vec![
        probe("web", SourceSettings::HttpProbe(web)),
        probe("db", SourceSettings::TcpProbe(tcp)),
    ];
    console.start_sources(file, Arc::new(EnvSecrets)).await;
    let probes = Probes::start(&console, history.clone(), clock.clone());
    let app = router(AppState::new(console, TOKEN.into(), clock).with_probes(probes));

    // An hour every 30 s, every tenth failing.
    let results: Vec<_> = (1..=120)
        .map(|i| result(NOW - i * 30_000, i % 10 != 0))
        .collect();
    history.record(&results).await.unwrap();

    let (status, list) = get(&app, "/api/probes").await;
    assert_eq!(status, StatusCode::OK);
    let list = list.as_array().unwrap();
    let names: Vec<_> = list.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["db", "web"]);
    let (db, web) = (&list[0], &list[1]);
    assert_eq!(db["kind"], "tcp_probe");
    assert_eq!(db["target"], "db.example:5432");
    assert_eq!(db["latest"].as_array().unwrap().len(), 0);
    assert_eq!(db["uptime_24h"]["count"], 0);
    assert_eq!(web["target"], "GET http://127.0.0.1:9/health");
    assert_eq!(web["enabled"], false);
    assert_eq!(web["uptime_24h"]["count"], 120);
    assert_eq!(web["uptime_24h"]["ok"], 108);
    assert_eq!(web["uptime_30d"]["count"], 120);
    assert_eq!(web["latest"][0]["at"], NOW - 30_000);
    assert_eq!(web["last_failure"]["at"], NOW - 300_000);
    assert_eq!(web["last_failure"]["detail"], "HTTP 500");

    let uri = format!("/api/probes/web/history?from={}&to={NOW}", NOW - 3_600_000);
    let (status, chart) = get(&app, &uri).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(chart["resolution"], "raw");
    let points = chart["points"].as_array().unwrap();
    assert_eq!(points.len(), 120, "the window includes its start");
    assert_eq!(points.iter().filter(|p| p["ok"] == 0).count(), 12);
    // Without a window: the last 24 hours, per minute.
    let (_, day) = get(&app, "/api/probes/web/history").await;
    assert_eq!(day["resolution"], "minute");
    let counted: u64 = day["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["count"].as_u64().unwrap())
        .sum();
    assert_eq!(counted, 120);

    let (status, err) = get(&app, "/api/probes/nope/history").await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("no_such_probe"))
    );
    let uri = format!("/api/probes/web/history?from={NOW}&to={}", NOW - 1);
    assert_eq!(get(&app, &uri).await.0, StatusCode::BAD_REQUEST);
    shutdown.cancel();
}

#[tokio::test]
async fn probe_endpoints_without_a_history_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(NOW));
    let console = open_console(dir.path(), clock.clone()).await;
    let app = router(AppState::new(console, TOKEN.into(), clock));
    let (status, err) = get(&app, "/api/probes").await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("store_unavailable"))
    );
}
