//! Positions for the two views, computed once and stored; status updates never move
//! a node.

use noc_model::{Layer, NodePosition, Topology, TopologyView};

/// Distance between neighbouring nodes, in layout units.
const SPACING: f64 = 80.0;

/// Positions for every node on `view`, computed from scratch.
pub fn lay_out(topology: &Topology, view: TopologyView) -> Vec<NodePosition> {
    let all: Vec<usize> = (0..topology.nodes.len()).collect();
    place(topology, view, &all)
}

/// Positions for the nodes not yet placed on `view`; placed nodes stay where they are.
pub fn place_new(topology: &Topology, view: TopologyView) -> Vec<NodePosition> {
    let unplaced: Vec<usize> = topology
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.positions.get(view).is_none())
        .map(|(i, _)| i)
        .collect();
    place(topology, view, &unplaced)
}

fn place(topology: &Topology, view: TopologyView, which: &[usize]) -> Vec<NodePosition> {
    let per_row = (which.len() as f64).sqrt().ceil().max(1.0) as usize;
    let mut row_of_layer = [0usize; 3];
    let mut out = Vec::with_capacity(which.len());
    for (k, &i) in which.iter().enumerate() {
        let node = &topology.nodes[i];
        let (x, y) = match view {
            TopologyView::Layered => {
                let band = match node.layer {
                    Layer::Saas => 0,
                    Layer::Paas => 1,
                    Layer::Iaas => 2,
                };
                let n = row_of_layer[band];
                row_of_layer[band] += 1;
                (
                    (n % per_row) as f64 * SPACING,
                    (band * per_row + n / per_row) as f64 * SPACING,
                )
            }
            TopologyView::Network => (
                (k % per_row) as f64 * SPACING,
                (k / per_row) as f64 * SPACING,
            ),
        };
        out.push(NodePosition {
            id: node.id.clone(),
            x,
            y,
        });
    }
    out
}
