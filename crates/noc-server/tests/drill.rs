//! A drill run through the hub's API on a manual clock: started by a duty manager,
//! worked by an operator on the drill's own console (`/drill/api`) at scripted
//! moments, ended, and scored exactly as computed by hand; production never sees it.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use axum::http::StatusCode;
use futures_util::StreamExt;
use noc_api::Drills;
use noc_model::{EventBody, Node, NodeKind, Relation, RelationKind, Role, Topology};
use noc_store::recording::Recording;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

mod common;
use common::accounts::{add_operator, log_in, PASSWORD};
use common::{call_bearing, in_process_hub_with, signed_in, wait_for, InProcessHub};

const TOKEN: &str = "0123456789abcdef0123456789abcdef";
/// 2023-11-14 22:13:20 UTC.
const T0: i64 = 1_700_000_000_000;
const SEC: i64 = 1000;

/// One database fault ten seconds in; three runbook steps.
const SCENARIO: &str = r#"
name = "db-drill"
title = "Database host down"
title_zh = "数据库主机宕机"

[[faults]]
at_secs = 10
kind = "alarm"
node = "db-01"
severity = "critical"
title = "Database down"
source = "db-monitor"

[expect.root_cause]
node = "db-01"
keywords = ["database"]

[[expect.steps]]
id = "acknowledge"
title = "Acknowledge the incident"
within_secs = 60
done_by = "acknowledge"

[[expect.steps]]
id = "failover"
title = "Fail over to the standby database"
within_secs = 120

[[expect.steps]]
id = "notify"
title = "Tell the stakeholders"
within_secs = 300
done_by = "notice"
"#;

struct DrillHub {
    hub: InProcessHub,
    data: tempfile::TempDir,
}

async fn drill_hub() -> DrillHub {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_path_buf();
    let hub = in_process_hub_with(TOKEN, T0, move |state| {
        let drills = Drills::new(
            dir,
            state.console.clone(),
            state.clock.clone(),
            Default::default(),
        );
        state.with_drills(drills)
    })
    .await;
    DrillHub { hub, data }
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

/// An account of `role` named `name`, signed in.
async fn person(hub: &InProcessHub, name: &str, role: Role) -> String {
    add_operator(hub, name, role).await;
    log_in(hub, name, PASSWORD).await
}

fn network() -> Topology {
    let mut db = Node::new("db-01", "Database 01", NodeKind::Host);
    db.origins = vec!["import:dc".into()];
    let mut app = Node::new("app-01", "App 01", NodeKind::Host);
    app.origins = vec!["import:dc".into(), "operator".into()];
    let mut uses = Relation::new("app-01", "db-01", RelationKind::DependsOn);
    uses.origins = vec!["import:dc".into()];
    Topology {
        nodes: vec![db, app],
        relations: vec![uses],
    }
}

/// The nodes (without their places on the views, which the layout adds in its own
/// time) and the relations.
fn network_of(topology: &Value) -> (Vec<Value>, Value) {
    let nodes = topology["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            let mut node = n.clone();
            node.as_object_mut().unwrap().remove("positions");
            node
        })
        .collect();
    (nodes, topology["relations"].clone())
}

/// Serves the in-process API on a loopback port, for the WebSocket stream.
async fn serve(app: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
    });
    addr
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The next stream message that `wanted` picks (heartbeats keep coming, so the wait
/// has a bound of its own).
async fn next_where(socket: &mut Socket, wanted: impl Fn(&Value) -> bool) -> Value {
    let found = async {
        loop {
            let msg = socket.next().await.expect("the stream is open").unwrap();
            if let Message::Text(text) = msg {
                let value: Value = serde_json::from_str(&text).unwrap();
                if wanted(&value) {
                    return value;
                }
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(20), found)
        .await
        .expect("the awaited stream message")
}

fn batch_has(value: &Value, kind: &str) -> bool {
    value["type"] == "batch"
        && value["batch"]["events"]
            .as_array()
            .is_some_and(|events| events.iter().any(|e| e["body"]["kind"] == kind))
}

#[tokio::test]
async fn a_drill_is_run_on_its_own_database_and_scored_as_computed_by_hand() {
    let DrillHub { hub, data } = drill_hub().await;
    hub.console
        .record(
            EventBody::TopologyLoaded {
                origin: "import:dc".into(),
                topology: network(),
            },
            "tester",
        )
        .await
        .unwrap();
    let manager = person(&hub, "duty-manager-li", Role::DutyManager).await;
    let operator = person(&hub, "operator-wang", Role::Operator).await;
    let viewer = signed_in(&hub, Role::Viewer).await;

    let (status, answer) = call(&hub, "GET", "/api/drills/current", &viewer, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");
    assert_eq!(answer["code"], "no_drill");
    let (status, answer) = call(&hub, "GET", "/drill/api/state", &viewer, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");
    assert_eq!(answer["code"], "no_drill");

    // The catalogue is the repository's drills/ files.
    let (status, catalogue) = call(&hub, "GET", "/api/drills/scenarios", &viewer, None).await;
    assert_eq!(status, StatusCode::OK, "{catalogue}");
    assert!(catalogue
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["name"] == "core-switch-down" && s["faults"] == 4));

    // A viewer may not start a drill; a file that does not parse names its line.
    let start = json!({"scenario_toml": SCENARIO});
    let (status, _) = call(&hub, "POST", "/api/drills", &viewer, Some(start.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let broken = SCENARIO.replace("at_secs = 10", "at_secs = ten");
    let (status, answer) = call(
        &hub,
        "POST",
        "/api/drills",
        &manager,
        Some(json!({"scenario_toml": broken})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(answer["code"], "bad_scenario");
    assert_eq!(answer["line"], 7, "{answer}");
    assert!(
        answer["message"].as_str().unwrap().contains("line 7"),
        "{answer}"
    );

    let (status, started) = call(&hub, "POST", "/api/drills", &manager, Some(start.clone())).await;
    assert_eq!(status, StatusCode::OK, "{started}");
    let id = "db-drill-20231114-221320";
    assert_eq!(started["drill"]["id"], id);
    assert_eq!(started["drill"]["started_by"], "duty-manager-li");
    assert_eq!(started["console_path"], "/drill/");
    assert_eq!(started["drill"]["targets"]["detect_ms"], 60_000);
    assert!(data.path().join("drills").join(format!("{id}.db")).exists());

    let (status, answer) = call(&hub, "POST", "/api/drills", &manager, Some(start)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    assert_eq!(answer["code"], "drill_running");

    // The drill's board carries the production network.
    let (status, drill_topology) = call(&hub, "GET", "/drill/api/topology", &viewer, None).await;
    assert_eq!(status, StatusCode::OK, "{drill_topology}");
    let (_, production_topology) = call(&hub, "GET", "/api/topology", &viewer, None).await;
    assert_eq!(
        network_of(&drill_topology),
        network_of(&production_topology)
    );
    assert_eq!(network_of(&drill_topology).0.len(), 2, "{drill_topology}");

    let addr = serve(hub.app.clone()).await;
    let url = format!("ws://{addr}/drill/api/stream?token={operator}");
    let mut socket = tokio_tungstenite::connect_async(url).await.unwrap().0;
    let first = next_where(&mut socket, |v| v["type"] == "snapshot").await;
    assert_eq!(first["snapshot"]["drill"]["id"], id);

    // Ten seconds in, the fault is injected into the drill and nowhere else.
    hub.clock.set(T0 + 10 * SEC);
    let incident = wait_for("the injected alarm", Duration::from_secs(10), || async {
        let (_, state) = call(&hub, "GET", "/drill/api/state", &operator, None).await;
        state["incidents"]
            .as_array()
            .and_then(|all| all.first())
            .map(|i| i["id"].as_i64().unwrap())
    })
    .await;
    let (_, drill_state) = call(&hub, "GET", "/drill/api/state", &operator, None).await;
    assert_eq!(drill_state["alarms"][0]["node"], "db-01", "{drill_state}");
    assert_eq!(drill_state["drill"]["injected"][0]["index"], 0);
    let (_, production) = call(&hub, "GET", "/api/state", &operator, None).await;
    assert_eq!(production["alarms"], json!([]), "{production}");
    assert_eq!(production["incidents"], json!([]));
    assert!(production["drill"].is_null());
    next_where(&mut socket, |v| batch_has(v, "drill_fault_injected")).await;

    let work = |path: &str| format!("/drill/api/incidents/{incident}/{path}");
    hub.clock.set(T0 + 40 * SEC);
    let (status, answer) = call(&hub, "POST", &work("acknowledge"), &operator, None).await;
    assert_eq!(status, StatusCode::OK, "{answer}");

    hub.clock.set(T0 + 100 * SEC);
    let cause = json!({"cause": "db-01 lost its data disk", "root_node": "db-01"});
    let (status, answer) = call(&hub, "POST", &work("identify"), &operator, Some(cause)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");

    // Steps are ticked by operators, not viewers; only steps that are ticked off.
    hub.clock.set(T0 + 180 * SEC);
    let step = "/api/drills/current/steps/failover";
    let (status, _) = call(&hub, "POST", step, &viewer, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, answer) = call(
        &hub,
        "POST",
        "/api/drills/current/steps/notify",
        &operator,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");
    assert_eq!(answer["code"], "unknown_step");
    let (status, checked) = call(&hub, "POST", step, &operator, None).await;
    assert_eq!(status, StatusCode::OK, "{checked}");
    next_where(&mut socket, |v| batch_has(v, "drill_step_checked")).await;
    hub.clock.set(T0 + 190 * SEC);
    let (status, again) = call(&hub, "POST", step, &manager, None).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(
        again["drill"]["steps"], checked["drill"]["steps"],
        "ticking again changes nothing"
    );

    hub.clock.set(T0 + 240 * SEC);
    let note = json!({"note": "traffic on the standby database"});
    let (status, answer) = call(&hub, "POST", &work("mitigate"), &operator, Some(note)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");

    hub.clock.set(T0 + 260 * SEC);
    let (status, current) = call(&hub, "GET", "/api/drills/current", &viewer, None).await;
    assert_eq!(status, StatusCode::OK, "{current}");
    assert_eq!(current["scorecard"]["scored_at"], T0 + 260 * SEC);
    let (status, _) = call(&hub, "POST", "/api/drills/current/end", &operator, None).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "an operator may not end the drill"
    );
    let reason = json!({"reason": "exercise complete"});
    let (status, ended) = call(
        &hub,
        "POST",
        "/api/drills/current/end",
        &manager,
        Some(reason),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{ended}");

    assert_eq!(ended["scorecard"], expected_scorecard(id, incident));
    assert_eq!(ended["recording"]["id"], id);
    assert_eq!(ended["recording"]["kind"], "drill");
    assert_eq!(ended["recording"]["scenario"], "db-drill");
    let file = data.path().join("recordings").join(format!("{id}.nocrec"));
    let recording = Recording::open(&file).await.expect("the recording opens");
    assert_eq!(recording.info().from_at, T0);
    assert_eq!(recording.info().to_at, T0 + 260 * SEC);
    let actions = recording.actions().await.unwrap();
    assert!(actions.iter().any(|e| e.actor == "operator-wang"));
    recording.close().await;

    let (status, answer) = call(&hub, "GET", "/drill/api/state", &viewer, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");
    assert_eq!(answer["code"], "no_drill");
    let (status, _) = call(&hub, "GET", "/api/drills/current", &viewer, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The production statistics never count the drill's incident.
    let since = T0 - 3600 * SEC;
    let (status, stats) = call(
        &hub,
        "GET",
        &format!("/api/stats?since={since}"),
        &viewer,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{stats}");
    assert_eq!(stats["opened"], 0, "{stats}");
    assert_eq!(stats["acknowledged"], 0);
    assert_drill_log_is_its_own(data.path(), id).await;
}

/// Hand-computed: the fault at T0+10 s; detected then (0 s), acknowledged at +30 s,
/// identified at +90 s naming db-01, fail-over ticked at +170 s (its target 120 s),
/// mitigated at +230 s, never recovered nor told: 6 of 9 met.
fn expected_scorecard(id: &str, incident: i64) -> Value {
    let fault_at = T0 + 10 * SEC;
    let phase = |phase: &str, target: i64, took: Option<i64>, by: Option<&str>, verdict: &str| {
        json!({
            "phase": phase,
            "target_ms": target,
            "at": took.map(|t| fault_at + t),
            "took_ms": took,
            "by": by,
            "verdict": verdict,
        })
    };
    let step =
        |id: &str, title: &str, within: i64, took: Option<i64>, by: Option<&str>, verdict: &str| {
            json!({
                "id": id,
                "title": title,
                "title_zh": "",
                "within_ms": within,
                "done_at": took.map(|t| fault_at + t),
                "took_ms": took,
                "by": by,
                "verdict": verdict,
            })
        };
    let op = Some("operator-wang");
    json!({
        "drill": id,
        "scenario": "db-drill",
        "title": "Database host down",
        "title_zh": "数据库主机宕机",
        "started_at": T0,
        "fault_at": fault_at,
        "ended_at": T0 + 260 * SEC,
        "scored_at": T0 + 260 * SEC,
        "incident": incident,
        "phases": [
            phase("detect", 60_000, Some(0), None, "met"),
            phase("acknowledge", 60_000, Some(30_000), op, "met"),
            phase("identify", 300_000, Some(90_000), op, "met"),
            phase("mitigate", 600_000, Some(230_000), op, "met"),
            phase("recover", 600_000, None, None, "missed"),
        ],
        "root_cause": {
            "expected_node": "db-01",
            "expected_layer": null,
            "identified_cause": "db-01 lost its data disk",
            "identified_node": "db-01",
            // Not named by the operator: the incident's own, db-01 being a host.
            "identified_layer": "iaas",
            "matches": true,
        },
        "steps": [
            step("acknowledge", "Acknowledge the incident", 60_000, Some(30_000), op, "met"),
            step("failover", "Fail over to the standby database", 120_000, Some(170_000), op, "late"),
            step("notify", "Tell the stakeholders", 300_000, None, None, "missed"),
        ],
        "met": 6,
        "total": 9,
    })
}

/// The drill's events are in its own database, started, injected and ended there.
async fn assert_drill_log_is_its_own(data: &Path, id: &str) {
    let store = noc_store::Store::open(&data.join("drills").join(format!("{id}.db")))
        .await
        .unwrap();
    let events = store.events_after(0, 1000).await.unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e.body.kind()).collect();
    for kind in [
        "topology_loaded",
        "drill_started",
        "drill_fault_injected",
        "incident_opened",
        "drill_ended",
    ] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }
    store.close().await;
}

/// A hub stopped while a drill runs ends the drill first: its recording is kept.
#[tokio::test]
async fn stopping_the_hub_ends_the_running_drill_and_keeps_its_recording() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = noc_server::HubOptions::loopback(dir.path().to_path_buf());
    options.demo = None;
    let hub = noc_server::start(options).await.unwrap();
    let http = reqwest::Client::new();
    let started = common::as_operator(http.post(format!("{}api/drills", hub.url)), &hub, "li")
        .json(&json!({"scenario": "core-switch-down"}))
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), reqwest::StatusCode::OK);
    let view: Value = started.json().await.unwrap();
    let id = view["drill"]["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("core-switch-down-"), "{id}");

    hub.shutdown().await;

    let file = dir.path().join("recordings").join(format!("{id}.nocrec"));
    let recording = Recording::open(&file)
        .await
        .expect("the drill was recorded");
    let last = recording.events(0, 10_000).await.unwrap();
    let ended = last.last().expect("events");
    assert_eq!(
        ended.body,
        EventBody::DrillEnded {
            reason: "hub stopped".into()
        }
    );
    recording.close().await;
}
