//! Inbound webhooks (`POST /hooks/{name}`), against the router in-process.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use noc_model::{AlarmStatus, HealthStatus, Severity, Snapshot};
use noc_server::{HubOptions, WebhookEndpoint};
use noc_sources::webhook::WebhookFormat;
use serde_json::{json, Value};

mod common;
use common::{answer, in_process_hub_with, until, InProcessHub};

const TOKEN: &str = "console-token-not-for-hooks";
const SECRET: &str = "s3cret/with+odd=chars";

async fn hub() -> InProcessHub {
    in_process_hub_with(TOKEN, 1_700_000_000_000, |state| {
        state.with_webhooks(vec![
            WebhookEndpoint::new("am", WebhookFormat::Alertmanager, SECRET),
            WebhookEndpoint::new("grafana", WebhookFormat::Grafana, SECRET),
            WebhookEndpoint::new("scripts", WebhookFormat::Generic, SECRET),
        ])
    })
    .await
}

async fn post(
    app: &axum::Router,
    uri: &str,
    secret: Option<&str>,
    body: Body,
) -> (StatusCode, Value) {
    let mut req = Request::builder()
        .method("POST")
        .uri(uri)
        .header("content-type", "application/json");
    if let Some(secret) = secret {
        req = req.header("authorization", format!("Bearer {secret}"));
    }
    answer(app, req.body(body).unwrap()).await
}

fn alertmanager(status: &str) -> Body {
    Body::from(
        json!({
            "version": "4",
            "status": status,
            "receiver": "noc",
            "groupKey": "{}:{alertname=\"InstanceDown\"}",
            "alerts": [{
                "status": status,
                "labels": {"alertname": "InstanceDown", "instance": "core-sw1:9100", "severity": "critical"},
                "annotations": {"summary": "core-sw1 is down"},
                "startsAt": "2026-11-22T21:00:00Z",
                "endsAt": "0001-01-01T00:00:00Z",
                "generatorURL": "http://prometheus:9090/graph",
                "fingerprint": "a1b2c3d4e5f60708"
            }]
        })
        .to_string(),
    )
}

fn is_active(snapshot: &Snapshot, fingerprint: &str) -> bool {
    snapshot
        .alarms
        .iter()
        .any(|a| a.fingerprint == fingerprint && a.status == AlarmStatus::Active)
}

fn hook_health(snapshot: &Snapshot, name: &str) -> Option<(HealthStatus, String)> {
    snapshot
        .sources
        .iter()
        .find(|s| s.source == name && s.kind == "webhook")
        .map(|s| (s.status, s.detail.clone()))
}

#[tokio::test]
async fn a_firing_alert_shows_and_its_resolution_clears_it() {
    let hub = hub().await;
    let (status, body) = post(&hub.app, "/hooks/am", Some(SECRET), alertmanager("firing")).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body, json!({"accepted": 1}));
    let snapshot = until(&hub.console, |s| is_active(s, "am/a1b2c3d4e5f60708")).await;
    let alarm = snapshot
        .alarms
        .iter()
        .find(|a| a.fingerprint == "am/a1b2c3d4e5f60708")
        .unwrap();
    assert_eq!(alarm.severity, Severity::Critical);
    assert_eq!(alarm.node.as_deref(), Some("core-sw1"));
    assert_eq!(alarm.title, "InstanceDown: core-sw1 is down");
    until(&hub.console, |s| {
        hook_health(s, "am") == Some((HealthStatus::Ok, String::new()))
    })
    .await;

    let (status, _) = post(
        &hub.app,
        "/hooks/am",
        Some(SECRET),
        alertmanager("resolved"),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    until(&hub.console, |s| !is_active(s, "am/a1b2c3d4e5f60708")).await;
}

#[tokio::test]
async fn grafana_and_generic_hooks_accept_their_formats() {
    let hub = hub().await;
    let grafana = json!({
        "receiver": "noc", "status": "firing", "orgId": 1, "version": "1",
        "alerts": [{
            "status": "firing",
            "labels": {"alertname": "High latency", "severity": "warning"},
            "annotations": {},
            "fingerprint": "57c6d9296de2ad39",
            "values": {"B": 612.5},
            "dashboardURL": "http://grafana:3000/d/core",
            "panelURL": "", "silenceURL": ""
        }]
    });
    let (status, _) = post(
        &hub.app,
        "/hooks/grafana",
        Some(SECRET),
        Body::from(grafana.to_string()),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    // The secret may also come in the query, percent-encoded.
    let generic = json!({"alerts": [
        {"key": "ups-2", "status": "firing", "severity": "bogus", "title": "UPS on battery"}
    ]});
    let (status, body) = post(
        &hub.app,
        "/hooks/scripts?token=s3cret%2Fwith%2Bodd%3Dchars",
        None,
        Body::from(generic.to_string()),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let snapshot = until(&hub.console, |s| {
        is_active(s, "grafana/57c6d9296de2ad39") && is_active(s, "scripts/ups-2")
    })
    .await;
    let ups = snapshot
        .alarms
        .iter()
        .find(|a| a.fingerprint == "scripts/ups-2")
        .unwrap();
    assert_eq!(
        ups.severity,
        Severity::Unknown,
        "an unknown severity is kept"
    );
}

#[tokio::test]
async fn a_missing_or_wrong_secret_is_refused() {
    let hub = hub().await;
    for secret in [None, Some("wrong"), Some(TOKEN)] {
        let (status, body) = post(&hub.app, "/hooks/am", secret, alertmanager("firing")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{secret:?}");
        assert_eq!(body["code"], "unauthorized");
        assert!(!body.to_string().contains(SECRET));
    }
    let (status, _) = post(
        &hub.app,
        "/hooks/am?token=wrong",
        None,
        alertmanager("firing"),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let snapshot = hub.console.snapshot().await;
    assert!(snapshot.alarms.is_empty());
    assert_eq!(hook_health(&snapshot, "am"), None);
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_refused() {
    let hub = hub().await;
    let big = format!(
        "{{\"alerts\":[],\"padding\":\"{}\"}}",
        "x".repeat(1024 * 1024)
    );
    let (status, body) = post(&hub.app, "/hooks/am", Some(SECRET), Body::from(big)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(body["code"], "payload_too_large");
}

#[tokio::test]
async fn a_malformed_body_is_a_bad_payload_until_the_next_good_one() {
    let hub = hub().await;
    let (status, body) = post(
        &hub.app,
        "/hooks/am",
        Some(SECRET),
        Body::from("{\"alerts\":[{\"status\":\"firing\","),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "bad_payload");
    let message = body["message"].as_str().unwrap().to_string();
    assert!(message.contains("EOF"), "{message}");
    until(&hub.console, |s| {
        hook_health(s, "am") == Some((HealthStatus::BadPayload, message.clone()))
    })
    .await;

    let (status, body) = post(
        &hub.app,
        "/hooks/scripts",
        Some(SECRET),
        Body::from("<html><body>Bad Gateway</body></html>"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["message"]
        .as_str()
        .unwrap()
        .starts_with("not a generic notification"));

    let (status, _) = post(&hub.app, "/hooks/am", Some(SECRET), alertmanager("firing")).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    until(&hub.console, |s| {
        hook_health(s, "am") == Some((HealthStatus::Ok, String::new()))
    })
    .await;
}

#[tokio::test]
async fn an_unknown_hook_is_not_found() {
    let hub = hub().await;
    let (status, body) = post(
        &hub.app,
        "/hooks/nowhere",
        Some(SECRET),
        alertmanager("firing"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "hook_not_found");
    // The console's token does not open hooks, and hooks are not under /api.
    let (status, _) = post(
        &hub.app,
        "/api/hooks/am",
        Some(SECRET),
        alertmanager("firing"),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_hook_whose_secret_is_not_in_the_environment_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("noc.toml");
    std::fs::write(
        &config,
        "[[webhook]]\nname = \"am\"\nformat = \"alertmanager\"\ntoken_env = \"NOC_TEST_HOOK_SECRET_NEVER_SET\"\n",
    )
    .unwrap();
    let mut opts = HubOptions::loopback(dir.path().join("data"));
    opts.config = Some(config);
    opts.demo = None;
    let err = match noc_server::start(opts).await {
        Ok(_) => panic!("the hub started without the hook's secret"),
        Err(err) => err.to_string(),
    };
    assert!(
        err.contains("NOC_TEST_HOOK_SECRET_NEVER_SET") && err.contains("not set"),
        "{err}"
    );
}

#[test]
fn webhook_entries_are_read_and_checked_with_their_line() {
    use noc_server::config::HubConfig;
    let config = HubConfig::parse(
        "[[webhook]]\nname = \"grafana\"\nformat = \"grafana\"\ntoken_env = \"NOC_GRAFANA_SECRET\"\n",
    )
    .expect("one webhook");
    assert_eq!(config.webhook.len(), 1);
    assert_eq!(config.webhook[0].name.get_ref(), "grafana");

    let check = |text: &str, line: &str, words: &str| {
        let err = HubConfig::parse(text).unwrap_err();
        assert!(
            err.starts_with(line) && err.contains(words),
            "{text}\n=> {err}"
        );
    };
    check(
        "[[webhook]]\nname = \"a\"\nformat = \"nagios\"\ntoken_env = \"X\"\n",
        "line 3",
        "nagios",
    );
    check(
        "[[webhook]]\nname = \"a b\"\nformat = \"generic\"\ntoken_env = \"X\"\n",
        "line 2",
        "letters, digits",
    );
    check(
        "[[webhook]]\nname = \"a\"\nformat = \"generic\"\ntoken_env = \"hunter2 secret!\"\n",
        "line 4",
        "environment variable",
    );
    check(
        "[[alertmanager]]\nname = \"am\"\nurl = \"http://am:9093\"\n\n\
         [[webhook]]\nname = \"am\"\nformat = \"alertmanager\"\ntoken_env = \"X\"\n",
        "line 6",
        "another source",
    );
    check(
        "[[webhook]]\nname = \"a\"\nformat = \"generic\"\n",
        "line 1",
        "token_env",
    );
    check(
        "[[webhook]]\nname = \"a\"\nformat = \"generic\"\ntoken = \"plain\"\ntoken_env = \"X\"\n",
        "line 4",
        "token",
    );
}

#[test]
fn a_webhook_cannot_share_a_prometheus_source_name() {
    let err = noc_server::config::HubConfig::parse(
        "[[prometheus]]\nname = \"prom\"\nurl = \"http://prom:9090\"\n\n\
         [[webhook]]\nname = \"prom\"\nformat = \"generic\"\ntoken_env = \"X\"\n",
    )
    .unwrap_err();
    assert!(
        err.starts_with("line 6") && err.contains("another source"),
        "{err}"
    );
}

#[test]
fn the_commented_webhook_example_is_valid() {
    let text = include_str!("../../../noc.example.toml");
    let block = text
        .split_once("# [[webhook]]")
        .expect("the example documents [[webhook]]")
        .1;
    let uncommented: String = std::iter::once("[[webhook]]")
        .chain(
            block
                .lines()
                .skip(1)
                .take_while(|l| !l.is_empty())
                .filter_map(|l| l.strip_prefix("# ")),
        )
        .filter(|l| !l.starts_with("# "))
        .map(|l| format!("{l}\n"))
        .collect();
    let config = noc_server::config::HubConfig::parse(&uncommented)
        .expect("the uncommented example must parse");
    assert_eq!(config.webhook[0].name.get_ref(), "grafana");
}

#[tokio::test]
async fn a_hook_that_stops_receiving_turns_stale_and_recovers_on_the_next_delivery() {
    let hub = hub().await;
    hub.console
        .expect_deliveries("am", "webhook", Duration::from_secs(60));
    let (status, _) = post(&hub.app, "/hooks/am", Some(SECRET), alertmanager("firing")).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    until(&hub.console, |s| {
        hook_health(s, "am").is_some_and(|(h, _)| h == HealthStatus::Ok)
    })
    .await;

    hub.clock.advance(61_000);
    let snapshot = until(&hub.console, |s| {
        hook_health(s, "am").is_some_and(|(h, _)| h == HealthStatus::Stale)
    })
    .await;
    let (_, detail) = hook_health(&snapshot, "am").unwrap();
    assert!(detail.contains("no report for 61 s"), "{detail}");
    assert!(
        is_active(&snapshot, "am/a1b2c3d4e5f60708"),
        "old alarms are kept, marked by the strip"
    );

    let (status, _) = post(&hub.app, "/hooks/am", Some(SECRET), alertmanager("firing")).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    until(&hub.console, |s| {
        hook_health(s, "am").is_some_and(|(h, _)| h == HealthStatus::Ok)
    })
    .await;
}
