//! The network view: places as nested blocks that never overlap (a site holds its
//! racks, a rack holds its devices), the application layer beside the site it runs in,
//! and whatever is in no place laid out by the force-directed pass.

use std::collections::{BTreeMap, VecDeque};

use noc_model::{Layer, RelationKind};

use super::layered::kind_rank;
use super::{force, LayoutGraph, Occupancy, Xy, SPACING};

/// Room inside a place's block around its content; more at the top for its label.
const PADDING: f64 = SPACING;
const LABEL_ROOM: f64 = 1.5 * SPACING;
/// Room between two blocks side by side.
const BLOCK_GAP: f64 = SPACING;
/// Free groups no larger than this sit by what they are linked to instead of apart.
const SMALL_GROUP: usize = 3;

/// Nodes at points relative to the block's top-left corner.
struct Block {
    width: f64,
    height: f64,
    members: Vec<(usize, Xy)>,
}

impl Block {
    fn shifted(self, dx: f64, dy: f64) -> impl Iterator<Item = (usize, Xy)> {
        self.members.into_iter().map(move |(n, p)| {
            (
                n,
                Xy {
                    x: p.x + dx,
                    y: p.y + dy,
                },
            )
        })
    }
}

pub(super) fn lay_out(graph: &LayoutGraph) -> Vec<Xy> {
    let contents = contents(graph);
    let beside = anchors(graph);
    let mut anchored = vec![false; graph.len()];
    for &n in beside.iter().flatten() {
        anchored[n] = true;
    }
    let mut top: Vec<Block> = Vec::new();
    let mut loose: Vec<usize> = Vec::new();
    for n in 0..graph.len() {
        if graph.place[n].is_some() {
            continue;
        }
        if !contents[n].is_empty() || graph.kind(n).is_container() {
            let mut block = place_block(graph, n, &contents);
            if !beside[n].is_empty() {
                block = with_satellites(graph, block, &beside[n]);
            }
            top.push(block);
        } else if !anchored[n] {
            loose.push(n);
        }
    }
    let (free_block, small) = free_groups(graph, &loose);
    if let Some(block) = free_block {
        top.push(block);
    }
    let picture = pack(top);
    let mut points = vec![Xy { x: 0.0, y: 0.0 }; graph.len()];
    let mut placed = vec![false; graph.len()];
    let mut room = Occupancy::new();
    for (n, p) in picture.members {
        points[n] = p;
        placed[n] = true;
        room.take(p);
    }
    place_by_neighbours(graph, &small, &mut points, &mut placed, &mut room);
    points
}

/// The nodes each place holds directly, in a stable order.
fn contents(graph: &LayoutGraph) -> Vec<Vec<usize>> {
    let mut contents = vec![Vec::new(); graph.len()];
    for n in 0..graph.len() {
        if let Some(p) = graph.place[n] {
            contents[p].push(n);
        }
    }
    contents
}

/// For each outermost place, the application nodes (SaaS, PaaS) in no place that run
/// there: found by following `runs_on` and `depends_on` from the node to the first
/// node that is in a place.
fn anchors(graph: &LayoutGraph) -> Vec<Vec<usize>> {
    let mut beside = vec![Vec::new(); graph.len()];
    for n in 0..graph.len() {
        if graph.place[n].is_some() || graph.topology.nodes[n].layer == Layer::Iaas {
            continue;
        }
        if let Some(site) = home_place(graph, n) {
            beside[site].push(n);
        }
    }
    beside
}

fn home_place(graph: &LayoutGraph, start: usize) -> Option<usize> {
    let mut seen = vec![false; graph.len()];
    let mut queue = VecDeque::from([start]);
    seen[start] = true;
    while let Some(n) = queue.pop_front() {
        if n != start && graph.place[n].is_some() {
            return Some(graph.outermost_place(n));
        }
        // Runs-on first: a service belongs where its host is, before its database.
        let mut next: Vec<(bool, usize)> = graph.neighbours[n]
            .iter()
            .filter(|nb| {
                nb.outgoing && matches!(nb.kind, RelationKind::RunsOn | RelationKind::DependsOn)
            })
            .map(|nb| (nb.kind != RelationKind::RunsOn, nb.node))
            .collect();
        next.sort_unstable();
        for (_, m) in next {
            if !seen[m] {
                seen[m] = true;
                queue.push_back(m);
            }
        }
    }
    None
}

/// A place and everything in it: its directly held nodes as one block (a grid,
/// network devices first), its inner places as blocks, packed together inside a frame
/// with room for the label; the place's own point is in the label strip.
fn place_block(graph: &LayoutGraph, place: usize, contents: &[Vec<usize>]) -> Block {
    let mut inner: Vec<Block> = Vec::new();
    let mut leaves: Vec<usize> = Vec::new();
    for &n in &contents[place] {
        if contents[n].is_empty() && !graph.kind(n).is_container() {
            leaves.push(n);
        } else {
            inner.push(place_block(graph, n, contents));
        }
    }
    leaves.sort_by(|&a, &b| {
        kind_rank(graph.kind(b))
            .cmp(&kind_rank(graph.kind(a)))
            .then(graph.id(a).cmp(graph.id(b)))
    });
    let mut parts = Vec::with_capacity(inner.len() + 1);
    if !leaves.is_empty() {
        parts.push(grid(&leaves));
    }
    parts.extend(inner);
    framed(place, pack(parts))
}

/// Nodes in a near-square grid, column after column.
fn grid(nodes: &[usize]) -> Block {
    let columns = (nodes.len() as f64).sqrt().ceil().max(1.0) as usize;
    let rows = nodes.len().div_ceil(columns);
    let members = nodes
        .iter()
        .enumerate()
        .map(|(k, &n)| {
            (
                n,
                Xy {
                    x: (k % columns) as f64 * SPACING,
                    y: (k / columns) as f64 * SPACING,
                },
            )
        })
        .collect();
    Block {
        width: (columns - 1) as f64 * SPACING,
        height: (rows.max(1) - 1) as f64 * SPACING,
        members,
    }
}

fn framed(place: usize, content: Block) -> Block {
    let width = content.width + 2.0 * PADDING;
    let height = content.height + LABEL_ROOM + PADDING;
    let mut members: Vec<(usize, Xy)> = vec![(
        place,
        Xy {
            x: width / 2.0,
            y: LABEL_ROOM / 3.0,
        },
    )];
    members.extend(content.shifted(PADDING, LABEL_ROOM));
    Block {
        width,
        height,
        members,
    }
}

/// A site's block with its application nodes in columns to its right, as tall as the
/// site, business systems first.
fn with_satellites(graph: &LayoutGraph, site: Block, satellites: &[usize]) -> Block {
    let mut apps = satellites.to_vec();
    apps.sort_by(|&a, &b| {
        kind_rank(graph.kind(a))
            .cmp(&kind_rank(graph.kind(b)))
            .then(graph.id(a).cmp(graph.id(b)))
    });
    let rows = ((site.height / SPACING).floor() as usize + 1).max(1);
    let columns = apps.len().div_ceil(rows);
    let left = site.width + BLOCK_GAP;
    let width = left + (columns.max(1) - 1) as f64 * SPACING;
    let height = site
        .height
        .max((rows.min(apps.len()).max(1) - 1) as f64 * SPACING);
    let mut members = site.members;
    for (k, &n) in apps.iter().enumerate() {
        members.push((
            n,
            Xy {
                x: left + (k / rows) as f64 * SPACING,
                y: (k % rows) as f64 * SPACING,
            },
        ));
    }
    Block {
        width,
        height,
        members,
    }
}

/// Shelf packing, largest first: blocks left to right in rows about as wide as the
/// whole is tall.
fn pack(mut blocks: Vec<Block>) -> Block {
    blocks.sort_by(|a, b| {
        b.height
            .total_cmp(&a.height)
            .then(b.width.total_cmp(&a.width))
    });
    let area: f64 = blocks
        .iter()
        .map(|b| (b.width + BLOCK_GAP) * (b.height + BLOCK_GAP))
        .sum();
    let widest = blocks.iter().map(|b| b.width).fold(0.0, f64::max);
    let target = area.sqrt().max(widest);
    let (mut x, mut y, mut shelf) = (0.0f64, 0.0f64, 0.0f64);
    let (mut width, mut height) = (0.0f64, 0.0f64);
    let mut members = Vec::new();
    for block in blocks {
        if x > 0.0 && x + block.width > target {
            x = 0.0;
            y += shelf + BLOCK_GAP;
            shelf = 0.0;
        }
        width = width.max(x + block.width);
        height = height.max(y + block.height);
        shelf = shelf.max(block.height);
        let (bw, dx) = (block.width, x);
        members.extend(block.shifted(dx, y));
        x += bw + BLOCK_GAP;
    }
    Block {
        width,
        height,
        members,
    }
}

/// Nodes in no place: groups (joined by relations among themselves) big enough to have
/// a shape of their own are laid out together by the force-directed pass; the small
/// ones are returned to sit by what they are linked to.
fn free_groups(graph: &LayoutGraph, loose: &[usize]) -> (Option<Block>, Vec<usize>) {
    let mut local = vec![usize::MAX; graph.len()];
    for (k, &n) in loose.iter().enumerate() {
        local[n] = k;
    }
    let mut links = Vec::new();
    for &n in loose {
        for nb in &graph.neighbours[n] {
            if nb.outgoing && local[nb.node] != usize::MAX {
                links.push((local[n], local[nb.node]));
            }
        }
    }
    let group = groups(loose.len(), &links);
    let mut sizes: BTreeMap<usize, usize> = BTreeMap::new();
    for &g in &group {
        *sizes.entry(g).or_default() += 1;
    }
    let linked_out = |n: usize| {
        graph.neighbours[n]
            .iter()
            .any(|nb| local[nb.node] == usize::MAX)
    };
    let mut reaches_out: BTreeMap<usize, bool> = BTreeMap::new();
    for (k, &n) in loose.iter().enumerate() {
        *reaches_out.entry(group[k]).or_default() |= linked_out(n);
    }
    let mut small = Vec::new();
    let mut big = Vec::new();
    for (k, &n) in loose.iter().enumerate() {
        if sizes[&group[k]] <= SMALL_GROUP && reaches_out[&group[k]] {
            small.push(n);
        } else {
            big.push(n);
        }
    }
    if big.is_empty() {
        return (None, small);
    }
    // Each group relaxed on its own and the groups packed side by side: one pass over
    // all of them lets the big ones sprawl through the small ones.
    let mut is_big = vec![false; graph.len()];
    for &n in &big {
        is_big[n] = true;
    }
    let mut members: BTreeMap<usize, FreeGroup> = BTreeMap::new();
    let mut index = vec![usize::MAX; graph.len()];
    for (k, &n) in loose.iter().enumerate() {
        if is_big[n] {
            let members = members.entry(group[k]).or_default();
            index[n] = members.nodes.len();
            members.nodes.push(n);
        }
    }
    for &(a, b) in &links {
        if is_big[loose[a]] {
            let members = members.entry(group[a]).or_default();
            members.links.push((index[loose[a]], index[loose[b]]));
        }
    }
    let blocks: Vec<Block> = members
        .values()
        .map(|g| settled(&g.nodes, &force::relax(g.nodes.len(), &g.links)))
        .collect();
    (Some(pack(blocks)), small)
}

/// Nodes in no place joined by relations among themselves; links by index in `nodes`.
#[derive(Default)]
struct FreeGroup {
    nodes: Vec<usize>,
    links: Vec<(usize, usize)>,
}

/// Connected groups by union-find: each member's group is its group's smallest member.
fn groups(count: usize, links: &[(usize, usize)]) -> Vec<usize> {
    let mut parent: Vec<usize> = (0..count).collect();
    fn root(parent: &mut [usize], mut n: usize) -> usize {
        while parent[n] != n {
            parent[n] = parent[parent[n]];
            n = parent[n];
        }
        n
    }
    for &(a, b) in links {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    }
    (0..count).map(|n| root(&mut parent, n)).collect()
}

/// Force-directed points as a block: moved to start at the origin, nodes that ended
/// too close nudged apart.
fn settled(nodes: &[usize], points: &[Xy]) -> Block {
    let mut room = Occupancy::new();
    let mut order: Vec<usize> = (0..nodes.len()).collect();
    order.sort_by(|&a, &b| {
        points[a]
            .y
            .total_cmp(&points[b].y)
            .then(points[a].x.total_cmp(&points[b].x))
            .then(a.cmp(&b))
    });
    let mut spots = vec![Xy { x: 0.0, y: 0.0 }; nodes.len()];
    for k in order {
        let spot = room.free_spot_near(points[k]);
        room.take(spot);
        spots[k] = spot;
    }
    let left = spots.iter().map(|p| p.x).fold(f64::INFINITY, f64::min);
    let top = spots.iter().map(|p| p.y).fold(f64::INFINITY, f64::min);
    let right = spots.iter().map(|p| p.x).fold(f64::NEG_INFINITY, f64::max);
    let bottom = spots.iter().map(|p| p.y).fold(f64::NEG_INFINITY, f64::max);
    Block {
        width: right - left,
        height: bottom - top,
        members: nodes
            .iter()
            .zip(spots)
            .map(|(&n, p)| {
                (
                    n,
                    Xy {
                        x: p.x - left,
                        y: p.y - top,
                    },
                )
            })
            .collect(),
    }
}

/// Small free groups (a WAN circuit between two sites' routers) at the middle of what
/// they are linked to, in a free spot; repeated so a node linked only to another
/// newly placed one follows it.
fn place_by_neighbours(
    graph: &LayoutGraph,
    nodes: &[usize],
    points: &mut [Xy],
    placed: &mut [bool],
    room: &mut Occupancy,
) {
    let mut waiting: Vec<usize> = nodes.to_vec();
    while !waiting.is_empty() {
        let before = waiting.len();
        waiting.retain(|&n| {
            let near: Vec<Xy> = graph.neighbours[n]
                .iter()
                .filter(|nb| placed[nb.node])
                .map(|nb| points[nb.node])
                .collect();
            if near.is_empty() {
                return true;
            }
            let wish = Xy {
                x: near.iter().map(|p| p.x).sum::<f64>() / near.len() as f64,
                y: near.iter().map(|p| p.y).sum::<f64>() / near.len() as f64,
            };
            let spot = room.free_spot_near(wish);
            room.take(spot);
            points[n] = spot;
            placed[n] = true;
            false
        });
        if waiting.len() == before {
            break;
        }
    }
    // Linked only to nodes that are not placed either: below the picture.
    let bottom = points.iter().map(|p| p.y).fold(0.0, f64::max) + 2.0 * SPACING;
    for n in waiting {
        let spot = room.free_spot_near(Xy { x: 0.0, y: bottom });
        room.take(spot);
        points[n] = spot;
        placed[n] = true;
    }
}
