//! A small bank network for engine tests, and signal builders.

#![allow(dead_code)]

use noc_model::{
    AlarmSignal, Labels, Layer, Millis, Node, NodeKind, Relation, RelationKind, Severity, Signal,
    Topology,
};

pub const MIN: Millis = 60_000;

fn node(id: &str, kind: NodeKind) -> Node {
    Node::new(id, id, kind)
}

fn rel(from: &str, to: &str, kind: RelationKind) -> Relation {
    Relation::new(from, to, kind)
}

/// sys-banking → svc-payment → db-orders-01 → host-db-01 → sw-01 ← host-app-01 ← svc-payment;
/// svc-mail stands apart on host-mail-01; everything is in site dc-1.
pub fn bank() -> Topology {
    use NodeKind::*;
    use RelationKind::*;
    let nodes = vec![
        node("sys-banking", BusinessSystem),
        node("svc-payment", Service),
        node("svc-mail", Service),
        node("db-orders-01", Database),
        node("host-db-01", Host),
        node("host-app-01", Host),
        node("host-mail-01", Host),
        node("sw-01", NetworkDevice),
        node("sw-02", NetworkDevice),
        node("dc-1", Site),
    ];
    let mut relations = vec![
        rel("sys-banking", "svc-payment", DependsOn),
        rel("svc-payment", "db-orders-01", DependsOn),
        rel("svc-payment", "host-app-01", RunsOn),
        rel("db-orders-01", "host-db-01", RunsOn),
        rel("svc-mail", "host-mail-01", RunsOn),
        rel("host-db-01", "sw-01", ConnectsTo),
        rel("host-app-01", "sw-01", ConnectsTo),
        rel("host-mail-01", "sw-02", ConnectsTo),
        rel("sw-01", "sw-02", ConnectsTo),
    ];
    for n in &nodes {
        if n.kind != Site {
            relations.push(rel(&n.id, "dc-1", LocatedIn));
        }
    }
    let _ = Layer::Iaas;
    Topology { nodes, relations }
}

pub fn alarm(node: Option<&str>, key: &str, firing: bool, at: Millis) -> Signal {
    Signal::Alarm(AlarmSignal {
        source: "prom".into(),
        key: key.into(),
        node: node.map(str::to_string),
        severity: Severity::Major,
        title: format!("{key} alarm"),
        text: format!("{key} text"),
        labels: Labels::new(),
        at,
        firing,
    })
}

pub fn fire(node: &str, at: Millis) -> Signal {
    alarm(Some(node), &format!("{node}:down"), true, at)
}

pub fn clear(node: &str, at: Millis) -> Signal {
    alarm(Some(node), &format!("{node}:down"), false, at)
}

/// An alarm signal with labels, from `source`.
pub fn labelled(
    source: &str,
    node: Option<&str>,
    key: &str,
    labels: &[(&str, &str)],
    firing: bool,
    at: Millis,
) -> Signal {
    Signal::Alarm(AlarmSignal {
        source: source.into(),
        key: key.into(),
        node: node.map(str::to_string),
        severity: Severity::Major,
        title: format!("{key} alarm"),
        text: format!("{key} text"),
        labels: labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        at,
        firing,
    })
}

/// The same firing alarm as `fire`, with another severity.
pub fn fire_with(node: &str, severity: Severity, at: Millis) -> Signal {
    let Signal::Alarm(mut signal) = fire(node, at) else {
        unreachable!()
    };
    signal.severity = severity;
    Signal::Alarm(signal)
}
