//! `GET /api/reports` against a hub in-process on a manual clock: one incident from an
//! alarm whose title is a script, acknowledged after 30 s; the report as JSON, HTML
//! and PDF, for a viewer; bad ranges refused.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use noc_model::{AlarmSignal, Role, Severity, Signal};
use serde_json::Value;
use tower::ServiceExt;

mod common;
use common::accounts::signed_in;
use common::{call_bearing, in_process_hub, in_process_hub_with, until, InProcessHub};

const TOKEN: &str = "0123456789abcdef0123456789abcdef";
const NOW: i64 = 1_700_000_000_000;
const MIN: i64 = 60_000;
const DAY: i64 = 24 * 60 * MIN;

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

async fn get(hub: &InProcessHub, query: &str, token: &str) -> Answer {
    let request = Request::builder()
        .uri(format!("/api/reports?{query}"))
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let res = hub.app.clone().oneshot(request).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

fn header<'a>(answer: &'a Answer, name: &str) -> &'a str {
    answer
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

async fn hub_with_one_incident() -> InProcessHub {
    incident_on(in_process_hub(TOKEN, NOW).await).await
}

async fn incident_on(hub: InProcessHub) -> InProcessHub {
    hub.console
        .signal_sink()
        .send(Signal::Alarm(AlarmSignal {
            source: "zabbix-dc1".into(),
            key: "db".into(),
            node: Some("db-01".into()),
            severity: Severity::Critical,
            title: "<script>alert(1)</script>".into(),
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
    hub.console.acknowledge(id, "wang").await.unwrap();
    until(&hub.console, |s| s.incidents[0].acknowledged.is_some()).await;
    hub
}

#[tokio::test]
async fn a_viewer_gets_the_days_report_as_json_html_and_pdf() {
    let hub = hub_with_one_incident().await;
    let viewer = signed_in(&hub, Role::Viewer).await;
    let range = format!("from={}&to={}", NOW - 60 * MIN, NOW + 60 * MIN);

    let json = get(&hub, &format!("kind=daily&{range}&format=json"), &viewer).await;
    assert_eq!(json.status, StatusCode::OK);
    let data: Value = serde_json::from_slice(&json.body).unwrap();
    assert_eq!(data["incidents_opened"], 1);
    assert_eq!(data["alarms_raised"]["critical"], 1);
    assert_eq!(data["mtta"]["median_ms"], 30_000);
    assert_eq!(data["compliance"]["detect"]["met"], 1);
    assert_eq!(data["noisiest_sources"][0]["source"], "zabbix-dc1");

    let html = get(&hub, &format!("kind=daily&{range}&lang=zh"), &viewer).await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(header(&html, "content-type").starts_with("text/html"));
    let csp = header(&html, "content-security-policy");
    assert!(csp.contains("frame-ancestors 'self'"), "{csp}");
    assert!(!csp.contains("script-src"), "no script may run: {csp}");
    assert_eq!(header(&html, "x-frame-options"), "SAMEORIGIN");
    let text = String::from_utf8(html.body).unwrap();
    assert!(text.contains("日报"));
    assert!(text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(
        !text.contains("<script>"),
        "the alarm title must be escaped"
    );

    let pdf = get(&hub, &format!("kind=daily&{range}&format=pdf"), &viewer).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(header(&pdf, "content-type"), "application/pdf");
    assert!(header(&pdf, "content-disposition").starts_with("attachment"));
    assert!(pdf.body.starts_with(b"%PDF-"));
}

#[tokio::test]
async fn an_incident_review_needs_an_incident_the_range_saw() {
    let hub = hub_with_one_incident().await;
    let range = format!("from={}&to={}", NOW - 60 * MIN, NOW + 60 * MIN);
    let review = get(
        &hub,
        &format!("kind=incident&incident=1&{range}&format=json"),
        TOKEN,
    )
    .await;
    assert_eq!(review.status, StatusCode::OK);
    let data: Value = serde_json::from_slice(&review.body).unwrap();
    assert_eq!(data["review"]["incident"]["id"], 1);
    let kinds: Vec<&str> = data["review"]["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"incident_acknowledged"), "{kinds:?}");

    let missing = get(
        &hub,
        &format!("kind=incident&incident=99&{range}&format=json"),
        TOKEN,
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_ranges_and_words_are_refused() {
    let hub = in_process_hub(TOKEN, NOW).await;
    let too_long = get(
        &hub,
        &format!("kind=weekly&from={}&to={}&format=json", NOW - 32 * DAY, NOW),
        TOKEN,
    )
    .await;
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = serde_json::from_slice(&too_long.body).unwrap();
    assert_eq!(body["code"], "invalid_range");

    let reversed = get(
        &hub,
        &format!("kind=daily&from={NOW}&to={}", NOW - 1),
        TOKEN,
    )
    .await;
    assert_eq!(reversed.status, StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = get(&hub, &format!("kind=monthly&from=0&to={NOW}"), TOKEN).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    let dates = get(
        &hub,
        "kind=daily&from=2023-11-14&to=2023-11-15&format=json",
        TOKEN,
    )
    .await;
    assert_eq!(dates.status, StatusCode::OK);
    let body: Value = serde_json::from_slice(&dates.body).unwrap();
    assert_eq!(body["from"], 1_699_920_000_000_i64);
}

#[tokio::test]
async fn a_report_reads_a_recording_of_the_library() {
    let folder = tempfile::tempdir().unwrap();
    let dir = folder.path().join("recordings");
    let hub = in_process_hub_with(TOKEN, NOW, move |state| {
        let clock = state.clock.clone();
        state.with_library(noc_api::Library::new(dir, clock))
    })
    .await;
    let hub = incident_on(hub).await;
    // Up to now (the acknowledgement, 30 s after the alarm): a recording holds the past.
    let range = serde_json::json!({"from": NOW - MIN, "to": NOW + 30_000, "title": "db outage"});
    let (status, info) = call_bearing(
        &hub.app,
        "POST",
        "/api/recordings",
        Some(TOKEN),
        Some(range),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{info}");
    let id = info["id"].as_str().unwrap();

    // The range defaults to the recorded one.
    let report = get(
        &hub,
        &format!("kind=shift&recording={id}&format=json"),
        TOKEN,
    )
    .await;
    assert_eq!(report.status, StatusCode::OK);
    let data: Value = serde_json::from_slice(&report.body).unwrap();
    assert_eq!(data["from"], NOW - MIN);
    assert_eq!(data["to"], NOW + 30_000);
    assert_eq!(data["incidents_opened"], 1);
    assert_eq!(data["mtta"]["median_ms"], 30_000);

    // A production recording holds no drill: the drill report says so.
    let drill = get(
        &hub,
        &format!("kind=drill&recording={id}&format=html"),
        TOKEN,
    )
    .await;
    assert_eq!(drill.status, StatusCode::OK);
    let text = String::from_utf8(drill.body).unwrap();
    assert!(text.contains("This range holds no drill"));

    let missing = get(&hub, "kind=drill&recording=nope&format=json", TOKEN).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let without = get(&hub, &format!("kind=drill&from={NOW}&to={NOW}"), TOKEN).await;
    assert_eq!(without.status, StatusCode::UNPROCESSABLE_ENTITY);
}
