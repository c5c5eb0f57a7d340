//! One dependency graph per version of the topology, shared by every impact request:
//! building it costs far more than a walk, and the topology changes rarely.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use noc_model::{Batch, EventBody, Topology};
use noc_topology::DependencyGraph;

struct Built {
    version: u64,
    graph: DependencyGraph,
}

#[derive(Default)]
pub(crate) struct ImpactGraph {
    /// Raised for every committed batch that changes nodes or relations.
    version: AtomicU64,
    built: Mutex<Option<Built>>,
}

impl ImpactGraph {
    /// Notes a committed batch; the next question rebuilds the graph if it changed it.
    pub fn observe(&self, batch: &Batch) {
        if changes_graph(batch) {
            self.invalidate();
        }
    }

    pub fn invalidate(&self) {
        self.version.fetch_add(1, Ordering::SeqCst);
    }

    /// Answers `ask` on the graph of `topology`, the live topology: the graph is
    /// built again first when a batch changed it since the last build.
    pub fn ask<T>(&self, topology: &Topology, ask: impl FnOnce(&mut DependencyGraph) -> T) -> T {
        // Read before building: a change committed meanwhile raises the version
        // again, so the graph is rebuilt once more rather than kept stale.
        let version = self.version.load(Ordering::SeqCst);
        let mut built = self.built.lock().unwrap_or_else(|e| e.into_inner());
        let current = match built.take() {
            Some(b) if b.version == version => b,
            _ => Built {
                version,
                graph: DependencyGraph::new(topology),
            },
        };
        let built = built.insert(current);
        ask(&mut built.graph)
    }
}

/// Positions do not change who depends on whom: dragging a node keeps the graph.
fn changes_graph(batch: &Batch) -> bool {
    batch.changes.topology_changed
        && batch.events.iter().any(|e| {
            matches!(
                e.body,
                EventBody::TopologyLoaded { .. } | EventBody::TopologyEdited { .. }
            )
        })
}

#[cfg(test)]
mod tests {
    use noc_model::{Changes, NewEvent, Node, NodeKind, TopologyChange, TopologyView};

    use super::*;

    fn estate(ids: &[&str]) -> Topology {
        Topology {
            nodes: ids
                .iter()
                .map(|id| Node::new(*id, *id, NodeKind::Host))
                .collect(),
            relations: Vec::new(),
        }
    }

    fn batch(body: EventBody) -> Batch {
        Batch {
            first_seq: 1,
            last_seq: 1,
            events: vec![NewEvent::new(0, "li.na", body).with_seq(1)],
            changes: Changes {
                topology_changed: true,
                ..Changes::default()
            },
        }
    }

    fn knows(impact: &ImpactGraph, topology: &Topology, node: &str) -> bool {
        impact.ask(topology, |graph| graph.knows(node))
    }

    #[test]
    fn the_graph_is_built_again_only_when_nodes_or_relations_changed() {
        let impact = ImpactGraph::default();
        let before = estate(&["host-1"]);
        let after = estate(&["host-1", "host-2"]);
        assert!(knows(&impact, &before, "host-1"));

        let dragged = EventBody::TopologyPositionsSet {
            view: TopologyView::Network,
            positions: Vec::new(),
        };
        impact.observe(&batch(dragged));
        assert!(
            !knows(&impact, &after, "host-2"),
            "a drag keeps the graph it has"
        );

        let edited = EventBody::TopologyEdited {
            change: TopologyChange::default(),
        };
        impact.observe(&batch(edited));
        assert!(knows(&impact, &after, "host-2"), "an edit rebuilds it");
        impact.invalidate();
        assert!(!knows(&impact, &before, "host-2"));
    }
}
