//! Two operators acting on one incident at the same moment: the ingest loop decides
//! one after the other, and the one who came second is told who came first, so they
//! can talk to that person instead of guessing.

use noc_model::{CommandError, Incident, IncidentStatus, State};

use crate::ApiError;

/// The engine's refusal as the caller receives it, naming the operator whose action
/// it collided with when the state knows them.
pub(crate) fn refusal(err: CommandError, state: &State) -> ApiError {
    let holder = match &err {
        CommandError::Closed(id) | CommandError::WrongStatus { incident: id, .. } => {
            state.incidents.get(id).and_then(milestone_holder)
        }
        _ => None,
    };
    let mut refusal = ApiError::from(err);
    if let Some((milestone, by)) = holder {
        refusal.message = format!("{}; {milestone} by {by}", refusal.message);
        refusal.by = Some(by);
    }
    refusal
}

/// The furthest milestone the incident reached and who reached it.
fn milestone_holder(incident: &Incident) -> Option<(&'static str, String)> {
    let by = |mark: Option<&String>| mark.cloned();
    let (milestone, by) = match incident.status {
        IncidentStatus::Acknowledged => (
            "acknowledged",
            by(incident.acknowledged.as_ref().map(|m| &m.by)),
        ),
        IncidentStatus::Identified => (
            "identified",
            by(incident.identified.as_ref().map(|m| &m.by)),
        ),
        IncidentStatus::Mitigated => ("mitigated", by(incident.mitigated.as_ref().map(|m| &m.by))),
        IncidentStatus::Resolved => ("resolved", by(incident.resolved_by.as_ref())),
        IncidentStatus::Reviewed => ("reviewed", by(incident.reviewed.as_ref().map(|m| &m.by))),
        IncidentStatus::Open | IncidentStatus::Merged => return None,
    };
    Some((milestone, by?))
}
