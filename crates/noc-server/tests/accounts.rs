//! Operator accounts end to end through the API: signing in and out, the login
//! throttle, session expiry on the manual clock, disabling, wall devices, the audit
//! trail, and the command line that makes the first account.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;

use axum::http::{Request, StatusCode};
use noc_model::{AlarmSignal, Clock, ManualClock, Role, Severity, Signal};
use noc_server::{router, AppState};
use serde_json::{json, Value};

mod common;
use common::accounts::{add_operator, log_in, try_log_in, wall_device, PASSWORD};
use common::{
    answer, call_bearing, in_process_hub, open_console, signed_in, until, with_body, InProcessHub,
};

const TOKEN: &str = "0123456789abcdef0123456789abcdef";
const NOW: i64 = 1_700_000_000_000;
const HOUR: i64 = 3_600_000;

async fn hub() -> InProcessHub {
    in_process_hub(TOKEN, NOW).await
}

async fn call(
    hub: &InProcessHub,
    method: &str,
    uri: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    call_bearing(&hub.app, method, uri, Some(token), body).await
}

async fn raw(hub: &InProcessHub, request: Request<axum::body::Body>) -> axum::response::Response {
    use tower::ServiceExt;
    hub.app.clone().oneshot(request).await.unwrap()
}

#[tokio::test]
async fn an_operator_signs_in_and_a_wrong_password_is_refused() {
    let hub = hub().await;
    add_operator(&hub, "li.wei", Role::Operator).await;
    let (status, answer) = try_log_in(&hub, "li.wei", PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let token = answer["token"].as_str().unwrap();
    assert!(token.starts_with("s."), "{token}");
    assert_eq!(answer["expires_at"], NOW + 12 * HOUR);
    assert_eq!(answer["operator"]["role"], "operator");
    assert!(answer["actions"]
        .as_array()
        .unwrap()
        .contains(&json!("work_incidents")));

    let (status, me) = call(&hub, "GET", "/api/session", token, None).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(
        (&me["name"], &me["credential"]["kind"]),
        (&json!("li.wei"), &json!("session"))
    );

    let (status, wrong) = try_log_in(&hub, "li.wei", "not the password").await;
    assert_eq!(
        (status, &wrong["code"]),
        (StatusCode::UNAUTHORIZED, &json!("wrong_credentials"))
    );
    let (status, nobody) = try_log_in(&hub, "nobody", "not the password").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        nobody, wrong,
        "an unknown name and a wrong password look the same"
    );
}

#[tokio::test]
async fn five_failures_lock_the_name_until_the_lockout_passes() {
    let hub = hub().await;
    add_operator(&hub, "zhang.min", Role::Viewer).await;
    for attempt in 1..=5 {
        let (status, _) = try_log_in(&hub, "zhang.min", "guess-number-x").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    let body = json!({"name": "zhang.min", "password": PASSWORD});
    let refused = raw(
        &hub,
        with_body(Request::post("/api/login"), Some(body.clone())),
    )
    .await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.headers()["retry-after"], "30");

    hub.clock.advance(29_000);
    let (status, answer) = try_log_in(&hub, "zhang.min", PASSWORD).await;
    assert_eq!(
        (status, &answer["code"]),
        (StatusCode::TOO_MANY_REQUESTS, &json!("too_many_attempts"))
    );
    hub.clock.advance(1_000);
    log_in(&hub, "zhang.min", PASSWORD).await;
    // The success cleared the count: one more failure does not lock.
    let (status, _) = try_log_in(&hub, "zhang.min", "guess-number-y").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_session_ends_after_twelve_idle_hours_and_at_logout() {
    let hub = hub().await;
    let token = signed_in(&hub, Role::Operator).await;
    hub.clock.advance(11 * HOUR);
    let (status, _) = call(&hub, "GET", "/api/state", &token, None).await;
    assert_eq!(status, StatusCode::OK, "used within 12 h");
    hub.clock.advance(12 * HOUR);
    let (status, body) = call(&hub, "GET", "/api/state", &token, None).await;
    assert_eq!(
        (status, &body["code"]),
        (StatusCode::UNAUTHORIZED, &json!("session_expired"))
    );

    let token = signed_in(&hub, Role::Viewer).await;
    let (status, _) = call(&hub, "POST", "/api/logout", &token, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = call(&hub, "GET", "/api/session", &token, None).await;
    assert_eq!(
        (status, &body["code"]),
        (StatusCode::UNAUTHORIZED, &json!("unauthorized"))
    );
}

#[tokio::test]
async fn session_hours_shortens_the_idle_limit() {
    let hub = common::in_process_hub_with(TOKEN, NOW, |s| s.with_session_hours(2)).await;
    let token = signed_in(&hub, Role::Viewer).await;
    let (_, me) = call(&hub, "GET", "/api/session", &token, None).await;
    assert_eq!(me["expires_at"], NOW + 2 * HOUR);
    hub.clock.advance(2 * HOUR);
    let (status, body) = call(&hub, "GET", "/api/state", &token, None).await;
    assert_eq!(
        (status, &body["code"]),
        (StatusCode::UNAUTHORIZED, &json!("session_expired"))
    );
}

#[tokio::test]
async fn disabling_an_operator_ends_their_session() {
    let hub = hub().await;
    add_operator(&hub, "wang.fang", Role::DutyManager).await;
    let token = log_in(&hub, "wang.fang", PASSWORD).await;
    let (status, _) = call(&hub, "GET", "/api/state", &token, None).await;
    assert_eq!(status, StatusCode::OK);
    let change = json!({"disabled": true});
    let (status, changed) = call(
        &hub,
        "PATCH",
        "/api/operators/wang.fang",
        TOKEN,
        Some(change),
    )
    .await;
    assert_eq!(
        (status, &changed["disabled"]),
        (StatusCode::OK, &json!(true)),
        "{changed}"
    );
    let (status, _) = call(&hub, "GET", "/api/state", &token, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = try_log_in(&hub, "wang.fang", PASSWORD).await;
    assert_eq!(
        (status, &body["code"]),
        (StatusCode::FORBIDDEN, &json!("account_disabled"))
    );
}

#[tokio::test]
async fn the_last_admin_cannot_be_removed_or_demoted() {
    let hub = hub().await;
    add_operator(&hub, "admin.one", Role::Admin).await;
    let demote = json!({"role": "operator"});
    let (status, body) = call(
        &hub,
        "PATCH",
        "/api/operators/admin.one",
        TOKEN,
        Some(demote.clone()),
    )
    .await;
    assert_eq!(
        (status, &body["code"]),
        (StatusCode::CONFLICT, &json!("last_admin"))
    );
    let (status, body) = call(&hub, "DELETE", "/api/operators/admin.one", TOKEN, None).await;
    assert_eq!(
        (status, &body["code"]),
        (StatusCode::CONFLICT, &json!("last_admin"))
    );
    add_operator(&hub, "admin.two", Role::Admin).await;
    let (status, _) = call(
        &hub,
        "PATCH",
        "/api/operators/admin.one",
        TOKEN,
        Some(demote),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for (name, password, refused, code) in [
        (
            "admin.two",
            PASSWORD,
            StatusCode::CONFLICT,
            "operator_exists",
        ),
        (
            "short.pw",
            "123456789",
            StatusCode::UNPROCESSABLE_ENTITY,
            "weak_password",
        ),
        (
            "has space",
            PASSWORD,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_name",
        ),
    ] {
        let new = json!({"name": name, "role": "viewer", "password": password});
        let (status, body) = call(&hub, "POST", "/api/operators", TOKEN, Some(new)).await;
        assert_eq!((status, &body["code"]), (refused, &json!(code)), "{name}");
    }
}

#[tokio::test]
async fn changing_ones_password_needs_the_current_one() {
    let hub = hub().await;
    add_operator(&hub, "chen.jie", Role::Operator).await;
    let token = log_in(&hub, "chen.jie", PASSWORD).await;
    let other = log_in(&hub, "chen.jie", PASSWORD).await;
    let wrong = json!({"current": "not-the-password", "new": "a-new-duty-password"});
    let (status, _) = call(&hub, "PUT", "/api/session/password", &token, Some(wrong)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let right = json!({"current": PASSWORD, "new": "a-new-duty-password"});
    let (status, body) = call(&hub, "PUT", "/api/session/password", &token, Some(right)).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (status, _) = call(&hub, "GET", "/api/session", &token, None).await;
    assert_eq!(status, StatusCode::OK, "this session stays");
    let (status, _) = call(&hub, "GET", "/api/session", &other, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the other one ends");
    log_in(&hub, "chen.jie", "a-new-duty-password").await;
}

#[tokio::test]
async fn a_wall_device_views_until_revoked() {
    let hub = hub().await;
    let token = wall_device(&hub, "Wall 1 大屏").await;
    assert!(token.starts_with("d."), "{token}");
    let (status, _) = call(&hub, "GET", "/api/state", &token, None).await;
    assert_eq!(status, StatusCode::OK);
    // The wall opens /wall?token=…: the query works too.
    let (status, me) = answer(
        &hub.app,
        with_body(Request::get(format!("/api/session?token={token}")), None),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["role"], "viewer");
    assert_eq!(
        me["credential"],
        json!({"kind": "device", "device": "Wall 1 大屏"})
    );
    let (status, _) = call(
        &hub,
        "POST",
        "/api/incidents/1/acknowledge",
        &token,
        Some(json!({})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, devices) = call(&hub, "GET", "/api/devices", TOKEN, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !devices.to_string().contains(&token[2..]),
        "the list never shows a token"
    );
    let id = devices[0]["id"].as_i64().unwrap();
    let (status, _) = call(&hub, "DELETE", &format!("/api/devices/{id}"), TOKEN, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = call(&hub, "GET", "/api/state", &token, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_audit_names_who_acknowledged_and_never_a_secret() {
    let hub = hub().await;
    add_operator(&hub, "liu.yang", Role::Operator).await;
    let token = log_in(&hub, "liu.yang", PASSWORD).await;
    let _ = try_log_in(&hub, "liu.yang", "wrong-password-here").await;
    hub.console
        .signal_sink()
        .send(Signal::Alarm(AlarmSignal {
            source: "test".into(),
            key: "db-1".into(),
            node: None,
            severity: Severity::Critical,
            title: "db-1 is down".into(),
            text: String::new(),
            labels: Default::default(),
            at: NOW,
            firing: true,
        }))
        .await
        .unwrap();
    let snapshot = until(&hub.console, |s| !s.incidents.is_empty()).await;
    let id = snapshot.incidents[0].id;
    let path = format!("/api/incidents/{id}/acknowledge");
    let (status, body) = call(
        &hub,
        "POST",
        &format!("{path}?token={token}"),
        &token,
        Some(json!({})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (status, trail) = call(&hub, "GET", "/api/audit?actor=liu.yang", TOKEN, None).await;
    assert_eq!(status, StatusCode::OK, "{trail}");
    let newest = &trail[0];
    assert_eq!(
        (
            &newest["actor"],
            &newest["role"],
            &newest["credential"],
            &newest["method"],
            &newest["path"],
            &newest["status"]
        ),
        (
            &json!("liu.yang"),
            &json!("operator"),
            &json!("session"),
            &json!("POST"),
            &json!(path),
            &json!(200)
        )
    );
    let logins: Vec<&Value> = trail
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["path"] == "/api/login")
        .collect();
    assert_eq!(logins.len(), 2, "{trail}");
    assert_eq!(logins[0]["status"], 401);
    let whole = trail.to_string();
    for secret in [PASSWORD, "wrong-password-here", &token[2..], TOKEN] {
        assert!(!whole.contains(secret), "the audit holds a secret: {whole}");
    }
    let (status, _) = call(&hub, "GET", "/api/audit", &token, None).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "an operator may not read the audit"
    );

    // Account changes are in the history, without hashes.
    let events = hub.console.events_after(0, Some(1000)).await.unwrap();
    let added = events
        .events
        .iter()
        .find(|e| e.body.kind() == "operator_added")
        .expect("the account is in the log");
    assert!(!serde_json::to_string(added).unwrap().contains("argon2"));
}

#[tokio::test]
async fn the_command_line_adds_an_operator_who_can_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let run = |args: &[&str], stdin: &str, env: Option<&str>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_noc-server"));
        command
            .args(["--data", data.to_str().unwrap(), "operator"])
            .args(args)
            .env_remove("NOC_PASSWORD")
            .env_remove("NOC_CONFIG")
            .current_dir(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(password) = env {
            command.env("NOC_PASSWORD", password);
        }
        let mut child = command.spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).to_string()
                + &String::from_utf8_lossy(&out.stderr),
        )
    };
    let (ok, said) = run(
        &["add", "zhao.lei", "--role", "admin"],
        "first-admin-password\n",
        None,
    );
    assert!(ok, "{said}");
    let (ok, said) = run(&["add", "zhao.lei"], "", Some("another-password"));
    assert!(!ok && said.contains("already"), "{said}");
    let (ok, said) = run(&["add", "weak.one"], "short\n", None);
    assert!(!ok && said.contains("10 characters"), "{said}");
    let (ok, listed) = run(&["list"], "", None);
    assert!(
        ok && listed.contains("zhao.lei\tadmin\tenabled"),
        "{listed}"
    );

    let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(NOW));
    let console = open_console(&data, clock.clone()).await;
    let app = router(AppState::new(console, TOKEN.into(), clock));
    let login = json!({"name": "zhao.lei", "password": "first-admin-password"});
    let (status, answer) = answer(&app, with_body(Request::post("/api/login"), Some(login))).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["operator"]["role"], "admin");
}

/// A screen left open does not outlive its credential: the stream checks it on every
/// heartbeat and closes with 4401 and the reason, so the console shows the login.
#[tokio::test]
async fn an_open_stream_ends_with_its_session_or_device() {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
    use tokio_tungstenite::tungstenite::Message;

    let hub = hub().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = hub.app.clone();
    tokio::spawn(async move {
        let service = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
        axum::serve(listener, service).await.unwrap();
    });
    let session = signed_in(&hub, Role::Operator).await;
    let device = wall_device(&hub, "wall-east").await;
    let mut screens = Vec::new();
    for token in [&session, &device] {
        let url = format!("ws://{addr}/api/stream?token={token}");
        let (mut socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
        let first = socket.next().await.unwrap().unwrap();
        assert!(first.to_text().unwrap().contains("\"snapshot\""));
        screens.push(socket);
    }
    hub.clock.advance(13 * HOUR);
    let devices: Value = call(&hub, "GET", "/api/devices", &hub.token, None).await.1;
    let id = devices[0]["id"].as_i64().unwrap();
    let (status, _) = call(
        &hub,
        "DELETE",
        &format!("/api/devices/{id}"),
        &hub.token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    for (mut socket, reason) in screens.into_iter().zip(["session_expired", "unauthorized"]) {
        let closed = tokio::time::timeout(std::time::Duration::from_secs(30), async {
            while let Some(Ok(message)) = socket.next().await {
                if let Message::Close(frame) = message {
                    return frame;
                }
            }
            None
        })
        .await
        .expect("the stream closes within a heartbeat or two")
        .expect("with a close frame");
        assert_eq!(closed.code, CloseCode::from(4401));
        assert_eq!(closed.reason.as_str(), reason);
    }
}
