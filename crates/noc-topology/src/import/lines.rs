//! Where each node and relation of a file was written, to name the line of a problem
//! found only once the whole file is read (a dangling reference, a cycle).

use std::collections::HashMap;

use noc_model::Topology;

use crate::validate::{self, Culprit};
use crate::TopologyError;

/// The 1-based line of each node and each relation, by index in the topology read.
#[derive(Debug, Default)]
pub(super) struct ItemLines {
    pub nodes: Vec<usize>,
    pub relations: Vec<usize>,
}

impl ItemLines {
    fn of(&self, culprit: Culprit) -> usize {
        match culprit {
            Culprit::Node(i) => self.nodes.get(i).copied().unwrap_or(1),
            Culprit::Relation(i) => self.relations.get(i).copied().unwrap_or(1),
        }
    }

    /// Runs the checks every topology passes and names the line of the first problem.
    pub fn check(&self, file: &str, topology: &Topology) -> Result<(), TopologyError> {
        let Some(problem) = validate::find_problem(topology) else {
            return Ok(());
        };
        let line = self.of(problem.at);
        let message = match problem.earlier {
            Some(earlier) => format!("{} (see line {})", problem.message, self.of(earlier)),
            None => problem.message,
        };
        Err(TopologyError::AtLine {
            file: file.to_string(),
            line,
            message,
        })
    }
}

/// Relations in files may name a node by an alias (its IP address, its DNS name);
/// stored relations name ids. A name that is some node's id stays as it is.
pub(super) fn resolve_aliases(topology: &mut Topology) {
    let ids: std::collections::HashSet<&str> =
        topology.nodes.iter().map(|n| n.id.as_str()).collect();
    let mut aliases: HashMap<&str, &str> = HashMap::new();
    for node in &topology.nodes {
        for alias in &node.aliases {
            if !ids.contains(alias.as_str()) {
                aliases.entry(alias.as_str()).or_insert(node.id.as_str());
            }
        }
    }
    if aliases.is_empty() {
        return;
    }
    let renames: Vec<(usize, Option<String>, Option<String>)> = topology
        .relations
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let from = aliases.get(r.from.as_str()).map(|id| id.to_string());
            let to = aliases.get(r.to.as_str()).map(|id| id.to_string());
            (from.is_some() || to.is_some()).then_some((i, from, to))
        })
        .collect();
    for (i, from, to) in renames {
        let relation = &mut topology.relations[i];
        if let Some(from) = from {
            relation.from = from;
        }
        if let Some(to) = to {
            relation.to = to;
        }
    }
}
