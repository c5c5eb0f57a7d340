//! What a failing node or an incident hurts, as shown to operators and served by the API.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{IncidentId, RelationKind};

/// A walk through the topology: `nodes[0]` is where it starts, `relations[i]` joins
/// `nodes[i]` and `nodes[i + 1]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct ImpactPath {
    pub nodes: Vec<String>,
    pub relations: Vec<RelationKind>,
}

/// A node found by a walk, with the shortest way there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct ReachedNode {
    pub id: String,
    pub hops: u32,
    pub path: ImpactPath,
}

/// For one node: what it needs (upstream), what needs it (downstream), and the
/// business systems among the latter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct NodeImpact {
    pub node: String,
    pub upstream: Vec<ReachedNode>,
    pub downstream: Vec<ReachedNode>,
    pub business_systems: Vec<ReachedNode>,
}

/// For one incident: the nodes failing in it, everything that depends on them (the
/// blast radius), and the business systems affected, each with the path from the
/// failing node nearest to it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct IncidentImpact {
    #[ts(type = "number")]
    pub incident: IncidentId,
    pub root: Option<String>,
    pub failing: Vec<String>,
    pub blast_radius: Vec<String>,
    pub business_systems: Vec<ReachedNode>,
}
