//! Nodes that arrive without a position (discovery, an import, an edit) are placed on
//! both views by the hub, so every client shows the same picture; nodes already
//! placed, by a layout or by an operator's drag, never move on their own.

use std::sync::Arc;
use std::time::Duration;

use noc_model::{Batch, Command, EventBody, Topology, TopologyView};
use tokio::sync::broadcast::{self, error::RecvError, error::TryRecvError};

use crate::Console;

/// Who places new nodes, as the log records it.
pub use noc_model::LAYOUT_ACTOR;

/// How long the follower lets a burst of changes (several sources discovering at
/// start, an import followed by edits) settle, so they are placed together.
const SETTLE: Duration = Duration::from_millis(250);

const VIEWS: [TopologyView; 2] = [TopologyView::Layered, TopologyView::Network];

/// Places what is unplaced once at start, then after every batch that may have added
/// nodes. A placement's own batch adds none, so it does not start another.
pub(crate) async fn follow(console: Console, mut feed: broadcast::Receiver<Arc<Batch>>) {
    let shutdown = console.shutdown.clone();
    let mut pending = true;
    loop {
        if pending {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tokio::time::sleep(SETTLE) => {}
            }
            // Whatever was committed up to here is in the state this placement reads.
            if !drain(&mut feed) {
                return;
            }
            place_unplaced(&console).await;
        }
        pending = tokio::select! {
            _ = shutdown.cancelled() => return,
            received = feed.recv() => match received {
                Ok(batch) => may_add_nodes(&batch),
                Err(RecvError::Lagged(_)) => true,
                Err(RecvError::Closed) => return,
            },
        };
    }
}

/// Empties the feed; false once the hub has stopped publishing.
fn drain(feed: &mut broadcast::Receiver<Arc<Batch>>) -> bool {
    loop {
        match feed.try_recv() {
            Ok(_) | Err(TryRecvError::Lagged(_)) => continue,
            Err(TryRecvError::Empty) => return true,
            Err(TryRecvError::Closed) => return false,
        }
    }
}

fn may_add_nodes(batch: &Batch) -> bool {
    batch.changes.topology_changed
        && batch.events.iter().any(|e| {
            matches!(
                e.body,
                EventBody::TopologyLoaded { .. } | EventBody::TopologyEdited { .. }
            )
        })
}

async fn place_unplaced(console: &Console) {
    let unplaced = console
        .shared
        .store
        .read_state(|state| has_unplaced(&state.topology).then(|| state.topology.clone()))
        .await;
    let Some(topology) = unplaced else {
        return;
    };
    // A large estate takes a while to lay out: off the runtime's worker threads.
    let placed = tokio::task::spawn_blocking(move || {
        VIEWS.map(|view| (view, noc_topology::layout::place_new(&topology, view)))
    })
    .await;
    let placed = match placed {
        Ok(placed) => placed,
        Err(err) => {
            tracing::error!(error = %err, "placing new topology nodes failed");
            return;
        }
    };
    for (view, positions) in placed {
        if positions.is_empty() {
            continue;
        }
        let command = Command::PlaceNodes { view, positions };
        // Refused when a node went away meanwhile; that removal's batch brings the
        // follower back with the topology as it is now.
        if let Err(err) = console.command(command, LAYOUT_ACTOR).await {
            tracing::warn!(?view, error = %err, "new topology nodes were not placed");
        }
    }
}

fn has_unplaced(topology: &Topology) -> bool {
    topology
        .nodes
        .iter()
        .any(|n| VIEWS.iter().any(|&view| n.positions.get(view).is_none()))
}
