//! The topology graph on a generated 5,000-node / 10,000-relation estate: building the
//! dependency graph, impact of a node (cold and cached), impact of an incident with 1
//! and 20 failing nodes, both layouts, and placing 50 new nodes.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use noc_bench::topology_gen::estate;
use noc_model::{
    Alarm, AlarmStatus, Incident, Node, NodeKind, Relation, RelationKind, State, Topology,
    TopologyView,
};
use noc_topology::impact::{incident_impact, node_impact};
use noc_topology::layout::{lay_out, place_new};
use noc_topology::DependencyGraph;
use serde_json::json;

const NODES: usize = 5_000;
const RELATIONS: usize = 10_000;
const SEED: u64 = 1;

fn ids_of(topology: &Topology, kind: NodeKind) -> Vec<String> {
    topology
        .nodes
        .iter()
        .filter(|n| n.kind == kind)
        .map(|n| n.id.clone())
        .collect()
}

fn alarm(id: u64, node: &str) -> Alarm {
    serde_json::from_value(json!({
        "id": id, "fingerprint": format!("f{id}"), "source": "bench", "node": node,
        "severity": "critical", "title": "down", "text": "", "labels": {},
        "status": "active", "first_seen": 0, "last_seen": 0, "count": 1, "incident": 1,
    }))
    .expect("an alarm")
}

/// An incident whose active alarms are on `failing`, in a state holding them.
fn incident_on(topology: &Topology, failing: &[String]) -> (State, Incident) {
    let mut state = State::default();
    state.topology = topology.clone();
    for (k, node) in failing.iter().enumerate() {
        let a = alarm(k as u64 + 1, node);
        assert_eq!(a.status, AlarmStatus::Active);
        state.alarms.insert(a.id, a);
    }
    let incident: Incident = serde_json::from_value(json!({
        "id": 1, "title": "storm", "severity": "critical", "status": "open",
        "root_node": failing[0], "alarms": (1..=failing.len() as u64).collect::<Vec<_>>(),
        "nodes": failing, "active_alarms": failing.len(), "reason": "bench",
        "opened_at": 0, "updated_at": 0, "comments": 0,
    }))
    .expect("an incident");
    (state, incident)
}

/// The estate with its layouts stored and 50 new hosts, each in a rack and on its
/// switch, as a discovery run would add them.
fn with_new_hosts(topology: &Topology, view: TopologyView) -> Topology {
    let mut t = topology.clone();
    let positions = lay_out(&t, view);
    t.set_positions(view, &positions);
    let racks = ids_of(topology, NodeKind::Rack);
    for k in 0..50 {
        let id = format!("new-host-{k}");
        t.nodes
            .push(Node::new(id.clone(), id.clone(), NodeKind::Host));
        t.relations.push(Relation::new(
            &id,
            &racks[k % racks.len()],
            RelationKind::LocatedIn,
        ));
    }
    t
}

fn topology(c: &mut Criterion) {
    let topology = estate(NODES, RELATIONS, SEED);
    let mut group = c.benchmark_group("topology_5k_nodes_10k_relations");
    group.sample_size(20);

    group.bench_function("dependency_graph_new", |b| {
        b.iter(|| DependencyGraph::new(&topology))
    });

    let databases = ids_of(&topology, NodeKind::Database);
    let switches: Vec<String> = ids_of(&topology, NodeKind::NetworkDevice)
        .into_iter()
        .filter(|id| id.contains("-acc-"))
        .collect();
    group.bench_function("node_impact_cold_access_switch", |b| {
        b.iter_batched(
            || DependencyGraph::new(&topology),
            // The graph goes back out so its drop is not timed.
            |mut graph| {
                let impact = node_impact(&mut graph, &switches[0]);
                (graph, impact)
            },
            BatchSize::LargeInput,
        )
    });
    let mut warm = DependencyGraph::new(&topology);
    node_impact(&mut warm, &switches[0]);
    group.bench_function("node_impact_warm_access_switch", |b| {
        b.iter(|| node_impact(&mut warm, &switches[0]))
    });
    let sites = ids_of(&topology, NodeKind::Site);
    group.bench_function("node_impact_cold_site", |b| {
        b.iter_batched(
            || DependencyGraph::new(&topology),
            |mut graph| {
                let impact = node_impact(&mut graph, &sites[0]);
                (graph, impact)
            },
            BatchSize::LargeInput,
        )
    });

    for failing in [1usize, 20] {
        // Databases and access switches alternately: an incident spanning both layers.
        let nodes: Vec<String> = (0..failing)
            .map(|k| match k % 2 {
                0 => databases[k * 7 % databases.len()].clone(),
                _ => switches[k * 3 % switches.len()].clone(),
            })
            .collect();
        let (state, incident) = incident_on(&topology, &nodes);
        group.bench_function(format!("incident_impact_cold_{failing}_failing"), |b| {
            b.iter_batched(
                || DependencyGraph::new(&topology),
                |mut graph| {
                    let impact = incident_impact(&mut graph, &state, &incident);
                    (graph, impact)
                },
                BatchSize::LargeInput,
            )
        });
        let mut graph = DependencyGraph::new(&topology);
        incident_impact(&mut graph, &state, &incident);
        group.bench_function(format!("incident_impact_warm_{failing}_failing"), |b| {
            b.iter(|| incident_impact(&mut graph, &state, &incident))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("topology_layout_5k_nodes_10k_relations");
    group.sample_size(10);
    for view in [TopologyView::Layered, TopologyView::Network] {
        let name = format!("{view:?}").to_lowercase();
        group.bench_function(format!("lay_out_{name}"), |b| {
            b.iter(|| lay_out(&topology, view))
        });
        let grown = with_new_hosts(&topology, view);
        group.bench_function(format!("place_new_50_{name}"), |b| {
            b.iter(|| place_new(&grown, view))
        });
    }
    group.finish();
}

criterion_group!(benches, topology);
criterion_main!(benches);
