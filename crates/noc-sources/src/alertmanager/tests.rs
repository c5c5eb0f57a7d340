//! The source against a local HTTP server that answers like Alertmanager, or
//! like the things that stand in front of one when it is broken.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::fake_endpoint::{
    never_answers, redirect_loop, serve, serve_all, Reply, Running, TEST_INTERVAL, TEST_TIMEOUT,
};
use crate::source::{Secret, SourceContext};

use axum::http::{HeaderMap, StatusCode};
use noc_model::{
    HealthStatus, HttpAuth, ManualClock, SecretRef, Severity, Signal, SourceDefinition,
    SourceHealth, SourceSettings,
};
use tokio::sync::mpsc;

use super::{check, start, Cluster, MAX_BODY_BYTES};

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

fn definition(urls: &[&str], auth: Option<HttpAuth>) -> SourceDefinition {
    SourceDefinition {
        name: "am-test".into(),
        enabled: true,
        interval_secs: None,
        timeout_secs: None,
        node: None,
        settings: SourceSettings::Alertmanager {
            urls: urls.iter().map(|u| u.to_string()).collect(),
            auth,
        },
    }
}

/// Runs the source on `definition` with the tests' short interval and `timeout`.
fn start_with(definition: SourceDefinition, secret: Option<Secret>, timeout: Duration) -> Running {
    let mut cluster = Cluster::from_definition(&definition, secret.as_ref()).unwrap();
    cluster.config.interval = TEST_INTERVAL;
    cluster.config.timeout = timeout;
    Running::start(|signals, shutdown| {
        let (probe_results, _) = mpsc::channel(1);
        let ctx = SourceContext {
            clock: Arc::new(ManualClock::new(1_000)),
            signals,
            probe_results,
            shutdown,
            secret,
        };
        start(cluster, ctx);
    })
}

fn start_source(url: &str) -> Running {
    start_with(definition(&[url], None), None, TEST_TIMEOUT)
}

/// A base URL where nobody listens: a port that was free a moment ago.
fn closed_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
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
    let mut source = start_source(&closed_port());
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

#[tokio::test]
async fn every_poll_is_a_sign_of_life_even_a_failed_one() {
    let mut source = start_source(&closed_port());
    for _ in 0..3 {
        loop {
            if let Signal::Alive { source } = source.next().await {
                assert_eq!(source, "am-test");
                break;
            }
        }
    }
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_as_unreachable() {
    let url = never_answers().await;
    let mut source = start_with(definition(&[&url], None), None, Duration::from_millis(300));
    let health = source.health(&mut Vec::new()).await;
    assert_eq!(health.status, HealthStatus::Unreachable);
    assert!(health.detail.contains("timed out"), "{}", health.detail);
}

#[tokio::test]
async fn https_to_a_plain_http_port_is_unreachable_with_the_tls_error() {
    let (url, _) = fake_alertmanager(Reply::json(TWO_ALERTS)).await;
    let mut source = start_source(&url.replace("http://", "https://"));
    let health = source.health(&mut Vec::new()).await;
    assert_eq!(health.status, HealthStatus::Unreachable);
    assert!(
        health.detail.to_lowercase().contains("tls")
            || health.detail.to_lowercase().contains("ssl")
            || health.detail.contains("corrupt message"),
        "{}",
        health.detail
    );
}

#[tokio::test]
async fn a_redirect_loop_is_unreachable_and_says_so() {
    let url = redirect_loop().await;
    let mut source = start_source(&url);
    let health = source.health(&mut Vec::new()).await;
    assert_eq!(health.status, HealthStatus::Unreachable);
    assert!(health.detail.contains("redirect"), "{}", health.detail);
}

#[tokio::test]
async fn an_alert_listed_by_both_members_is_one_alarm() {
    let (first, _) = fake_alertmanager(Reply::json(TWO_ALERTS)).await;
    let (second, _) = fake_alertmanager(Reply::json(TWO_ALERTS)).await;
    let mut source = start_with(definition(&[&first, &second], None), None, TEST_TIMEOUT);
    let mut alarms = Vec::new();
    let health = source.health(&mut alarms).await;
    assert_eq!(health.status, HealthStatus::Ok, "{}", health.detail);
    tokio::time::sleep(TEST_INTERVAL * 3).await;
    alarms.extend(
        source
            .drain()
            .into_iter()
            .filter_map(|signal| match signal {
                Signal::Alarm(alarm) => Some(alarm),
                _ => None,
            }),
    );
    let mut keys: Vec<_> = alarms.iter().map(|a| a.key.as_str()).collect();
    keys.sort();
    assert_eq!(keys, ["3f2a9c81d0e4b7a1", "77c0e2d4a5b6f809"]);
}

#[tokio::test]
async fn a_failing_member_degrades_the_source_and_is_named() {
    let (alive, _) = fake_alertmanager(Reply::json(TWO_ALERTS)).await;
    let dead = closed_port();
    let mut source = start_with(definition(&[&dead, &alive], None), None, TEST_TIMEOUT);
    let mut alarms = Vec::new();
    let health = source.health(&mut alarms).await;
    assert_eq!(health.status, HealthStatus::Degraded);
    assert!(health.detail.contains(&dead), "{}", health.detail);
    assert!(health.detail.contains("cannot reach"), "{}", health.detail);
    // The member that answers has no status endpoint here, so nothing is said of it.
    assert!(!health.detail.contains(&alive), "{}", health.detail);
    assert_eq!(health.last_ok, Some(1_000), "data still comes");
    // The other member's alerts are still shown.
    source.alarm(|a| a.key == "3f2a9c81d0e4b7a1").await;
}

#[tokio::test]
async fn every_member_failing_is_their_failure_with_each_named() {
    let (first, second) = (closed_port(), closed_port());
    let mut source = start_with(definition(&[&first, &second], None), None, TEST_TIMEOUT);
    let health = source.health(&mut Vec::new()).await;
    assert_eq!(health.status, HealthStatus::Unreachable);
    assert!(health.detail.contains(&first), "{}", health.detail);
    assert!(health.detail.contains(&second), "{}", health.detail);
}

/// Alertmanager behind a proxy that wants `expected` as the Authorization header.
async fn guarded_alertmanager(expected: &'static str) -> String {
    let app = axum::Router::new().route(
        "/api/v2/alerts",
        axum::routing::get(move |headers: HeaderMap| async move {
            let offered = headers.get("authorization").and_then(|v| v.to_str().ok());
            if offered == Some(expected) {
                (StatusCode::OK, TWO_ALERTS)
            } else {
                (StatusCode::UNAUTHORIZED, "")
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

fn auth(user: Option<&str>) -> Option<HttpAuth> {
    Some(HttpAuth {
        user: user.map(str::to_string),
        secret: SecretRef::Env {
            name: "AM_SECRET".into(),
        },
    })
}

#[tokio::test]
async fn credentials_go_with_every_request() {
    // "noc:s3cret" in base64.
    let url = guarded_alertmanager("Basic bm9jOnMzY3JldA==").await;
    let secret = Some(Secret::new("s3cret"));
    let basic = definition(&[&url], auth(Some("noc")));
    let mut source = start_with(basic, secret.clone(), TEST_TIMEOUT);
    assert_eq!(
        source.health(&mut Vec::new()).await.status,
        HealthStatus::Ok
    );

    let bearer = definition(&[&url], auth(None));
    let mut source = start_with(bearer, secret, TEST_TIMEOUT);
    assert_eq!(
        source.health(&mut Vec::new()).await.status,
        HealthStatus::AuthFailed
    );

    let url = guarded_alertmanager("Bearer t0ken").await;
    let bearer = definition(&[&url], auth(None));
    let mut source = start_with(bearer, Some(Secret::new("t0ken")), TEST_TIMEOUT);
    assert_eq!(
        source.health(&mut Vec::new()).await.status,
        HealthStatus::Ok
    );
}

/// As `GET /api/v2/status` of Alertmanager 0.25 returns it, trimmed.
const STATUS: &str = r#"{
  "cluster": {"name": "01JD9Q", "peers": [{"address": "10.0.0.1:9094", "name": "01JD9Q"}], "status": "ready"},
  "config": {"original": "route: {}"},
  "uptime": "2026-11-22T20:00:00.000Z",
  "versionInfo": {"branch": "HEAD", "buildDate": "20230101", "buildUser": "x", "goVersion": "go1.19", "revision": "abc", "version": "0.25.0"}
}"#;

#[tokio::test]
async fn check_reports_the_version_cluster_state_and_alert_count() {
    let routes = [
        ("/api/v2/status", Reply::json(STATUS)),
        ("/api/v2/alerts", Reply::json(TWO_ALERTS)),
    ];
    let (url, _) = serve_all(&routes).await;
    let (found, version) = check(&definition(&[&url], None), None).await.unwrap();
    assert_eq!(version.as_deref(), Some("0.25.0"));
    assert!(found.contains("cluster ready"), "{found}");
    assert!(found.contains("2 alerts"), "{found}");

    let dead = closed_port();
    let (status, detail) = check(&definition(&[&url, &dead], None), None)
        .await
        .unwrap_err();
    assert_eq!(status, HealthStatus::Degraded);
    assert!(detail.contains(&dead), "{detail}");

    let html = Reply {
        status: StatusCode::OK,
        content_type: "text/html",
        body: b"<html>login</html>".to_vec(),
    };
    let (url, _) = serve_all(&[("/api/v2/status", html)]).await;
    let (status, detail) = check(&definition(&[&url], None), None).await.unwrap_err();
    assert_eq!(status, HealthStatus::BadPayload);
    assert!(detail.contains("status"), "{detail}");
}

const SILENCE_ID: &str = "7c1f6a0e-4b5d-4e8a-9f3b-2d6c8e0a1b2c";

/// An Alertmanager that accepts a silence (or refuses it with `refusal`) and shows
/// it as `state` when read back.
async fn silence_endpoint(refusal: Option<&'static str>, state: &'static str) -> String {
    use axum::routing::{get, post};
    let stored = Arc::new(Mutex::new(None::<serde_json::Value>));
    let kept = stored.clone();
    let app = axum::Router::new()
        .route(
            "/api/v2/silences",
            post(
                move |axum::Json(body): axum::Json<serde_json::Value>| async move {
                    if let Some(refusal) = refusal {
                        return (StatusCode::BAD_REQUEST, refusal.to_string());
                    }
                    *kept.lock().unwrap() = Some(body);
                    (StatusCode::OK, format!(r#"{{"silenceID":"{SILENCE_ID}"}}"#))
                },
            ),
        )
        .route(
            "/api/v2/silence/{id}",
            get(move || async move {
                let mut silence = stored.lock().unwrap().clone().unwrap_or_default();
                silence["id"] = SILENCE_ID.into();
                silence["status"] = serde_json::json!({ "state": state });
                silence["updatedAt"] = "2026-11-22T22:40:00.000Z".into();
                axum::Json(silence)
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

fn maintenance() -> super::silences::NewSilence {
    super::silences::NewSilence {
        matchers: vec![noc_model::Matcher {
            name: "instance".into(),
            value: "core-sw1:9100".into(),
            is_regex: false,
            is_equal: true,
        }],
        starts_at: 1_795_387_200_000,
        ends_at: 1_795_394_400_000,
        created_by: "alice".into(),
        comment: "line card swap".into(),
    }
}

#[tokio::test]
async fn a_silence_goes_to_the_first_member_that_answers_and_is_read_back() {
    use super::silences::Silences;
    let alive = silence_endpoint(None, "active").await;
    let cluster = definition(&[&closed_port(), &alive], None);
    let silence = Silences::new(&cluster, None)
        .unwrap()
        .create(&maintenance())
        .await
        .unwrap();
    assert_eq!(silence.id, SILENCE_ID);
    assert_eq!(silence.created_by, "alice");
    assert_eq!(silence.comment, "line card swap");
    assert_eq!(
        (silence.starts_at, silence.ends_at),
        (1_795_387_200_000, 1_795_394_400_000)
    );
    assert_eq!(silence.matchers, maintenance().matchers);
}

#[tokio::test]
async fn a_refused_or_unconfirmed_silence_is_an_error_with_alertmanager_words() {
    use super::silences::{SilenceError, Silences};
    let refusing = silence_endpoint(
        Some(r#""silence invalid: invalid label matcher 0""#),
        "active",
    )
    .await;
    let err = Silences::new(&definition(&[&refusing], None), None)
        .unwrap()
        .create(&maintenance())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, SilenceError::Refused { code: 400, message } if message == "silence invalid: invalid label matcher 0"),
        "{err:?}"
    );

    let forgetful = silence_endpoint(None, "expired").await;
    let err = Silences::new(&definition(&[&forgetful], None), None)
        .unwrap()
        .create(&maintenance())
        .await
        .unwrap_err();
    assert!(matches!(err, SilenceError::Unexpected(_)), "{err:?}");

    let err = Silences::new(&definition(&[&closed_port(), &closed_port()], None), None)
        .unwrap()
        .list()
        .await
        .unwrap_err();
    assert!(matches!(err, SilenceError::Unreachable(_)), "{err:?}");
}

#[tokio::test]
async fn a_degraded_source_says_how_the_members_that_answer_are() {
    let routes = [
        ("/api/v2/status", Reply::json(STATUS)),
        ("/api/v2/alerts", Reply::json(TWO_ALERTS)),
    ];
    let (alive, _) = serve_all(&routes).await;
    let dead = closed_port();
    let mut source = start_with(definition(&[&alive, &dead], None), None, TEST_TIMEOUT);
    let health = source.health(&mut Vec::new()).await;
    assert_eq!(health.status, HealthStatus::Degraded);
    assert!(
        health.detail.contains(&format!(
            "{alive} answers (Alertmanager 0.25.0, cluster ready)"
        )),
        "{}",
        health.detail
    );
}
