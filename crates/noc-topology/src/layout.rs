//! Positions for the two views, computed once and stored; status updates never move
//! a node.
//!
//! - Layered ([`TopologyView::Layered`]): three horizontal bands, SaaS on top, PaaS in
//!   the middle, IaaS at the bottom, separated by [`BAND_GAP`] for the band labels (see
//!   [`bands`]). Inside a band each kind has its own rows (business systems above
//!   services, hosts above network devices above places), ordered to reduce crossings
//!   and wrapped so a band is never much wider than the picture is tall.
//! - Network ([`TopologyView::Network`]): every site a block of its racks, each rack a
//!   block of what is in it, so the places the UI draws as compound nodes never overlap;
//!   the application layer beside the site it runs in; nodes in no place laid out by a
//!   force-directed pass over their links.
//!
//! Both are deterministic: the same topology always gives the same positions.

mod force;
mod layered;
mod network;
mod placement;

use std::collections::HashMap;

use noc_model::{Layer, NodeKind, NodePosition, RelationKind, Topology, TopologyView};

/// Distance between neighbouring nodes, in layout units.
pub const SPACING: f64 = 80.0;

/// Empty height between two bands of the layered view, where the UI draws their labels.
pub const BAND_GAP: f64 = 4.0 * SPACING;

/// Positions for every node on `view`, computed from scratch.
pub fn lay_out(topology: &Topology, view: TopologyView) -> Vec<NodePosition> {
    let graph = LayoutGraph::new(topology);
    let points = match view {
        TopologyView::Layered => layered::lay_out(&graph),
        TopologyView::Network => network::lay_out(&graph),
    };
    graph.positions(&points)
}

/// Positions for the nodes not yet placed on `view`, each next to its placed neighbours
/// or, without any, at the edge of its band (layered) or of the picture (network).
/// Placed nodes stay where they are and are not in the answer.
pub fn place_new(topology: &Topology, view: TopologyView) -> Vec<NodePosition> {
    placement::place_new(topology, view)
}

/// The vertical extent of one layer's band on the layered view.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    pub layer: Layer,
    /// Smallest y of the band's nodes.
    pub top: f64,
    /// Largest y of the band's nodes.
    pub bottom: f64,
}

/// The bands of a layered layout, top to bottom; a layer without nodes has no band.
pub fn bands(positions: &[NodePosition], topology: &Topology) -> Vec<Band> {
    let layers: HashMap<&str, Layer> = topology
        .nodes
        .iter()
        .map(|n| (n.id.as_str(), n.layer))
        .collect();
    let mut found: Vec<Band> = Vec::new();
    for p in positions {
        let Some(&layer) = layers.get(p.id.as_str()) else {
            continue;
        };
        match found.iter_mut().find(|b| b.layer == layer) {
            Some(band) => {
                band.top = band.top.min(p.y);
                band.bottom = band.bottom.max(p.y);
            }
            None => found.push(Band {
                layer,
                top: p.y,
                bottom: p.y,
            }),
        }
    }
    found.sort_by(|a, b| a.top.total_cmp(&b.top));
    found
}

/// A point on a view.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Xy {
    x: f64,
    y: f64,
}

/// One relation seen from one of its ends.
#[derive(Debug, Clone, Copy)]
struct Neighbour {
    node: usize,
    kind: RelationKind,
    /// This end is the relation's `from` (it runs on / depends on / is located in the other).
    outgoing: bool,
}

/// The topology indexed for the layouts: nodes by position in `topology.nodes`, the
/// relations from both ends, and the place (site, rack, group) each node is in.
struct LayoutGraph<'a> {
    topology: &'a Topology,
    neighbours: Vec<Vec<Neighbour>>,
    /// The container a node is `located_in`: a rack before a site before a group.
    place: Vec<Option<usize>>,
}

impl<'a> LayoutGraph<'a> {
    fn new(topology: &'a Topology) -> Self {
        let index: HashMap<&str, usize> = topology
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.as_str(), i))
            .collect();
        let count = topology.nodes.len();
        let mut neighbours = vec![Vec::new(); count];
        let mut place: Vec<Option<usize>> = vec![None; count];
        for relation in &topology.relations {
            let (Some(&from), Some(&to)) = (
                index.get(relation.from.as_str()),
                index.get(relation.to.as_str()),
            ) else {
                continue;
            };
            if from == to {
                continue;
            }
            let kind = relation.kind;
            neighbours[from].push(Neighbour {
                node: to,
                kind,
                outgoing: true,
            });
            neighbours[to].push(Neighbour {
                node: from,
                kind,
                outgoing: false,
            });
            let container = topology.nodes[to].kind;
            if kind == RelationKind::LocatedIn && container.is_container() {
                let better = match place[from] {
                    None => true,
                    Some(known) => place_rank(container) < place_rank(topology.nodes[known].kind),
                };
                if better {
                    place[from] = Some(to);
                }
            }
        }
        let mut graph = LayoutGraph {
            topology,
            neighbours,
            place,
        };
        graph.break_place_cycles();
        graph
    }

    fn len(&self) -> usize {
        self.topology.nodes.len()
    }

    fn kind(&self, node: usize) -> NodeKind {
        self.topology.nodes[node].kind
    }

    fn id(&self, node: usize) -> &str {
        &self.topology.nodes[node].id
    }

    /// A rack in a site in the rack: an operator's slip must not hang the layout.
    fn break_place_cycles(&mut self) {
        for start in 0..self.len() {
            let mut at = start;
            let mut steps = 0;
            while let Some(up) = self.place[at] {
                steps += 1;
                if up == start || steps > self.len() {
                    self.place[start] = None;
                    break;
                }
                at = up;
            }
        }
    }

    /// The outermost place a node is in (itself when it is in none).
    fn outermost_place(&self, node: usize) -> usize {
        let mut at = node;
        while let Some(up) = self.place[at] {
            at = up;
        }
        at
    }

    fn positions(&self, points: &[Xy]) -> Vec<NodePosition> {
        self.topology
            .nodes
            .iter()
            .zip(points)
            .map(|(n, p)| NodePosition {
                id: n.id.clone(),
                x: p.x,
                y: p.y,
            })
            .collect()
    }
}

/// Which container a node belongs to when it is `located_in` several: the smallest.
fn place_rank(kind: NodeKind) -> u8 {
    match kind {
        NodeKind::Rack => 0,
        NodeKind::Site => 1,
        _ => 2,
    }
}

/// Where nodes already are, to find a free spot near a wished-for point: a point is
/// free when no node is closer than [`Occupancy::GAP`].
struct Occupancy {
    cells: HashMap<(i64, i64), Vec<Xy>>,
}

impl Occupancy {
    const GAP: f64 = SPACING * 0.75;

    fn new() -> Self {
        Occupancy {
            cells: HashMap::new(),
        }
    }

    fn cell(p: Xy) -> (i64, i64) {
        (
            (p.x / Self::GAP).floor() as i64,
            (p.y / Self::GAP).floor() as i64,
        )
    }

    fn take(&mut self, p: Xy) {
        self.cells.entry(Self::cell(p)).or_default().push(p);
    }

    fn is_free(&self, p: Xy) -> bool {
        let (cx, cy) = Self::cell(p);
        (-1..=1).all(|dx| {
            (-1..=1).all(|dy| {
                self.cells.get(&(cx + dx, cy + dy)).is_none_or(|near| {
                    near.iter()
                        .all(|q| (q.x - p.x).powi(2) + (q.y - p.y).powi(2) >= Self::GAP.powi(2))
                })
            })
        })
    }

    /// The first free point on a square spiral around `wish`, in steps of the gap.
    fn free_spot_near(&self, wish: Xy) -> Xy {
        if self.is_free(wish) {
            return wish;
        }
        let step = Self::GAP;
        for ring in 1i64.. {
            for k in 0..(8 * ring) {
                let side = k / (2 * ring);
                let along = k % (2 * ring) - ring;
                let (dx, dy) = match side {
                    0 => (along, -ring),
                    1 => (ring, along),
                    2 => (-along, ring),
                    _ => (-ring, -along),
                };
                let p = Xy {
                    x: wish.x + dx as f64 * step,
                    y: wish.y + dy as f64 * step,
                };
                if self.is_free(p) {
                    return p;
                }
            }
        }
        unreachable!("an unbounded spiral always finds room")
    }
}
