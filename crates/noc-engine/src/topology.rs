//! Operator edits of the topology, checked before they become events.

use noc_model::{Command, CommandError, EventBody, State, Topology, LAYOUT_ACTOR};

/// A name for an imported file, which later imports of the same name replace.
const MAX_IMPORT_NAME: usize = 200;

pub(crate) fn check(state: &State, cmd: Command) -> Result<EventBody, CommandError> {
    match cmd {
        Command::EditTopology { change } => {
            if change.is_empty() {
                return Err(CommandError::Invalid("the edit changes nothing".into()));
            }
            let mut after = state.topology.clone();
            after.edit(&change);
            for relation in &change.upsert_relations {
                if !after.relations.iter().any(|r| r.same_as(relation)) {
                    return Err(CommandError::Invalid(format!(
                        "relation {} → {} names a node that is not in the topology",
                        relation.from, relation.to
                    )));
                }
            }
            no_new_problem(&state.topology, &after)?;
            Ok(EventBody::TopologyEdited { change })
        }
        Command::ImportTopology { name, topology } => {
            let name = name.trim().to_string();
            if name.is_empty() || name.chars().count() > MAX_IMPORT_NAME {
                return Err(CommandError::Invalid(
                    "an import needs a name of 1 to 200 characters".into(),
                ));
            }
            valid(&topology)?;
            let origin = format!("import:{name}");
            let mut after = state.topology.clone();
            after.load(&origin, &topology);
            no_new_problem(&state.topology, &after)?;
            Ok(EventBody::TopologyLoaded { origin, topology })
        }
        Command::PlaceNodes { view, positions } => {
            if positions.is_empty() {
                return Err(CommandError::Invalid("no positions given".into()));
            }
            let known = state.topology.name_index();
            for p in &positions {
                if !known.contains_key(p.id.as_str()) {
                    return Err(CommandError::Invalid(format!("unknown node {}", p.id)));
                }
                if !p.x.is_finite() || !p.y.is_finite() {
                    return Err(CommandError::Invalid(format!(
                        "node {} has no finite position",
                        p.id
                    )));
                }
            }
            Ok(EventBody::TopologyPositionsSet { view, positions })
        }
        other => Err(CommandError::Invalid(format!(
            "not a topology command: {other:?}"
        ))),
    }
}

/// The automatic placement only places nodes that are still unplaced when it is
/// committed: an operator may have dragged one while it was being computed, and the
/// operator's position wins. `None` when nothing is left to place.
pub(crate) fn for_actor(state: &State, cmd: Command, actor: &str) -> Option<Command> {
    let Command::PlaceNodes {
        view,
        mut positions,
    } = cmd
    else {
        return Some(cmd);
    };
    if actor == LAYOUT_ACTOR {
        let index = state.topology.name_index();
        positions.retain(|p| {
            index
                .get(p.id.as_str())
                .is_some_and(|&i| state.topology.nodes[i].positions.get(view).is_none())
        });
        if positions.is_empty() {
            return None;
        }
    }
    Some(Command::PlaceNodes { view, positions })
}

/// Refuses a change that makes a sound topology unsound (a cycle through what another
/// origin contributed, a second rack). Sources report what they see without this
/// check, so a topology may already hold a problem: an operator must still be able
/// to edit it (and fix it), so only a change from sound to unsound is refused.
fn no_new_problem(before: &Topology, after: &Topology) -> Result<(), CommandError> {
    match valid(after) {
        Err(err) if valid(before).is_ok() => Err(err),
        _ => Ok(()),
    }
}

fn valid(topology: &Topology) -> Result<(), CommandError> {
    noc_topology::validate::check(topology).map_err(|e| CommandError::Invalid(e.to_string()))
}
