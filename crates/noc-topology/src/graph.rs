//! The topology as a dependency graph: which nodes a node needs, and which need it.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use noc_model::{ImpactPath, Layer, NodeKind, ReachedNode, RelationKind, Topology};

/// How one node reaches another, step by step, for the reason shown to operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Step {
    hops: u32,
    via: Option<(usize, RelationKind)>,
}

/// Everything one node depends on (upstream) and everything depending on it (downstream).
#[derive(Debug, Default)]
struct Reach {
    upstream: BTreeMap<usize, Step>,
    downstream: BTreeMap<usize, Step>,
    /// Both of the above, each node once, in index order.
    related: Vec<usize>,
}

#[derive(Debug, Clone, Copy)]
struct Edge {
    to: usize,
    kind: RelationKind,
}

/// A path between two nodes: its length and the kinds of relation it follows, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    pub hops: u32,
    pub kinds: Vec<RelationKind>,
}

impl Path {
    /// "depends on, 2 hops", "runs on + connects to, 2 hops".
    pub fn describe(&self) -> String {
        let mut words: Vec<&str> = Vec::new();
        for kind in &self.kinds {
            let word = relation_words(*kind);
            if !words.contains(&word) {
                words.push(word);
            }
        }
        let unit = if self.hops == 1 { "hop" } else { "hops" };
        format!("{}, {} {unit}", words.join(" + "), self.hops)
    }
}

fn relation_words(kind: RelationKind) -> &'static str {
    match kind {
        RelationKind::RunsOn => "runs on",
        RelationKind::DependsOn => "depends on",
        RelationKind::ConnectsTo => "connects to",
        RelationKind::LocatedIn => "located in",
    }
}

/// Which way a walk follows the relations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Walk {
    /// Towards what a node needs.
    Upstream,
    /// Towards what needs the node.
    Downstream,
}

/// `runs_on`, `depends_on` and `located_in` point from the dependent to its dependency;
/// `connects_to` is symmetric. Reachability is cached per node: the topology changes
/// rarely, alarms arrive in storms on the same few nodes.
#[derive(Debug, Default)]
pub struct DependencyGraph {
    index: HashMap<String, usize>,
    ids: Vec<String>,
    names: Vec<String>,
    kinds: Vec<NodeKind>,
    layers: Vec<Layer>,
    needs: Vec<Vec<Edge>>,
    needed_by: Vec<Vec<Edge>>,
    reach: HashMap<usize, Reach>,
    impact: HashMap<(usize, Walk), Reached>,
}

/// What an impact walk from one node found, nearest first.
#[derive(Debug, Default)]
pub struct Reached {
    pub nodes: Vec<ReachedNode>,
    /// The business systems among `nodes`, in the same order.
    pub business_systems: Vec<ReachedNode>,
}

/// Impact walks kept at most: asked node by node from the UI, the cache must not
/// grow with every node of a large estate an operator ever clicked.
const IMPACT_CACHE: usize = 1_024;

/// How an impact walk may cross a `connects_to`, from the side it stands on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LinkStep {
    /// From the network to what it carries (downstream), or from an endpoint to the
    /// network carrying it (upstream): always.
    Carried,
    /// Between two network nodes or two endpoints: once in a row, as the engine's
    /// walk, or a ring would make every device depend on every other.
    Peer,
    /// From an endpoint into the network (downstream), or from the network out to an
    /// endpoint (upstream): a host failing does not take its switch down.
    Never,
}

fn is_network(kind: NodeKind) -> bool {
    matches!(kind, NodeKind::NetworkDevice | NodeKind::Link)
}

fn link_step(from: NodeKind, to: NodeKind, walk: Walk) -> LinkStep {
    match (is_network(from), is_network(to), walk) {
        (true, true, _) | (false, false, _) => LinkStep::Peer,
        (true, false, Walk::Downstream) | (false, true, Walk::Upstream) => LinkStep::Carried,
        _ => LinkStep::Never,
    }
}

/// A state of the impact walk: a node, and whether the last step was a peer link.
fn state(node: usize, after_peer: bool) -> usize {
    node * 2 + usize::from(after_peer)
}

impl DependencyGraph {
    pub fn new(topology: &Topology) -> Self {
        let mut deps = DependencyGraph::default();
        for node in &topology.nodes {
            if deps.index.contains_key(&node.id) {
                continue;
            }
            deps.index.insert(node.id.clone(), deps.ids.len());
            deps.ids.push(node.id.clone());
            deps.names.push(node.name.clone());
            deps.kinds.push(node.kind);
            deps.layers.push(node.layer);
        }
        // An alarm may name a node by an alias (its IP address, another source's name).
        for node in &topology.nodes {
            let Some(&i) = deps.index.get(&node.id) else {
                continue;
            };
            for alias in &node.aliases {
                deps.index.entry(alias.clone()).or_insert(i);
            }
        }
        deps.needs = vec![Vec::new(); deps.ids.len()];
        deps.needed_by = vec![Vec::new(); deps.ids.len()];
        for relation in &topology.relations {
            let (Some(&from), Some(&to)) =
                (deps.index.get(&relation.from), deps.index.get(&relation.to))
            else {
                continue;
            };
            let kind = relation.kind;
            deps.needs[from].push(Edge { to, kind });
            deps.needed_by[to].push(Edge { to: from, kind });
            if kind == RelationKind::ConnectsTo {
                deps.needs[to].push(Edge { to: from, kind });
                deps.needed_by[from].push(Edge { to, kind });
            }
        }
        deps
    }

    pub fn knows(&self, node: &str) -> bool {
        self.index.contains_key(node)
    }

    pub fn name(&self, node: &str) -> Option<&str> {
        self.index.get(node).map(|&i| self.names[i].as_str())
    }

    pub fn layer(&self, node: &str) -> Option<Layer> {
        self.index.get(node).map(|&i| self.layers[i])
    }

    /// Computes (once) what `node` reaches, for [`DependencyGraph::related`].
    pub fn prepare(&mut self, node: &str) {
        if let Some(&i) = self.index.get(node) {
            self.reach_of(i);
        }
    }

    /// The nodes `node` needs or is needed by (directly or not), by index; empty
    /// unless [`DependencyGraph::prepare`] was called for it. A node is related to
    /// `node` exactly when one of [`DependencyGraph::dependency_path`] in either
    /// direction finds a path: a path walked backwards is a path of the other walk.
    pub fn related(&self, node: &str) -> &[usize] {
        self.index
            .get(node)
            .and_then(|i| self.reach.get(i))
            .map_or(&[], |r| r.related.as_slice())
    }

    /// The id of the node at `index`.
    pub fn id(&self, index: usize) -> &str {
        &self.ids[index]
    }

    /// The path by which `dependent` needs `dependency`, if it does (directly or not).
    pub fn dependency_path(&mut self, dependent: &str, dependency: &str) -> Option<Path> {
        let (&from, &to) = (self.index.get(dependent)?, self.index.get(dependency)?);
        if from == to {
            return None;
        }
        self.reach_of(from);
        let upstream = &self.reach[&from].upstream;
        upstream.get(&to)?;
        Some(path_from_steps(upstream, to))
    }

    /// `dependency` is upstream of `dependent` and not the other way round: a symmetric
    /// link alone does not make either end the other's cause.
    pub fn is_strictly_upstream(&mut self, dependency: &str, dependent: &str) -> bool {
        self.dependency_path(dependent, dependency).is_some()
            && self.dependency_path(dependency, dependent).is_none()
    }

    /// The nearest business system that needs `node` (or `node` itself if it is one).
    pub fn business_system_of(&mut self, node: &str) -> Option<String> {
        let &start = self.index.get(node)?;
        if self.kinds[start] == NodeKind::BusinessSystem {
            return Some(self.ids[start].clone());
        }
        self.reach_of(start);
        let kinds = &self.kinds;
        let ids = &self.ids;
        self.reach[&start]
            .downstream
            .iter()
            .filter(|(i, _)| kinds[**i] == NodeKind::BusinessSystem)
            .min_by(|(a, sa), (b, sb)| sa.hops.cmp(&sb.hops).then(ids[**a].cmp(&ids[**b])))
            .map(|(i, _)| ids[*i].clone())
    }

    /// The id a node is known by, for an id or an alias.
    pub fn canonical(&self, node: &str) -> Option<&str> {
        self.index.get(node).map(|&i| self.ids[i].as_str())
    }

    pub fn kind(&self, node: &str) -> Option<NodeKind> {
        self.index.get(node).map(|&i| self.kinds[i])
    }

    /// Everything `node` needs (`Walk::Upstream`) or everything needing it
    /// (`Walk::Downstream`), nearest first (then by id), each with its shortest path
    /// from `node`. The walk is the impact walk ([`DependencyGraph::impact_walk`]).
    pub fn reached(&mut self, node: &str, walk: Walk) -> Vec<ReachedNode> {
        self.impact_walk(node, walk)
            .map(|r| r.nodes.clone())
            .unwrap_or_default()
    }

    /// The impact walk from `node` (an id or an alias), computed once and kept; `None`
    /// for an unknown node. Unlike the correlation's walk it follows a link from the
    /// network to the hosts it carries (a failed uplink reaches the services behind
    /// its switch) but never from a host back into the network; between two devices
    /// a link is still crossed only once in a row, and a site or a group reached on
    /// the way is a dead end.
    pub fn impact_walk(&mut self, node: &str, walk: Walk) -> Option<&Reached> {
        let &start = self.index.get(node)?;
        if !self.impact.contains_key(&(start, walk)) {
            if self.impact.len() >= IMPACT_CACHE {
                self.impact.clear();
            }
            let reached = self.impact_reached(start, walk);
            self.impact.insert((start, walk), reached);
        }
        self.impact.get(&(start, walk))
    }

    fn impact_reached(&self, start: usize, walk: Walk) -> Reached {
        let edges = match walk {
            Walk::Upstream => &self.needs,
            Walk::Downstream => &self.needed_by,
        };
        // Per walk state: how it was reached (previous state, relation) and its hops.
        let mut came_from: Vec<Option<(usize, RelationKind, u32)>> = vec![None; self.ids.len() * 2];
        let mut first: Vec<usize> = Vec::new();
        let mut found = vec![false; self.ids.len()];
        found[start] = true;
        let mut queue = VecDeque::from([(start, false, 0u32)]);
        while let Some((node, after_peer, hops)) = queue.pop_front() {
            if node != start && matches!(self.kinds[node], NodeKind::Site | NodeKind::Group) {
                continue;
            }
            for edge in &edges[node] {
                if edge.to == start {
                    continue;
                }
                let peer = match edge.kind {
                    RelationKind::ConnectsTo => {
                        match link_step(self.kinds[node], self.kinds[edge.to], walk) {
                            LinkStep::Never => continue,
                            LinkStep::Peer if after_peer => continue,
                            LinkStep::Peer => true,
                            LinkStep::Carried => false,
                        }
                    }
                    _ => false,
                };
                let next = state(edge.to, peer);
                if came_from[next].is_some() {
                    continue;
                }
                came_from[next] = Some((state(node, after_peer), edge.kind, hops + 1));
                if !found[edge.to] {
                    found[edge.to] = true;
                    first.push(next);
                }
                queue.push_back((edge.to, peer, hops + 1));
            }
        }
        let mut nodes: Vec<ReachedNode> = first
            .into_iter()
            .map(|end| self.reached_node(start, end, &came_from))
            .collect();
        nodes.sort_by(|a, b| a.hops.cmp(&b.hops).then_with(|| a.id.cmp(&b.id)));
        let business_systems = nodes
            .iter()
            .filter(|r| self.kind(&r.id) == Some(NodeKind::BusinessSystem))
            .cloned()
            .collect();
        Reached {
            nodes,
            business_systems,
        }
    }

    fn reached_node(
        &self,
        start: usize,
        end: usize,
        came_from: &[Option<(usize, RelationKind, u32)>],
    ) -> ReachedNode {
        let mut nodes = vec![self.ids[end / 2].clone()];
        let mut relations = Vec::new();
        let mut at = end;
        let hops = came_from[end].map_or(0, |(_, _, hops)| hops);
        while at / 2 != start {
            let Some((previous, kind, _)) = came_from[at] else {
                break;
            };
            relations.push(kind);
            nodes.push(self.ids[previous / 2].clone());
            at = previous;
        }
        nodes.reverse();
        relations.reverse();
        ReachedNode {
            id: self.ids[end / 2].clone(),
            hops,
            path: ImpactPath { nodes, relations },
        }
    }

    fn reach_of(&mut self, start: usize) {
        if self.reach.contains_key(&start) {
            return;
        }
        let upstream = self.walk(start, &self.needs);
        let downstream = self.walk(start, &self.needed_by);
        let mut related: Vec<usize> = upstream.keys().chain(downstream.keys()).copied().collect();
        related.sort_unstable();
        related.dedup();
        let reach = Reach {
            upstream,
            downstream,
            related,
        };
        self.reach.insert(start, reach);
    }

    /// Breadth-first walk with two limits that keep an incident from swallowing a
    /// whole data centre: a site is a dead end unless the walk starts there (everything
    /// in a site is not related to everything else in it), and a link relates its two
    /// ends, not the ends of their other links (`connects_to` is never followed twice in
    /// a row).
    fn walk(&self, start: usize, edges: &[Vec<Edge>]) -> BTreeMap<usize, Step> {
        let mut found = BTreeMap::new();
        let mut seen = HashSet::new();
        let mut queue = VecDeque::from([(start, false, 0u32)]);
        seen.insert((start, false));
        while let Some((node, via_link, hops)) = queue.pop_front() {
            if node != start && self.kinds[node] == NodeKind::Site {
                continue;
            }
            for edge in &edges[node] {
                let link = edge.kind == RelationKind::ConnectsTo;
                if (link && via_link) || edge.to == start {
                    continue;
                }
                if !seen.insert((edge.to, link)) {
                    continue;
                }
                found.entry(edge.to).or_insert(Step {
                    hops: hops + 1,
                    via: Some((node, edge.kind)),
                });
                queue.push_back((edge.to, link, hops + 1));
            }
        }
        found
    }
}

fn path_from_steps(steps: &BTreeMap<usize, Step>, end: usize) -> Path {
    let hops = steps[&end].hops;
    let mut kinds = Vec::new();
    let mut at = end;
    while let Some(Step {
        via: Some((prev, kind)),
        ..
    }) = steps.get(&at).copied()
    {
        kinds.push(kind);
        at = prev;
    }
    kinds.reverse();
    Path { hops, kinds }
}
