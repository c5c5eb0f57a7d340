//! The source against a local HTTP server that answers like Prometheus, or like
//! the things that stand in front of one when it is broken.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::fake_endpoint::{serve, Reply, Running, TEST_INTERVAL, TEST_TIMEOUT};

use axum::http::StatusCode;
use noc_model::{HealthStatus, ManualClock, Severity, Signal, SourceHealth};

use super::{spawn, PrometheusConfig};

/// As `GET /api/v1/alerts` of Prometheus 2.x returns it: one firing, one pending.
const TWO_ALERTS: &str = r#"{
  "status": "success",
  "data": {
    "alerts": [
      {
        "labels": {"alertname": "NodeDown", "instance": "core-sw1:9100", "job": "node", "severity": "critical"},
        "annotations": {"description": "core-sw1 has not answered for 5 minutes", "summary": "Node down"},
        "state": "firing",
        "activeAt": "2026-11-22T21:40:00.123456789Z",
        "value": "0e+00"
      },
      {
        "labels": {"alertname": "DiskFilling", "host": "db-1", "severity": "warning"},
        "annotations": {},
        "state": "pending",
        "activeAt": "2026-11-22T21:41:00Z",
        "value": "9.1e+01"
      }
    ]
  }
}"#;

const NO_ALERTS: &str = r#"{"status":"success","data":{"alerts":[]}}"#;

async fn fake_prometheus(reply: Reply) -> (String, Arc<Mutex<Reply>>) {
    serve("/api/v1/alerts", reply).await
}

fn start_source(url: &str) -> Running {
    let config = PrometheusConfig {
        name: "prom-test".into(),
        url: url.into(),
        interval: TEST_INTERVAL,
        timeout: TEST_TIMEOUT,
    };
    Running::start(|out, shutdown| {
        spawn(config, Arc::new(ManualClock::new(1_000)), out, shutdown);
    })
}

#[tokio::test]
async fn an_alert_list_becomes_alarms_pending_ones_keep_their_severity() {
    let (url, _reply) = fake_prometheus(Reply::json(TWO_ALERTS)).await;
    let mut source = start_source(&url);
    let mut alarms = Vec::new();
    let health = source.health(&mut alarms).await;
    assert_eq!(health.status, HealthStatus::Ok, "{}", health.detail);
    assert_eq!(health.kind, "prometheus");
    assert_eq!(health.source, "prom-test");
    let node_down = source.alarm(|a| a.title.starts_with("NodeDown")).await;
    let disk = source.alarm(|a| a.title.starts_with("DiskFilling")).await;

    assert_eq!(node_down.title, "NodeDown: Node down");
    assert_eq!(node_down.text, "core-sw1 has not answered for 5 minutes");
    assert_eq!(node_down.node.as_deref(), Some("core-sw1"));
    assert_eq!(node_down.severity, Severity::Critical);
    assert_eq!(node_down.labels["prometheus_state"], "firing");
    assert!(node_down.firing);

    assert_eq!(disk.node.as_deref(), Some("db-1"));
    assert_eq!(disk.severity, Severity::Warning);
    assert_eq!(disk.labels["prometheus_state"], "pending");
    assert_ne!(node_down.key, disk.key);
}

#[tokio::test]
async fn the_key_is_stable_and_a_state_change_is_signalled() {
    let (url, reply) = fake_prometheus(Reply::json(TWO_ALERTS)).await;
    let mut source = start_source(&url);
    let pending = source
        .alarm(|a| a.labels.get("prometheus_state").map(String::as_str) == Some("pending"))
        .await;
    *reply.lock().unwrap() = Reply::json(&TWO_ALERTS.replace("\"pending\"", "\"firing\""));
    let firing = source
        .alarm(|a| {
            a.title.starts_with("DiskFilling")
                && a.labels.get("prometheus_state").map(String::as_str) == Some("firing")
        })
        .await;
    assert_eq!(pending.key, firing.key);
}

#[tokio::test]
async fn an_alert_that_disappears_is_resolved_but_a_failed_poll_resolves_nothing() {
    let (url, reply) = fake_prometheus(Reply::json(TWO_ALERTS)).await;
    let mut source = start_source(&url);
    let first = source.alarm(|a| a.title.starts_with("NodeDown")).await;

    // Prometheus breaks: nothing is resolved, health says why.
    *reply.lock().unwrap() = Reply {
        status: StatusCode::SERVICE_UNAVAILABLE,
        content_type: "text/plain",
        body: b"Service Unavailable".to_vec(),
    };
    let mut alarms = Vec::new();
    let health = loop {
        let health = source.health(&mut alarms).await;
        if health.status != HealthStatus::Ok {
            break health;
        }
    };
    assert_eq!(health.status, HealthStatus::BadPayload);
    assert!(health.detail.contains("503"), "{}", health.detail);
    assert!(
        alarms.iter().all(|a| a.firing),
        "a failed poll resolved alarms"
    );

    // Back, and NodeDown is gone: it is resolved under the same key.
    *reply.lock().unwrap() = Reply::json(NO_ALERTS);
    let resolved = source.alarm(|a| !a.firing && a.key == first.key).await;
    assert_eq!(resolved.title, first.title);
}

#[tokio::test]
async fn an_alert_seen_again_unchanged_is_not_signalled_again() {
    let (url, _reply) = fake_prometheus(Reply::json(TWO_ALERTS)).await;
    let mut source = start_source(&url);
    let mut alarms = Vec::new();
    source.health(&mut alarms).await;
    // Several more polls happen in this time; none may repeat the alarms.
    tokio::time::sleep(Duration::from_millis(900)).await;
    for signal in source.drain() {
        if let Signal::Alarm(alarm) = signal {
            alarms.push(alarm);
        }
    }
    assert_eq!(alarms.len(), 2, "{alarms:?}");
}

async fn health_for(reply: Reply) -> SourceHealth {
    let (url, _reply) = fake_prometheus(reply).await;
    let mut source = start_source(&url);
    source.health(&mut Vec::new()).await
}

#[tokio::test]
async fn an_error_status_is_a_bad_payload_with_prometheus_words() {
    let health = health_for(Reply {
        status: StatusCode::SERVICE_UNAVAILABLE,
        content_type: "application/json",
        body: br#"{"status":"error","errorType":"unavailable","error":"rule manager not ready"}"#
            .to_vec(),
    })
    .await;
    assert_eq!(health.status, HealthStatus::BadPayload);
    assert!(
        health.detail.contains("rule manager not ready"),
        "{}",
        health.detail
    );

    // The same envelope with a 200 is still an error.
    let health = health_for(Reply::json(
        r#"{"status":"error","errorType":"internal","error":"boom"}"#,
    ))
    .await;
    assert_eq!(health.status, HealthStatus::BadPayload);
    assert!(health.detail.contains("boom"), "{}", health.detail);
}

#[tokio::test]
async fn an_html_page_is_a_bad_payload() {
    let health = health_for(Reply {
        status: StatusCode::OK,
        content_type: "text/html",
        body: b"<html><body><h1>Welcome to nginx!</h1></body></html>".to_vec(),
    })
    .await;
    assert_eq!(health.status, HealthStatus::BadPayload);
    assert!(health.detail.contains("Prometheus"), "{}", health.detail);
}

#[tokio::test]
async fn refused_credentials_are_auth_failed() {
    let health = health_for(Reply {
        status: StatusCode::UNAUTHORIZED,
        content_type: "text/plain",
        body: b"Unauthorized".to_vec(),
    })
    .await;
    assert_eq!(health.status, HealthStatus::AuthFailed);
}

#[tokio::test]
async fn a_refused_connection_is_unreachable() {
    // Bind and drop: the port is very likely closed now.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let mut source = start_source(&format!("http://{addr}"));
    let health = source.health(&mut Vec::new()).await;
    assert_eq!(health.status, HealthStatus::Unreachable);
    assert!(health.detail.contains("Prometheus"), "{}", health.detail);
}

#[tokio::test]
async fn an_unknown_severity_word_is_named() {
    let health = health_for(Reply::json(&TWO_ALERTS.replace("\"warning\"", "\"sev-7\""))).await;
    assert_eq!(health.status, HealthStatus::UnmappedSeverity);
    assert!(health.detail.contains("sev-7"), "{}", health.detail);
}
