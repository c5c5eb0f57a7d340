//! Placing nodes that arrived after the layout (discovery, an import, an edit) without
//! moving any node an operator already knows where to find.

use noc_model::{NodePosition, RelationKind, Topology, TopologyView};

use super::layered::{band_rank, kind_rank};
use super::{LayoutGraph, Occupancy, Xy, BAND_GAP, SPACING};

pub(super) fn place_new(topology: &Topology, view: TopologyView) -> Vec<NodePosition> {
    let known: Vec<Option<Xy>> = topology
        .nodes
        .iter()
        .map(|n| n.positions.get(view).map(|p| Xy { x: p.x, y: p.y }))
        .collect();
    if known.iter().all(Option::is_none) {
        // Nothing to keep: the first layout of this view.
        return super::lay_out(topology, view);
    }
    let graph = LayoutGraph::new(topology);
    let mut room = Occupancy::new();
    for p in known.iter().flatten() {
        room.take(*p);
    }
    let mut points = known.clone();
    let mut waiting: Vec<usize> = (0..graph.len()).filter(|&n| known[n].is_none()).collect();
    // In waves: whoever has a placed neighbour now, then those next to them.
    loop {
        let before = waiting.len();
        let wave: Vec<(usize, Xy)> = waiting
            .iter()
            .filter_map(|&n| neighbours_middle(&graph, n, &points).map(|wish| (n, wish)))
            .collect();
        for (n, wish) in wave {
            let spot = match view {
                TopologyView::Layered => {
                    let row = level_y(&graph, n, &points, wish.x);
                    free_spot_in_row(&room, Xy { x: wish.x, y: row })
                }
                TopologyView::Network => room.free_spot_near(wish),
            };
            room.take(spot);
            points[n] = Some(spot);
        }
        waiting.retain(|&n| points[n].is_none());
        if waiting.is_empty() || waiting.len() == before {
            break;
        }
    }
    for n in waiting {
        let spot = at_the_edge(&graph, n, &points, &room, view);
        room.take(spot);
        points[n] = Some(spot);
    }
    topology
        .nodes
        .iter()
        .enumerate()
        .filter(|(n, _)| known[*n].is_none())
        .filter_map(|(n, node)| {
            points[n].map(|p| NodePosition {
                id: node.id.clone(),
                x: p.x,
                y: p.y,
            })
        })
        .collect()
}

/// The middle of a node's placed neighbours; a place (site, rack) counts as the middle
/// of what it holds, not its label, so a new device lands among its rack's devices.
fn neighbours_middle(graph: &LayoutGraph, n: usize, points: &[Option<Xy>]) -> Option<Xy> {
    let spots: Vec<Xy> = graph.neighbours[n]
        .iter()
        .filter_map(|nb| {
            let is_inside = nb.outgoing && nb.kind == RelationKind::LocatedIn;
            if is_inside && graph.kind(nb.node).is_container() {
                let held: Vec<Xy> = (0..graph.len())
                    .filter(|&m| m != n && graph.place[m] == Some(nb.node))
                    .filter_map(|m| points[m])
                    .collect();
                if !held.is_empty() {
                    return Some(middle(&held));
                }
            }
            points[nb.node]
        })
        .collect();
    (!spots.is_empty()).then(|| middle(&spots))
}

fn middle(points: &[Xy]) -> Xy {
    let n = points.len() as f64;
    Xy {
        x: points.iter().map(|p| p.x).sum::<f64>() / n,
        y: points.iter().map(|p| p.y).sum::<f64>() / n,
    }
}

/// The row a node joins on the layered view: the row of the placed node of its kind
/// nearest `x`; a kind not shown yet gets a row under its band's lowest node, a band
/// not shown yet a row where the band belongs.
fn level_y(graph: &LayoutGraph, n: usize, points: &[Option<Xy>], x: f64) -> f64 {
    let node = &graph.topology.nodes[n];
    let (band, kind) = (band_rank(node.layer), kind_rank(node.kind));
    let same_kind = graph
        .topology
        .nodes
        .iter()
        .zip(points)
        .filter_map(|(m, p)| {
            let p = (*p)?;
            (band_rank(m.layer) == band && kind_rank(m.kind) == kind).then_some(p)
        });
    if let Some(p) = same_kind.min_by(|a, b| (a.x - x).abs().total_cmp(&(b.x - x).abs())) {
        return p.y;
    }
    let extent = |b: u8| {
        graph
            .topology
            .nodes
            .iter()
            .zip(points)
            .filter_map(|(m, p)| (band_rank(m.layer) == b).then_some((*p)?.y))
            .fold(None, |acc: Option<(f64, f64)>, y| match acc {
                None => Some((y, y)),
                Some((lo, hi)) => Some((lo.min(y), hi.max(y))),
            })
    };
    if let Some((_, bottom)) = extent(band) {
        return bottom + SPACING;
    }
    let above = (0..band).rev().find_map(extent).map(|(_, bottom)| bottom);
    let below = (band + 1..3).find_map(extent).map(|(top, _)| top);
    match (above, below) {
        (Some(a), Some(b)) => (a + b) / 2.0,
        (Some(a), None) => a + BAND_GAP,
        (None, Some(b)) => b - BAND_GAP,
        (None, None) => 0.0,
    }
}

/// The free point of a row nearest `wish`, trying right then left, so a node never
/// leaves its band.
fn free_spot_in_row(room: &Occupancy, wish: Xy) -> Xy {
    (0i64..)
        .flat_map(|k| [k, -k - 1])
        .map(|k| Xy {
            x: wish.x + k as f64 * Occupancy::GAP,
            y: wish.y,
        })
        .find(|p| room.is_free(*p))
        .unwrap_or(wish)
}

/// A node with no placed neighbour: the right end of its row (layered), or a column
/// right of the picture (network).
fn at_the_edge(
    graph: &LayoutGraph,
    n: usize,
    points: &[Option<Xy>],
    room: &Occupancy,
    view: TopologyView,
) -> Xy {
    let right = points
        .iter()
        .flatten()
        .map(|p| p.x)
        .fold(f64::MIN, f64::max);
    let top = points
        .iter()
        .flatten()
        .map(|p| p.y)
        .fold(f64::MAX, f64::min);
    match view {
        TopologyView::Layered => {
            let y = level_y(graph, n, points, right);
            free_spot_in_row(
                room,
                Xy {
                    x: right + SPACING,
                    y,
                },
            )
        }
        TopologyView::Network => {
            let x = right + 2.0 * SPACING;
            (0..)
                .map(|k| Xy {
                    x,
                    y: top + k as f64 * SPACING,
                })
                .find(|p| room.is_free(*p))
                .unwrap_or(Xy { x, y: top })
        }
    }
}
