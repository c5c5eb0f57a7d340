//! Rules driven by the passing of time. For now: resolution after the hold.

use noc_model::{AlarmStatus, IncidentId, Millis, State};

/// Incidents whose every alarm has stayed cleared for at least `hold` by `now`.
pub(crate) fn due_resolutions(state: &State, hold: Millis, now: Millis) -> Vec<IncidentId> {
    state
        .incidents
        .values()
        .filter(|inc| !inc.status.is_closed() && !inc.alarms.is_empty())
        .filter(|inc| {
            inc.alarms.iter().all(|id| {
                state.alarms.get(id).is_none_or(|a| {
                    a.status == AlarmStatus::Cleared
                        && a.cleared_at.is_some_and(|at| at + hold <= now)
                })
            })
        })
        .map(|inc| inc.id)
        .collect()
}
