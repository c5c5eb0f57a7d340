//! Impact analysis: what a failing node or an incident hurts, up to the business systems.

use std::collections::BTreeSet;

use noc_model::{Incident, IncidentImpact, NodeImpact, NodeKind, ReachedNode, State};

use crate::graph::{DependencyGraph, Walk};

/// Upstream and downstream of one node; `None` when the topology does not know it.
pub fn node_impact(graph: &mut DependencyGraph, node: &str) -> Option<NodeImpact> {
    let id = graph.canonical(node)?.to_string();
    let upstream = graph.reached(&id, Walk::Upstream);
    let down = graph.impact_walk(&id, Walk::Downstream)?;
    let (downstream, business_systems) = (down.nodes.clone(), down.business_systems.clone());
    Some(NodeImpact {
        node: id,
        upstream,
        downstream,
        business_systems,
    })
}

/// The blast radius of an incident: everything downstream of the nodes its active
/// alarms are on (all its nodes once every alarm has cleared), and each affected
/// business system with the shortest path from a failing node.
pub fn incident_impact(
    graph: &mut DependencyGraph,
    state: &State,
    incident: &Incident,
) -> IncidentImpact {
    let failing = failing_nodes(graph, state, incident);
    let mut blast = BTreeSet::new();
    let mut systems: Vec<ReachedNode> = Vec::new();
    for node in &failing {
        if graph.kind(node) == Some(NodeKind::BusinessSystem) {
            keep_nearest(&mut systems, &self_reached(node));
        }
        let Some(down) = graph.impact_walk(node, Walk::Downstream) else {
            continue;
        };
        blast.extend(down.nodes.iter().map(|r| r.id.clone()));
        for reached in &down.business_systems {
            keep_nearest(&mut systems, reached);
        }
    }
    systems.sort_by(|a, b| a.hops.cmp(&b.hops).then_with(|| a.id.cmp(&b.id)));
    IncidentImpact {
        incident: incident.id,
        root: incident
            .root_node
            .as_deref()
            .map(|n| graph.canonical(n).unwrap_or(n).to_string()),
        blast_radius: blast.into_iter().filter(|n| !failing.contains(n)).collect(),
        failing,
        business_systems: systems,
    }
}

fn failing_nodes(graph: &DependencyGraph, state: &State, incident: &Incident) -> Vec<String> {
    let active: BTreeSet<String> = incident
        .alarms
        .iter()
        .filter_map(|id| state.alarms.get(id))
        .filter(|a| a.status == noc_model::AlarmStatus::Active)
        .filter_map(|a| a.node.clone())
        .collect();
    let nodes = if active.is_empty() {
        incident.nodes.iter().cloned().collect()
    } else {
        active
    };
    let canonical: BTreeSet<String> = nodes
        .iter()
        .map(|n| graph.canonical(n).unwrap_or(n).to_string())
        .collect();
    canonical.into_iter().collect()
}

fn self_reached(node: &str) -> ReachedNode {
    ReachedNode {
        id: node.to_string(),
        hops: 0,
        path: noc_model::ImpactPath {
            nodes: vec![node.to_string()],
            relations: Vec::new(),
        },
    }
}

/// Keeps, per business system, the path from the nearest failing node (the first
/// failing node in id order on a tie).
fn keep_nearest(systems: &mut Vec<ReachedNode>, reached: &ReachedNode) {
    match systems.iter_mut().find(|s| s.id == reached.id) {
        Some(known) if known.hops > reached.hops => *known = reached.clone(),
        Some(_) => {}
        None => systems.push(reached.clone()),
    }
}
