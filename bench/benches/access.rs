//! What accounts cost a request. A sign-in is one argon2id verification (19 MiB,
//! 2 passes) plus a session row; every later request with the session pays the guard:
//! a SHA-256 of the token and a lookup in the in-memory sessions, its last use written
//! at most once a minute. Measured through the hub's router in-process (no sockets):
//! `GET /api/info` with the session, with the launch token, and `/healthz` (no guard)
//! for the floor.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use criterion::{criterion_group, criterion_main, Criterion};
use noc_api::accounts::passwords;
use noc_api::{Console, HubSettings};
use noc_model::{Clock, ManualClock};
use noc_server::{router, AppState};
use noc_store::Store;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

const LAUNCH: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const PASSWORD: &str = "duty-password-2024";

async fn send(app: &axum::Router, request: Request<Body>) -> (StatusCode, Vec<u8>) {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, body.to_vec())
}

fn json(method: &str, uri: &str, token: Option<&str>, body: &str) -> Request<Body> {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json");
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    request.body(Body::from(body.to_string())).unwrap()
}

fn get(uri: &str, token: Option<&str>) -> Request<Body> {
    let mut request = Request::get(uri);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    request.body(Body::empty()).unwrap()
}

fn access(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (app, session) = runtime.block_on(async {
        let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(1_767_225_600_000));
        let store = Store::open(&dir.path().join("noc.db")).await.unwrap();
        let console = Console::start(
            store,
            clock.clone(),
            HubSettings::default(),
            CancellationToken::new(),
        )
        .await;
        let app = router(AppState::new(console, LAUNCH.into(), clock));
        let add = format!(r#"{{"name":"li.wei","role":"operator","password":"{PASSWORD}"}}"#);
        let (status, _) = send(&app, json("POST", "/api/operators", Some(LAUNCH), &add)).await;
        assert_eq!(status, StatusCode::CREATED);
        let login = format!(r#"{{"name":"li.wei","password":"{PASSWORD}"}}"#);
        let (status, body) = send(&app, json("POST", "/api/login", None, &login)).await;
        assert_eq!(status, StatusCode::OK);
        let answer: serde_json::Value = serde_json::from_slice(&body).unwrap();
        (app, answer["token"].as_str().unwrap().to_string())
    });

    let phc = passwords::hash(PASSWORD).unwrap();
    let mut group = c.benchmark_group("access");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(8));
    group.bench_function("argon2id_verify", |b| {
        b.iter(|| assert!(passwords::verify(PASSWORD, &phc)))
    });
    let login = format!(r#"{{"name":"li.wei","password":"{PASSWORD}"}}"#);
    group.bench_function("login_request", |b| {
        b.to_async(&runtime).iter(|| async {
            let (status, _) = send(&app, json("POST", "/api/login", None, &login)).await;
            assert_eq!(status, StatusCode::OK);
        })
    });
    group.finish();

    let mut group = c.benchmark_group("guard");
    group.bench_function("healthz_no_guard", |b| {
        b.to_async(&runtime).iter(|| async {
            assert_eq!(send(&app, get("/healthz", None)).await.0, StatusCode::OK);
        })
    });
    group.bench_function("info_launch_token", |b| {
        b.to_async(&runtime).iter(|| async {
            let request = get("/api/info", Some(LAUNCH));
            assert_eq!(send(&app, request).await.0, StatusCode::OK);
        })
    });
    group.bench_function("info_session", |b| {
        b.to_async(&runtime).iter(|| async {
            let request = get("/api/info", Some(&session));
            assert_eq!(send(&app, request).await.0, StatusCode::OK);
        })
    });
    group.finish();
}

criterion_group!(benches, access);
criterion_main!(benches);
