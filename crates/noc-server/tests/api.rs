//! The hub's HTTP API, exercised against the router in-process, and the event
//! stream over a real loopback socket.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use futures_util::StreamExt;
use noc_api::{Console, HubSettings};
use noc_model::{AlarmSignal, Clock, ManualClock, Severity, Signal};
use noc_server::HubOptions;
use noc_store::Store;
use serde_json::Value;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

mod common;
use common::{answer, in_process_hub, request_bearing, until, with_body, InProcessHub};

const TOKEN: &str = "0123456789abcdef0123456789abcdef";

async fn hub() -> InProcessHub {
    in_process_hub(TOKEN, 1_700_000_000_000).await
}

fn alarm(key: &str, firing: bool) -> Signal {
    Signal::Alarm(AlarmSignal {
        source: "test".into(),
        key: key.into(),
        node: None,
        severity: Severity::Critical,
        title: format!("{key} is down"),
        text: "<b>not html</b>".into(),
        labels: Default::default(),
        at: 1_700_000_000_000,
        firing,
    })
}

async fn call(
    app: &axum::Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    // "alice 王" percent-encoded, as browsers must send it.
    let req = request_bearing(method, uri, token).header("x-noc-operator", "alice%20%E7%8E%8B");
    answer(app, with_body(req, body)).await
}

#[tokio::test]
async fn every_api_call_needs_the_token() {
    let hub = hub().await;
    for uri in [
        "/api/info",
        "/api/state",
        "/api/events",
        "/api/topology",
        "/api/openapi.json",
        "/api/nowhere",
    ] {
        let (status, body) = call(&hub.app, "GET", uri, None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri} without a token");
        assert_eq!(body["code"], "unauthorized");
        let (status, _) = call(&hub.app, "GET", uri, Some("wrong-token"), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri} with a wrong token");
    }
    let (status, _) = call(
        &hub.app,
        "POST",
        "/api/incidents/1/acknowledge",
        Some("nope"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = call(
        &hub.app,
        "GET",
        &format!("/api/info?token={TOKEN}"),
        None,
        None,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the token may come in the query (WebSocket clients)"
    );
    let (status, body) = call(&hub.app, "GET", "/healthz", None, None).await;
    assert_eq!((status, body), (StatusCode::OK, Value::String("ok".into())));
}

#[tokio::test]
async fn responses_carry_security_headers() {
    let hub = hub().await;
    let res = hub
        .app
        .clone()
        .oneshot(Request::get("/").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let csp = res.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'self'") && csp.contains("script-src 'self'"));
    assert_eq!(res.headers()["referrer-policy"], "no-referrer");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn an_alarm_becomes_an_incident_that_operators_acknowledge_once() {
    let hub = hub().await;
    let sink = hub.console.signal_sink();
    sink.send(alarm("db-01", true)).await.unwrap();
    let snapshot = until(&hub.console, |s| !s.incidents.is_empty()).await;
    let id = snapshot.incidents[0].id;

    let (status, state) = call(&hub.app, "GET", "/api/state", Some(TOKEN), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        state["alarms"][0]["text"], "<b>not html</b>",
        "source text is passed on as data"
    );

    let uri = format!("/api/incidents/{id}/acknowledge");
    let (status, incident) = call(&hub.app, "POST", &uri, Some(TOKEN), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(incident["status"], "acknowledged");
    assert_eq!(incident["acknowledged"]["by"], "alice 王");

    let (status, refusal) = call(&hub.app, "POST", &uri, Some(TOKEN), None).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(refusal["code"], "already_acknowledged");
    assert!(refusal["message"].as_str().unwrap().contains("alice"));

    let (status, refusal) = call(
        &hub.app,
        "POST",
        "/api/incidents/999/acknowledge",
        Some(TOKEN),
        None,
    )
    .await;
    assert_eq!(
        (status, refusal["code"].clone()),
        (StatusCode::NOT_FOUND, Value::from("incident_not_found"))
    );

    let comments = format!("/api/incidents/{id}/comments");
    let (status, refusal) = call(
        &hub.app,
        "POST",
        &comments,
        Some(TOKEN),
        Some(serde_json::json!({"text": "  "})),
    )
    .await;
    assert_eq!(
        (status, refusal["code"].clone()),
        (StatusCode::BAD_REQUEST, Value::from("invalid_request"))
    );
    let (status, incident) = call(
        &hub.app,
        "POST",
        &comments,
        Some(TOKEN),
        Some(serde_json::json!({"text": "DBA on it"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(incident["comments"], 1);

    let (status, timeline) = call(
        &hub.app,
        "GET",
        &format!("/api/incidents/{id}/timeline"),
        Some(TOKEN),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let kinds: Vec<&str> = timeline
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["body"]["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.starts_with(&["incident_opened"]), "{kinds:?}");
    assert!(kinds.contains(&"incident_acknowledged") && kinds.contains(&"incident_commented"));
    let ack = timeline
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["body"]["kind"] == "incident_acknowledged")
        .unwrap();
    assert_eq!(ack["actor"], "alice 王");
}

#[tokio::test]
async fn the_log_can_be_read_after_a_seq_and_as_of_a_seq() {
    let hub = hub().await;
    let sink = hub.console.signal_sink();
    sink.send(alarm("a", true)).await.unwrap();
    let first = until(&hub.console, |s| !s.incidents.is_empty()).await;
    sink.send(alarm("b", true)).await.unwrap();
    until(&hub.console, |s| s.incidents.len() == 2).await;

    let (status, page) = call(
        &hub.app,
        "GET",
        "/api/events?after=0&limit=2",
        Some(TOKEN),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let seqs: Vec<i64> = page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, vec![1, 2]);
    assert!(page["last_seq"].as_i64().unwrap() > 2);

    let (status, past) = call(
        &hub.app,
        "GET",
        &format!("/api/state?seq={}", first.seq),
        Some(TOKEN),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        past["incidents"].as_array().unwrap().len(),
        1,
        "the state as it was"
    );
    let (status, refusal) = call(&hub.app, "GET", "/api/state?seq=99999", Some(TOKEN), None).await;
    assert_eq!(
        (status, refusal["code"].clone()),
        (StatusCode::BAD_REQUEST, Value::from("invalid_request"))
    );
}

#[tokio::test]
async fn the_openapi_document_lists_the_endpoints() {
    let hub = hub().await;
    let (status, doc) = call(&hub.app, "GET", "/api/openapi.json", Some(TOKEN), None).await;
    assert_eq!(status, StatusCode::OK);
    for path in [
        "/api/state",
        "/api/events",
        "/api/incidents/{id}/acknowledge",
        "/api/incidents/{id}/comments",
    ] {
        assert!(
            doc["paths"].get(path).is_some(),
            "{path} missing from the OpenAPI document"
        );
    }
}

#[tokio::test]
async fn a_lan_address_is_refused_without_tls() {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = HubOptions::loopback(dir.path().into());
    opts.demo = None;
    opts.bind = "0.0.0.0".parse().unwrap();
    let err = noc_server::start(opts)
        .await
        .err()
        .expect("a non-loopback bind must be refused");
    assert!(err.to_string().contains("TLS"), "{err}");
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn next_message(socket: &mut Socket) -> Value {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("a stream message")
            .expect("the stream is open")
            .unwrap();
        if let tokio_tungstenite::tungstenite::Message::Text(text) = msg {
            let value: Value = serde_json::from_str(&text).unwrap();
            // Heartbeats and who-is-online say nothing about the event log.
            if value["type"] != "heartbeat" && value["type"] != "presence" {
                return value;
            }
        }
    }
}

#[tokio::test]
async fn a_client_resumes_the_stream_without_loss_or_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = HubOptions::loopback(dir.path().into());
    opts.demo = None;
    let hub = noc_server::start(opts).await.unwrap();
    let ws = |after: Option<i64>| {
        let mut url = format!("ws://{}/api/stream?token={}", hub.addr, hub.token);
        if let Some(after) = after {
            url.push_str(&format!("&after={after}"));
        }
        url
    };
    let refused =
        tokio_tungstenite::connect_async(format!("ws://{}/api/stream?token=bad", hub.addr)).await;
    assert!(refused.is_err(), "a wrong token must not open the stream");

    let (mut socket, _) = tokio_tungstenite::connect_async(ws(None)).await.unwrap();
    let first = next_message(&mut socket).await;
    assert_eq!(first["type"], "snapshot");
    let mut last = first["snapshot"]["seq"].as_i64().unwrap();

    let sink = hub.console.signal_sink();
    sink.send(alarm("x", true)).await.unwrap();
    let batch = next_message(&mut socket).await;
    assert_eq!(batch["type"], "batch");
    assert_eq!(batch["batch"]["first_seq"].as_i64().unwrap(), last + 1);
    last = batch["batch"]["last_seq"].as_i64().unwrap();
    drop(socket);

    // While the client is away, more happens.
    sink.send(alarm("y", true)).await.unwrap();
    sink.send(alarm("x", false)).await.unwrap();
    until(&hub.console, |s| {
        s.alarms
            .iter()
            .any(|a| a.status == noc_model::AlarmStatus::Cleared)
    })
    .await;
    let target = hub.console.snapshot().await.seq;

    let (mut socket, _) = tokio_tungstenite::connect_async(ws(Some(last)))
        .await
        .unwrap();
    while last < target {
        let msg = next_message(&mut socket).await;
        assert_eq!(
            msg["type"], "batch",
            "a recent position is replayed, not re-snapshotted"
        );
        assert_eq!(
            msg["batch"]["first_seq"].as_i64().unwrap(),
            last + 1,
            "no gap, no duplicate"
        );
        last = msg["batch"]["last_seq"].as_i64().unwrap();
    }
    assert_eq!(last, target);

    // A position the hub cannot replay gets a fresh snapshot instead.
    let (mut socket, _) = tokio_tungstenite::connect_async(ws(Some(target + 1000)))
        .await
        .unwrap();
    let msg = next_message(&mut socket).await;
    assert_eq!(msg["type"], "snapshot");
    assert_eq!(msg["snapshot"]["seq"].as_i64().unwrap(), target);
    hub.shutdown().await;
}

#[tokio::test]
async fn a_log_that_cannot_be_written_is_reported_and_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("noc.db");
    let store = Store::open(&db).await.unwrap();
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(1_700_000_000_000));
    let console = Console::start(
        store,
        clock,
        HubSettings::default(),
        CancellationToken::new(),
    )
    .await;
    // A second connection makes every write fail, as a full disk would.
    let url = format!("sqlite://{}", db.display());
    let mut saboteur = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    sqlx::query("CREATE TRIGGER full_disk BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END")
        .execute(&mut saboteur)
        .await
        .unwrap();

    let sink = console.signal_sink();
    sink.send(alarm("lost-1", true)).await.unwrap();
    let mut reported = None;
    for _ in 0..500 {
        reported = console.info().store_error;
        if reported.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let reported = reported.expect("a failed write must be reported");
    assert!(reported.contains("disk is full"), "{reported}");
    assert_eq!(console.snapshot().await.seq, 0, "nothing half-written");

    sqlx::query("DROP TRIGGER full_disk")
        .execute(&mut saboteur)
        .await
        .unwrap();
    sink.send(alarm("kept-2", true)).await.unwrap();
    let snapshot = until(&console, |s| !s.alarms.is_empty()).await;
    assert_eq!(snapshot.alarms[0].fingerprint, "test/kept-2");
    assert!(
        console.info().store_error.is_none(),
        "recovery clears the report"
    );
}
