//! Operator edits of the topology and the hub's automatic placement, through the engine.

mod common;

use common::bank;
use noc_engine::{Engine, EngineConfig};
use noc_model::{
    Command, EventBody, Node, NodeKind, NodePosition, Relation, RelationKind, Signal,
    TopologyChange, TopologyView, LAYOUT_ACTOR,
};

const T0: i64 = 1_700_000_000_000;

fn engine() -> Engine {
    let mut engine = Engine::new(EngineConfig::default());
    let topology = bank();
    engine.on_signal(
        Signal::Topology {
            origin: "source:test".into(),
            topology,
        },
        T0,
    );
    engine
}

fn place(id: &str, x: f64) -> Command {
    Command::PlaceNodes {
        view: TopologyView::Network,
        positions: vec![NodePosition {
            id: id.into(),
            x,
            y: 0.0,
        }],
    }
}

#[test]
fn the_automatic_placement_never_moves_a_node_an_operator_placed() {
    let mut engine = engine();
    engine
        .on_command(place("sw-01", 10.0), "alice", T0)
        .unwrap();
    let events = engine
        .on_command(place("sw-01", 99.0), LAYOUT_ACTOR, T0)
        .unwrap();
    assert!(events.is_empty(), "nothing left to place: {events:?}");
    let sw = engine.state().topology.node("sw-01").unwrap().positions;
    assert_eq!(sw.network.map(|p| p.x), Some(10.0));
    // An operator's re-layout or drag does move it.
    engine.on_command(place("sw-01", 42.0), "bob", T0).unwrap();
    let sw = engine.state().topology.node("sw-01").unwrap().positions;
    assert_eq!(sw.network.map(|p| p.x), Some(42.0));
}

#[test]
fn the_automatic_placement_places_the_nodes_still_unplaced() {
    let mut engine = engine();
    engine
        .on_command(place("sw-01", 10.0), "alice", T0)
        .unwrap();
    let both = Command::PlaceNodes {
        view: TopologyView::Network,
        positions: ["sw-01", "sw-02"]
            .map(|id| NodePosition {
                id: id.into(),
                x: 5.0,
                y: 5.0,
            })
            .to_vec(),
    };
    let events = engine.on_command(both, LAYOUT_ACTOR, T0).unwrap();
    let [event] = events.as_slice() else {
        panic!("one placement expected: {events:?}");
    };
    let EventBody::TopologyPositionsSet { positions, .. } = &event.body else {
        panic!("{event:?}");
    };
    let ids: Vec<&str> = positions.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["sw-02"]);
}

#[test]
fn an_edit_that_closes_a_dependency_cycle_is_refused_and_changes_nothing() {
    let mut engine = engine();
    let before = engine.state().topology.clone();
    let cycle = TopologyChange {
        upsert_relations: vec![Relation::new(
            "db-orders-01",
            "svc-payment",
            RelationKind::DependsOn,
        )],
        ..TopologyChange::default()
    };
    let err = engine
        .on_command(Command::EditTopology { change: cycle }, "alice", T0)
        .unwrap_err();
    assert_eq!(err.code(), "invalid_request");
    assert!(err.to_string().contains("cycle"), "{err}");
    assert_eq!(engine.state().topology, before);
}

#[test]
fn an_edit_adds_a_node_and_the_correlation_uses_it_at_once() {
    let mut engine = engine();
    let change = TopologyChange {
        upsert_nodes: vec![Node::new(
            "db-replica",
            "orders replica",
            NodeKind::Database,
        )],
        upsert_relations: vec![Relation::new(
            "db-replica",
            "host-db-01",
            RelationKind::RunsOn,
        )],
        ..TopologyChange::default()
    };
    engine
        .on_command(Command::EditTopology { change }, "alice", T0)
        .unwrap();
    let node = engine.state().topology.node("db-replica").unwrap();
    assert_eq!(node.origins, ["operator"]);
    engine.on_signal(common::fire("host-db-01", T0 + 1_000), T0 + 1_000);
    let events = engine.on_signal(common::fire("db-replica", T0 + 2_000), T0 + 2_000);
    let grouped = events.iter().any(|e| {
        matches!(&e.body, EventBody::AlarmGrouped { reason, .. } if reason.contains("db-replica") || reason.contains("host-db-01"))
    });
    assert!(
        grouped,
        "the replica's alarm joins the host's incident: {events:?}"
    );
}

#[test]
fn an_import_that_closes_a_cycle_through_another_origin_is_refused() {
    let mut engine = engine();
    let file = noc_model::Topology {
        nodes: vec![
            Node::new("db-orders-01", "orders", NodeKind::Database),
            Node::new("svc-payment", "payment", NodeKind::Service),
        ],
        relations: vec![Relation::new(
            "db-orders-01",
            "svc-payment",
            RelationKind::DependsOn,
        )],
    };
    let import = Command::ImportTopology {
        name: "apps.yaml".into(),
        topology: file,
    };
    let err = engine.on_command(import, "alice", T0).unwrap_err();
    assert!(err.to_string().contains("cycle"), "{err}");
}

#[test]
fn an_unsound_discovered_topology_can_still_be_edited() {
    let mut engine = engine();
    let mut seen = bank();
    seen.relations.push(Relation::new(
        "host-db-01",
        "host-app-01",
        RelationKind::DependsOn,
    ));
    seen.relations.push(Relation::new(
        "host-app-01",
        "host-db-01",
        RelationKind::DependsOn,
    ));
    engine.on_signal(
        Signal::Topology {
            origin: "source:test".into(),
            topology: seen,
        },
        T0,
    );
    let change = TopologyChange {
        upsert_nodes: vec![Node::new("sw-03", "sw-03", NodeKind::NetworkDevice)],
        ..TopologyChange::default()
    };
    engine
        .on_command(Command::EditTopology { change }, "alice", T0)
        .unwrap();
    assert!(engine.state().topology.node("sw-03").is_some());
}

#[test]
fn a_source_repeating_its_topology_records_nothing_until_an_edit_differs_from_it() {
    let mut engine = engine();
    let again = Signal::Topology {
        origin: "source:test".into(),
        topology: bank(),
    };
    assert!(engine.on_signal(again.clone(), T0 + 1).is_empty());
    let change = TopologyChange {
        remove_nodes: vec!["sw-02".into()],
        ..TopologyChange::default()
    };
    engine
        .on_command(Command::EditTopology { change }, "alice", T0)
        .unwrap();
    assert!(engine.state().topology.node("sw-02").is_none());
    // The source still sees the switch: its next report brings it back.
    let events = engine.on_signal(again.clone(), T0 + 2);
    assert_eq!(events.len(), 1, "{events:?}");
    assert!(engine.state().topology.node("sw-02").is_some());
    assert!(engine.on_signal(again, T0 + 3).is_empty());
}
