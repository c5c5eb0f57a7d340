//! Rules driven by the passing of time. Every timer sits in one queue ordered by due
//! time; a tick pops what is due and checks it against the state then (a timer whose
//! reason went away does nothing), so a tick costs what is due, not a scan of every
//! incident and alarm.

use std::collections::{BTreeSet, HashMap};

use noc_model::{AlarmStatus, EventBody, Incident, IncidentId, Millis, NewEvent, State};

use crate::correlation::describe_span;
use crate::{Engine, ENGINE_ACTOR};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Timer {
    /// Every alarm of the incident may have stayed cleared for the hold.
    Resolve(IncidentId),
    /// A cleared alarm outside every incident may have stayed cleared for the hold.
    Retire(noc_model::AlarmId),
    /// The incident's update deadline.
    Overdue(IncidentId),
    /// The incident's next escalation step.
    Escalate(IncidentId),
    /// A fingerprint's flapping may have settled.
    Flapping(String),
}

impl Timer {
    /// Timers of which each key has at most one pending due time.
    fn keyed(&self) -> bool {
        matches!(
            self,
            Timer::Overdue(_) | Timer::Escalate(_) | Timer::Flapping(_)
        )
    }
}

#[derive(Debug, Default)]
pub(crate) struct Timers {
    queue: BTreeSet<(Millis, Timer)>,
    /// The pending due time of each keyed timer.
    keyed: HashMap<Timer, Millis>,
}

impl Timers {
    /// Adds a check at `due` (checks of the same kind and key may pile up: each is
    /// looked at on its own).
    pub fn at(&mut self, due: Millis, timer: Timer) {
        self.queue.insert((due, timer));
    }

    /// Sets (or, with `None`, cancels) the one due time of a keyed timer.
    pub fn set(&mut self, timer: Timer, due: Option<Millis>) {
        debug_assert!(timer.keyed());
        let old = self.keyed.get(&timer).copied();
        if old == due {
            return;
        }
        if let Some(old) = old {
            self.queue.remove(&(old, timer.clone()));
        }
        match due {
            Some(due) => {
                self.queue.insert((due, timer.clone()));
                self.keyed.insert(timer, due);
            }
            None => {
                self.keyed.remove(&timer);
            }
        }
    }

    /// The earliest timer due by `now`, taken out of the queue.
    pub fn pop_due(&mut self, now: Millis) -> Option<Timer> {
        let first = self.queue.first()?;
        if first.0 > now {
            return None;
        }
        let (due, timer) = self.queue.pop_first()?;
        if timer.keyed() && self.keyed.get(&timer) == Some(&due) {
            self.keyed.remove(&timer);
        }
        Some(timer)
    }
}

impl Engine {
    pub(crate) fn fire(&mut self, timer: Timer, now: Millis, out: &mut Vec<NewEvent>) {
        match timer {
            Timer::Resolve(incident) => {
                if resolvable(&self.state, incident, self.config.resolve_hold_ms, now) {
                    let body = EventBody::IncidentResolved { incident };
                    self.emit(out, now, ENGINE_ACTOR.to_string(), body);
                }
            }
            Timer::Retire(alarm) => {
                let hold = self.config.resolve_hold_ms;
                let due = self.state.alarms.get(&alarm).is_some_and(|a| {
                    a.incident.is_none()
                        && a.status == AlarmStatus::Cleared
                        && a.cleared_at
                            .is_some_and(|at| at.saturating_add(hold) <= now)
                });
                if due {
                    self.emit(
                        out,
                        now,
                        ENGINE_ACTOR.to_string(),
                        EventBody::AlarmRetired { alarm },
                    );
                }
            }
            Timer::Overdue(incident) => {
                let every = self.config.policy.update_every_ms;
                let due_at = self
                    .state
                    .incidents
                    .get(&incident)
                    .filter(|inc| !inc.status.is_closed() && !inc.update_overdue && every > 0)
                    .map(|inc| inc.last_update_at.saturating_add(every))
                    .filter(|due| *due <= now);
                if let Some(due_at) = due_at {
                    let body = EventBody::IncidentUpdateOverdue { incident, due_at };
                    self.emit(out, now, ENGINE_ACTOR.to_string(), body);
                }
            }
            Timer::Escalate(incident) => self.escalate_by_policy(incident, now, out),
            Timer::Flapping(fingerprint) => self.settle_flapping(&fingerprint, now, out),
        }
    }

    /// Every step of the policy (in level order) that an open, unacknowledged incident
    /// qualifies for by `now` and has not reached yet: one escalation per level.
    fn escalate_by_policy(&mut self, incident: IncidentId, now: Millis, out: &mut Vec<NewEvent>) {
        let steps = self.config.policy.escalation.clone();
        for step in steps {
            let Some(inc) = self.state.incidents.get(&incident) else {
                return;
            };
            if inc.status.is_closed() || inc.acknowledged.is_some() {
                return;
            }
            let due = inc.escalation_level < step.level
                && inc.severity.rank() >= step.min_severity.rank()
                && now.saturating_sub(inc.opened_at) >= step.after_ms;
            if due {
                let body = EventBody::IncidentEscalated {
                    incident,
                    level: step.level,
                    reason: format!(
                        "unacknowledged for {} (policy level {})",
                        describe_span(step.after_ms),
                        step.level
                    ),
                    notify: step.notify.clone(),
                };
                self.emit(out, now, ENGINE_ACTOR.to_string(), body);
            }
        }
    }

    /// Keeps an incident's update-deadline and escalation timers in line with it
    /// (called whenever an event touched it).
    pub(crate) fn sync_incident_timers(&mut self, id: IncidentId) {
        let inc = self
            .state
            .incidents
            .get(&id)
            .filter(|inc| !inc.status.is_closed());
        let every = self.config.policy.update_every_ms;
        let overdue = inc
            .filter(|inc| !inc.update_overdue && every > 0)
            .map(|inc| inc.last_update_at.saturating_add(every));
        let escalation = inc.and_then(|inc| next_escalation(inc, &self.config.policy.escalation));
        self.timers.set(Timer::Overdue(id), overdue);
        self.timers.set(Timer::Escalate(id), escalation);
    }

    /// Checks the incident for resolution when its last alarm's hold ends (after its
    /// members changed other than by a clear: a merge, a split, a restart).
    pub(crate) fn schedule_resolution(&mut self, id: IncidentId) {
        let Some(inc) = self.state.incidents.get(&id) else {
            return;
        };
        let mut last = None;
        for alarm in &inc.alarms {
            match self.state.alarms.get(alarm) {
                Some(a) if a.status == AlarmStatus::Cleared => {
                    last = last.max(a.cleared_at);
                }
                Some(_) => return,
                None => {}
            }
        }
        let due = last
            .unwrap_or(Millis::MIN)
            .saturating_add(self.config.resolve_hold_ms);
        self.timers.at(due, Timer::Resolve(id));
    }
}

/// When the incident's next policy step falls due, if one can.
fn next_escalation(inc: &Incident, steps: &[noc_model::EscalationStep]) -> Option<Millis> {
    if inc.acknowledged.is_some() {
        return None;
    }
    steps
        .iter()
        .filter(|s| s.level > inc.escalation_level && inc.severity.rank() >= s.min_severity.rank())
        .map(|s| inc.opened_at.saturating_add(s.after_ms))
        .min()
}

/// Whether every alarm of the open incident has stayed cleared for at least `hold` by `now`.
pub(crate) fn resolvable(state: &State, id: IncidentId, hold: Millis, now: Millis) -> bool {
    let Some(inc) = state.incidents.get(&id) else {
        return false;
    };
    !inc.status.is_closed()
        && !inc.alarms.is_empty()
        && inc.alarms.iter().all(|id| {
            state.alarms.get(id).is_none_or(|a| {
                a.status == AlarmStatus::Cleared
                    && a.cleared_at
                        .is_some_and(|at| at.saturating_add(hold) <= now)
            })
        })
}
