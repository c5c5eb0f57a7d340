//! What makes a topology acceptable: unique ids, relations between known nodes, no
//! self-relations or duplicate relations, a node in at most one place, and no cycles
//! where a cycle makes no sense.
//!
//! `depends_on`, `runs_on` and `located_in` together say what a node needs; a node that
//! needs itself, directly or through others, would make every root cause and impact
//! walk meaningless, so such cycles are refused. `connects_to` cycles are network rings
//! and are normal. The engine runs this on every operator edit, so it stays linear in
//! the size of the topology.

use std::collections::HashMap;

use noc_model::{NodeKind, RelationKind, Topology};

use crate::TopologyError;

/// Checks a whole topology (after an import or an edit), naming the first problem.
pub fn check(topology: &Topology) -> Result<(), TopologyError> {
    match find_problem(topology) {
        Some(problem) => Err(TopologyError::Invalid(problem.message)),
        None => Ok(()),
    }
}

/// The first problem of a topology and the item at fault, so that a file importer can
/// name the line it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    pub at: Culprit,
    /// The item the culprit clashes with, when there is one (the first node of a
    /// duplicate id, the other place of a node in two places).
    pub earlier: Option<Culprit>,
}

/// An item of a topology, by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Culprit {
    Node(usize),
    Relation(usize),
}

/// The first problem found, in a fixed order: node ids, then each relation in turn,
/// then places, then cycles. The later checks rely on the earlier ones: once relations
/// have passed, every end is a known id.
pub fn find_problem(topology: &Topology) -> Option<Problem> {
    let index = match node_index(topology) {
        Ok(index) => index,
        Err(problem) => return Some(problem),
    };
    relation_problem(topology, &index)
        .or_else(|| place_problem(topology, &index))
        .or_else(|| cycle_problem(topology, &index))
}

fn node_index(topology: &Topology) -> Result<HashMap<&str, usize>, Problem> {
    let mut index = HashMap::with_capacity(topology.nodes.len());
    for (i, node) in topology.nodes.iter().enumerate() {
        if node.id.trim().is_empty() {
            return Err(Problem {
                message: format!("node \"{}\" has no id", node.name),
                at: Culprit::Node(i),
                earlier: None,
            });
        }
        if let Some(&first) = index.get(node.id.as_str()) {
            return Err(Problem {
                message: format!("duplicate node id {}", node.id),
                at: Culprit::Node(i),
                earlier: Some(Culprit::Node(first)),
            });
        }
        index.insert(node.id.as_str(), i);
    }
    Ok(index)
}

fn relation_problem(topology: &Topology, index: &HashMap<&str, usize>) -> Option<Problem> {
    let mut seen: HashMap<(usize, usize, RelationKind), usize> =
        HashMap::with_capacity(topology.relations.len());
    for (i, relation) in topology.relations.iter().enumerate() {
        let at = Culprit::Relation(i);
        let word = kind_word(relation.kind);
        let mut ends = [0; 2];
        for (end, name) in ends.iter_mut().zip([&relation.from, &relation.to]) {
            match index.get(name.as_str()) {
                Some(&n) => *end = n,
                None => {
                    return Some(Problem {
                        message: format!(
                            "relation {word} from {} to {} names unknown node {name}",
                            relation.from, relation.to
                        ),
                        at,
                        earlier: None,
                    })
                }
            }
        }
        let [from, to] = ends;
        if from == to {
            return Some(Problem {
                message: format!("relation {word} joins {} to itself", relation.from),
                at,
                earlier: None,
            });
        }
        // A link joins two ends whichever way it is written down.
        let key = if relation.kind == RelationKind::ConnectsTo {
            (from.min(to), from.max(to), relation.kind)
        } else {
            (from, to, relation.kind)
        };
        if let Some(&first) = seen.get(&key) {
            return Some(Problem {
                message: format!(
                    "duplicate relation {word} from {} to {}",
                    relation.from, relation.to
                ),
                at,
                earlier: Some(Culprit::Relation(first)),
            });
        }
        seen.insert(key, i);
    }
    None
}

/// A device is in one rack or one site; several groups (host groups) are fine.
fn place_problem(topology: &Topology, index: &HashMap<&str, usize>) -> Option<Problem> {
    let mut place_of: HashMap<usize, usize> = HashMap::new();
    for (i, relation) in topology.relations.iter().enumerate() {
        if relation.kind != RelationKind::LocatedIn {
            continue;
        }
        let to = index[relation.to.as_str()];
        if !matches!(topology.nodes[to].kind, NodeKind::Site | NodeKind::Rack) {
            continue;
        }
        let from = index[relation.from.as_str()];
        if let Some(&first) = place_of.get(&from) {
            let other = &topology.relations[first].to;
            return Some(Problem {
                message: format!(
                    "{} is located in both {other} and {}; a node is in at most one site or rack",
                    relation.from, relation.to
                ),
                at: Culprit::Relation(i),
                earlier: Some(Culprit::Relation(first)),
            });
        }
        place_of.insert(from, i);
    }
    None
}

fn needs(kind: RelationKind) -> bool {
    matches!(
        kind,
        RelationKind::DependsOn | RelationKind::RunsOn | RelationKind::LocatedIn
    )
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Visit {
    New,
    Open,
    Done,
}

/// A depth-first walk of the "needs" graph without recursion (estates are deep enough
/// to matter); the first edge back to a node still open closes a cycle.
fn cycle_problem(topology: &Topology, index: &HashMap<&str, usize>) -> Option<Problem> {
    let n = topology.nodes.len();
    // Outgoing "needs" edges as (target, relation index), grouped by source node.
    let mut start = vec![0usize; n + 1];
    let edges: Vec<(usize, usize, usize)> = topology
        .relations
        .iter()
        .enumerate()
        .filter(|(_, r)| needs(r.kind))
        .map(|(i, r)| (index[r.from.as_str()], index[r.to.as_str()], i))
        .collect();
    for &(from, _, _) in &edges {
        start[from + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut out = vec![(0usize, 0usize); edges.len()];
    for &(from, to, relation) in &edges {
        out[fill[from]] = (to, relation);
        fill[from] += 1;
    }

    let mut visit = vec![Visit::New; n];
    // Each frame: the node and the next of its edges to follow.
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for root in 0..n {
        if visit[root] != Visit::New {
            continue;
        }
        visit[root] = Visit::Open;
        stack.push((root, start[root]));
        while let Some(top) = stack.last_mut() {
            let (node, next) = *top;
            if next == start[node + 1] {
                visit[node] = Visit::Done;
                stack.pop();
                continue;
            }
            top.1 += 1;
            let (to, relation) = out[next];
            match visit[to] {
                Visit::New => {
                    visit[to] = Visit::Open;
                    stack.push((to, start[to]));
                }
                Visit::Open => {
                    let from = stack.iter().position(|&(s, _)| s == to).unwrap_or(0);
                    let mut names: Vec<&str> = stack[from..]
                        .iter()
                        .map(|&(s, _)| topology.nodes[s].id.as_str())
                        .collect();
                    names.push(topology.nodes[to].id.as_str());
                    return Some(Problem {
                        message: format!(
                            "cycle: {} — a node cannot need itself through depends_on, \
                             runs_on or located_in",
                            names.join(" → ")
                        ),
                        at: Culprit::Relation(relation),
                        earlier: None,
                    });
                }
                Visit::Done => {}
            }
        }
    }
    None
}

/// The relation's kind as written in files and messages (`depends_on`).
pub fn kind_word(kind: RelationKind) -> &'static str {
    match kind {
        RelationKind::RunsOn => "runs_on",
        RelationKind::DependsOn => "depends_on",
        RelationKind::ConnectsTo => "connects_to",
        RelationKind::LocatedIn => "located_in",
    }
}
