//! The layered view: one band per layer, one group of rows per kind inside a band, each
//! kind ordered by barycentre sweeps (Sugiyama) so relations cross as little as they can.

use std::collections::HashMap;

use noc_model::{Layer, NodeKind};

use super::{LayoutGraph, Xy, BAND_GAP, SPACING};

/// Down-and-up barycentre sweeps; the ordering settles after a few.
const SWEEPS: usize = 4;
/// Vertical room between the row groups of two kinds of one band.
const LEVEL_GAP: f64 = 1.5 * SPACING;

/// Where a kind's rows sit inside its band, top first.
pub(super) fn kind_rank(kind: NodeKind) -> u8 {
    match kind {
        NodeKind::BusinessSystem => 0,
        NodeKind::Service => 1,
        NodeKind::Middleware => 2,
        NodeKind::Database => 3,
        NodeKind::Host => 4,
        NodeKind::NetworkDevice | NodeKind::Link => 5,
        NodeKind::Rack => 6,
        NodeKind::Site => 7,
        NodeKind::Group => 8,
    }
}

pub(super) fn band_rank(layer: Layer) -> u8 {
    match layer {
        Layer::Saas => 0,
        Layer::Paas => 1,
        Layer::Iaas => 2,
    }
}

/// How many nodes a row holds: about twice as wide as the picture is tall, so the
/// 3,000 hosts of a large estate make a block, not a line.
pub(super) fn row_capacity(nodes: usize) -> usize {
    ((nodes as f64).sqrt() * 2.0).ceil().max(16.0) as usize
}

/// The rows of one kind in one band.
struct Level {
    band: u8,
    nodes: Vec<usize>,
}

pub(super) fn lay_out(graph: &LayoutGraph) -> Vec<Xy> {
    let mut levels = levels(graph);
    let mut level_of = vec![0usize; graph.len()];
    for (l, level) in levels.iter().enumerate() {
        for &n in &level.nodes {
            level_of[n] = l;
        }
    }
    let mut order = vec![0.0f64; graph.len()];
    record_order(&levels, &mut order);
    for _ in 0..SWEEPS {
        for l in 1..levels.len() {
            sort_level(graph, &mut levels[l], &level_of, &order, |other| other < l);
            record_order(&levels, &mut order);
        }
        for l in (0..levels.len().saturating_sub(1)).rev() {
            sort_level(graph, &mut levels[l], &level_of, &order, |other| other > l);
            record_order(&levels, &mut order);
        }
    }
    place_levels(graph, &levels, &level_of)
}

/// Nodes grouped by (band, kind), bands top to bottom, each level first ordered by
/// place (site, rack) and id so the sweeps start from a sensible, stable order.
fn levels(graph: &LayoutGraph) -> Vec<Level> {
    let mut by_key: HashMap<(u8, u8), Vec<usize>> = HashMap::new();
    for (i, node) in graph.topology.nodes.iter().enumerate() {
        by_key
            .entry((band_rank(node.layer), kind_rank(node.kind)))
            .or_default()
            .push(i);
    }
    let mut keys: Vec<(u8, u8)> = by_key.keys().copied().collect();
    keys.sort_unstable();
    keys.into_iter()
        .map(|key| {
            let mut nodes = by_key.remove(&key).unwrap_or_default();
            nodes.sort_by(|&a, &b| {
                let place = |n: usize| {
                    (
                        graph.id(graph.outermost_place(n)),
                        graph.place[n].map_or("", |p| graph.id(p)),
                    )
                };
                place(a).cmp(&place(b)).then(graph.id(a).cmp(graph.id(b)))
            });
            Level { band: key.0, nodes }
        })
        .collect()
}

/// Each node's place in its level as a fraction of the level's width: levels of very
/// different sizes compare by where along the picture their nodes are.
fn record_order(levels: &[Level], order: &mut [f64]) {
    for level in levels {
        let len = level.nodes.len() as f64;
        for (k, &n) in level.nodes.iter().enumerate() {
            order[n] = (k as f64 + 0.5) / len;
        }
    }
}

/// Orders a level by the mean position of each node's neighbours in the levels `side`
/// accepts; nodes of one site, then of one rack, stay together, the groups themselves
/// ordered by their members' mean.
fn sort_level(
    graph: &LayoutGraph,
    level: &mut Level,
    level_of: &[usize],
    order: &[f64],
    side: impl Fn(usize) -> bool,
) {
    let barycentre = |n: usize| {
        let (sum, count) = graph.neighbours[n]
            .iter()
            .filter(|nb| side(level_of[nb.node]))
            .fold((0.0, 0usize), |(s, c), nb| (s + order[nb.node], c + 1));
        if count == 0 {
            order[n]
        } else {
            sum / count as f64
        }
    };
    let wanted: HashMap<usize, f64> = level.nodes.iter().map(|&n| (n, barycentre(n))).collect();
    let group_mean = |group: &dyn Fn(usize) -> usize| {
        let mut sums: HashMap<usize, (f64, usize)> = HashMap::new();
        for &n in &level.nodes {
            let entry = sums.entry(group(n)).or_default();
            entry.0 += wanted[&n];
            entry.1 += 1;
        }
        sums.into_iter()
            .map(|(g, (s, c))| (g, s / c as f64))
            .collect::<HashMap<usize, f64>>()
    };
    let site_of = |n: usize| graph.outermost_place(n);
    let rack_of = |n: usize| graph.place[n].unwrap_or(n);
    let site_mean = group_mean(&site_of);
    let rack_mean = group_mean(&rack_of);
    let key = |n: usize| {
        [
            site_mean[&site_of(n)],
            rack_mean[&rack_of(n)],
            wanted[&n],
            order[n],
        ]
    };
    level.nodes.sort_by(|&a, &b| {
        let (ka, kb) = (key(a), key(b));
        ka.iter()
            .zip(&kb)
            .map(|(x, y)| x.total_cmp(y))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(site_of(a).cmp(&site_of(b)))
            .then(a.cmp(&b))
    });
}

/// Rows top to bottom: a level fills its columns top to bottom, left to right, so
/// the order found by the sweeps runs along x. A level that fits one row is spread
/// under its neighbours instead of packed in the middle.
fn place_levels(graph: &LayoutGraph, levels: &[Level], level_of: &[usize]) -> Vec<Xy> {
    let per_row = row_capacity(graph.len());
    let mut points = vec![Xy { x: 0.0, y: 0.0 }; graph.len()];
    let mut y = 0.0;
    let mut previous_band: Option<u8> = None;
    for level in levels {
        if let Some(band) = previous_band {
            y += if band == level.band {
                LEVEL_GAP
            } else {
                BAND_GAP
            };
        }
        previous_band = Some(level.band);
        let rows = level.nodes.len().div_ceil(per_row);
        let columns = level.nodes.len().div_ceil(rows);
        let left = -((columns - 1) as f64) * SPACING / 2.0;
        for (k, &n) in level.nodes.iter().enumerate() {
            points[n] = Xy {
                x: left + (k / rows) as f64 * SPACING,
                y: y + (k % rows) as f64 * SPACING,
            };
        }
        y += (rows - 1) as f64 * SPACING;
    }
    for (l, level) in levels.iter().enumerate() {
        if level.nodes.len() <= per_row {
            spread_under_neighbours(graph, &level.nodes, l, level_of, &mut points);
        }
    }
    points
}

/// Moves a one-row level's nodes to the mean x of their neighbours on other levels,
/// keeping their order and at least one spacing between them.
fn spread_under_neighbours(
    graph: &LayoutGraph,
    nodes: &[usize],
    level: usize,
    level_of: &[usize],
    points: &mut [Xy],
) {
    let wanted: Vec<f64> = nodes
        .iter()
        .map(|&n| {
            let xs: Vec<f64> = graph.neighbours[n]
                .iter()
                .filter(|nb| level_of[nb.node] != level)
                .map(|nb| points[nb.node].x)
                .collect();
            if xs.is_empty() {
                points[n].x
            } else {
                xs.iter().sum::<f64>() / xs.len() as f64
            }
        })
        .collect();
    // Left to right, each as near its wish as the one before allows; then the whole
    // row shifts so it is on average where its nodes wanted to be.
    let mut xs = Vec::with_capacity(nodes.len());
    for (k, &w) in wanted.iter().enumerate() {
        let x = match k {
            0 => w,
            _ => w.max(xs[k - 1] + SPACING),
        };
        xs.push(x);
    }
    let shift = (wanted.iter().sum::<f64>() - xs.iter().sum::<f64>()) / xs.len().max(1) as f64;
    for (&n, x) in nodes.iter().zip(xs) {
        points[n].x = x + shift;
    }
}
