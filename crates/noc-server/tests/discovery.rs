//! Topology discovery against a real Prometheus and a real Zabbix 6.0 (Debian
//! packages): both describe the same machine, 127.0.0.1 (the Zabbix server's own
//! host and Prometheus' scrape targets), and the hub keeps it as one node with both
//! origins; alarms from either source land on it; a source whose discovery is turned
//! off, or that is removed, takes its part of the topology with it while what the
//! other source knows stays.

use std::path::Path;
use std::sync::atomic::AtomicU8;
use std::sync::Arc;
use std::time::Duration;

use noc_api::{EnvSecrets, TopologyAt};
use noc_model::{
    Alarm, EventBody, HealthStatus, ManualClock, Node, NodeKind, RelationKind, SourceDefinition,
    SourceSettings, Topology,
};
use serde_json::{json, Value};

mod common;
use common::prometheus::{serve_metric, start_prometheus};
use common::zabbix::{Admin, Zabbix, ADMIN_PASSWORD, PASSWORD_ENV};
use common::{as_operator, free_port, open_console, source_status, start_hub, wait_for};

const ZABBIX: &str = "lab-zabbix";
const PROMETHEUS: &str = "lab-prom";
const ZABBIX_HOST: &str = "Zabbix server";
const ITEM_KEY: &str = "noc.lab.check";
const PROBLEM: &str = "Lab check failed";
const ALERT: &str = "TestNodeDown";
const OPERATOR: &str = "alice";

fn origin(source: &str) -> String {
    format!("source:{source}")
}

/// The Zabbix server's own host (agent interface 127.0.0.1) gets a trapper check
/// that fails; a second host stands in a nested group and a site.
async fn prepare_zabbix(admin: &Admin) {
    let server = admin.host_id(ZABBIX_HOST).await;
    admin
        .add_trapper_trigger(&server, ZABBIX_HOST, ITEM_KEY, PROBLEM, json!([]))
        .await;
    let group = admin
        .call("hostgroup.create", json!({ "name": "Beijing/Apps" }))
        .await;
    let interface = json!({ "type": 1, "main": 1, "useip": 1, "ip": "127.0.0.2", "dns": "app-1.lab", "port": "10050" });
    admin
        .call(
            "host.create",
            json!({
                "host": "app-1",
                "name": "Application 1",
                "groups": [{ "groupid": group["groupids"][0] }],
                "interfaces": [interface],
                "tags": [{ "tag": "site", "value": "Beijing" }],
            }),
        )
        .await;
}

/// A hub with the Zabbix from `noc.toml`; Prometheus is added through the API
/// later, as an operator does, so that it can be changed and removed.
async fn hub_with_zabbix(dir: &Path, api: &str) -> noc_server::RunningHub {
    // The only process-wide setting this test binary makes, before a hub reads it.
    std::env::set_var(PASSWORD_ENV, ADMIN_PASSWORD);
    let toml = format!(
        "[[zabbix]]\nname = \"{ZABBIX}\"\nurl = \"{api}\"\nuser = \"Admin\"\n\
         secret_env = \"{PASSWORD_ENV}\"\ninterval_secs = 1\ntimeout_secs = 5\n"
    );
    start_hub(dir, &toml).await
}

fn prometheus_source(url: &str, discover: bool) -> Value {
    json!({
        "definition": {
            "name": PROMETHEUS,
            "interval_secs": 1,
            "timeout_secs": 2,
            "settings": {
                "kind": "prometheus",
                "url": url,
                "discover_topology": discover,
            },
        },
    })
}

async fn topology(http: &reqwest::Client, hub: &noc_server::RunningHub) -> Topology {
    let answer = as_operator(http.get(format!("{}api/topology", hub.url)), hub, OPERATOR)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    answer.json().await.unwrap()
}

/// The topology once `wanted` holds for it; the last one seen, and the sources'
/// health, when it never does.
async fn topology_where(
    what: &str,
    http: &reqwest::Client,
    hub: &noc_server::RunningHub,
    wanted: impl Fn(&Topology) -> bool,
) -> Topology {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    loop {
        let topology = topology(http, hub).await;
        if wanted(&topology) {
            return topology;
        }
        if tokio::time::Instant::now() > deadline {
            let sources = hub.console.snapshot().await.sources;
            panic!("gave up waiting: {what}\n{sources:#?}\n{topology:#?}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn has_origin(node: &Node, source: &str) -> bool {
    node.origins.contains(&origin(source))
}

fn contributes(topology: &Topology, source: &str) -> bool {
    let origin = origin(source);
    topology.nodes.iter().any(|n| n.origins.contains(&origin))
        || topology
            .relations
            .iter()
            .any(|r| r.origins.contains(&origin))
}

/// The machine both sources know, once both have described it.
fn shared_node(topology: &Topology) -> Option<&Node> {
    let node = topology.node("127.0.0.1")?;
    (has_origin(node, ZABBIX) && has_origin(node, PROMETHEUS)).then_some(node)
}

fn relates(topology: &Topology, from: &str, to: &str, kind: RelationKind) -> bool {
    topology
        .relations
        .iter()
        .any(|r| r.from == from && r.to == to && r.kind == kind)
}

async fn active_alarm(
    console: &noc_api::Console,
    what: &str,
    wanted: impl Fn(&Alarm) -> bool,
) -> Alarm {
    let wanted = &wanted;
    wait_for(what, Duration::from_secs(120), || async move {
        let snapshot = console.snapshot().await;
        snapshot
            .alarms
            .into_iter()
            .find(|a| wanted(a) && a.status == noc_model::AlarmStatus::Active)
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn prometheus_and_zabbix_describe_one_estate_without_duplicates() {
    let temp = tempfile::tempdir().unwrap();
    let zabbix = Zabbix::start(&temp.path().join("zabbix"));
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let admin = Admin::login(http.clone(), &zabbix.api).await;
    prepare_zabbix(&admin).await;
    admin
        .raise_problem(zabbix.trapper_port, ZABBIX_HOST, ITEM_KEY)
        .await;

    // Prometheus scrapes a metric at 127.0.0.1 that is 0: its rule fires.
    let target = serve_metric(Arc::new(AtomicU8::new(0))).await;
    let prometheus_port = free_port();
    let dead_target = format!("127.0.0.1:{}", free_port());
    let _prometheus = start_prometheus(prometheus_port, temp.path(), &target, &dead_target);
    let prometheus_url = format!("http://127.0.0.1:{prometheus_port}");

    let hub = hub_with_zabbix(temp.path(), &zabbix.api).await;
    let console = hub.console.clone();
    let sources = format!("{}api/sources", hub.url);
    let created = as_operator(http.post(&sources), &hub, OPERATOR)
        .json(&prometheus_source(&prometheus_url, true))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201, "{}", created.text().await.unwrap());

    // One node for 127.0.0.1, known to both sources by their own names.
    let estate = topology_where("both sources in the topology", &http, &hub, |t| {
        shared_node(t).is_some() && t.node("job:noc-test").is_some() && t.node("app-1").is_some()
    })
    .await;
    let shared = shared_node(&estate).unwrap();
    let same = |name: &str| estate.node(name).map(|n| n.id.as_str());
    assert_eq!(same(ZABBIX_HOST), Some(shared.id.as_str()));
    assert_eq!(
        same(&target),
        Some(shared.id.as_str()),
        "the target's instance"
    );
    assert_eq!(same(&dead_target), Some(shared.id.as_str()));
    let named = |name: &str| {
        estate
            .nodes
            .iter()
            .filter(|n| n.id == name || n.aliases.iter().any(|a| a == name))
            .count()
    };
    assert_eq!(named("127.0.0.1"), 1, "no duplicate: {estate:#?}");
    assert_eq!(named(ZABBIX_HOST), 1);
    assert!(relates(
        &estate,
        "job:noc-test",
        &shared.id,
        RelationKind::RunsOn
    ));
    assert!(relates(
        &estate,
        "job:noc-dead",
        &shared.id,
        RelationKind::RunsOn
    ));
    // Zabbix' hosts and host groups.
    assert!(relates(
        &estate,
        &shared.id,
        "group:Zabbix servers",
        RelationKind::LocatedIn
    ));
    let app = estate.node("app-1").unwrap();
    assert_eq!(app.name, "Application 1");
    assert_eq!(app.aliases, ["127.0.0.2", "app-1.lab"]);
    assert!(relates(
        &estate,
        "app-1",
        "group:Beijing/Apps",
        RelationKind::LocatedIn
    ));
    assert!(relates(
        &estate,
        "group:Beijing/Apps",
        "group:Beijing",
        RelationKind::LocatedIn
    ));
    assert!(relates(
        &estate,
        "app-1",
        "site:Beijing",
        RelationKind::LocatedIn
    ));
    assert_eq!(estate.node("site:Beijing").unwrap().kind, NodeKind::Site);
    for source in [ZABBIX, PROMETHEUS] {
        let status = source_status(&console.snapshot().await, source);
        assert_ne!(status, Some(HealthStatus::Degraded), "{source}");
    }

    // A problem on the Zabbix host and an alert on the Prometheus target land on
    // the one node, and so do the incidents they opened.
    let problem = active_alarm(&console, "the Zabbix problem", |a| {
        a.source == ZABBIX && a.title == PROBLEM
    })
    .await;
    let alert = active_alarm(&console, "the Prometheus alert", |a| {
        a.source == PROMETHEUS && a.title.starts_with(ALERT)
    })
    .await;
    let snapshot = console.snapshot().await;
    for alarm in [&problem, &alert] {
        let node = alarm.node.as_deref().expect("the alarm names its node");
        assert_eq!(same(node), Some(shared.id.as_str()), "{}", alarm.title);
        let incident = snapshot
            .incidents
            .iter()
            .find(|i| Some(i.id) == alarm.incident)
            .expect("the alarm opened an incident");
        assert!(!incident.nodes.is_empty());
        for node in &incident.nodes {
            assert_eq!(
                same(node),
                Some(shared.id.as_str()),
                "incident {}",
                incident.id
            );
        }
    }

    // Prometheus stops discovering: its part goes, the shared node stays Zabbix'.
    let put = as_operator(http.put(format!("{sources}/{PROMETHEUS}")), &hub, OPERATOR)
        .json(&prometheus_source(&prometheus_url, false))
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 200, "{}", put.text().await.unwrap());
    let without = topology(&http, &hub).await;
    assert!(!contributes(&without, PROMETHEUS), "{without:#?}");
    let kept = without.node(ZABBIX_HOST).expect("Zabbix still knows it");
    assert_eq!(kept.origins, [origin(ZABBIX)]);
    assert_eq!(without.node("127.0.0.1").map(|n| &n.id), Some(&kept.id));
    assert!(without.node("job:noc-test").is_none());
    let log = console.events_after(0, None).await.unwrap();
    let taken = log.events.iter().rev().find(|e| {
        matches!(&e.body, EventBody::TopologyLoaded { origin: o, topology }
            if *o == origin(PROMETHEUS) && topology.nodes.is_empty())
    });
    assert_eq!(taken.map(|e| e.actor.as_str()), Some(OPERATOR));

    // On again, then the source is removed: the same.
    let put = as_operator(http.put(format!("{sources}/{PROMETHEUS}")), &hub, OPERATOR)
        .json(&prometheus_source(&prometheus_url, true))
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 200);
    topology_where("Prometheus' part back", &http, &hub, |t| {
        shared_node(t).is_some()
    })
    .await;
    let removed = as_operator(
        http.delete(format!("{sources}/{PROMETHEUS}")),
        &hub,
        OPERATOR,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(removed.status(), 204);
    let after = topology(&http, &hub).await;
    assert!(!contributes(&after, PROMETHEUS), "{after:#?}");
    assert!(after.node(ZABBIX_HOST).is_some() && after.node("app-1").is_some());
    assert!(after.node("group:Zabbix servers").is_some());

    hub.shutdown().await;
    drop(zabbix);
}

fn file_prometheus(name: &str, discover: bool) -> SourceDefinition {
    SourceDefinition {
        name: name.into(),
        enabled: true,
        interval_secs: None,
        timeout_secs: None,
        node: None,
        settings: SourceSettings::Prometheus {
            url: format!("http://127.0.0.1:{}", free_port()),
            auth: None,
            targets: false,
            kpis: Vec::new(),
            discover_topology: discover,
        },
    }
}

/// What a source of the file discovered on an earlier run: one node of its own and
/// one an operator also knows.
fn discovered_before(name: &str) -> EventBody {
    let mut topology = Topology::default();
    for id in [format!("{name}-host"), "shared-host".to_string()] {
        topology
            .nodes
            .push(Node::new(id.clone(), id, NodeKind::Host));
    }
    EventBody::TopologyLoaded {
        origin: origin(name),
        topology,
    }
}

#[tokio::test]
async fn discovery_turned_off_in_the_file_takes_the_sources_part_at_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let console = open_console(dir.path(), Arc::new(ManualClock::new(1_795_000_000_000))).await;
    let operator_node = EventBody::TopologyEdited {
        change: noc_model::TopologyChange {
            upsert_nodes: vec![Node::new("shared-host", "shared-host", NodeKind::Host)],
            ..Default::default()
        },
    };
    console.record(operator_node, OPERATOR).await.unwrap();
    for name in ["prom-off", "prom-on"] {
        console
            .record(discovered_before(name), "source:topology")
            .await
            .unwrap();
    }

    let file = vec![
        file_prometheus("prom-off", false),
        file_prometheus("prom-on", true),
    ];
    console.start_sources(file, Arc::new(EnvSecrets)).await;
    let now = console.topology_at(TopologyAt::Now).await.unwrap();
    assert!(!contributes(&now, "prom-off"), "{now:#?}");
    assert!(now.node("prom-off-host").is_none());
    assert!(
        now.node("prom-on-host").is_some(),
        "a discovering source keeps its part"
    );
    let shared = now.node("shared-host").unwrap();
    assert!(!has_origin(shared, "prom-off") && has_origin(shared, "prom-on"));
    let log = console.events_after(0, None).await.unwrap();
    let taken = log.events.iter().find(|e| {
        matches!(&e.body, EventBody::TopologyLoaded { origin: o, .. } if *o == origin("prom-off"))
            && e.actor != "source:topology"
    });
    assert_eq!(taken.map(|e| e.actor.as_str()), Some("noc.toml"));
}
