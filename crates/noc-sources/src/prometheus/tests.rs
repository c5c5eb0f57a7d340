//! The source against a local HTTP server that answers like Prometheus, or like
//! the things that stand in front of one when it is broken.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::fake_endpoint::{
    never_answers, redirect_loop, serve_all, Reply, Running, TEST_INTERVAL, TEST_TIMEOUT,
};
use crate::polling::MAX_BODY_BYTES;
use crate::source::SourceContext;

use axum::http::StatusCode;
use noc_model::{
    HealthStatus, KpiQuery, KpiReading, ManualClock, NodeKind, RelationKind, Severity, Signal,
    SourceDefinition, SourceHealth, SourceSettings, Topology,
};
use tokio::sync::mpsc;

use super::{check, start, Server};

/// As `GET /api/v1/alerts` of Prometheus 2.x returns it: one firing, one pending.
const TWO_ALERTS: &str = r#"{
  "status": "success",
  "data": {
    "alerts": [
      {
        "labels": {"alertname": "NodeDown", "instance": "core-sw1:9100", "job": "node", "severity": "critical"},
        "annotations": {"description": "core-sw1 has not answered for 5 minutes", "summary": "Node down"},
        "state": "firing",
        "activeAt": "2026-11-22T21:40:00.123456789Z",
        "value": "0e+00"
      },
      {
        "labels": {"alertname": "DiskFilling", "host": "db-1", "severity": "warning"},
        "annotations": {},
        "state": "pending",
        "activeAt": "2026-11-22T21:41:00Z",
        "value": "9.1e+01"
      }
    ]
  }
}"#;

const NO_ALERTS: &str = r#"{"status":"success","data":{"alerts":[]}}"#;

const NO_RULES: &str = r#"{"status":"success","data":{"groups":[]}}"#;

/// Prometheus answering `alerts` for its alert list and nothing else of note.
async fn fake_prometheus(alerts: Reply) -> (String, Arc<Mutex<Reply>>) {
    let (url, mut replies) = serve_all(&[
        ("/api/v1/alerts", alerts),
        ("/api/v1/rules", Reply::json(NO_RULES)),
    ])
    .await;
    (url, replies.remove(0))
}

fn definition(url: &str, targets: bool, kpis: Vec<KpiQuery>) -> SourceDefinition {
    SourceDefinition {
        name: "prom-test".into(),
        enabled: true,
        interval_secs: None,
        timeout_secs: None,
        node: Some("prom-1".into()),
        settings: SourceSettings::Prometheus {
            url: url.into(),
            auth: None,
            targets,
            kpis,
            // Most tests serve no target list; discovery has tests of its own.
            discover_topology: false,
        },
    }
}

/// Runs the source on `definition` with the tests' short interval and `timeout`.
fn start_with(definition: SourceDefinition, timeout: Duration) -> Running {
    let mut server = Server::from_definition(&definition, None).unwrap();
    server.config.interval = TEST_INTERVAL;
    server.config.timeout = timeout;
    Running::start(|signals, shutdown| {
        let (probe_results, _) = mpsc::channel(1);
        let ctx = SourceContext {
            clock: Arc::new(ManualClock::new(1_000)),
            signals,
            probe_results,
            shutdown,
            secret: None,
        };
        start(server, ctx);
    })
}

fn start_source(url: &str) -> Running {
    start_with(definition(url, false, Vec::new()), TEST_TIMEOUT)
}

#[tokio::test]
async fn an_alert_list_becomes_alarms_pending_ones_keep_their_severity() {
    let (url, _reply) = fake_prometheus(Reply::json(TWO_ALERTS)).await;
    let mut source = start_source(&url);
    let mut alarms = Vec::new();
    let health = source.health(&mut alarms).await;
    assert_eq!(health.status, HealthStatus::Ok, "{}", health.detail);
    assert_eq!(health.kind, "prometheus");
    assert_eq!(health.source, "prom-test");
    let node_down = source.alarm(|a| a.title.starts_with("NodeDown")).await;
    let disk = source.alarm(|a| a.title.starts_with("DiskFilling")).await;

    assert_eq!(node_down.title, "NodeDown: Node down");
    assert_eq!(node_down.text, "core-sw1 has not answered for 5 minutes");
    assert_eq!(node_down.node.as_deref(), Some("core-sw1"));
    assert_eq!(node_down.severity, Severity::Critical);
    assert_eq!(node_down.labels["prometheus_state"], "firing");
    assert!(node_down.firing);

    assert_eq!(disk.node.as_deref(), Some("db-1"));
    assert_eq!(disk.severity, Severity::Warning);
    assert_eq!(disk.labels["prometheus_state"], "pending");
    assert_ne!(node_down.key, disk.key);
}

#[tokio::test]
async fn the_key_is_stable_and_a_state_change_is_signalled() {
    let (url, reply) = fake_prometheus(Reply::json(TWO_ALERTS)).await;
    let mut source = start_source(&url);
    let pending = source
        .alarm(|a| a.labels.get("prometheus_state").map(String::as_str) == Some("pending"))
        .await;
    *reply.lock().unwrap() = Reply::json(&TWO_ALERTS.replace("\"pending\"", "\"firing\""));
    let firing = source
        .alarm(|a| {
            a.title.starts_with("DiskFilling")
                && a.labels.get("prometheus_state").map(String::as_str) == Some("firing")
        })
        .await;
    assert_eq!(pending.key, firing.key);
}

#[tokio::test]
async fn an_alert_that_disappears_is_resolved_but_a_failed_poll_resolves_nothing() {
    let (url, reply) = fake_prometheus(Reply::json(TWO_ALERTS)).await;
    let mut source = start_source(&url);
    let first = source.alarm(|a| a.title.starts_with("NodeDown")).await;

    // Prometheus breaks: nothing is resolved, health says why.
    *reply.lock().unwrap() = Reply {
        status: StatusCode::SERVICE_UNAVAILABLE,
        content_type: "text/plain",
        body: b"Service Unavailable".to_vec(),
    };
    let mut alarms = Vec::new();
    let health = loop {
        let health = source.health(&mut alarms).await;
        if health.status != HealthStatus::Ok {
            break health;
        }
    };
    assert_eq!(health.status, HealthStatus::BadPayload);
    assert!(health.detail.contains("503"), "{}", health.detail);
    assert!(
        alarms.iter().all(|a| a.firing),
        "a failed poll resolved alarms"
    );

    // Back, and NodeDown is gone: it is resolved under the same key.
    *reply.lock().unwrap() = Reply::json(NO_ALERTS);
    let resolved = source.alarm(|a| !a.firing && a.key == first.key).await;
    assert_eq!(resolved.title, first.title);
}

#[tokio::test]
async fn an_alert_seen_again_unchanged_is_not_signalled_again() {
    let (url, _reply) = fake_prometheus(Reply::json(TWO_ALERTS)).await;
    let mut source = start_source(&url);
    let mut alarms = Vec::new();
    source.health(&mut alarms).await;
    // Several more polls happen in this time; none may repeat the alarms.
    tokio::time::sleep(Duration::from_millis(900)).await;
    for signal in source.drain() {
        if let Signal::Alarm(alarm) = signal {
            alarms.push(alarm);
        }
    }
    assert_eq!(alarms.len(), 2, "{alarms:?}");
}

async fn health_for(reply: Reply) -> SourceHealth {
    let (url, _reply) = fake_prometheus(reply).await;
    let mut source = start_source(&url);
    source.health(&mut Vec::new()).await
}

async fn health_at(url: &str, timeout: Duration) -> SourceHealth {
    let mut source = start_with(definition(url, false, Vec::new()), timeout);
    source.health(&mut Vec::new()).await
}

#[tokio::test]
async fn an_error_status_is_a_bad_payload_with_prometheus_words() {
    let health = health_for(Reply {
        status: StatusCode::SERVICE_UNAVAILABLE,
        content_type: "application/json",
        body: br#"{"status":"error","errorType":"unavailable","error":"rule manager not ready"}"#
            .to_vec(),
    })
    .await;
    assert_eq!(health.status, HealthStatus::BadPayload);
    assert!(
        health.detail.contains("rule manager not ready"),
        "{}",
        health.detail
    );

    // The same envelope with a 200 is still an error.
    let health = health_for(Reply::json(
        r#"{"status":"error","errorType":"internal","error":"boom"}"#,
    ))
    .await;
    assert_eq!(health.status, HealthStatus::BadPayload);
    assert!(health.detail.contains("boom"), "{}", health.detail);
}

#[tokio::test]
async fn an_html_page_is_a_bad_payload() {
    let health = health_for(Reply {
        status: StatusCode::OK,
        content_type: "text/html",
        body: b"<html><body><h1>Welcome to nginx!</h1></body></html>".to_vec(),
    })
    .await;
    assert_eq!(health.status, HealthStatus::BadPayload);
    assert!(health.detail.contains("Prometheus"), "{}", health.detail);
}

#[tokio::test]
async fn refused_credentials_are_auth_failed() {
    let health = health_for(Reply {
        status: StatusCode::UNAUTHORIZED,
        content_type: "text/plain",
        body: b"Unauthorized".to_vec(),
    })
    .await;
    assert_eq!(health.status, HealthStatus::AuthFailed);
}

#[tokio::test]
async fn a_refused_connection_is_unreachable() {
    // Bind and drop: the port is very likely closed now.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let mut source = start_source(&format!("http://{addr}"));
    let health = source.health(&mut Vec::new()).await;
    assert_eq!(health.status, HealthStatus::Unreachable);
    assert!(health.detail.contains("Prometheus"), "{}", health.detail);
}

#[tokio::test]
async fn an_unknown_severity_word_is_named() {
    let health = health_for(Reply::json(&TWO_ALERTS.replace("\"warning\"", "\"sev-7\""))).await;
    assert_eq!(health.status, HealthStatus::UnmappedSeverity);
    assert!(health.detail.contains("sev-7"), "{}", health.detail);
}

#[tokio::test]
async fn truncated_json_and_wrong_types_are_a_bad_payload() {
    for body in [
        &TWO_ALERTS[..150],
        r#"{"status":"success","data":{"alerts":[{"labels":{"alertname":3},"state":"firing"}]}}"#,
        r#"{"status":"success","data":{"alerts":{}}}"#,
        r#"[1,2,3]"#,
    ] {
        let health = health_for(Reply::json(body)).await;
        assert_eq!(health.status, HealthStatus::BadPayload, "{body}");
        assert!(health.detail.contains("alert list"), "{}", health.detail);
    }
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused() {
    let mut body = b"{".to_vec();
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
async fn a_server_that_never_answers_times_out_as_unreachable() {
    let health = health_at(&never_answers().await, Duration::from_millis(300)).await;
    assert_eq!(health.status, HealthStatus::Unreachable);
    assert!(health.detail.contains("timed out"), "{}", health.detail);
}

#[tokio::test]
async fn https_to_a_plain_http_port_is_unreachable() {
    let (url, _) = fake_prometheus(Reply::json(NO_ALERTS)).await;
    let health = health_at(&url.replace("http://", "https://"), TEST_TIMEOUT).await;
    assert_eq!(health.status, HealthStatus::Unreachable);
    assert!(health.detail.contains("Prometheus"), "{}", health.detail);
}

#[tokio::test]
async fn a_redirect_loop_is_unreachable_and_says_so() {
    let health = health_at(&redirect_loop().await, TEST_TIMEOUT).await;
    assert_eq!(health.status, HealthStatus::Unreachable);
    assert!(health.detail.contains("redirect"), "{}", health.detail);
}

/// As `GET /api/v1/rules?type=alert` returns it with one rule that fails.
const BROKEN_RULE: &str = r#"{"status":"success","data":{"groups":[{
  "name": "node", "file": "/etc/prometheus/node.yml", "interval": 15,
  "rules": [
    {"name": "NodeDown", "query": "up == 0", "health": "ok", "type": "alerting", "state": "inactive", "alerts": []},
    {"name": "DiskFull", "query": "disk_used / disk_size > 0.9", "health": "err",
     "lastError": "found duplicate series for the match group", "type": "alerting", "state": "inactive", "alerts": []}
  ]}]}}"#;

#[tokio::test]
async fn a_rule_that_cannot_be_evaluated_is_a_warning_until_it_can() {
    let (url, replies) = serve_all(&[
        ("/api/v1/alerts", Reply::json(NO_ALERTS)),
        ("/api/v1/rules", Reply::json(BROKEN_RULE)),
    ])
    .await;
    let mut source = start_source(&url);
    let broken = source.alarm(|a| a.firing).await;
    assert_eq!(broken.key, "rule/node/DiskFull");
    assert_eq!(broken.severity, Severity::Warning);
    assert_eq!(
        broken.title,
        "rule DiskFull cannot be evaluated: found duplicate series for the match group"
    );
    assert_eq!(broken.node.as_deref(), Some("prom-1"));
    *replies[1].lock().unwrap() =
        Reply::json(&BROKEN_RULE.replace(r#""health": "err""#, r#""health": "ok""#));
    let fixed = source.alarm(|a| !a.firing).await;
    assert_eq!(fixed.key, broken.key);
}

/// As `GET /api/v1/targets?state=active` returns it: one target up, one down.
const TARGETS: &str = r#"{"status":"success","data":{"activeTargets":[
  {"discoveredLabels": {}, "labels": {"instance": "core-sw1:9100", "job": "node"}, "scrapePool": "node",
   "scrapeUrl": "http://core-sw1:9100/metrics", "globalUrl": "http://core-sw1:9100/metrics",
   "lastError": "Get \"http://core-sw1:9100/metrics\": dial tcp 10.0.0.1:9100: connect: connection refused",
   "lastScrape": "2026-11-22T22:40:00.1Z", "lastScrapeDuration": 0.001, "health": "down", "scrapeInterval": "15s", "scrapeTimeout": "10s"},
  {"discoveredLabels": {}, "labels": {"instance": "db-1:9100", "job": "node"}, "scrapePool": "node",
   "scrapeUrl": "http://db-1:9100/metrics", "globalUrl": "http://db-1:9100/metrics", "lastError": "",
   "lastScrape": "2026-11-22T22:40:00.2Z", "lastScrapeDuration": 0.01, "health": "up", "scrapeInterval": "15s", "scrapeTimeout": "10s"}
], "droppedTargets": []}}"#;

#[tokio::test]
async fn a_target_that_is_down_is_a_major_alarm_on_its_node_until_it_is_up() {
    let (url, replies) = serve_all(&[
        ("/api/v1/alerts", Reply::json(NO_ALERTS)),
        ("/api/v1/rules", Reply::json(NO_RULES)),
        ("/api/v1/targets", Reply::json(TARGETS)),
    ])
    .await;
    let mut source = start_with(definition(&url, true, Vec::new()), TEST_TIMEOUT);
    let down = source.alarm(|a| a.firing).await;
    assert_eq!(down.key, "target/node/core-sw1:9100");
    assert_eq!(down.node.as_deref(), Some("core-sw1"));
    assert_eq!(down.severity, Severity::Major);
    assert!(down.text.contains("connection refused"), "{}", down.text);
    *replies[2].lock().unwrap() =
        Reply::json(&TARGETS.replace(r#""health": "down""#, r#""health": "up""#));
    let up = source.alarm(|a| !a.firing).await;
    assert_eq!(up.key, down.key);
}

#[tokio::test]
async fn targets_are_not_asked_for_unless_configured() {
    // No target route: asking would fail the poll.
    let (url, _) = fake_prometheus(Reply::json(NO_ALERTS)).await;
    let mut source = start_source(&url);
    let health = source.health(&mut Vec::new()).await;
    assert_eq!(health.status, HealthStatus::Ok, "{}", health.detail);
}

fn kpi(name: &str) -> KpiQuery {
    KpiQuery {
        name: name.into(),
        query: "sum(rate(http_requests_total[5m]))".into(),
        unit: Some("req/s".into()),
    }
}

async fn reading_for(answer: Reply) -> KpiReading {
    let (url, _) = serve_all(&[
        ("/api/v1/alerts", Reply::json(NO_ALERTS)),
        ("/api/v1/rules", Reply::json(NO_RULES)),
        ("/api/v1/query", answer),
    ])
    .await;
    let mut source = start_with(definition(&url, false, vec![kpi("requests")]), TEST_TIMEOUT);
    let mut health = None;
    loop {
        match source.next().await {
            Signal::Kpi(reading) => {
                let health: SourceHealth = health.expect("health comes first");
                assert_eq!(
                    health.status,
                    HealthStatus::Ok,
                    "a KPI made the source unhealthy"
                );
                return reading;
            }
            Signal::Health(h) => health = Some(h),
            _ => {}
        }
    }
}

#[tokio::test]
async fn a_kpi_query_with_one_sample_is_its_value_every_poll() {
    let one = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1795387200.1,"42.5"]}]}}"#;
    let reading = reading_for(Reply::json(one)).await;
    assert_eq!(reading.source, "prom-test");
    assert_eq!(reading.name, "requests");
    assert_eq!(reading.value, Some(42.5));
    assert_eq!(reading.unit.as_deref(), Some("req/s"));
    assert_eq!(reading.error, None);
    let scalar =
        r#"{"status":"success","data":{"resultType":"scalar","result":[1795387200.1,"7"]}}"#;
    assert_eq!(reading_for(Reply::json(scalar)).await.value, Some(7.0));
}

#[tokio::test]
async fn a_kpi_without_a_single_number_says_why() {
    let none = r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#;
    let reading = reading_for(Reply::json(none)).await;
    assert_eq!(
        (reading.value, reading.error.as_deref()),
        (None, Some("no data"))
    );

    let three = r#"{"status":"success","data":{"resultType":"vector","result":[
        {"metric":{"a":"1"},"value":[1,"1"]},{"metric":{"a":"2"},"value":[1,"2"]},{"metric":{"a":"3"},"value":[1,"3"]}]}}"#;
    let reading = reading_for(Reply::json(three)).await;
    assert_eq!(reading.value, None);
    assert!(reading.error.unwrap().contains("3 series"));

    let refused = Reply {
        status: StatusCode::BAD_REQUEST,
        ..Reply::json(
            r#"{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:5: parse error"}"#,
        )
    };
    let reading = reading_for(refused).await;
    assert_eq!(reading.value, None);
    assert!(reading.error.unwrap().contains("parse error"));

    let nan = r#"{"status":"success","data":{"resultType":"scalar","result":[1,"NaN"]}}"#;
    let reading = reading_for(Reply::json(nan)).await;
    assert_eq!(reading.value, None);
    assert!(reading.error.unwrap().contains("NaN"));
}

#[tokio::test]
async fn check_reports_the_version_from_the_build_information() {
    let build = r#"{"status":"success","data":{"version":"2.42.0+ds","revision":"","branch":"debian/sid","buildUser":"x","buildDate":"20230101","goVersion":"go1.19"}}"#;
    let (url, _) = serve_all(&[
        ("/api/v1/status/buildinfo", Reply::json(build)),
        ("/api/v1/alerts", Reply::json(TWO_ALERTS)),
    ])
    .await;
    let (found, version) = check(&definition(&url, false, Vec::new()), None)
        .await
        .unwrap();
    assert_eq!(version.as_deref(), Some("2.42.0+ds"));
    assert!(found.contains("2 alerts"), "{found}");

    let (url, _) = serve_all(&[("/api/v1/alerts", Reply::json(NO_ALERTS))]).await;
    let (status, detail) = check(&definition(&url, false, Vec::new()), None)
        .await
        .unwrap_err();
    assert_eq!(status, HealthStatus::BadPayload);
    assert!(detail.contains("404"), "{detail}");
}

/// Targets of the usual shapes: Prometheus itself, two jobs on one host with site and
/// rack labels, an SNMP and two blackbox targets (one relabelled, one not), IPv6.
const DISCOVERY_TARGETS: &str = include_str!("fixtures/targets.json");

fn discovered() -> Topology {
    let Ok(super::payload::Answer::Data(targets)) =
        super::payload::parse::<super::payload::TargetsData>(DISCOVERY_TARGETS.as_bytes())
    else {
        panic!("the fixture is a target list");
    };
    super::discovery::estate(&targets.active_targets)
}

fn relations_from(topology: &Topology, node: &str, kind: RelationKind) -> Vec<String> {
    let mut to: Vec<String> = topology
        .relations
        .iter()
        .filter(|r| r.from == node && r.kind == kind)
        .map(|r| r.to.clone())
        .collect();
    to.sort();
    to
}

#[test]
fn each_host_is_one_node_named_as_its_alarms_name_it() {
    let topology = discovered();
    let node = |id: &str| {
        topology
            .node(id)
            .filter(|n| n.id == id)
            .unwrap_or_else(|| panic!("no node {id}"))
    };
    let web = node("web-1");
    assert_eq!(web.kind, NodeKind::Host);
    assert_eq!(web.aliases, ["web-1:8080", "web-1:9100"]);
    assert_eq!(web.attributes["job"], "node, shop");
    assert_eq!(web.attributes["scrape_pool"], "node, shop");
    assert!(
        !web.attributes.contains_key("health"),
        "status is for alarms, not the topology"
    );
    assert_eq!(web.owners, ["web-team"]);
    assert_eq!(
        relations_from(&topology, "web-1", RelationKind::LocatedIn),
        ["rack:Beijing/R12", "site:Beijing"]
    );
    assert_eq!(
        relations_from(&topology, "rack:Beijing/R12", RelationKind::LocatedIn),
        ["site:Beijing"]
    );
    assert_eq!(node("job:node").kind, NodeKind::Service);
    assert_eq!(
        relations_from(&topology, "job:node", RelationKind::RunsOn),
        ["2001:db8::7", "web-1"]
    );
    assert_eq!(node("2001:db8::7").aliases, ["[2001:db8::7]:9100"]);
    assert_eq!(node("localhost").aliases, ["localhost:9090"]);
    assert_eq!(
        relations_from(&topology, "job:prometheus", RelationKind::RunsOn),
        ["localhost"]
    );
}

#[test]
fn a_probe_is_the_probed_thing_not_its_exporter() {
    let topology = discovered();
    for exporter in ["blackbox", "blackbox:9115", "snmp-exporter"] {
        assert!(topology.node(exporter).is_none(), "{exporter} is a node");
    }
    let switch = topology.node("core-sw1").unwrap();
    assert_eq!(switch.kind, NodeKind::NetworkDevice, "noc_kind label");
    assert_eq!(switch.attributes["probed_by"], "snmp-exporter:9116");
    assert_eq!(switch.attributes["probe_module"], "if_mib");
    assert_eq!(
        relations_from(&topology, "core-sw1", RelationKind::LocatedIn),
        ["site:Shanghai"],
        "the dc label"
    );
    assert!(
        topology.node("job:snmp").is_none(),
        "a probe job runs on nothing"
    );

    let url = "https://shop.example/health";
    let shop = topology.node(url).unwrap();
    assert_eq!(shop.kind, NodeKind::Service);
    assert_eq!(shop.attributes["probe_module"], "http_2xx");
    assert_eq!(
        relations_from(&topology, url, RelationKind::RunsOn),
        ["shop.example"]
    );
    assert_eq!(
        relations_from(&topology, "shop.example", RelationKind::LocatedIn),
        ["site:Beijing"]
    );
    // Not relabelled: the instance is the exporter, the target parameter is the node.
    let pinged = topology.node("10.0.0.9").unwrap();
    assert_eq!(pinged.attributes["probe_module"], "icmp");
    assert_eq!(pinged.attributes["probed_by"], "blackbox:9115");
}

#[test]
fn the_same_targets_give_the_same_topology() {
    assert_eq!(discovered(), discovered());
}

fn discovering(url: &str, targets: bool) -> Running {
    let mut definition = definition(url, targets, Vec::new());
    let SourceSettings::Prometheus {
        discover_topology, ..
    } = &mut definition.settings
    else {
        unreachable!()
    };
    *discover_topology = true;
    start_with(definition, TEST_TIMEOUT)
}

async fn next_topology(source: &mut Running) -> (String, Topology) {
    loop {
        if let Signal::Topology { origin, topology } = source.next().await {
            return (origin, topology);
        }
    }
}

#[tokio::test]
async fn the_first_poll_sends_the_topology_before_the_alarms_on_it() {
    let (url, _replies) = serve_all(&[
        ("/api/v1/alerts", Reply::json(TWO_ALERTS)),
        ("/api/v1/rules", Reply::json(NO_RULES)),
        ("/api/v1/targets", Reply::json(DISCOVERY_TARGETS)),
    ])
    .await;
    let mut source = discovering(&url, true);
    let health = source.health(&mut Vec::new()).await;
    assert_recovered(&health);
    let Signal::Topology { origin, topology } = source.next().await else {
        panic!("the topology comes first");
    };
    assert_eq!(origin, "source:prom-test");
    assert_eq!(topology, discovered());
    let down = source.alarm(|a| a.key.starts_with("target/")).await;
    assert_eq!(down.node.as_deref(), Some("web-1"));
    assert!(topology.node(down.node.as_deref().unwrap()).is_some());
}

#[tokio::test]
async fn a_target_list_that_fails_is_reported_and_alerts_keep_coming() {
    let (url, replies) = serve_all(&[
        ("/api/v1/alerts", Reply::json(TWO_ALERTS)),
        ("/api/v1/rules", Reply::json(NO_RULES)),
        (
            "/api/v1/targets",
            Reply::json(r#"{"status":"success","data":{"activeTargets":[{"labels":{}}]}}"#),
        ),
    ])
    .await;
    let mut source = discovering(&url, false);
    let mut alarms = Vec::new();
    let health = source.health(&mut alarms).await;
    assert_eq!(health.status, HealthStatus::Degraded);
    assert!(
        health.detail.contains("topology discovery failed") && health.detail.contains("health"),
        "{}",
        health.detail
    );
    while alarms.len() < 2 {
        alarms.push(source.alarm(|_| true).await);
    }
    assert!(!source
        .drain()
        .iter()
        .any(|s| matches!(s, Signal::Topology { .. })));

    *replies[2].lock().unwrap() = Reply {
        status: StatusCode::SERVICE_UNAVAILABLE,
        content_type: "text/plain",
        body: b"overloaded".to_vec(),
    };
    let health = source.health(&mut Vec::new()).await;
    assert_eq!(health.status, HealthStatus::Degraded);
    assert!(health.detail.contains("HTTP 503"), "{}", health.detail);

    *replies[2].lock().unwrap() = Reply::json(DISCOVERY_TARGETS);
    let health = source.health(&mut Vec::new()).await;
    assert_recovered(&health);
    let (_, topology) = next_topology(&mut source).await;
    assert_eq!(topology, discovered());
}

/// Healthy again as far as discovery goes (a loaded test machine may make it slow).
fn assert_recovered(health: &SourceHealth) {
    assert!(
        health.status != HealthStatus::Degraded && !health.detail.contains("discovery"),
        "{:?}: {}",
        health.status,
        health.detail
    );
}

#[tokio::test]
async fn an_empty_target_list_keeps_the_last_topology_and_is_asked_again() {
    let empty = r#"{"status":"success","data":{"activeTargets":[],"droppedTargets":[]}}"#;
    let (url, replies) = serve_all(&[
        ("/api/v1/alerts", Reply::json(NO_ALERTS)),
        ("/api/v1/rules", Reply::json(NO_RULES)),
        ("/api/v1/targets", Reply::json(empty)),
    ])
    .await;
    let mut source = discovering(&url, false);
    let health = source.health(&mut Vec::new()).await;
    assert_recovered(&health);
    let mut polls = 0;
    while polls < 2 {
        match source.next().await {
            Signal::Topology { .. } => panic!("an empty list replaced the topology"),
            Signal::Alive { .. } => polls += 1,
            _ => {}
        }
    }
    *replies[2].lock().unwrap() = Reply::json(DISCOVERY_TARGETS);
    let (_, topology) = next_topology(&mut source).await;
    assert_eq!(topology, discovered());
}
