//! Signing in as an operator of a given role, for tests of what each role may do.

use std::sync::atomic::{AtomicU32, Ordering};

use axum::http::{Request, StatusCode};
use noc_model::Role;
use noc_server::RunningHub;
use serde_json::{json, Value};

use super::{answer, with_body, InProcessHub};

/// Every account the helpers make has this password.
pub const PASSWORD: &str = "duty-password-2024";

static ACCOUNTS: AtomicU32 = AtomicU32::new(1);

/// A fresh operator name for `role`: `operator-3`.
pub fn fresh_name(role: Role) -> String {
    format!("{role}-{}", ACCOUNTS.fetch_add(1, Ordering::Relaxed))
}

/// Creates an operator with `role` (as the launch-token holder) and signs them in:
/// the session token to send as `Authorization: Bearer …`.
pub async fn signed_in(hub: &InProcessHub, role: Role) -> String {
    let name = fresh_name(role);
    add_operator(hub, &name, role).await;
    log_in(hub, &name, PASSWORD).await
}

/// Creates operator `name` with `role` and [`PASSWORD`] through the API.
pub async fn add_operator(hub: &InProcessHub, name: &str, role: Role) {
    let request =
        Request::post("/api/operators").header("authorization", format!("Bearer {}", hub.token));
    let body = json!({"name": name, "role": role, "password": PASSWORD});
    let (status, answer) = answer(&hub.app, with_body(request, Some(body))).await;
    assert_eq!(status, StatusCode::CREATED, "adding {name}: {answer}");
}

/// Signs `name` in; panics unless the hub answers with a session.
pub async fn log_in(hub: &InProcessHub, name: &str, password: &str) -> String {
    let (status, answer) = try_log_in(hub, name, password).await;
    assert_eq!(status, StatusCode::OK, "signing in {name}: {answer}");
    answer["token"].as_str().expect("a token").to_string()
}

/// `POST /api/login`: the status and the answer.
pub async fn try_log_in(hub: &InProcessHub, name: &str, password: &str) -> (StatusCode, Value) {
    let body = json!({"name": name, "password": password});
    answer(&hub.app, with_body(Request::post("/api/login"), Some(body))).await
}

/// Registers a wall screen (as the launch-token holder): its device token.
pub async fn wall_device(hub: &InProcessHub, name: &str) -> String {
    let request =
        Request::post("/api/devices").header("authorization", format!("Bearer {}", hub.token));
    let (status, answer) = answer(&hub.app, with_body(request, Some(json!({"name": name})))).await;
    assert_eq!(status, StatusCode::CREATED, "registering {name}: {answer}");
    answer["token"]
        .as_str()
        .expect("a device token")
        .to_string()
}

/// As [`signed_in`], on a hub listening on a port.
pub async fn signed_in_at(http: &reqwest::Client, hub: &RunningHub, role: Role) -> String {
    let name = fresh_name(role);
    let added = http
        .post(format!("{}api/operators", hub.url))
        .bearer_auth(&hub.token)
        .json(&json!({"name": name, "role": role, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), StatusCode::CREATED, "adding {name}");
    let login = http
        .post(format!("{}api/login", hub.url))
        .json(&json!({"name": name, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::OK, "signing in {name}");
    let answer: Value = login.json().await.unwrap();
    answer["token"].as_str().expect("a token").to_string()
}
