//! A force-directed pass (Fruchterman–Reingold) for nodes that are in no place: linked
//! nodes pull together, every node pushes away the ones near it. Repulsion is only
//! counted within a few ideal lengths, found through a grid of cells, so a pass costs
//! about the number of nodes rather than its square.

use std::collections::HashMap;

use super::{Xy, SPACING};

/// The length a relation settles at.
const IDEAL: f64 = 1.5 * SPACING;
/// Beyond this distance two nodes no longer push each other.
const REACH: f64 = 3.0 * IDEAL;
/// Pull towards the middle, so separate groups of nodes stay in one picture.
const GRAVITY: f64 = 0.02;

/// Positions for `count` nodes joined by `links` (pairs of indices below `count`),
/// starting from a spiral in breadth-first order so linked nodes start close.
pub(super) fn relax(count: usize, links: &[(usize, usize)]) -> Vec<Xy> {
    let mut adjacent = vec![Vec::new(); count];
    for &(a, b) in links {
        if a != b {
            adjacent[a].push(b);
            adjacent[b].push(a);
        }
    }
    let mut points = spiral(&breadth_first(&adjacent));
    if count < 2 {
        return points;
    }
    let rounds = (60_000 / count.max(1)).clamp(40, 300);
    let mut heat = IDEAL * (count as f64).sqrt().max(2.0);
    let cooling = heat / rounds as f64;
    for _ in 0..rounds {
        let moves = forces(&points, links);
        for (point, force) in points.iter_mut().zip(moves) {
            let length = (force.x * force.x + force.y * force.y).sqrt();
            if length > 0.0 {
                let step = length.min(heat) / length;
                point.x += force.x * step;
                point.y += force.y * step;
            }
        }
        heat = (heat - cooling).max(IDEAL * 0.05);
    }
    points
}

/// Nodes ordered breadth-first from the best-connected node of each group.
fn breadth_first(adjacent: &[Vec<usize>]) -> Vec<usize> {
    let mut by_degree: Vec<usize> = (0..adjacent.len()).collect();
    by_degree.sort_by(|&a, &b| adjacent[b].len().cmp(&adjacent[a].len()).then(a.cmp(&b)));
    let mut seen = vec![false; adjacent.len()];
    let mut order = Vec::with_capacity(adjacent.len());
    for start in by_degree {
        if seen[start] {
            continue;
        }
        seen[start] = true;
        let mut at = order.len();
        order.push(start);
        while at < order.len() {
            let node = order[at];
            at += 1;
            for &next in &adjacent[node] {
                if !seen[next] {
                    seen[next] = true;
                    order.push(next);
                }
            }
        }
    }
    order
}

/// A sunflower spiral: evenly filled, no two points together, the first ones central.
fn spiral(order: &[usize]) -> Vec<Xy> {
    const GOLDEN_ANGLE: f64 = 2.399_963_229_728_653;
    let mut points = vec![Xy { x: 0.0, y: 0.0 }; order.len()];
    for (k, &node) in order.iter().enumerate() {
        let radius = IDEAL * 0.7 * (k as f64).sqrt();
        let angle = k as f64 * GOLDEN_ANGLE;
        points[node] = Xy {
            x: radius * angle.cos(),
            y: radius * angle.sin(),
        };
    }
    points
}

fn cell_of(p: Xy) -> (i64, i64) {
    ((p.x / REACH).floor() as i64, (p.y / REACH).floor() as i64)
}

fn forces(points: &[Xy], links: &[(usize, usize)]) -> Vec<Xy> {
    let mut cells: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    for (i, &p) in points.iter().enumerate() {
        cells.entry(cell_of(p)).or_default().push(i);
    }
    let mut moves = vec![Xy { x: 0.0, y: 0.0 }; points.len()];
    let centre = centre(points);
    for (i, &p) in points.iter().enumerate() {
        let (cx, cy) = cell_of(p);
        let mut force = Xy {
            x: (centre.x - p.x) * GRAVITY,
            y: (centre.y - p.y) * GRAVITY,
        };
        for dx in -1..=1 {
            for dy in -1..=1 {
                let Some(near) = cells.get(&(cx + dx, cy + dy)) else {
                    continue;
                };
                for &j in near {
                    if j == i {
                        continue;
                    }
                    let (mut x, mut y) = (p.x - points[j].x, p.y - points[j].y);
                    let mut d2 = x * x + y * y;
                    if d2 < 1e-6 {
                        // Two nodes on one point part along a fixed direction.
                        x = if i < j { 1.0 } else { -1.0 };
                        y = 0.0;
                        d2 = 1.0;
                    }
                    if d2 < REACH * REACH {
                        let push = IDEAL * IDEAL / d2;
                        force.x += x * push;
                        force.y += y * push;
                    }
                }
            }
        }
        moves[i] = force;
    }
    for &(a, b) in links {
        if a == b {
            continue;
        }
        let (x, y) = (points[b].x - points[a].x, points[b].y - points[a].y);
        let d = (x * x + y * y).sqrt();
        let pull = d / IDEAL;
        moves[a].x += x * pull;
        moves[a].y += y * pull;
        moves[b].x -= x * pull;
        moves[b].y -= y * pull;
    }
    moves
}

fn centre(points: &[Xy]) -> Xy {
    let n = points.len().max(1) as f64;
    Xy {
        x: points.iter().map(|p| p.x).sum::<f64>() / n,
        y: points.iter().map(|p| p.y).sum::<f64>() / n,
    }
}
