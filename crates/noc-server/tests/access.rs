//! Every endpoint the OpenAPI document lists, called as every role: refused with
//! `403 forbidden` exactly when the role table says the role may not, `401` without
//! a token, and a route without an access rule fails the walk. Endpoints added
//! later are covered as soon as they are in the document.

use axum::http::{Method, StatusCode};
use noc_model::{Action, Role};
use noc_server::{action_of, PUBLIC_ROUTES};
use serde_json::{json, Value};

mod common;
use common::accounts::wall_device;
use common::{call_bearing, in_process_hub, signed_in, InProcessHub};

const TOKEN: &str = "0123456789abcdef0123456789abcdef";
/// Path parameters get a value no entity has, so nothing real is touched.
const ABSENT: &str = "999999";

/// What the walk expects of one route.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Rule {
    Public,
    Needs(Action),
}

/// The role table as this test pins it for some routes, so a change to the table
/// itself fails here; every other route is held to the table as it stands.
const PINNED: &[(&str, &str, Action)] = &[
    ("GET", "/api/state", Action::View),
    (
        "POST",
        "/api/incidents/{id}/acknowledge",
        Action::WorkIncidents,
    ),
    ("POST", "/api/sources/{name}/silences", Action::ActAtSources),
    ("POST", "/api/maintenance", Action::PlanMaintenance),
    ("POST", "/api/topology/edit", Action::EditTopology),
    ("POST", "/api/sources", Action::Configure),
    ("POST", "/api/logout", Action::View),
    ("GET", "/api/session", Action::View),
    ("PUT", "/api/session/password", Action::View),
    ("GET", "/api/operators", Action::View),
    ("POST", "/api/operators", Action::ManageAccounts),
    ("PATCH", "/api/operators/{name}", Action::ManageAccounts),
    ("DELETE", "/api/operators/{name}", Action::ManageAccounts),
    ("GET", "/api/devices", Action::ManageAccounts),
    ("POST", "/api/devices", Action::ManageAccounts),
    ("DELETE", "/api/devices/{id}", Action::ManageAccounts),
    ("GET", "/api/audit", Action::ReadAudit),
];

/// The rule of `method path` from the role table; an error names a route without
/// one, or one whose rule is not what this test pins.
fn rule_for(method: &str, path: &str) -> Result<Rule, String> {
    if PUBLIC_ROUTES.contains(&(method, path)) {
        return Ok(Rule::Public);
    }
    let parsed = Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
    let action =
        action_of(&parsed, path).ok_or_else(|| format!("{method} {path} has no access rule"))?;
    let pinned = PINNED
        .iter()
        .find(|(m, p, _)| *m == method && *p == path)
        .map(|(_, _, a)| *a);
    match pinned {
        Some(expected) if expected != action => Err(format!(
            "{method} {path} needs {action:?} in the table but {expected:?} here"
        )),
        _ => Ok(Rule::Needs(action)),
    }
}

/// Who calls: four roles with sessions, and a wall screen.
struct Callers {
    tokens: Vec<(String, Role, String)>,
}

impl Callers {
    async fn sign_in(hub: &InProcessHub) -> Callers {
        let mut tokens = Vec::new();
        for role in Role::ALL {
            tokens.push((role.to_string(), role, signed_in(hub, role).await));
        }
        let device = wall_device(hub, "wall walk").await;
        tokens.push(("device".to_string(), Role::Viewer, device));
        Callers { tokens }
    }
}

fn concrete(path: &str) -> String {
    path.split('/')
        .map(|part| if part.starts_with('{') { ABSENT } else { part })
        .collect::<Vec<_>>()
        .join("/")
}

async fn call(
    hub: &InProcessHub,
    method: &str,
    uri: &str,
    token: Option<&str>,
) -> (StatusCode, Value) {
    let body = (method != "GET" && method != "DELETE").then(|| json!({}));
    call_bearing(&hub.app, method, uri, token, body).await
}

/// The guard's refusal, not a business rule's 403 (someone else on duty, say).
fn refused_by_role(status: StatusCode, body: &Value) -> bool {
    status == StatusCode::FORBIDDEN && body["code"] == "forbidden"
}

#[tokio::test]
async fn every_endpoint_is_refused_exactly_to_the_roles_the_table_refuses() {
    let hub = in_process_hub(TOKEN, 1_700_000_000_000).await;
    let mut callers = Callers::sign_in(&hub).await;
    let (status, document) = call(&hub, "GET", "/api/openapi.json", Some(TOKEN)).await;
    assert_eq!(status, StatusCode::OK);
    let paths = document["paths"]
        .as_object()
        .expect("paths in the document");
    let mut failures = Vec::new();
    let mut walked = 0;
    for (path, operations) in paths {
        for method in operations.as_object().unwrap().keys() {
            let method = method.to_uppercase();
            if !["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&method.as_str()) {
                continue;
            }
            walked += 1;
            let rule = match rule_for(&method, path) {
                Ok(rule) => rule,
                Err(missing) => {
                    failures.push(missing);
                    continue;
                }
            };
            let uri = concrete(path);
            let (status, body) = call(&hub, &method, &uri, None).await;
            match rule {
                Rule::Public => {
                    if status == StatusCode::UNAUTHORIZED && body["code"] == "unauthorized" {
                        failures.push(format!("{method} {path} is public but wants a token"));
                    }
                    continue;
                }
                Rule::Needs(_) if status != StatusCode::UNAUTHORIZED => {
                    failures.push(format!("{method} {path} without a token: {status}"));
                }
                Rule::Needs(_) => {}
            }
            let Rule::Needs(action) = rule else { continue };
            for i in 0..callers.tokens.len() {
                let (who, role, token) = callers.tokens[i].clone();
                let (status, body) = call(&hub, &method, &uri, Some(&token)).await;
                let refused = refused_by_role(status, &body);
                if refused == role.permits(action) {
                    let body: String = body.to_string().chars().take(200).collect();
                    failures.push(format!(
                        "{method} {path} as {who}: {status} {body} (the table says {})",
                        if role.permits(action) {
                            "allowed"
                        } else {
                            "refused"
                        }
                    ));
                }
                if status == StatusCode::UNAUTHORIZED {
                    failures.push(format!("{method} {path} as {who}: 401 {body}"));
                }
                if method == "POST" && path == "/api/logout" && who != "device" {
                    // That session is over; the walk goes on with a new one.
                    callers.tokens[i].2 = signed_in(&hub, role).await;
                }
            }
        }
    }
    assert!(walked > 40, "the document lists only {walked} operations");
    for (method, path, _) in PINNED {
        let listed = paths
            .get(*path)
            .is_some_and(|ops| ops.get(method.to_lowercase()).is_some());
        assert!(
            listed,
            "{method} {path} is missing from the OpenAPI document"
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_route_without_a_rule_fails_the_walk() {
    assert_eq!(
        rule_for("POST", "/api/no-such-rule"),
        Err("POST /api/no-such-rule has no access rule".to_string())
    );
    assert_eq!(rule_for("POST", "/api/login"), Ok(Rule::Public));
    assert_eq!(
        rule_for("GET", "/api/audit"),
        Ok(Rule::Needs(Action::ReadAudit))
    );
}

#[tokio::test]
async fn a_viewer_may_not_acknowledge_and_nobody_gets_in_without_a_token() {
    let hub = in_process_hub(TOKEN, 1_700_000_000_000).await;
    let viewer = signed_in(&hub, Role::Viewer).await;
    let (status, body) = call(&hub, "POST", "/api/incidents/1/acknowledge", Some(&viewer)).await;
    assert_eq!(
        (status, &body["code"]),
        (StatusCode::FORBIDDEN, &json!("forbidden"))
    );
    assert!(
        body["message"].as_str().unwrap().contains("viewer"),
        "{body}"
    );
    let operator = signed_in(&hub, Role::Operator).await;
    let (status, _) = call(
        &hub,
        "POST",
        "/api/incidents/1/acknowledge",
        Some(&operator),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "an operator passes the guard"
    );
    for token in [None, Some("s.0000"), Some("d.0000"), Some("not-a-token")] {
        let (status, _) = call(&hub, "GET", "/api/state", token).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{token:?}");
    }
}
