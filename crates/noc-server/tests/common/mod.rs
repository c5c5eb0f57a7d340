//! Shared by the tests that run real monitoring systems next to the hub.

// Each test binary compiles this module and uses only part of it.
#![allow(dead_code)]

pub mod accounts;
pub mod prometheus;
pub mod zabbix;

#[allow(unused_imports)]
pub use accounts::{signed_in, signed_in_at};

use std::future::Future;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use noc_api::{Console, HubSettings};
use noc_model::{Clock, Event, HealthStatus, IncidentId, ManualClock, Snapshot};
use noc_server::{router, start, AppState, HubOptions, RunningHub};
use noc_store::Store;
use serde_json::Value;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

/// A monitoring system's process, killed however the test ends.
pub struct Daemon {
    pub child: Child,
}

impl Daemon {
    /// Starts `command` with its log in `log`; `package` is named if it is not installed.
    pub fn spawn(mut command: Command, log: &Path, package: &str) -> Daemon {
        let log = std::fs::File::create(log).expect("log file");
        let child = command
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run {} ({e}); install {package} (make deps-test)",
                    command.get_program().to_string_lossy()
                )
            });
        Daemon { child }
    }

    /// Waits until `url` answers with success; `name` says who exited, with its
    /// log, if the process dies first.
    pub async fn wait_answering(
        &mut self,
        http: &reqwest::Client,
        url: &str,
        what: &str,
        name: &str,
        log: &Path,
    ) {
        wait_for(what, Duration::from_secs(30), || {
            if let Ok(Some(status)) = self.child.try_wait() {
                let log = std::fs::read_to_string(log).unwrap_or_default();
                panic!("{name} exited with {status}:\n{log}");
            }
            let request = http.get(url).send();
            async move {
                match request.await {
                    Ok(response) if response.status().is_success() => Some(()),
                    _ => None,
                }
            }
        })
        .await
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        self.kill();
    }
}

pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Polls `check` until it returns `Some`, for at most `limit`.
pub async fn wait_for<T, F, Fut>(what: &str, limit: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "gave up waiting: {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The health the console shows for `source`, once it has reported.
pub fn source_status(snapshot: &Snapshot, source: &str) -> Option<HealthStatus> {
    snapshot
        .sources
        .iter()
        .find(|s| s.source == source)
        .map(|s| s.status)
}

/// A hub on loopback with `noc_toml` as its configuration and no demo data.
pub async fn start_hub(dir: &Path, noc_toml: &str) -> RunningHub {
    let config = dir.join("noc.toml");
    std::fs::write(&config, noc_toml).unwrap();
    let mut options = HubOptions::loopback(dir.join("data"));
    options.demo = None;
    options.config = Some(config);
    start(options).await.expect("hub starts")
}

/// A request to the hub's API in `operator`'s name.
pub fn as_operator(
    request: reqwest::RequestBuilder,
    hub: &RunningHub,
    operator: &str,
) -> reqwest::RequestBuilder {
    request
        .bearer_auth(&hub.token)
        .header("X-Noc-Operator", operator)
}

/// The first event on `incident`'s timeline that `wanted` picks, once it is there.
pub async fn wait_on_timeline(
    what: &str,
    limit: Duration,
    console: &Console,
    incident: IncidentId,
    wanted: impl Fn(&Event) -> bool,
) -> Event {
    wait_for(what, limit, || async {
        console
            .timeline(incident)
            .await
            .unwrap()
            .into_iter()
            .find(|e| wanted(e))
    })
    .await
}

/// Acknowledges `incident` through the hub's API in `operator`'s name, with write-back.
pub async fn acknowledge_with_write_back(
    http: &reqwest::Client,
    hub: &RunningHub,
    incident: IncidentId,
    operator: &str,
) -> reqwest::Response {
    let url = format!("{}api/incidents/{incident}/acknowledge", hub.url);
    as_operator(http.post(url), hub, operator)
        .json(&serde_json::json!({"write_back": true}))
        .send()
        .await
        .unwrap()
}

/// A console on a fresh store in `dir`, on `clock`, with default settings.
pub async fn open_console(dir: &Path, clock: Arc<dyn Clock>) -> Console {
    let store = Store::open(&dir.join("noc.db")).await.unwrap();
    Console::start(
        store,
        clock,
        HubSettings::default(),
        CancellationToken::new(),
    )
    .await
}

/// A console and its API in this process, on a manual clock; the store's
/// directory lives as long as the hub.
pub struct InProcessHub {
    pub app: axum::Router,
    pub console: Console,
    pub clock: Arc<ManualClock>,
    /// The launch token the API was started with (admin).
    pub token: String,
    _dir: tempfile::TempDir,
}

pub async fn in_process_hub(token: &str, now: i64) -> InProcessHub {
    in_process_hub_with(token, now, |state| state).await
}

/// As [`in_process_hub`], with `configure` adding to the API's state what a test
/// needs beyond the defaults (webhook endpoints, say).
pub async fn in_process_hub_with(
    token: &str,
    now: i64,
    configure: impl FnOnce(AppState) -> AppState,
) -> InProcessHub {
    let dir = tempfile::tempdir().unwrap();
    let manual = Arc::new(ManualClock::new(now));
    let clock: Arc<dyn Clock> = manual.clone();
    let console = open_console(dir.path(), clock.clone()).await;
    let app = router(configure(AppState::new(
        console.clone(),
        token.into(),
        clock,
    )));
    InProcessHub {
        app,
        console,
        clock: manual,
        token: token.to_string(),
        _dir: dir,
    }
}

/// Finishes `request` with `body` as JSON, or with no body.
pub fn with_body(request: axum::http::request::Builder, body: Option<Value>) -> Request<Body> {
    match body {
        Some(json) => request
            .header("content-type", "application/json")
            .body(Body::from(json.to_string())),
        None => request.body(Body::empty()),
    }
    .unwrap()
}

/// Sends `request` through `app`: the status and the JSON body, or the body as
/// a JSON string when it is not JSON.
pub async fn answer(app: &axum::Router, request: Request<Body>) -> (StatusCode, Value) {
    let res = app.clone().oneshot(request).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes)
        .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into()));
    (status, json)
}

/// A request for `method` `uri` with `token` as its bearer credential, or with none.
pub fn request_bearing(
    method: &str,
    uri: &str,
    token: Option<&str>,
) -> axum::http::request::Builder {
    let request = Request::builder().method(method).uri(uri);
    match token {
        Some(token) => request.header("authorization", format!("Bearer {token}")),
        None => request,
    }
}

/// Sends `method` `uri` with `body` through `app`, with `token` as the bearer
/// credential or with none.
pub async fn call_bearing(
    app: &axum::Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    answer(app, with_body(request_bearing(method, uri, token), body)).await
}

/// Waits until the live state satisfies `done` (the ingest loop is asynchronous).
pub async fn until(console: &Console, done: impl Fn(&Snapshot) -> bool) -> Snapshot {
    for _ in 0..500 {
        let snapshot = console.snapshot().await;
        if done(&snapshot) {
            return snapshot;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the hub never reached the expected state");
}
