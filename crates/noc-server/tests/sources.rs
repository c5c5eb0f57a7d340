//! The Sources page's API: sources saved from the console run, stop and leave the
//! status strip; file sources are read-only; secrets travel only by reference.

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use noc_api::{Console, SecretStore};
use noc_model::{
    Clock, HealthStatus, ManualClock, SecretRef, Snapshot, SourceDefinition, SourceSettings,
};
use noc_server::{router, AppState};
use noc_sources::Secret;
use serde_json::{json, Value};
use tower::ServiceExt;

mod common;
use common::{open_console, with_body};

const TOKEN: &str = "0123456789abcdef0123456789abcdef";
const SECRET: &str = "s3cr3t-typed-in";

/// An in-memory keyring, standing in for the OS keyring in these tests.
#[derive(Default)]
struct MemoryKeyring(Mutex<HashMap<String, String>>);

impl SecretStore for MemoryKeyring {
    fn resolve(&self, secret: &SecretRef) -> Result<Secret, String> {
        match secret {
            SecretRef::Env { name } => noc_api::env_secret(name),
            SecretRef::Keyring { entry } => self
                .0
                .lock()
                .unwrap()
                .get(entry)
                .map(Secret::new)
                .ok_or_else(|| format!("no keyring entry {entry}")),
        }
    }

    fn keep(&self, entry: &str, value: &Secret) -> Result<(), String> {
        self.0
            .lock()
            .unwrap()
            .insert(entry.into(), value.expose().into());
        Ok(())
    }

    fn forget(&self, entry: &str) {
        self.0.lock().unwrap().remove(entry);
    }
}

struct Hub {
    app: axum::Router,
    console: Console,
    _dir: tempfile::TempDir,
}

async fn hub(file: Vec<SourceDefinition>, secrets: Arc<dyn SecretStore>) -> Hub {
    let dir = tempfile::tempdir().unwrap();
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(1_700_000_000_000));
    let console = open_console(dir.path(), clock.clone()).await;
    console.start_sources(file, secrets).await;
    let app = router(AppState::new(console.clone(), TOKEN.into(), clock));
    Hub {
        app,
        console,
        _dir: dir,
    }
}

async fn call(
    app: &axum::Router,
    method: &str,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", format!("Bearer {TOKEN}"))
        .header("x-noc-operator", "alice");
    let req = with_body(req, body);
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, json)
}

/// A local port nothing listens on.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn alertmanager(name: &str, port: u16) -> Value {
    json!({
        "name": name,
        "interval_secs": 1,
        "timeout_secs": 1,
        "settings": { "kind": "alertmanager", "urls": [format!("http://127.0.0.1:{port}")] }
    })
}

async fn until(console: &Console, what: &str, done: impl Fn(&Snapshot) -> bool) -> Snapshot {
    for _ in 0..1000 {
        let snapshot = console.snapshot().await;
        if done(&snapshot) {
            return snapshot;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("never happened: {what}");
}

fn health(snapshot: &Snapshot, name: &str) -> Option<HealthStatus> {
    snapshot
        .sources
        .iter()
        .find(|s| s.source == name)
        .map(|s| s.status)
}

#[tokio::test]
async fn a_source_added_from_the_console_runs_stops_and_goes() {
    let hub = hub(Vec::new(), Arc::new(MemoryKeyring::default())).await;
    let body = json!({ "definition": alertmanager("lab-am", closed_port()) });
    let (status, view) = call(&hub.app, "POST", "/api/sources", Some(body.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{view}");
    assert_eq!(view["origin"], "console");
    assert_eq!(view["definition"]["enabled"], true);

    until(&hub.console, "the dead source shows unreachable", |s| {
        health(s, "lab-am") == Some(HealthStatus::Unreachable)
    })
    .await;
    let (_, list) = call(&hub.app, "GET", "/api/sources", None).await;
    assert_eq!(list[0]["health"]["status"], "unreachable");

    let (status, err) = call(&hub.app, "POST", "/api/sources", Some(body)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(err["code"], "source_exists");

    let mut disabled = alertmanager("lab-am", closed_port());
    disabled["enabled"] = json!(false);
    let (status, view) = call(
        &hub.app,
        "PUT",
        "/api/sources/lab-am",
        Some(json!({ "definition": disabled })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["health"], Value::Null);
    until(&hub.console, "a disabled source leaves the strip", |s| {
        health(s, "lab-am").is_none()
    })
    .await;

    let (status, _) = call(&hub.app, "DELETE", "/api/sources/lab-am", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, err) = call(&hub.app, "GET", "/api/sources/lab-am", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(err["code"], "source_not_found");

    let (_, page) = call(&hub.app, "GET", "/api/events?after=0", None).await;
    let kinds: Vec<(&str, &str)> = page["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["subject"] == "source:lab-am" && e["actor"] == "alice")
        .map(|e| {
            (
                e["body"]["kind"].as_str().unwrap(),
                e["actor"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("source_defined", "alice"),
            ("source_defined", "alice"),
            ("source_removed", "alice")
        ],
        "who changed the source is in the log"
    );
}

#[tokio::test]
async fn sources_of_the_file_are_read_only() {
    let file = SourceDefinition {
        name: "prod-am".into(),
        enabled: true,
        interval_secs: Some(1),
        timeout_secs: Some(1),
        node: None,
        settings: SourceSettings::Alertmanager {
            urls: vec![format!("http://127.0.0.1:{}", closed_port())],
            auth: None,
        },
    };
    let hub = hub(vec![file], Arc::new(MemoryKeyring::default())).await;
    let (_, list) = call(&hub.app, "GET", "/api/sources", None).await;
    assert_eq!(list[0]["origin"], "file");
    let body = json!({ "definition": alertmanager("prod-am", 1) });
    for (method, uri, body) in [
        ("PUT", "/api/sources/prod-am", Some(body.clone())),
        ("DELETE", "/api/sources/prod-am", None),
        ("POST", "/api/sources", Some(body)),
    ] {
        let (status, err) = call(&hub.app, method, uri, body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {uri}");
        assert_eq!(err["code"], "defined_in_file");
    }
    until(&hub.console, "the file source runs", |s| {
        health(s, "prod-am") == Some(HealthStatus::Unreachable)
    })
    .await;
}

#[tokio::test]
async fn a_typed_in_secret_is_kept_by_reference_and_never_returned() {
    let keyring = Arc::new(MemoryKeyring::default());
    let hub = hub(Vec::new(), keyring.clone()).await;
    let mut definition = alertmanager("secured-am", closed_port());
    definition["settings"]["auth"] =
        json!({ "user": "noc", "secret": { "from": "env", "name": "UNUSED" } });
    let (status, view) = call(
        &hub.app,
        "POST",
        "/api/sources",
        Some(json!({ "definition": definition, "secret": SECRET })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{view}");
    assert_eq!(
        view["definition"]["settings"]["auth"]["secret"],
        json!({ "from": "keyring", "entry": "source/secured-am" })
    );
    assert_eq!(
        keyring
            .0
            .lock()
            .unwrap()
            .get("source/secured-am")
            .map(String::as_str),
        Some(SECRET)
    );
    let (_, list) = call(&hub.app, "GET", "/api/sources", None).await;
    let (_, events) = call(&hub.app, "GET", "/api/events?after=0", None).await;
    for answer in [view.to_string(), list.to_string(), events.to_string()] {
        assert!(!answer.contains(SECRET), "the secret leaked: {answer}");
    }
    let (status, _) = call(&hub.app, "DELETE", "/api/sources/secured-am", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(
        keyring.0.lock().unwrap().is_empty(),
        "the entry is deleted with the source"
    );
}

#[tokio::test]
async fn without_a_keyring_or_the_variable_the_secret_is_refused_clearly() {
    let hub = hub(Vec::new(), Arc::new(noc_api::EnvSecrets)).await;
    let mut definition = alertmanager("secured-am", closed_port());
    definition["settings"]["auth"] =
        json!({ "secret": { "from": "env", "name": "NOC_TEST_VARIABLE_THAT_IS_NOT_SET" } });
    let (status, err) = call(
        &hub.app,
        "POST",
        "/api/sources",
        Some(json!({ "definition": definition.clone(), "secret": SECRET })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["code"], "keyring_unavailable");
    assert!(err["message"]
        .as_str()
        .unwrap()
        .contains("environment variable"));

    let (status, err) = call(
        &hub.app,
        "POST",
        "/api/sources",
        Some(json!({ "definition": definition })),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["code"], "secret_unavailable");
    assert!(err["message"]
        .as_str()
        .unwrap()
        .contains("NOC_TEST_VARIABLE_THAT_IS_NOT_SET"));
    let (_, list) = call(&hub.app, "GET", "/api/sources", None).await;
    assert_eq!(list, json!([]), "nothing half-saved");
}

#[tokio::test]
async fn bad_definitions_are_refused_and_tests_report_the_real_result() {
    let hub = hub(Vec::new(), Arc::new(MemoryKeyring::default())).await;
    for (name, url) in [("has space", "http://x"), ("ok-name", "ftp://x")] {
        let mut definition = alertmanager(name, 1);
        definition["settings"]["urls"] = json!([url]);
        let (status, err) = call(
            &hub.app,
            "POST",
            "/api/sources",
            Some(json!({ "definition": definition })),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{name} {url}");
        assert_eq!(err["code"], "invalid_request");
    }
    let (status, report) = call(
        &hub.app,
        "POST",
        "/api/sources/test",
        Some(json!({ "definition": alertmanager("probe-it", closed_port()) })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(report["status"], "unreachable", "{report}");
    assert!(
        report["detail"].as_str().unwrap().contains("refused"),
        "{report}"
    );
}
