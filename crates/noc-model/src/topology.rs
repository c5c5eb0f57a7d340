use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The three layers of the full-layer topology (全层级拓扑).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, utoipa::ToSchema)]
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
}

impl NodeKind {
    pub fn layer(self) -> Layer {
        match self {
            NodeKind::BusinessSystem | NodeKind::Service => Layer::Saas,
            NodeKind::Middleware | NodeKind::Database => Layer::Paas,
            NodeKind::Host | NodeKind::NetworkDevice | NodeKind::Link | NodeKind::Site => {
                Layer::Iaas
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct Node {
    pub id: String,
    pub name: String,
    pub kind: NodeKind,
    pub layer: Layer,
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
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct Topology {
    pub nodes: Vec<Node>,
    pub relations: Vec<Relation>,
}

impl Topology {
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }
}
