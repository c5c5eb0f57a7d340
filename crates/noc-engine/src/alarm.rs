//! Dedup of alarm signals, and the grouping of new alarms into incidents.

use noc_model::{Alarm, AlarmId, AlarmSignal, AlarmStatus, EventBody, Millis, NewEvent};

use crate::correlation::{self, Placement};
use crate::{source_actor, Engine, ENGINE_ACTOR};

impl Engine {
    pub(crate) fn on_alarm(&mut self, signal: AlarmSignal, now: Millis, out: &mut Vec<NewEvent>) {
        let actor = source_actor(&signal.source);
        let fingerprint = self.fingerprint_of(&signal);
        let live = self
            .fingerprints
            .get(&fingerprint)
            .and_then(|id| self.state.alarms.get(id));
        match (live, signal.firing) {
            (Some(alarm), true) => {
                let id = alarm.id;
                let was_cleared = alarm.status == AlarmStatus::Cleared;
                let labels_changed = alarm.labels != signal.labels;
                let body = EventBody::AlarmUpdated {
                    alarm: id,
                    severity: signal.severity,
                    title: signal.title,
                    text: signal.text,
                    count: alarm.count.saturating_add(1),
                    labels: labels_changed.then_some(signal.labels),
                };
                self.emit(out, now, actor, body);
                if was_cleared {
                    self.note_change(&fingerprint, id, true, now, out);
                }
                if was_cleared || labels_changed || self.may_be_suppressed(id) {
                    self.reconsider_suppression(id, now, out);
                }
            }
            (Some(alarm), false) if alarm.status == AlarmStatus::Active => {
                let id = alarm.id;
                self.emit(out, now, actor, EventBody::AlarmCleared { alarm: id });
                self.note_change(&fingerprint, id, false, now, out);
            }
            (None, true) => self.raise(signal, fingerprint, actor, now, out),
            (_, false) => {}
        }
    }

    /// Whether a repeat of an alarm needs a look at the maintenance windows: only
    /// when there are windows, or when the alarm is outside every incident.
    fn may_be_suppressed(&self, id: AlarmId) -> bool {
        !self.state.maintenance.is_empty()
            || self
                .state
                .alarms
                .get(&id)
                .is_some_and(|a| a.incident.is_none() || a.suppressed_by.is_some())
    }

    fn raise(
        &mut self,
        signal: AlarmSignal,
        fingerprint: String,
        actor: String,
        now: Millis,
        out: &mut Vec<NewEvent>,
    ) {
        let alarm = Alarm {
            id: self.state.next_alarm_id(),
            fingerprint,
            source: signal.source,
            node: signal.node,
            severity: signal.severity,
            title: signal.title,
            text: signal.text,
            labels: signal.labels,
            status: AlarmStatus::Active,
            first_seen: signal.at,
            last_seen: signal.at,
            cleared_at: None,
            count: 1,
            incident: None,
            reason: None,
            flapping: false,
            suppressed_by: None,
            unseen: true,
        };
        let id = alarm.id;
        let fingerprint = alarm.fingerprint.clone();
        self.emit(out, now, actor, EventBody::AlarmRaised { alarm });
        // Marked flapping before it is placed, so whoever is told of a new incident
        // already sees that its alarm flaps.
        self.note_change(&fingerprint, id, true, now, out);
        match self.covering_window(id, now) {
            Some(window) => {
                let body = EventBody::AlarmSuppressed {
                    alarm: id,
                    window: Some(window),
                };
                self.emit(out, now, ENGINE_ACTOR.to_string(), body);
            }
            None => self.place_and_group(id, now, out),
        }
    }

    /// Puts an alarm that belongs to no incident where a new alarm would go.
    pub(crate) fn place_and_group(&mut self, id: AlarmId, now: Millis, out: &mut Vec<NewEvent>) {
        let Some(alarm) = self.state.alarms.get(&id) else {
            return;
        };
        let known = correlation::Knowledge {
            deps: &mut self.dependencies,
            members: &self.members,
            causal: &self.causal,
            config: &self.config,
        };
        let placement = correlation::place(alarm, &self.state, known, now);
        self.group(id, placement, now, out);
    }

    fn group(
        &mut self,
        alarm: AlarmId,
        placement: Placement,
        now: Millis,
        out: &mut Vec<NewEvent>,
    ) {
        let grouped = match placement {
            Placement::Join {
                incident,
                root,
                reason,
            } => EventBody::AlarmGrouped {
                incident,
                alarm,
                root,
                reason,
            },
            Placement::Open {
                title,
                severity,
                root_node,
                system,
                layer,
                reason,
            } => {
                let incident = self.state.next_incident_id();
                let opened = EventBody::IncidentOpened {
                    incident,
                    title,
                    severity,
                    root_node,
                    system,
                    layer,
                    reason: reason.clone(),
                };
                self.emit(out, now, ENGINE_ACTOR.to_string(), opened);
                EventBody::AlarmGrouped {
                    incident,
                    alarm,
                    root: true,
                    reason,
                }
            }
        };
        self.emit(out, now, ENGINE_ACTOR.to_string(), grouped);
    }
}
