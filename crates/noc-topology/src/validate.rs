//! What makes a topology acceptable: unique ids, relations between known nodes, no
//! self-relations, and no cycles where a cycle makes no sense.

use std::collections::HashSet;

use noc_model::Topology;

use crate::TopologyError;

/// Checks a whole topology (after an import or an edit), naming the first problem.
pub fn check(topology: &Topology) -> Result<(), TopologyError> {
    let mut ids = HashSet::with_capacity(topology.nodes.len());
    for node in &topology.nodes {
        if node.id.trim().is_empty() {
            return Err(TopologyError::invalid(format!(
                "node \"{}\" has no id",
                node.name
            )));
        }
        if !ids.insert(node.id.as_str()) {
            return Err(TopologyError::invalid(format!(
                "duplicate node id {}",
                node.id
            )));
        }
    }
    for relation in &topology.relations {
        for end in [&relation.from, &relation.to] {
            if !ids.contains(end.as_str()) {
                return Err(TopologyError::invalid(format!(
                    "relation {} → {} names unknown node {end}",
                    relation.from, relation.to
                )));
            }
        }
        if relation.from == relation.to {
            return Err(TopologyError::invalid(format!(
                "relation {} → {} joins a node to itself",
                relation.from, relation.to
            )));
        }
    }
    Ok(())
}
