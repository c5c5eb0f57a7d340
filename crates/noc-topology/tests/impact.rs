//! Impact analysis on a known estate: what a failing node or an incident hurts, up to
//! the business systems, with the shortest path an operator can follow.

use noc_model::{
    Alarm, ImpactPath, Incident, Node, NodeKind, ReachedNode, Relation, RelationKind, State,
    Topology,
};
use noc_topology::impact::{incident_impact, node_impact};
use noc_topology::DependencyGraph;
use serde_json::json;

use NodeKind::*;
use RelationKind::*;

/// One site, one rack with an access switch and two hosts, the switch's uplink (a
/// circuit to the core router); a database and a queue on the hosts; a payment service
/// on host-1 needing the database, an order service on host-2 needing both; a business
/// system on each service.
fn estate() -> Topology {
    let nodes = [
        ("site-a", Site),
        ("rack-1", Rack),
        ("core-1", NetworkDevice),
        ("link-1", Link),
        ("sw-1", NetworkDevice),
        ("host-1", Host),
        ("host-2", Host),
        ("db-1", Database),
        ("mq-1", Middleware),
        ("svc-pay", Service),
        ("svc-order", Service),
        ("biz-pay", BusinessSystem),
        ("biz-shop", BusinessSystem),
    ];
    let relations = [
        ("rack-1", "site-a", LocatedIn),
        ("core-1", "site-a", LocatedIn),
        ("sw-1", "rack-1", LocatedIn),
        ("host-1", "rack-1", LocatedIn),
        ("host-2", "rack-1", LocatedIn),
        ("link-1", "core-1", ConnectsTo),
        ("sw-1", "link-1", ConnectsTo),
        ("host-1", "sw-1", ConnectsTo),
        ("host-2", "sw-1", ConnectsTo),
        ("db-1", "host-1", RunsOn),
        ("mq-1", "host-2", RunsOn),
        ("svc-pay", "host-1", RunsOn),
        ("svc-pay", "db-1", DependsOn),
        ("svc-order", "host-2", RunsOn),
        ("svc-order", "mq-1", DependsOn),
        ("svc-order", "db-1", DependsOn),
        ("biz-pay", "svc-pay", DependsOn),
        ("biz-shop", "svc-order", DependsOn),
    ];
    let mut topology = Topology {
        nodes: nodes
            .iter()
            .map(|(id, kind)| Node::new(*id, id.to_uppercase(), *kind))
            .collect(),
        relations: relations
            .iter()
            .map(|(from, to, kind)| Relation::new(*from, *to, *kind))
            .collect(),
    };
    topology.nodes[5].aliases = vec!["10.0.0.1".into(), "host-1.example".into()];
    topology
}

fn path(nodes: &[&str], relations: &[RelationKind]) -> ImpactPath {
    ImpactPath {
        nodes: nodes.iter().map(|n| n.to_string()).collect(),
        relations: relations.to_vec(),
    }
}

fn ids(reached: &[ReachedNode]) -> Vec<&str> {
    reached.iter().map(|r| r.id.as_str()).collect()
}

fn find<'a>(reached: &'a [ReachedNode], id: &str) -> &'a ReachedNode {
    reached
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("{id} not in {:?}", ids(reached)))
}

#[test]
fn a_database_failure_reaches_both_business_systems_by_the_exact_path() {
    let mut graph = DependencyGraph::new(&estate());
    let impact = node_impact(&mut graph, "db-1").expect("known");
    assert_eq!(impact.node, "db-1");
    assert_eq!(
        ids(&impact.downstream),
        ["svc-order", "svc-pay", "biz-pay", "biz-shop"]
    );
    assert_eq!(ids(&impact.business_systems), ["biz-pay", "biz-shop"]);
    let pay = find(&impact.business_systems, "biz-pay");
    assert_eq!(pay.hops, 2);
    assert_eq!(
        pay.path,
        path(&["db-1", "svc-pay", "biz-pay"], &[DependsOn, DependsOn])
    );
    // Upstream: the host it runs on, then what the host needs.
    let host = find(&impact.upstream, "host-1");
    assert_eq!(
        (host.hops, host.path.clone()),
        (1, path(&["db-1", "host-1"], &[RunsOn]))
    );
    let switch = find(&impact.upstream, "sw-1");
    assert_eq!(
        switch.path,
        path(&["db-1", "host-1", "sw-1"], &[RunsOn, ConnectsTo])
    );
    assert!(!ids(&impact.upstream).contains(&"svc-pay"));
}

#[test]
fn a_host_under_two_services_hurts_both_and_not_its_switch() {
    let mut graph = DependencyGraph::new(&estate());
    let impact = node_impact(&mut graph, "host-1").expect("known");
    let down = ids(&impact.downstream);
    for id in ["db-1", "svc-pay", "svc-order", "biz-pay", "biz-shop"] {
        assert!(down.contains(&id), "{id} missing from {down:?}");
    }
    // A host failing does not take its switch, its rack or the other host down.
    for id in ["sw-1", "rack-1", "host-2", "mq-1"] {
        assert!(!down.contains(&id), "{id} in {down:?}");
    }
    let shop = find(&impact.business_systems, "biz-shop");
    assert_eq!(
        shop.path,
        path(
            &["host-1", "db-1", "svc-order", "biz-shop"],
            &[RunsOn, DependsOn, DependsOn]
        )
    );
}

#[test]
fn an_alias_resolves_to_its_node() {
    let mut graph = DependencyGraph::new(&estate());
    let by_ip = node_impact(&mut graph, "10.0.0.1").expect("an alias");
    let by_dns = node_impact(&mut graph, "host-1.example").expect("an alias");
    let by_id = node_impact(&mut graph, "host-1").expect("the id");
    assert_eq!(by_ip.node, "host-1");
    assert_eq!(by_ip, by_id);
    assert_eq!(by_dns, by_id);
}

#[test]
fn a_link_failure_reaches_what_runs_behind_the_switch_it_feeds() {
    let mut graph = DependencyGraph::new(&estate());
    let impact = node_impact(&mut graph, "link-1").expect("known");
    let down = ids(&impact.downstream);
    for id in ["sw-1", "core-1", "host-1", "host-2", "svc-pay", "biz-shop"] {
        assert!(down.contains(&id), "{id} missing from {down:?}");
    }
    let shop = find(&impact.business_systems, "biz-shop");
    assert_eq!(
        shop.path,
        path(
            &["link-1", "sw-1", "host-2", "svc-order", "biz-shop"],
            &[ConnectsTo, ConnectsTo, RunsOn, DependsOn]
        )
    );
    // A switch failing reaches its link but not past it to the core's other links.
    let switch = node_impact(&mut graph, "sw-1").expect("known");
    assert!(ids(&switch.downstream).contains(&"link-1"));
    assert!(!ids(&switch.downstream).contains(&"core-1"));
}

#[test]
fn a_site_reaches_everything_located_in_it_and_what_runs_there() {
    let mut graph = DependencyGraph::new(&estate());
    let impact = node_impact(&mut graph, "site-a").expect("known");
    let down = ids(&impact.downstream);
    for id in [
        "rack-1", "core-1", "sw-1", "host-1", "host-2", "db-1", "mq-1", "svc-pay",
    ] {
        assert!(down.contains(&id), "{id} missing from {down:?}");
    }
    assert_eq!(ids(&impact.business_systems), ["biz-pay", "biz-shop"]);
    assert!(impact.upstream.is_empty());
    // Seen from inside, a site is where the walk stops: a host needs its site, not
    // everything else in it.
    let host = node_impact(&mut graph, "host-2").expect("known");
    assert!(ids(&host.upstream).contains(&"site-a"));
    assert!(!ids(&host.upstream).contains(&"core-1"));
}

#[test]
fn an_unknown_node_has_no_impact() {
    let mut graph = DependencyGraph::new(&estate());
    assert_eq!(node_impact(&mut graph, "nowhere"), None);
}

#[test]
fn impact_follows_a_service_chain_and_stops_at_loops() {
    let mut t = estate();
    t.nodes.push(Node::new("svc-edge", "edge", Service));
    t.relations
        .push(Relation::new("svc-edge", "svc-pay", DependsOn));
    t.relations
        .push(Relation::new("svc-pay", "svc-edge", DependsOn));
    let mut graph = DependencyGraph::new(&t);
    let impact = node_impact(&mut graph, "db-1").expect("known");
    let edge = find(&impact.downstream, "svc-edge");
    assert_eq!(edge.hops, 2);
    assert_eq!(
        ids(&impact.downstream)
            .iter()
            .filter(|id| **id == "svc-pay")
            .count(),
        1
    );
}

fn alarm(id: u64, node: &str, status: &str) -> Alarm {
    serde_json::from_value(json!({
        "id": id, "fingerprint": format!("f{id}"), "source": "test", "node": node,
        "severity": "critical", "title": "down", "text": "", "labels": {},
        "status": status, "first_seen": 0, "last_seen": 0, "count": 1, "incident": 7,
    }))
    .expect("an alarm")
}

fn incident(alarms: &[u64], nodes: &[&str], root: &str) -> Incident {
    serde_json::from_value(json!({
        "id": 7, "title": "t", "severity": "critical", "status": "open",
        "root_node": root, "alarms": alarms, "nodes": nodes, "active_alarms": 1,
        "reason": "r", "opened_at": 0, "updated_at": 0, "comments": 0,
    }))
    .expect("an incident")
}

#[test]
fn an_incident_is_about_its_active_alarms_nodes_through_aliases() {
    let topology = estate();
    let mut state = State::default();
    state.topology = topology.clone();
    // The queue's alarm has cleared; the host's is active and names its IP address.
    for a in [alarm(1, "10.0.0.1", "active"), alarm(2, "mq-1", "cleared")] {
        state.alarms.insert(a.id, a);
    }
    let found = incident(&[1, 2], &["10.0.0.1", "mq-1"], "10.0.0.1");
    let mut graph = DependencyGraph::new(&topology);
    let impact = incident_impact(&mut graph, &state, &found);
    assert_eq!(impact.incident, 7);
    assert_eq!(impact.root.as_deref(), Some("host-1"));
    assert_eq!(impact.failing, ["host-1"]);
    assert!(impact.blast_radius.contains(&"svc-order".to_string()));
    assert!(!impact.blast_radius.contains(&"host-1".to_string()));
    assert!(!impact.blast_radius.contains(&"mq-1".to_string()));
    let pay = find(&impact.business_systems, "biz-pay");
    assert_eq!(
        pay.path,
        path(&["host-1", "svc-pay", "biz-pay"], &[RunsOn, DependsOn])
    );
}

#[test]
fn an_incident_keeps_the_nearest_failing_node_for_each_business_system() {
    let topology = estate();
    let mut state = State::default();
    state.topology = topology.clone();
    for a in [
        alarm(1, "host-1", "active"),
        alarm(2, "svc-order", "active"),
    ] {
        state.alarms.insert(a.id, a);
    }
    let found = incident(&[1, 2], &["host-1", "svc-order"], "host-1");
    let mut graph = DependencyGraph::new(&topology);
    let impact = incident_impact(&mut graph, &state, &found);
    assert_eq!(impact.failing, ["host-1", "svc-order"]);
    let shop = find(&impact.business_systems, "biz-shop");
    assert_eq!(shop.hops, 1);
    assert_eq!(shop.path, path(&["svc-order", "biz-shop"], &[DependsOn]));
    assert_eq!(ids(&impact.business_systems), ["biz-shop", "biz-pay"]);
    // Failing nodes are not in their own blast radius, even when one needs the other.
    assert!(!impact.blast_radius.contains(&"svc-order".to_string()));
}

#[test]
fn once_every_alarm_cleared_the_incident_is_about_all_its_nodes() {
    let topology = estate();
    let mut state = State::default();
    state.topology = topology.clone();
    let a = alarm(1, "mq-1", "cleared");
    state.alarms.insert(a.id, a);
    let found = incident(&[1], &["mq-1"], "mq-1");
    let mut graph = DependencyGraph::new(&topology);
    let impact = incident_impact(&mut graph, &state, &found);
    assert_eq!(impact.failing, ["mq-1"]);
    assert_eq!(impact.blast_radius, ["biz-shop", "svc-order"]);
    assert_eq!(ids(&impact.business_systems), ["biz-shop"]);
}

#[test]
fn a_failing_business_system_is_affected_at_zero_hops() {
    let topology = estate();
    let mut state = State::default();
    state.topology = topology.clone();
    let a = alarm(1, "biz-pay", "active");
    state.alarms.insert(a.id, a);
    let mut graph = DependencyGraph::new(&topology);
    let impact = incident_impact(&mut graph, &state, &incident(&[1], &["biz-pay"], "biz-pay"));
    assert_eq!(impact.business_systems.len(), 1);
    assert_eq!(impact.business_systems[0].hops, 0);
    assert_eq!(impact.business_systems[0].path, path(&["biz-pay"], &[]));
}
