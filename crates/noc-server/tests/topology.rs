//! The topology API (全层级拓扑): files in and out, edits, the topology as it was,
//! positions and layouts, the hub's placement of new nodes, and impact analysis.

use std::collections::BTreeSet;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use noc_api::MAX_IMPORT_BYTES;
use noc_model::{AlarmSignal, Node, NodeKind, Severity, Signal, Topology};
use serde_json::{json, Value};
use tower::ServiceExt;

mod common;
use common::{
    answer, as_operator, in_process_hub, start_hub, until, wait_for, with_body, InProcessHub,
};

const TOKEN: &str = "fedcba9876543210fedcba9876543210";
const START: i64 = 1_767_225_600_000;

/// A payment business system down to its site: `pay` needs `svc-pay`, which runs on
/// `host-1` and needs `db-orders` (also known as 10.0.0.5), which runs on `host-2`.
const ESTATE: &str = "\
nodes:
  - id: pay
    name: Payments
    kind: business_system
  - id: svc-pay
    name: payment service
    kind: service
    owners: [team-pay]
  - id: db-orders
    name: orders database
    kind: database
    aliases: [10.0.0.5]
    attributes:
      engine: mysql
  - id: host-1
    name: host 1
    kind: host
  - id: host-2
    name: host 2
    kind: host
  - id: site-bj
    name: Beijing
    kind: site
relations:
  - {from: pay, to: svc-pay, kind: depends_on}
  - {from: svc-pay, to: host-1, kind: runs_on}
  - {from: svc-pay, to: db-orders, kind: depends_on}
  - {from: db-orders, to: host-2, kind: runs_on}
  - {from: host-1, to: site-bj, kind: located_in}
  - {from: host-2, to: site-bj, kind: located_in}
";

async fn hub() -> InProcessHub {
    in_process_hub(TOKEN, START).await
}

fn request(method: &str, uri: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", format!("Bearer {TOKEN}"))
        // "alice 王" percent-encoded, as browsers must send it.
        .header("x-noc-operator", "alice%20%E7%8E%8B")
}

async fn call(
    hub: &InProcessHub,
    method: &str,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    answer(&hub.app, with_body(request(method, uri), body)).await
}

async fn import(hub: &InProcessHub, query: &str, file: impl Into<Body>) -> (StatusCode, Value) {
    let uri = format!("/api/topology/import?{query}");
    answer(&hub.app, request("POST", &uri).body(file.into()).unwrap()).await
}

/// The status, the headers that matter for a download, and the body as text.
async fn download(hub: &InProcessHub, uri: &str) -> (StatusCode, String, String, String) {
    let res = hub
        .app
        .clone()
        .oneshot(request("GET", uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let header = |name: &str| {
        res.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let (kind, disposition) = (header("content-type"), header("content-disposition"));
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        kind,
        disposition,
        String::from_utf8(bytes.to_vec()).unwrap(),
    )
}

async fn topology(hub: &InProcessHub, query: &str) -> Value {
    let (status, body) = call(hub, "GET", &format!("/api/topology{query}"), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

fn node<'a>(topology: &'a Value, id: &str) -> Option<&'a Value> {
    topology["nodes"].as_array()?.iter().find(|n| n["id"] == id)
}

fn ids(topology: &Value) -> BTreeSet<String> {
    topology["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_string())
        .collect()
}

/// What a file says about the estate: nodes without their origins and positions,
/// relations by their ends and kind.
fn described(topology: &Value) -> (BTreeSet<String>, BTreeSet<String>) {
    let nodes = topology["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            let mut n = n.clone();
            n.as_object_mut().unwrap().remove("origins");
            n.as_object_mut().unwrap().remove("positions");
            n.to_string()
        })
        .collect();
    let relations = topology["relations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| format!("{} {} {}", r["from"], r["kind"], r["to"]))
        .collect();
    (nodes, relations)
}

async fn import_estate(hub: &InProcessHub) -> i64 {
    let (status, body) = import(hub, "name=estate.yaml", ESTATE).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["seq"].as_i64().unwrap()
}

fn seq_of(body: &Value) -> i64 {
    body["seq"]
        .as_i64()
        .unwrap_or_else(|| panic!("no seq in {body}"))
}

#[tokio::test]
async fn a_file_comes_back_out_and_in_with_the_same_nodes_and_relations() {
    let hub = hub().await;
    let (status, body) = import(&hub, "name=estate.yaml", ESTATE).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["nodes"].clone(), body["relations"].clone()),
        (json!(6), json!(6))
    );
    assert!(seq_of(&body) > 0);
    let imported = topology(&hub, "").await;
    assert_eq!(
        node(&imported, "db-orders").unwrap()["origins"],
        json!(["import:estate.yaml"])
    );
    assert_eq!(
        node(&imported, "db-orders").unwrap()["aliases"],
        json!(["10.0.0.5"])
    );

    let (status, kind, disposition, file) =
        download(&hub, "/api/topology/export?format=json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kind, "application/json");
    assert_eq!(disposition, "attachment; filename=\"topology.json\"");
    let (_, kind, disposition, yaml) = download(&hub, "/api/topology/export").await;
    assert_eq!(kind, "application/yaml", "YAML unless asked otherwise");
    assert_eq!(disposition, "attachment; filename=\"topology.yaml\"");
    let (_, kind, _, csv) = download(&hub, "/api/topology/export?format=csv").await;
    assert_eq!(kind, "text/csv");

    for (name, exported) in [("copy.json", file), ("copy.yaml", yaml), ("copy.csv", csv)] {
        let other = self::hub().await;
        let (status, body) = import(&other, &format!("name={name}"), exported).await;
        assert_eq!(status, StatusCode::OK, "{name}: {body}");
        assert_eq!(
            described(&topology(&other, "").await),
            described(&imported),
            "{name} brings the same estate"
        );
    }

    // The same file again under its name replaces what it brought: nothing doubles.
    let (.., file) = download(&hub, "/api/topology/export?format=json").await;
    let (status, body) = import(&hub, "name=estate.json&format=json", file).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let again = topology(&hub, "").await;
    assert_eq!(described(&again), described(&imported));
    assert_eq!(
        node(&again, "pay").unwrap()["origins"],
        json!(["import:estate.yaml", "import:estate.json"])
    );
}

#[tokio::test]
async fn a_bad_file_is_refused_with_its_line() {
    let hub = hub().await;
    let bad = ESTATE.replace(
        "{from: db-orders, to: host-2",
        "{from: db-orders, to: host-9",
    );
    let line = bad.lines().position(|l| l.contains("host-9")).unwrap() + 1;
    let (status, body) = import(&hub, "name=estate.yaml", bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "invalid_topology");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.starts_with(&format!("estate.yaml line {line}:")),
        "{message}"
    );
    assert!(message.contains("host-9"), "{message}");

    let (status, body) = import(&hub, "name=estate.json&format=json", "{\"nodes\": [").await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("invalid_topology"))
    );
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("estate.json line"),
        "{body}"
    );

    let (status, body) = import(&hub, "name=estate", ESTATE).await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("invalid_request")),
        "no format"
    );
    let (status, body) = import(&hub, "name=%20&format=yaml", ESTATE).await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("invalid_request")),
        "no name"
    );
    let (status, _) = import(&hub, "name=estate.yaml&format=xml", ESTATE).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, ..) = download(&hub, "/api/topology/export?format=xml").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        topology(&hub, "").await["nodes"]
            .as_array()
            .unwrap()
            .is_empty(),
        "nothing was imported"
    );
}

#[tokio::test]
async fn a_file_over_the_limit_is_refused_with_413() {
    let hub = hub().await;
    let just_over = vec![b' '; MAX_IMPORT_BYTES + 1];
    let (status, body) = import(&hub, "name=huge.yaml", just_over).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["code"], "too_large", "{body}");
    // Beyond what the hub reads at all: the same answer, still as JSON.
    let far_over = vec![b' '; MAX_IMPORT_BYTES + 4 * 1024 * 1024];
    let (status, body) = import(&hub, "name=huge.yaml", far_over).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["code"], "too_large", "{body}");
}

fn added_cache() -> Value {
    json!({
        "upsert_nodes": [{"id": "redis-1", "name": "session cache", "kind": "middleware", "layer": "paas"}],
        "upsert_relations": [{"from": "svc-pay", "to": "redis-1", "kind": "depends_on"}],
    })
}

#[tokio::test]
async fn an_operator_edit_is_logged_with_who_and_refused_when_it_breaks_the_topology() {
    let hub = hub().await;
    import_estate(&hub).await;
    let (status, body) = call(&hub, "POST", "/api/topology/edit", Some(added_cache())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let seq = seq_of(&body);
    let now = topology(&hub, "").await;
    assert_eq!(
        node(&now, "redis-1").unwrap()["origins"],
        json!(["operator"])
    );
    assert!(now["relations"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["from"] == "svc-pay"
            && r["to"] == "redis-1"
            && r["origins"] == json!(["operator"])));
    let (_, page) = call(&hub, "GET", &format!("/api/events?after={}", seq - 1), None).await;
    let event = &page["events"][0];
    assert_eq!(event["body"]["kind"], "topology_edited");
    assert_eq!(event["actor"], "alice 王");

    let dangling =
        json!({"upsert_relations": [{"from": "svc-pay", "to": "nowhere", "kind": "depends_on"}]});
    let cycle =
        json!({"upsert_relations": [{"from": "db-orders", "to": "pay", "kind": "depends_on"}]});
    for (what, change) in [
        ("dangling", dangling),
        ("cycle", cycle),
        ("empty", json!({})),
    ] {
        let (status, body) = call(&hub, "POST", "/api/topology/edit", Some(change)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {body}");
        assert_eq!(body["code"], "invalid_request", "{what}");
    }
    assert_eq!(
        described(&topology(&hub, "").await),
        described(&now),
        "refusals change nothing"
    );

    let removal = json!({"remove_nodes": ["redis-1"]});
    let (status, _) = call(&hub, "POST", "/api/topology/edit", Some(removal)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(node(&topology(&hub, "").await, "redis-1").is_none());
}

#[tokio::test]
async fn the_topology_is_shown_as_it_was_at_a_seq_or_a_moment() {
    let hub = hub().await;
    let imported_at = START;
    let first = import_estate(&hub).await;
    hub.clock.advance(60_000);
    let (_, body) = call(&hub, "POST", "/api/topology/edit", Some(added_cache())).await;
    let edited = seq_of(&body);

    let before = topology(&hub, &format!("?at_seq={first}")).await;
    assert_eq!(ids(&before).len(), 6);
    assert!(node(&before, "redis-1").is_none());
    assert!(node(
        &topology(&hub, &format!("?at_seq={edited}")).await,
        "redis-1"
    )
    .is_some());
    assert!(node(&topology(&hub, "").await, "redis-1").is_some());

    let a_minute_on = imported_at + 59_999;
    let then = topology(&hub, &format!("?at={a_minute_on}")).await;
    assert_eq!(ids(&then), ids(&before));
    assert!(node(
        &topology(&hub, &format!("?at={}", imported_at + 60_000)).await,
        "redis-1"
    )
    .is_some());
    assert!(ids(&topology(&hub, &format!("?at={}", imported_at - 1)).await).is_empty());

    let (status, body) = call(&hub, "GET", "/api/topology?at_seq=99999", None).await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("invalid_request"))
    );
    let (status, _) = call(&hub, "GET", "/api/topology?at_seq=1&at=5", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn positions_are_stored_and_a_layout_places_every_node_again() {
    let hub = hub().await;
    import_estate(&hub).await;
    // The hub places the imported nodes first; a drag comes after.
    wait_for(
        "the imported nodes to be placed",
        Duration::from_secs(10),
        || async { all_placed(&topology(&hub, "").await).then_some(()) },
    )
    .await;
    let drag =
        json!({"view": "network", "positions": [{"id": "host-1", "x": 9000.5, "y": -120.0}]});
    let (status, body) = call(&hub, "PUT", "/api/topology/positions", Some(drag)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    seq_of(&body);
    let placed = node(&topology(&hub, "").await, "host-1").unwrap().clone();
    assert_eq!(
        placed["positions"]["network"],
        json!({"x": 9000.5, "y": -120.0})
    );

    let unknown = json!({"view": "network", "positions": [{"id": "host-9", "x": 1.0, "y": 2.0}]});
    let (status, body) = call(&hub, "PUT", "/api/topology/positions", Some(unknown)).await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("invalid_request"))
    );
    assert!(body["message"].as_str().unwrap().contains("host-9"));
    let (status, _) = call(
        &hub,
        "PUT",
        "/api/topology/positions",
        Some(json!({"view": "sideways", "positions": []})),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "axum's answer to a body it cannot read"
    );

    let (status, body) = call(
        &hub,
        "POST",
        "/api/topology/layout",
        Some(json!({"view": "network"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let seq = seq_of(&body);
    let laid_out = topology(&hub, "").await;
    let moved = &node(&laid_out, "host-1").unwrap()["positions"]["network"];
    assert_ne!(
        moved,
        &json!({"x": 9000.5, "y": -120.0}),
        "the layout moves the dragged node"
    );
    for n in laid_out["nodes"].as_array().unwrap() {
        assert!(n["positions"]["network"]["x"].is_number(), "{n}");
    }
    let (_, page) = call(&hub, "GET", &format!("/api/events?after={}", seq - 1), None).await;
    assert_eq!(page["events"][0]["body"]["kind"], "topology_positions_set");
    assert_eq!(page["events"][0]["actor"], "alice 王");
    assert_eq!(
        page["events"][0]["body"]["positions"]
            .as_array()
            .unwrap()
            .len(),
        6
    );

    let other = self::hub().await;
    let (status, body) = call(
        &other,
        "POST",
        "/api/topology/layout",
        Some(json!({"view": "layered"})),
    )
    .await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("invalid_request")),
        "nothing to lay out"
    );
}

#[tokio::test]
async fn a_node_shows_what_it_needs_and_the_business_systems_that_need_it() {
    let hub = hub().await;
    import_estate(&hub).await;
    let (status, impact) = call(&hub, "GET", "/api/topology/nodes/db-orders/impact", None).await;
    assert_eq!(status, StatusCode::OK, "{impact}");
    assert_eq!(impact["node"], "db-orders");
    assert_eq!(
        impact["business_systems"],
        json!([{"id": "pay", "hops": 2, "path": {
            "nodes": ["db-orders", "svc-pay", "pay"],
            "relations": ["depends_on", "depends_on"],
        }}])
    );
    let upstream: Vec<&str> = impact["upstream"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(upstream, ["host-2", "site-bj"]);
    let downstream: Vec<&str> = impact["downstream"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(downstream, ["svc-pay", "pay"]);

    let (status, by_alias) = call(&hub, "GET", "/api/topology/nodes/10.0.0.5/impact", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(by_alias, impact, "an alias names the same node");
    let (status, body) = call(&hub, "GET", "/api/topology/nodes/db-9/impact", None).await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::NOT_FOUND, json!("node_not_found"))
    );
}

fn database_down(at: i64) -> Signal {
    Signal::Alarm(AlarmSignal {
        source: "zabbix-dc1".into(),
        key: "mysql-down".into(),
        node: Some("10.0.0.5".into()),
        severity: Severity::Critical,
        title: "MySQL is down".into(),
        text: String::new(),
        labels: Default::default(),
        at,
        firing: true,
    })
}

#[tokio::test]
async fn an_incident_on_a_database_shows_the_business_systems_it_hurts() {
    let hub = hub().await;
    import_estate(&hub).await;
    hub.console
        .signal_sink()
        .send(database_down(START))
        .await
        .unwrap();
    let snapshot = until(&hub.console, |s| !s.incidents.is_empty()).await;
    let id = snapshot.incidents[0].id;

    let (status, impact) = call(&hub, "GET", &format!("/api/incidents/{id}/impact"), None).await;
    assert_eq!(status, StatusCode::OK, "{impact}");
    assert_eq!(impact["incident"], id);
    assert_eq!(impact["failing"], json!(["db-orders"]));
    assert_eq!(impact["blast_radius"], json!(["pay", "svc-pay"]));
    assert_eq!(impact["business_systems"][0]["id"], "pay");
    assert_eq!(
        impact["business_systems"][0]["path"]["nodes"],
        json!(["db-orders", "svc-pay", "pay"])
    );

    // The service stops needing the database: the next answer follows the new topology.
    let cut =
        json!({"remove_relations": [{"from": "svc-pay", "to": "db-orders", "kind": "depends_on"}]});
    let (status, _) = call(&hub, "POST", "/api/topology/edit", Some(cut)).await;
    assert_eq!(status, StatusCode::OK);
    let after = wait_for(
        "the impact to follow the edit",
        Duration::from_secs(5),
        || async {
            let (_, impact) = call(&hub, "GET", &format!("/api/incidents/{id}/impact"), None).await;
            impact["blast_radius"]
                .as_array()
                .unwrap()
                .is_empty()
                .then_some(impact)
        },
    )
    .await;
    assert_eq!(after["business_systems"], json!([]));

    let (status, body) = call(&hub, "GET", "/api/incidents/999/impact", None).await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::NOT_FOUND, json!("incident_not_found"))
    );
}

#[tokio::test]
async fn every_topology_call_needs_the_token_and_is_in_the_openapi_document() {
    let hub = hub().await;
    let calls = [
        ("GET", "/api/topology"),
        ("POST", "/api/topology/import?name=a.yaml"),
        ("GET", "/api/topology/export"),
        ("POST", "/api/topology/edit"),
        ("PUT", "/api/topology/positions"),
        ("POST", "/api/topology/layout"),
        ("GET", "/api/topology/nodes/pay/impact"),
        ("GET", "/api/incidents/1/impact"),
    ];
    for (method, uri) in calls {
        let req = Request::builder()
            .method(method)
            .uri(uri)
            .body(Body::empty())
            .unwrap();
        let (status, body) = answer(&hub.app, req).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {uri}");
        assert_eq!(body["code"], "unauthorized");
    }
    let (_, doc) = call(&hub, "GET", "/api/openapi.json", None).await;
    for (method, path) in [
        ("get", "/api/topology"),
        ("post", "/api/topology/import"),
        ("get", "/api/topology/export"),
        ("post", "/api/topology/edit"),
        ("put", "/api/topology/positions"),
        ("post", "/api/topology/layout"),
        ("get", "/api/topology/nodes/{id}/impact"),
        ("get", "/api/incidents/{id}/impact"),
    ] {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} missing from the OpenAPI document"
        );
    }
}

/// Every node has a place on both views.
fn all_placed(topology: &Value) -> bool {
    topology["nodes"].as_array().is_some_and(|nodes| {
        !nodes.is_empty()
            && nodes.iter().all(|n| {
                n["positions"]["layered"]["x"].is_number()
                    && n["positions"]["network"]["x"].is_number()
            })
    })
}

async fn get_topology(http: &reqwest::Client, hub: &noc_server::RunningHub) -> Value {
    let url = format!("{}api/topology", hub.url);
    as_operator(http.get(url), hub, "li.na")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn import_over_http(http: &reqwest::Client, hub: &noc_server::RunningHub, file: String) {
    let url = format!("{}api/topology/import?name=estate.yaml", hub.url);
    let res = as_operator(http.post(url), hub, "li.na")
        .body(file)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hub_places_new_nodes_and_keeps_dragged_ones_across_imports_and_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let http = reqwest::Client::new();
    let hub = start_hub(dir.path(), "").await;
    import_over_http(&http, &hub, ESTATE.to_string()).await;
    let placed = wait_for(
        "the imported nodes to be placed",
        Duration::from_secs(10),
        || async {
            let topology = get_topology(&http, &hub).await;
            all_placed(&topology).then_some(topology)
        },
    )
    .await;
    let page: Value = as_operator(
        http.get(format!("{}api/events?after=0", hub.url)),
        &hub,
        "li.na",
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let placements: Vec<&Value> = page["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["body"]["kind"] == "topology_positions_set")
        .collect();
    assert_eq!(placements.len(), 2, "one placement per view, not a loop");
    assert!(placements.iter().all(|e| e["actor"] == "layout"));

    let drag =
        json!({"view": "layered", "positions": [{"id": "db-orders", "x": 4321.0, "y": 1234.0}]});
    let res = as_operator(
        http.put(format!("{}api/topology/positions", hub.url)),
        &hub,
        "li.na",
    )
    .json(&drag)
    .send()
    .await
    .unwrap();
    assert_eq!(res.status(), 200);
    let grown = ESTATE.replace(
        "relations:\n",
        "  - id: host-3\n    name: host 3\n    kind: host\nrelations:\n",
    );
    import_over_http(&http, &hub, grown).await;
    let after_import = wait_for(
        "the new host to be placed",
        Duration::from_secs(10),
        || async {
            let topology = get_topology(&http, &hub).await;
            (node(&topology, "host-3").is_some() && all_placed(&topology)).then_some(topology)
        },
    )
    .await;
    let dragged = json!({"x": 4321.0, "y": 1234.0});
    assert_eq!(
        node(&after_import, "db-orders").unwrap()["positions"]["layered"],
        dragged
    );
    for id in ids(&placed) {
        assert_eq!(
            node(&after_import, &id).unwrap()["positions"]["network"],
            node(&placed, &id).unwrap()["positions"]["network"],
            "{id} stays where it was"
        );
    }
    hub.shutdown().await;

    let hub = start_hub(dir.path(), "").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let restarted = get_topology(&http, &hub).await;
    assert_eq!(
        node(&restarted, "db-orders").unwrap()["positions"]["layered"],
        dragged
    );
    assert_eq!(
        restarted["nodes"], after_import["nodes"],
        "a restart moves nothing"
    );
    hub.shutdown().await;
}

#[tokio::test]
async fn a_storm_of_discovered_changes_is_placed_at_once() {
    let hub = hub().await;
    let sink = hub.console.signal_sink();
    let sources = 30;
    for i in 0..sources {
        let topology = Topology {
            nodes: vec![Node::new(
                format!("host-{i}"),
                format!("host {i}"),
                NodeKind::Host,
            )],
            relations: Vec::new(),
        };
        let origin = format!("source:zabbix-{i}");
        sink.send(Signal::Topology { origin, topology })
            .await
            .unwrap();
    }
    let placed = wait_for(
        "every discovered host to be placed",
        Duration::from_secs(10),
        || async {
            let topology = topology(&hub, "").await;
            (ids(&topology).len() == sources && all_placed(&topology)).then_some(topology)
        },
    )
    .await;
    let (_, page) = call(&hub, "GET", "/api/events?after=0", None).await;
    let events = page["events"].as_array().unwrap();
    let loads = events
        .iter()
        .filter(|e| e["body"]["kind"] == "topology_loaded")
        .count();
    let placements: Vec<&Value> = events
        .iter()
        .filter(|e| e["body"]["kind"] == "topology_positions_set")
        .collect();
    assert_eq!(loads, sources);
    assert!(
        placements.len() < loads,
        "{} placements for {loads} changes",
        placements.len()
    );
    assert!(placements.iter().all(|e| e["actor"] == "layout"));
    // Placed nodes stay where they are: nothing moves after the storm.
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(topology(&hub, "").await, placed);
}
