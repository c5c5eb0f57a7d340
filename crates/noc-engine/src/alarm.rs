//! Dedup of alarm signals, and the grouping of new alarms into incidents.

use noc_model::{Alarm, AlarmSignal, AlarmStatus, EventBody, Millis, NewEvent};

use crate::correlation::{self, Placement};
use crate::{source_actor, Engine, ENGINE_ACTOR};

impl Engine {
    pub(crate) fn on_alarm(&mut self, signal: AlarmSignal, now: Millis, out: &mut Vec<NewEvent>) {
        let actor = source_actor(&signal.source);
        let fingerprint = signal.fingerprint();
        let live = self
            .fingerprints
            .get(&fingerprint)
            .and_then(|id| self.state.alarms.get(id));
        match (live, signal.firing) {
            (Some(alarm), true) => {
                let labels = (alarm.labels != signal.labels).then_some(signal.labels);
                let body = EventBody::AlarmUpdated {
                    alarm: alarm.id,
                    severity: signal.severity,
                    title: signal.title,
                    text: signal.text,
                    count: alarm.count.saturating_add(1),
                    labels,
                };
                self.emit(out, now, actor, body);
            }
            (Some(alarm), false) if alarm.status == AlarmStatus::Active => {
                let body = EventBody::AlarmCleared { alarm: alarm.id };
                self.emit(out, now, actor, body);
            }
            (None, true) => self.raise(signal, fingerprint, actor, now, out),
            (_, false) => {}
        }
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
        let window = self.config.correlation_window_ms;
        let placement = correlation::place(
            &alarm,
            &self.state,
            &mut self.dependencies,
            &self.by_node,
            window,
            now,
        );
        let id = alarm.id;
        self.emit(out, now, actor, EventBody::AlarmRaised { alarm });
        self.group(id, placement, now, out);
    }

    fn group(
        &mut self,
        alarm: noc_model::AlarmId,
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
