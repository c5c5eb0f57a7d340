//! The source against a local HTTP server that answers like Alertmanager, or
//! like the things that stand in front of one when it is broken.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::fake_endpoint::{serve, Reply, Running, TEST_INTERVAL, TEST_TIMEOUT};

use axum::http::StatusCode;
use noc_model::{HealthStatus, ManualClock, Severity, SourceHealth};

use super::{spawn, AlertmanagerConfig, MAX_BODY_BYTES};

/// As `GET /api/v2/alerts` of Alertmanager 0.25 returns it.
const TWO_ALERTS: &str = r#"[
  {
    "annotations": {"description": "core-sw1 has not answered for 5 minutes", "summary": "Node down"},
    "endsAt": "2026-11-22T22:10:00.000Z",
    "fingerprint": "3f2a9c81d0e4b7a1",
    "receivers": [{"name": "null"}],
    "startsAt": "2026-11-22T21:40:00.000Z",
    "status": {"inhibitedBy": [], "silencedBy": [], "state": "active"},
    "updatedAt": "2026-11-22T21:40:00.000Z",
    "generatorURL": "http://prometheus:9090/graph?g0.expr=up+%3D%3D+0",
    "labels": {"alertname": "NodeDown", "instance": "core-sw1:9100", "job": "node", "severity": "critical"}
  },
  {
    "annotations": {},
    "endsAt": "2026-11-22T22:10:00.000Z",
    "fingerprint": "77c0e2d4a5b6f809",
    "receivers": [{"name": "null"}],
    "startsAt": "2026-11-22T21:41:00.000Z",
    "status": {"inhibitedBy": [], "silencedBy": ["5d2c"], "state": "suppressed"},
    "updatedAt": "2026-11-22T21:41:00.000Z",
    "labels": {"alertname": "DiskFilling", "host": "db-1", "severity": "warning"}
  }
]"#;

async fn fake_alertmanager(reply: Reply) -> (String, Arc<Mutex<Reply>>) {
    serve("/api/v2/alerts", reply).await
}

fn start_source(url: &str) -> Running {
    let config = AlertmanagerConfig {
        name: "am-test".into(),
        url: url.into(),
        interval: TEST_INTERVAL,
        timeout: TEST_TIMEOUT,
    };
    Running::start(|out, shutdown| {
        spawn(config, Arc::new(ManualClock::new(1_000)), out, shutdown);
    })
}

#[tokio::test]
async fn a_v2_alert_list_becomes_alarms() {
    let (url, _) = fake_alertmanager(Reply::json(TWO_ALERTS)).await;
    let mut source = start_source(&url);
    let health = source.health(&mut Vec::new()).await;
    assert_eq!(health.status, HealthStatus::Ok, "{}", health.detail);
    assert_eq!(health.kind, "alertmanager");
    assert_eq!(health.last_ok, Some(1_000));
    assert!(!health.demo);

    let down = source.alarm(|a| a.key == "3f2a9c81d0e4b7a1").await;
    assert_eq!(down.source, "am-test");
    assert!(down.firing);
    assert_eq!(down.node.as_deref(), Some("core-sw1"));
    assert_eq!(down.severity, Severity::Critical);
    assert_eq!(down.title, "NodeDown: Node down");
    assert_eq!(down.text, "core-sw1 has not answered for 5 minutes");
    assert_eq!(down.at, 1_000);
    assert_eq!(down.labels["job"], "node");
    assert_eq!(
        down.labels["generator_url"],
        "http://prometheus:9090/graph?g0.expr=up+%3D%3D+0"
    );

    let disk = source.alarm(|a| a.key == "77c0e2d4a5b6f809").await;
    assert_eq!(disk.node.as_deref(), Some("db-1"));
    assert_eq!(disk.severity, Severity::Warning);
    assert_eq!(disk.title, "DiskFilling");
    assert_eq!(disk.labels["alertmanager_state"], "suppressed");
}

#[tokio::test]
async fn an_alert_that_disappears_is_resolved_but_a_failed_poll_resolves_nothing() {
    let (url, reply) = fake_alertmanager(Reply::json(TWO_ALERTS)).await;
    let mut source = start_source(&url);
    source
        .alarm(|a| a.key == "77c0e2d4a5b6f809" && a.firing)
        .await;

    // The server breaks: health says so, and no alarm is cleared by it.
    *reply.lock().unwrap() = Reply {
        status: StatusCode::SERVICE_UNAVAILABLE,
        ..Reply::json("")
    };
    let mut alarms = Vec::new();
    let mut health = source.health(&mut alarms).await;
    while matches!(health.status, HealthStatus::Ok | HealthStatus::Slow) {
        health = source.health(&mut alarms).await;
    }
    assert_eq!(health.status, HealthStatus::BadPayload);
    assert!(health.detail.contains("503"), "{}", health.detail);
    assert!(
        alarms.iter().all(|a| a.firing),
        "a failed poll cleared alarms"
    );

    // Back with only the first alert: the second one is resolved by its absence.
    let first_only: serde_json::Value = serde_json::from_str(TWO_ALERTS).unwrap();
    let first_only = serde_json::Value::Array(vec![first_only[0].clone()]);
    *reply.lock().unwrap() = Reply::json(&first_only.to_string());
    let gone = source.alarm(|a| !a.firing).await;
    assert_eq!(gone.key, "77c0e2d4a5b6f809");
    assert_eq!(gone.source, "am-test");
}

#[tokio::test]
async fn an_alert_seen_again_unchanged_is_not_signalled_again() {
    let (url, reply) = fake_alertmanager(Reply::json(TWO_ALERTS)).await;
    let mut source = start_source(&url);
    source.alarm(|a| a.key == "3f2a9c81d0e4b7a1").await;
    source.alarm(|a| a.key == "77c0e2d4a5b6f809").await;
    // Several polls see the same two alerts...
    tokio::time::sleep(Duration::from_secs(1)).await;
    // ...then one of them changes severity: that change is the next alarm signal.
    *reply.lock().unwrap() =
        Reply::json(&TWO_ALERTS.replace(r#""severity": "warning""#, r#""severity": "critical""#));
    let next = source.alarm(|_| true).await;
    assert_eq!(
        next.key, "77c0e2d4a5b6f809",
        "an unchanged alert was sent again"
    );
    assert_eq!(next.severity, Severity::Critical);
}

/// Polls until the source reports something other than `ok`, and returns it.
async fn health_for(reply: Reply) -> SourceHealth {
    let (url, _) = fake_alertmanager(reply).await;
    let mut source = start_source(&url);
    source.health(&mut Vec::new()).await
}

#[tokio::test]
async fn truncated_json_is_a_bad_payload() {
    let health = health_for(Reply::json(&TWO_ALERTS[..200])).await;
    assert_eq!(health.status, HealthStatus::BadPayload);
    assert_eq!(health.last_ok, None);
}

#[tokio::test]
async fn an_html_error_page_is_a_bad_payload() {
    let page = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let ok_but_html = Reply {
        status: StatusCode::OK,
        content_type: "text/html",
        body: page.as_bytes().to_vec(),
    };
    assert_eq!(
        health_for(ok_but_html.clone()).await.status,
        HealthStatus::BadPayload
    );
    let gateway = Reply {
        status: StatusCode::BAD_GATEWAY,
        ..ok_but_html
    };
    assert_eq!(health_for(gateway).await.status, HealthStatus::BadPayload);
}

#[tokio::test]
async fn wrong_types_are_a_bad_payload() {
    let health = health_for(Reply::json(r#"[{"labels": {"alertname": 3}}]"#)).await;
    assert_eq!(health.status, HealthStatus::BadPayload);
    let health = health_for(Reply::json(r#"{"status": "success"}"#)).await;
    assert_eq!(health.status, HealthStatus::BadPayload);
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused() {
    let mut body = b"[".to_vec();
    body.resize(MAX_BODY_BYTES + 1, b' ');
    let health = health_for(Reply {
        body,
        ..Reply::json("")
    })
    .await;
    assert_eq!(health.status, HealthStatus::BadPayload);
    assert!(health.detail.contains("10 MB"), "{}", health.detail);
}

#[tokio::test]
async fn refused_credentials_are_auth_failed() {
    for status in [StatusCode::UNAUTHORIZED, StatusCode::FORBIDDEN] {
        let health = health_for(Reply {
            status,
            ..Reply::json("")
        })
        .await;
        assert_eq!(health.status, HealthStatus::AuthFailed);
    }
}

#[tokio::test]
async fn a_refused_connection_is_unreachable() {
    // A port that was free a moment ago and has nobody listening now.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let mut source = start_source(&format!("http://{addr}"));
    let health = source.health(&mut Vec::new()).await;
    assert_eq!(health.status, HealthStatus::Unreachable);
    assert!(!health.detail.is_empty());
}

#[tokio::test]
async fn an_unknown_severity_word_is_named() {
    let body = TWO_ALERTS.replace("\"warning\"", "\"sev-7\"");
    let health = health_for(Reply::json(&body)).await;
    assert_eq!(health.status, HealthStatus::UnmappedSeverity);
    assert!(health.detail.contains("sev-7"), "{}", health.detail);
}
