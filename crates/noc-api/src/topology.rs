//! The topology's use cases (全层级拓扑): the estate as it is now or was at a moment,
//! operator edits and placements, layouts, and what a failing node or an incident
//! hurts. Every change is a [`Command`] checked by the engine and logged with who did
//! it; impact questions are answered from one dependency graph per topology version.

mod impact_graph;
mod placement;

use noc_model::{
    Command, IncidentId, IncidentImpact, Millis, NodeImpact, NodePosition, Seq, Topology,
    TopologyChange, TopologyView,
};
use noc_topology::import::{Format, MAX_IMPORT_BYTES};
use serde::Serialize;

use crate::{ApiError, Console};

pub(crate) use impact_graph::ImpactGraph;
pub use placement::LAYOUT_ACTOR;

/// Which topology to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopologyAt {
    Now,
    /// As the log stood right after this event.
    Seq(Seq),
    /// As it stood at this moment (unix ms): after the last event recorded by then.
    Time(Millis),
}

/// A topology change committed to the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Committed {
    /// The seq of the change's event.
    #[schema(value_type = i64)]
    pub seq: Seq,
}

/// What an import brought: the file's nodes and relations, and the event's seq.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImportSummary {
    pub nodes: usize,
    pub relations: usize,
    #[schema(value_type = i64)]
    pub seq: Seq,
}

/// The topology written out as a file to download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopologyFile {
    /// `topology.yaml`, `topology.json`, `topology.csv`.
    pub file_name: String,
    pub media_type: &'static str,
    pub body: String,
}

impl Console {
    /// Replaces what the file of this name brought before with its contents, as the
    /// operator's import: what other files, discovery and edits contributed stays.
    /// `format` absent: the one the name's extension says.
    pub async fn import_topology<B>(
        &self,
        name: &str,
        format: Option<Format>,
        bytes: B,
        actor: &str,
    ) -> Result<ImportSummary, ApiError>
    where
        B: AsRef<[u8]> + Send + 'static,
    {
        let size = bytes.as_ref().len();
        if size > MAX_IMPORT_BYTES {
            return Err(ApiError::new(
                413,
                "too_large",
                format!(
                    "{name} has {size} bytes; an import may have at most {MAX_IMPORT_BYTES} \
                     (split the estate by site)"
                ),
            ));
        }
        let name = name.trim().to_string();
        if name.is_empty() {
            // Before reading the file: the name says what a later import replaces.
            return Err(ApiError::invalid("an import needs the file's name"));
        }
        let format = format.or_else(|| Format::from_name(&name)).ok_or_else(|| {
            ApiError::invalid(format!(
                "say which format {name} is in (format=yaml, json or csv) or name the \
                 file .yaml, .json or .csv"
            ))
        })?;
        let file = name.clone();
        let topology = tokio::task::spawn_blocking(move || {
            noc_topology::import::parse(&file, format, bytes.as_ref())
        })
        .await
        .map_err(|e| ApiError::new(500, "import_failed", e.to_string()))?
        .map_err(|e| invalid_topology(e.to_string()))?;
        let (nodes, relations) = (topology.nodes.len(), topology.relations.len());
        let command = Command::ImportTopology {
            name: name.clone(),
            topology,
        };
        let outcome = self
            .command_outcome(command, actor)
            .await
            .map_err(|err| match err.code {
                "invalid_request" => invalid_topology(format!("{name}: {}", err.message)),
                _ => err,
            })?;
        Ok(ImportSummary {
            nodes,
            relations,
            seq: outcome.seq,
        })
    }

    /// The live topology as a file in `format`.
    pub async fn export_topology(&self, format: Format) -> Result<TopologyFile, ApiError> {
        let topology = self.topology_at(TopologyAt::Now).await?;
        let body =
            tokio::task::spawn_blocking(move || noc_topology::import::export(&topology, format))
                .await
                .map_err(|e| ApiError::new(500, "export_failed", e.to_string()))?;
        Ok(TopologyFile {
            file_name: format!("topology.{}", format.extension()),
            media_type: format.media_type(),
            body,
        })
    }

    /// The topology now, or as it was at a seq or a moment.
    pub async fn topology_at(&self, at: TopologyAt) -> Result<Topology, ApiError> {
        let store = &self.shared.store;
        let seq = match at {
            TopologyAt::Now => return Ok(store.read_state(|s| s.topology.clone()).await),
            TopologyAt::Seq(seq) => seq,
            TopologyAt::Time(at) => store.last_seq_at(at).await?,
        };
        let last = store.last_seq();
        if !(0..=last).contains(&seq) {
            return Err(ApiError::invalid(format!(
                "seq {seq} is outside the log (0..={last})"
            )));
        }
        Ok(store.state_at(seq).await?.topology)
    }

    /// An operator's edit: nodes and relations added, changed or removed.
    pub async fn edit_topology(
        &self,
        change: TopologyChange,
        actor: &str,
    ) -> Result<Committed, ApiError> {
        self.topology_command(Command::EditTopology { change }, actor)
            .await
    }

    /// Stores where nodes sit on a view (an operator's drag).
    pub async fn place_nodes(
        &self,
        view: TopologyView,
        positions: Vec<NodePosition>,
        actor: &str,
    ) -> Result<Committed, ApiError> {
        self.topology_command(Command::PlaceNodes { view, positions }, actor)
            .await
    }

    /// Lays out every node of `view` again, dragged ones included.
    pub async fn relayout(&self, view: TopologyView, actor: &str) -> Result<Committed, ApiError> {
        let topology = self.topology_at(TopologyAt::Now).await?;
        if topology.nodes.is_empty() {
            return Err(unprocessable("the topology has no nodes to lay out"));
        }
        let positions =
            tokio::task::spawn_blocking(move || noc_topology::layout::lay_out(&topology, view))
                .await
                .map_err(|e| ApiError::new(500, "layout_failed", e.to_string()))?;
        self.place_nodes(view, positions, actor).await
    }

    /// What `node` (an id or an alias) needs, what needs it, and the business
    /// systems among the latter, each with the shortest path.
    pub async fn node_impact(&self, node: &str) -> Result<NodeImpact, ApiError> {
        let impact = &self.impact;
        self.shared
            .store
            .read_state(|state| {
                impact.ask(&state.topology, |graph| {
                    noc_topology::impact::node_impact(graph, node)
                })
            })
            .await
            .ok_or_else(|| {
                ApiError::not_found("node_not_found", format!("the topology has no node {node}"))
            })
    }

    /// What an incident hurts: its failing nodes, everything depending on them and
    /// the business systems affected.
    pub async fn incident_impact(&self, incident: IncidentId) -> Result<IncidentImpact, ApiError> {
        let impact = &self.impact;
        self.shared
            .store
            .read_state(|state| {
                let found = state.incidents.get(&incident)?;
                Some(impact.ask(&state.topology, |graph| {
                    noc_topology::impact::incident_impact(graph, state, found)
                }))
            })
            .await
            .ok_or_else(|| {
                ApiError::not_found(
                    "incident_not_found",
                    format!("incident {incident} does not exist"),
                )
            })
    }

    async fn topology_command(&self, command: Command, actor: &str) -> Result<Committed, ApiError> {
        let outcome = self
            .command_outcome(command, actor)
            .await
            .map_err(unprocessable_refusal)?;
        Ok(Committed { seq: outcome.seq })
    }
}

/// Starts what follows the log for the topology: the impact graph's version and the
/// placement of new nodes.
pub(crate) fn follow(console: &Console) {
    let mut versions = console.subscribe();
    let impact = console.impact.clone();
    let shutdown = console.shutdown.clone();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                received = versions.recv() => match received {
                    Ok(batch) => impact.observe(&batch),
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => impact.invalidate(),
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                },
            }
        }
    });
    tokio::spawn(placement::follow(console.clone(), console.subscribe()));
}

/// The engine refuses a topology change that is well-formed JSON but not acceptable
/// (a relation to an unknown node, a cycle): 422, as for a bad file.
fn unprocessable_refusal(err: ApiError) -> ApiError {
    if err.code == "invalid_request" {
        unprocessable(err.message)
    } else {
        err
    }
}

fn invalid_topology(message: String) -> ApiError {
    ApiError::new(422, "invalid_topology", message)
}

fn unprocessable(message: impl Into<String>) -> ApiError {
    ApiError::new(422, "invalid_request", message)
}
