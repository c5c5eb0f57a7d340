use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The three layers of the full-layer topology (全层级拓扑).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    TS,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    /// Business systems and application services.
    Saas,
    /// Middleware, databases, clusters.
    Paas,
    /// Hosts, network devices, links, sites.
    Iaas,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    BusinessSystem,
    Service,
    Middleware,
    Database,
    Host,
    NetworkDevice,
    Link,
    Site,
    /// A rack (or room) inside a site: the middle level of site → rack → device.
    Rack,
    /// A named set of nodes that is not a place, such as a Zabbix host group.
    Group,
}

impl NodeKind {
    pub fn layer(self) -> Layer {
        match self {
            NodeKind::BusinessSystem | NodeKind::Service => Layer::Saas,
            NodeKind::Middleware | NodeKind::Database => Layer::Paas,
            NodeKind::Host
            | NodeKind::NetworkDevice
            | NodeKind::Link
            | NodeKind::Site
            | NodeKind::Rack
            | NodeKind::Group => Layer::Iaas,
        }
    }

    /// Kinds that contain other nodes (`located_in` them) and can be collapsed.
    pub fn is_container(self) -> bool {
        matches!(self, NodeKind::Site | NodeKind::Rack | NodeKind::Group)
    }
}

/// A point on one of the stored layouts, in layout units (Cytoscape model coordinates).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// The two stored views of the topology.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    TS,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TopologyView {
    /// SaaS on top, PaaS in the middle, IaaS at the bottom.
    Layered,
    /// Sites, devices and links.
    Network,
}

/// Where a node sits on each view; a node without a position has not been laid out yet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct NodePositions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub layered: Option<Point>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub network: Option<Point>,
}

impl NodePositions {
    pub fn get(&self, view: TopologyView) -> Option<Point> {
        match view {
            TopologyView::Layered => self.layered,
            TopologyView::Network => self.network,
        }
    }

    pub fn set(&mut self, view: TopologyView, point: Point) {
        match view {
            TopologyView::Layered => self.layered = Some(point),
            TopologyView::Network => self.network = Some(point),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct Node {
    pub id: String,
    pub name: String,
    pub kind: NodeKind,
    pub layer: Layer,
    /// Other names the node is known by (IP addresses, DNS names, a source's own host
    /// name): an alarm naming any of them belongs to this node, and discovery from two
    /// sources merges on them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<_>", optional)]
    pub aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[ts(as = "Option<_>", optional)]
    pub attributes: BTreeMap<String, String>,
    /// Teams or people responsible for the node.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<_>", optional)]
    pub owners: Vec<String>,
    /// Who contributed the node: `source:<name>` for discovery, `import:<name>` for a
    /// file, `operator` for an edit in the console. The node stays while any remain.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<_>", optional)]
    pub origins: Vec<String>,
    #[serde(default, skip_serializing_if = "is_unplaced")]
    #[ts(as = "Option<_>", optional)]
    pub positions: NodePositions,
}

fn is_unplaced(p: &NodePositions) -> bool {
    p.layered.is_none() && p.network.is_none()
}

impl Node {
    /// A node on its kind's usual layer, with nothing else known about it.
    pub fn new(id: impl Into<String>, name: impl Into<String>, kind: NodeKind) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            kind,
            layer: kind.layer(),
            aliases: Vec::new(),
            attributes: BTreeMap::new(),
            owners: Vec::new(),
            origins: Vec::new(),
            positions: NodePositions::default(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RelationKind {
    /// `from` runs on `to` (a service on a host).
    RunsOn,
    /// `from` needs `to` to work (an application on its database).
    DependsOn,
    /// A physical or logical link; symmetric in meaning.
    ConnectsTo,
    /// `from` is placed in `to` (a device in a site).
    LocatedIn,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct Relation {
    pub from: String,
    pub to: String,
    pub kind: RelationKind,
    /// As for nodes: the relation stays while any contributor remains.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<_>", optional)]
    pub origins: Vec<String>,
}

impl Relation {
    pub fn new(from: impl Into<String>, to: impl Into<String>, kind: RelationKind) -> Self {
        Self {
            from: from.into(),
            to: to.into(),
            kind,
            origins: Vec::new(),
        }
    }

    /// Two relations are the same relation when they join the same ends the same way.
    pub fn same_as(&self, other: &Relation) -> bool {
        self.kind == other.kind && self.from == other.from && self.to == other.to
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct Topology {
    pub nodes: Vec<Node>,
    pub relations: Vec<Relation>,
}

/// An operator's edit of the topology: nodes and relations added or replaced, and removed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct TopologyChange {
    #[serde(default)]
    pub upsert_nodes: Vec<Node>,
    #[serde(default)]
    pub remove_nodes: Vec<String>,
    #[serde(default)]
    pub upsert_relations: Vec<Relation>,
    #[serde(default)]
    pub remove_relations: Vec<Relation>,
}

impl TopologyChange {
    pub fn is_empty(&self) -> bool {
        self.upsert_nodes.is_empty()
            && self.remove_nodes.is_empty()
            && self.upsert_relations.is_empty()
            && self.remove_relations.is_empty()
    }
}

/// One node's place on a view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct NodePosition {
    pub id: String,
    pub x: f64,
    pub y: f64,
}

/// The origin of an operator's edits.
pub const OPERATOR_ORIGIN: &str = "operator";

/// The actor of the hub's automatic placement of nodes that have no position yet.
pub const LAYOUT_ACTOR: &str = "layout";

impl Topology {
    /// The node with this id, or failing that the node that has it as an alias.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id).or_else(|| {
            self.nodes
                .iter()
                .find(|n| n.aliases.iter().any(|a| a == id))
        })
    }

    /// Ids and aliases → index of the node; the first node of a name wins.
    pub fn name_index(&self) -> HashMap<&str, usize> {
        let mut index = HashMap::with_capacity(self.nodes.len());
        for (i, node) in self.nodes.iter().enumerate() {
            index.entry(node.id.as_str()).or_insert(i);
        }
        for (i, node) in self.nodes.iter().enumerate() {
            for alias in &node.aliases {
                index.entry(alias.as_str()).or_insert(i);
            }
        }
        index
    }

    /// Replaces what `origin` contributed before with `incoming` (a source's discovery,
    /// an imported file). A node another origin also knows — by id or by an alias — is
    /// merged, not duplicated: it keeps its id, gains the aliases, and keeps the
    /// attributes it had (the first word wins) unless it was this origin's alone.
    /// Positions always survive. An empty `origin` (logs written before origins
    /// existed) replaces the whole topology.
    pub fn load(&mut self, origin: &str, incoming: &Topology) {
        if origin.is_empty() {
            *self = incoming.clone();
            return;
        }
        let mut had_origin = HashSet::new();
        for (i, node) in self.nodes.iter_mut().enumerate() {
            if remove_origin(&mut node.origins, origin) {
                had_origin.insert(i);
            }
        }
        let mut index: HashMap<String, usize> = self
            .name_index()
            .into_iter()
            .map(|(name, i)| (name.to_string(), i))
            .collect();
        let mut renamed: HashMap<String, String> = HashMap::new();
        for node in &incoming.nodes {
            let found = std::iter::once(&node.id)
                .chain(&node.aliases)
                .find_map(|name| index.get(name.as_str()).copied());
            let i = match found {
                Some(i) => {
                    let existing = &mut self.nodes[i];
                    if existing.id != node.id {
                        renamed.insert(node.id.clone(), existing.id.clone());
                    }
                    if existing.origins.is_empty() && had_origin.contains(&i) {
                        replace_fields(existing, node);
                    } else {
                        merge_fields(existing, node);
                    }
                    add_origin(&mut existing.origins, origin);
                    i
                }
                None => {
                    let mut fresh = node.clone();
                    fresh.origins = vec![origin.to_string()];
                    self.nodes.push(fresh);
                    self.nodes.len() - 1
                }
            };
            for name in std::iter::once(&node.id).chain(&node.aliases) {
                index.entry(name.clone()).or_insert(i);
            }
        }
        let mut i = 0;
        self.nodes.retain(|n| {
            let keep = !(had_origin.contains(&i) && n.origins.is_empty());
            i += 1;
            keep
        });
        self.load_relations(origin, incoming, &renamed);
    }

    fn load_relations(
        &mut self,
        origin: &str,
        incoming: &Topology,
        renamed: &HashMap<String, String>,
    ) {
        let mut dropped = HashSet::new();
        let mut index: HashMap<(String, String, RelationKind), usize> = HashMap::new();
        for (i, relation) in self.relations.iter_mut().enumerate() {
            if remove_origin(&mut relation.origins, origin) && relation.origins.is_empty() {
                dropped.insert(i);
            }
            let key = (relation.from.clone(), relation.to.clone(), relation.kind);
            index.entry(key).or_insert(i);
        }
        // An end may name a node by an alias another origin gave it (an address for a
        // host a source knows by name): the relation joins that node, not nobody.
        let names = self.name_index();
        let surviving = |end: &str| -> Option<String> {
            match renamed.get(end) {
                Some(id) => Some(id.clone()),
                None => names
                    .get(end)
                    .map(|&i| &self.nodes[i].id)
                    .filter(|id| id.as_str() != end)
                    .cloned(),
            }
        };
        let incoming_relations: Vec<Relation> = incoming
            .relations
            .iter()
            .map(|relation| {
                let mut relation = relation.clone();
                for end in [&mut relation.from, &mut relation.to] {
                    if let Some(id) = surviving(end) {
                        *end = id;
                    }
                }
                relation
            })
            .collect();
        for mut relation in incoming_relations {
            let key = (relation.from.clone(), relation.to.clone(), relation.kind);
            match index.get(&key) {
                Some(&i) => {
                    add_origin(&mut self.relations[i].origins, origin);
                    dropped.remove(&i);
                }
                None => {
                    relation.origins = vec![origin.to_string()];
                    index.insert(key, self.relations.len());
                    self.relations.push(relation);
                }
            }
        }
        let mut i = 0;
        self.relations.retain(|_| {
            let keep = !dropped.contains(&i);
            i += 1;
            keep
        });
        self.drop_dangling_relations();
    }

    /// Applies an operator's edit: upserted nodes take the operator's fields (positions
    /// kept); removed nodes go with every relation touching them, whoever contributed.
    pub fn edit(&mut self, change: &TopologyChange) {
        for node in &change.upsert_nodes {
            match self.nodes.iter_mut().find(|n| n.id == node.id) {
                Some(existing) => {
                    replace_fields(existing, node);
                    add_origin(&mut existing.origins, OPERATOR_ORIGIN);
                }
                None => {
                    let mut fresh = node.clone();
                    fresh.origins = vec![OPERATOR_ORIGIN.to_string()];
                    self.nodes.push(fresh);
                }
            }
        }
        let removed: HashSet<&str> = change.remove_nodes.iter().map(String::as_str).collect();
        self.nodes.retain(|n| !removed.contains(n.id.as_str()));
        self.relations
            .retain(|r| !change.remove_relations.iter().any(|x| x.same_as(r)));
        for relation in &change.upsert_relations {
            match self.relations.iter_mut().find(|r| r.same_as(relation)) {
                Some(existing) => add_origin(&mut existing.origins, OPERATOR_ORIGIN),
                None => {
                    let mut fresh = relation.clone();
                    fresh.origins = vec![OPERATOR_ORIGIN.to_string()];
                    self.relations.push(fresh);
                }
            }
        }
        self.drop_dangling_relations();
    }

    /// Stores positions on one view; unknown ids are ignored.
    pub fn set_positions(&mut self, view: TopologyView, positions: &[NodePosition]) {
        let index: HashMap<&str, usize> = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.as_str(), i))
            .collect();
        let places: Vec<(usize, Point)> = positions
            .iter()
            .filter_map(|p| {
                index
                    .get(p.id.as_str())
                    .map(|&i| (i, Point { x: p.x, y: p.y }))
            })
            .collect();
        for (i, point) in places {
            self.nodes[i].positions.set(view, point);
        }
    }

    fn drop_dangling_relations(&mut self) {
        let ids: HashSet<&str> = self.nodes.iter().map(|n| n.id.as_str()).collect();
        self.relations
            .retain(|r| ids.contains(r.from.as_str()) && ids.contains(r.to.as_str()));
    }
}

fn remove_origin(origins: &mut Vec<String>, origin: &str) -> bool {
    let before = origins.len();
    origins.retain(|o| o != origin);
    origins.len() != before
}

fn add_origin(origins: &mut Vec<String>, origin: &str) {
    if !origins.iter().any(|o| o == origin) {
        origins.push(origin.to_string());
    }
}

fn replace_fields(existing: &mut Node, node: &Node) {
    existing.name = node.name.clone();
    existing.kind = node.kind;
    existing.layer = node.layer;
    existing.aliases = node.aliases.clone();
    existing.attributes = node.attributes.clone();
    existing.owners = node.owners.clone();
}

fn merge_fields(existing: &mut Node, node: &Node) {
    for name in std::iter::once(&node.id).chain(&node.aliases) {
        if *name != existing.id && !existing.aliases.contains(name) {
            existing.aliases.push(name.clone());
        }
    }
    for (key, value) in &node.attributes {
        existing
            .attributes
            .entry(key.clone())
            .or_insert_with(|| value.clone());
    }
    for owner in &node.owners {
        if !existing.owners.contains(owner) {
            existing.owners.push(owner.clone());
        }
    }
}
