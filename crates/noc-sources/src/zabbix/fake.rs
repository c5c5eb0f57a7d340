//! A local JSON-RPC endpoint that answers like the Zabbix API of one version, from
//! the recorded answers in `fixtures/`, and refuses requests that version would
//! refuse: credentials in the wrong place, unknown sessions, wrong parameters.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use serde_json::{json, Value};

pub(crate) const API_PATH: &str = "/zabbix/api_jsonrpc.php";

/// The recorded answers of one Zabbix version.
pub(crate) struct Fixtures {
    pub version: &'static str,
    /// Credentials travel in the `Authorization` header (6.4+), not the body.
    pub bearer: bool,
    apiinfo: &'static str,
    user_login: &'static str,
    login_failed: &'static str,
    session_terminated: &'static str,
    not_authorized: &'static str,
    pub problems: &'static str,
    pub triggers: &'static str,
    acknowledged: &'static str,
    event_get: &'static str,
    /// `host.get` for discovery, in the shape of the version's answer.
    pub hosts: &'static str,
    /// Host groups are `selectHostGroups` (6.2+), not `selectGroups`.
    pub host_groups: bool,
}

macro_rules! fixtures {
    ($dir:literal, $version:literal, $bearer:literal, $host_groups:literal) => {
        Fixtures {
            version: $version,
            bearer: $bearer,
            host_groups: $host_groups,
            hosts: include_str!(concat!("fixtures/", $dir, "/host.get.json")),
            apiinfo: include_str!(concat!("fixtures/", $dir, "/apiinfo.version.json")),
            user_login: include_str!(concat!("fixtures/", $dir, "/user.login.json")),
            login_failed: include_str!(concat!("fixtures/", $dir, "/user.login.failed.json")),
            session_terminated: include_str!(concat!(
                "fixtures/",
                $dir,
                "/session.terminated.json"
            )),
            not_authorized: include_str!(concat!("fixtures/", $dir, "/not.authorized.json")),
            problems: include_str!(concat!("fixtures/", $dir, "/problem.get.json")),
            triggers: include_str!(concat!("fixtures/", $dir, "/trigger.get.json")),
            acknowledged: include_str!(concat!("fixtures/", $dir, "/event.acknowledge.json")),
            event_get: include_str!(concat!("fixtures/", $dir, "/event.get.json")),
        }
    };
}

pub(crate) static ZABBIX_60: Fixtures = fixtures!("6.0", "6.0.14", false, false);
pub(crate) static ZABBIX_70: Fixtures = fixtures!("7.0", "7.0.5", true, true);

/// How the fake expects the console to log in.
#[derive(Clone)]
pub(crate) enum Login {
    Password { user: String, password: String },
    Token(String),
}

/// Replaces every answer: what stands in front of a broken Zabbix.
#[derive(Clone)]
pub(crate) struct Raw {
    pub status: StatusCode,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    pub delay: Duration,
    pub location: Option<String>,
}

impl Raw {
    pub fn body(status: StatusCode, content_type: &'static str, body: impl Into<Vec<u8>>) -> Raw {
        Raw {
            status,
            content_type,
            body: body.into(),
            delay: Duration::ZERO,
            location: None,
        }
    }
}

pub(crate) struct FakeState {
    pub fixtures: &'static Fixtures,
    pub login: Login,
    pub sessions: Vec<String>,
    pub logins: usize,
    pub problems: Vec<Value>,
    pub triggers: Vec<Value>,
    /// What `host.get` lists; tests may replace it with anything.
    pub hosts: Value,
    pub raw: Option<Raw>,
    /// Methods in the order they were called.
    pub calls: Vec<String>,
}

pub(crate) type Shared = Arc<Mutex<FakeState>>;

fn result_of(fixture: &str) -> Value {
    let envelope: Value = serde_json::from_str(fixture).expect("fixture is JSON");
    envelope["result"].clone()
}

fn list_of(fixture: &str) -> Vec<Value> {
    result_of(fixture)
        .as_array()
        .expect("fixture result is a list")
        .clone()
}

/// Serves the fake Zabbix on a free loopback port; returns the API URL.
pub(crate) async fn serve(fixtures: &'static Fixtures, login: Login) -> (String, Shared) {
    let shared = Arc::new(Mutex::new(FakeState {
        fixtures,
        login,
        sessions: Vec::new(),
        logins: 0,
        problems: list_of(fixtures.problems),
        triggers: list_of(fixtures.triggers),
        hosts: hosts_of(fixtures),
        raw: None,
        calls: Vec::new(),
    }));
    let app = Router::new()
        .route(API_PATH, any(rpc))
        .with_state(shared.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}{API_PATH}"), shared)
}

async fn rpc(State(shared): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let raw = shared.lock().unwrap().raw.clone();
    if let Some(raw) = raw {
        tokio::time::sleep(raw.delay).await;
        let mut response = (
            raw.status,
            [(header::CONTENT_TYPE, raw.content_type)],
            raw.body,
        )
            .into_response();
        if let Some(location) = raw.location {
            response
                .headers_mut()
                .insert(header::LOCATION, location.parse().unwrap());
        }
        return response;
    }
    let answer = match serde_json::from_slice::<Value>(&body) {
        Ok(request) => answer(&mut shared.lock().unwrap(), &headers, &request),
        Err(_) => error(Value::Null, -32700, "Parse error.", "Invalid JSON."),
    };
    let content_type = [(header::CONTENT_TYPE, "application/json")];
    (StatusCode::OK, content_type, answer.to_string()).into_response()
}

fn error(id: Value, code: i64, message: &str, data: &str) -> Value {
    json!({ "jsonrpc": "2.0", "error": { "code": code, "message": message, "data": data }, "id": id })
}

/// A recorded answer with this request's id.
fn recorded(fixture: &str, id: &Value) -> Value {
    let mut envelope: Value = serde_json::from_str(fixture).expect("fixture is JSON");
    envelope["id"] = id.clone();
    envelope
}

fn ok(result: Value, id: &Value) -> Value {
    json!({ "jsonrpc": "2.0", "result": result, "id": id })
}

/// Where the request carries credentials: the body's `auth`, the header, or nowhere.
fn offered_token(headers: &HeaderMap, request: &Value) -> (Option<String>, Option<String>) {
    let header = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string);
    let body = request
        .get("auth")
        .and_then(Value::as_str)
        .map(str::to_string);
    (header, body)
}

fn answer(state: &mut FakeState, headers: &HeaderMap, request: &Value) -> Value {
    let id = request.get("id").cloned().unwrap_or(Value::Null);
    let method = request["method"].as_str().unwrap_or_default().to_string();
    state.calls.push(method.clone());
    if request["jsonrpc"] != "2.0" {
        return error(
            id,
            -32600,
            "Invalid request.",
            "fake: jsonrpc must be \"2.0\"",
        );
    }
    let params = &request["params"];
    let (header_token, body_token) = offered_token(headers, request);
    if matches!(method.as_str(), "apiinfo.version" | "user.login") {
        if header_token.is_some() || body_token.is_some() {
            let data =
                format!("The \"{method}\" method must be called without the \"auth\" parameter.");
            return error(id, -32602, "Invalid params.", &data);
        }
        return match method.as_str() {
            "apiinfo.version" => recorded(state.fixtures.apiinfo, &id),
            _ => login(state, params, &id),
        };
    }
    let token = if state.fixtures.bearer {
        if body_token.is_some() {
            return error(
                id,
                -32602,
                "Invalid params.",
                "fake: this version reads credentials from the Authorization header only",
            );
        }
        header_token
    } else {
        if header_token.is_some() {
            return error(
                id,
                -32602,
                "Invalid params.",
                "fake: this version reads credentials from the body's auth field only",
            );
        }
        body_token
    };
    let valid = match (&state.login, &token) {
        (Login::Token(expected), Some(token)) => token == expected,
        (Login::Password { .. }, Some(token)) => state.sessions.contains(token),
        (_, None) => false,
    };
    if !valid {
        let fixture = match state.login {
            Login::Password { .. } => state.fixtures.session_terminated,
            Login::Token(_) => state.fixtures.not_authorized,
        };
        return recorded(fixture, &id);
    }
    match method.as_str() {
        "problem.get" => problems(state, params, &id),
        "trigger.get" => triggers(state, params, &id),
        "event.acknowledge" => acknowledge(state, params, &id),
        "event.get" => events(state, params, &id),
        "host.get" => hosts(state, params, &id),
        _ => error(id, -32601, "Method not found.", &format!("fake: {method}")),
    }
}

fn login(state: &mut FakeState, params: &Value, id: &Value) -> Value {
    let Login::Password { user, password } = &state.login else {
        return recorded(state.fixtures.login_failed, id);
    };
    if params.get("user").is_some() {
        return error(
            id.clone(),
            -32602,
            "Invalid params.",
            "Invalid parameter \"/\": unexpected parameter \"user\".",
        );
    }
    if params["username"] != *user || params["password"] != *password {
        return recorded(state.fixtures.login_failed, id);
    }
    state.logins += 1;
    let mut answer = recorded(state.fixtures.user_login, id);
    let session = format!(
        "{}{:08x}",
        answer["result"].as_str().unwrap_or_default(),
        state.logins
    );
    answer["result"] = Value::String(session.clone());
    state.sessions.push(session);
    answer
}

fn requested_ids(params: &Value, name: &str) -> Option<Vec<String>> {
    params.get(name).map(|ids| {
        ids.as_array()
            .map(|list| {
                list.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    })
}

fn problems(state: &FakeState, params: &Value, id: &Value) -> Value {
    let selected = |p: &Value| {
        requested_ids(params, "eventids").is_none_or(|ids| ids.iter().any(|i| p["eventid"] == *i))
    };
    if params["countOutput"] == true {
        let count = state.problems.iter().filter(|p| selected(p)).count();
        return ok(Value::String(count.to_string()), id);
    }
    for (name, want) in [
        ("recent", json!(false)),
        ("selectAcknowledges", json!("extend")),
        ("selectTags", json!("extend")),
        ("selectSuppressionData", json!("extend")),
        ("sortfield", json!(["eventid"])),
    ] {
        if params[name] != want {
            let data = format!("fake: problem.get needs {name} = {want}");
            return error(id.clone(), -32602, "Invalid params.", &data);
        }
    }
    let list: Vec<Value> = state
        .problems
        .iter()
        .filter(|p| selected(p))
        .cloned()
        .collect();
    ok(Value::Array(list), id)
}

fn triggers(state: &FakeState, params: &Value, id: &Value) -> Value {
    let Some(ids) = requested_ids(params, "triggerids").filter(|ids| !ids.is_empty()) else {
        return error(
            id.clone(),
            -32602,
            "Invalid params.",
            "fake: trigger.get needs triggerids",
        );
    };
    let hosts = params["selectHosts"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if !hosts.contains(&json!("host")) || !hosts.contains(&json!("maintenance_status")) {
        let data = "fake: trigger.get needs selectHosts with host and maintenance_status";
        return error(id.clone(), -32602, "Invalid params.", data);
    }
    let list: Vec<Value> = state
        .triggers
        .iter()
        .filter(|t| ids.iter().any(|i| t["triggerid"] == *i))
        .cloned()
        .collect();
    ok(Value::Array(list), id)
}

fn acknowledge(state: &mut FakeState, params: &Value, id: &Value) -> Value {
    if params["action"] != 6 {
        let data = "fake: expected action 6 (acknowledge + add message)";
        return error(id.clone(), -32602, "Invalid params.", data);
    }
    let message = params["message"].as_str().unwrap_or_default().to_string();
    let ids = requested_ids(params, "eventids").unwrap_or_default();
    for problem in state.problems.iter_mut() {
        if ids.iter().any(|i| problem["eventid"] == *i) {
            problem["acknowledged"] = json!("1");
            let template = result_of(state.fixtures.event_get)[0]["acknowledges"][0].clone();
            let mut entry = template;
            entry["message"] = json!(message);
            entry["action"] = json!("6");
            problem["acknowledges"]
                .as_array_mut()
                .expect("acknowledges list")
                .push(entry);
        }
    }
    let mut answer = recorded(state.fixtures.acknowledged, id);
    answer["result"]["eventids"] = json!(ids);
    answer
}

fn events(state: &FakeState, params: &Value, id: &Value) -> Value {
    if params.get("select_acknowledges").is_none() {
        let data = "fake: event.get needs select_acknowledges";
        return error(id.clone(), -32602, "Invalid params.", data);
    }
    let ids = requested_ids(params, "eventids").unwrap_or_default();
    let template = result_of(state.fixtures.event_get)[0].clone();
    let list: Vec<Value> = state
        .problems
        .iter()
        .filter(|p| ids.iter().any(|i| p["eventid"] == *i))
        .map(|p| {
            let mut event = template.clone();
            event["eventid"] = p["eventid"].clone();
            event["acknowledged"] = p["acknowledged"].clone();
            event["acknowledges"] = p["acknowledges"].clone();
            event
        })
        .collect();
    ok(Value::Array(list), id)
}

/// Refuses the host group parameter the version does not know, as Zabbix does.
fn hosts(state: &FakeState, params: &Value, id: &Value) -> Value {
    let (wanted, refused) = if state.fixtures.host_groups {
        ("selectHostGroups", "selectGroups")
    } else {
        ("selectGroups", "selectHostGroups")
    };
    if params.get(refused).is_some() {
        let data = format!("Invalid parameter \"/\": unexpected parameter \"{refused}\".");
        return error(id.clone(), -32602, "Invalid params.", &data);
    }
    for name in [wanted, "selectInterfaces", "selectTags"] {
        if params.get(name).is_none() {
            let data = format!("fake: host.get needs {name}");
            return error(id.clone(), -32602, "Invalid params.", &data);
        }
    }
    ok(state.hosts.clone(), id)
}

/// The recorded `host.get` list of a version, to put back after a test changed it.
pub(crate) fn hosts_of(fixtures: &Fixtures) -> Value {
    result_of(fixtures.hosts)
}
