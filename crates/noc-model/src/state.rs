use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{
    Alarm, AlarmId, AlarmStatus, Event, EventBody, Incident, IncidentId, IncidentStatus, Mark, Seq,
    Severity, SourceDefinition, SourceHealth, Topology,
};

/// How many resolved incidents the live state keeps for the board; older ones live
/// only in the store's tables and the log.
pub const RECENT_RESOLVED_KEPT: usize = 200;

/// The live state: the log folded up to `seq`. The same fold runs in the hub, in the
/// store's rebuild, in clients' snapshots and in replay, so they cannot disagree.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub seq: Seq,
    pub alarms: BTreeMap<AlarmId, Alarm>,
    pub incidents: BTreeMap<IncidentId, Incident>,
    pub sources: BTreeMap<String, SourceHealth>,
    /// Sources defined from the Sources page (file-configured ones are not in the log).
    pub definitions: BTreeMap<String, SourceDefinition>,
    pub topology: Topology,
    /// Ids are never reused, even after an entity leaves the live state.
    pub last_alarm_id: AlarmId,
    pub last_incident_id: IncidentId,
    resolved_order: VecDeque<IncidentId>,
}

/// What one or more events changed: the new versions of the touched entities and the
/// ids that left the live state. Clients upsert these instead of re-running the fold.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct Changes {
    pub alarms: Vec<Alarm>,
    pub incidents: Vec<Incident>,
    pub sources: Vec<SourceHealth>,
    #[ts(type = "Array<number>")]
    pub removed_alarms: Vec<AlarmId>,
    #[ts(type = "Array<number>")]
    pub removed_incidents: Vec<IncidentId>,
    /// Sources no longer watched (removed or disabled): their health leaves the strip.
    pub removed_sources: Vec<String>,
    pub topology_changed: bool,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.alarms.is_empty()
            && self.incidents.is_empty()
            && self.sources.is_empty()
            && self.removed_alarms.is_empty()
            && self.removed_incidents.is_empty()
            && self.removed_sources.is_empty()
            && !self.topology_changed
    }

    /// Folds a later change set into this one, keeping only the last version of each entity.
    pub fn merge(&mut self, later: Changes) {
        upsert_all(&mut self.alarms, later.alarms, |a| a.id);
        upsert_all(&mut self.incidents, later.incidents, |i| i.id);
        upsert_all(&mut self.sources, later.sources, |s| s.source.clone());
        for id in later.removed_alarms {
            self.alarms.retain(|a| a.id != id);
            self.removed_alarms.push(id);
        }
        for name in later.removed_sources {
            self.sources.retain(|s| s.source != name);
            self.removed_sources.push(name);
        }
        for id in later.removed_incidents {
            self.incidents.retain(|i| i.id != id);
            self.removed_incidents.push(id);
        }
        self.topology_changed |= later.topology_changed;
    }
}

fn upsert_all<T, K: PartialEq>(into: &mut Vec<T>, items: Vec<T>, key: impl Fn(&T) -> K) {
    for item in items {
        let k = key(&item);
        match into.iter_mut().find(|x| key(x) == k) {
            Some(slot) => *slot = item,
            None => into.push(item),
        }
    }
}

/// What one committed write transaction added to the log, with what it changed.
/// The store returns it; the event stream carries it to every screen.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct Batch {
    #[ts(type = "number")]
    pub first_seq: Seq,
    #[ts(type = "number")]
    pub last_seq: Seq,
    pub events: Vec<crate::Event>,
    pub changes: Changes,
}

/// The live state as a client receives it before following the event stream.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct Snapshot {
    #[ts(type = "number")]
    pub seq: Seq,
    pub alarms: Vec<Alarm>,
    pub incidents: Vec<Incident>,
    pub sources: Vec<SourceHealth>,
}

impl State {
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            seq: self.seq,
            alarms: self.alarms.values().cloned().collect(),
            incidents: self.incidents.values().cloned().collect(),
            sources: self.sources.values().cloned().collect(),
        }
    }

    pub fn next_alarm_id(&self) -> AlarmId {
        self.last_alarm_id + 1
    }

    pub fn next_incident_id(&self) -> IncidentId {
        self.last_incident_id + 1
    }

    /// Applies one event of the log. Events must come in `seq` order.
    pub fn apply(&mut self, event: &Event) -> Changes {
        debug_assert!(event.seq > self.seq, "events applied out of order");
        self.seq = event.seq;
        let mut changes = Changes::default();
        match &event.body {
            EventBody::AlarmRaised { alarm } => {
                self.last_alarm_id = self.last_alarm_id.max(alarm.id);
                self.alarms.insert(alarm.id, alarm.clone());
                changes.alarms.push(alarm.clone());
            }
            EventBody::AlarmUpdated {
                alarm,
                severity,
                title,
                text,
                count,
                labels,
            } => {
                if let Some(a) = self.alarms.get_mut(alarm) {
                    if let Some(labels) = labels {
                        a.labels.clone_from(labels);
                    }
                    a.severity = *severity;
                    a.title.clone_from(title);
                    a.text.clone_from(text);
                    a.count = *count;
                    a.last_seen = event.at;
                    a.status = AlarmStatus::Active;
                    a.cleared_at = None;
                    changes.alarms.push(a.clone());
                    self.refresh_incident_of(*alarm, event.at, &mut changes);
                }
            }
            EventBody::AlarmCleared { alarm } => {
                if let Some(a) = self.alarms.get_mut(alarm) {
                    a.status = AlarmStatus::Cleared;
                    a.cleared_at = Some(event.at);
                    changes.alarms.push(a.clone());
                    self.refresh_incident_of(*alarm, event.at, &mut changes);
                }
            }
            EventBody::IncidentOpened {
                incident,
                title,
                severity,
                root_node,
                system,
                layer,
                reason,
            } => {
                let inc = Incident {
                    id: *incident,
                    title: title.clone(),
                    severity: *severity,
                    status: IncidentStatus::Open,
                    root_node: root_node.clone(),
                    root_alarm: None,
                    system: system.clone(),
                    layer: *layer,
                    alarms: Vec::new(),
                    nodes: Vec::new(),
                    active_alarms: 0,
                    reason: reason.clone(),
                    opened_at: event.at,
                    acknowledged: None,
                    resolved_at: None,
                    updated_at: event.at,
                    comments: 0,
                };
                self.last_incident_id = self.last_incident_id.max(*incident);
                self.incidents.insert(*incident, inc.clone());
                changes.incidents.push(inc);
            }
            EventBody::AlarmGrouped {
                incident,
                alarm,
                root,
                ..
            } => self.group(*incident, *alarm, *root, event.at, &mut changes),
            EventBody::IncidentAcknowledged { incident } => {
                self.touch_incident(*incident, event.at, &mut changes, |inc| {
                    inc.status = IncidentStatus::Acknowledged;
                    inc.acknowledged = Some(Mark {
                        by: event.actor.clone(),
                        at: event.at,
                    });
                });
            }
            EventBody::IncidentCommented { incident, .. } => {
                self.touch_incident(*incident, event.at, &mut changes, |inc| inc.comments += 1);
            }
            EventBody::IncidentResolved { incident } => {
                self.resolve(*incident, event.at, &mut changes)
            }
            EventBody::SourceHealthChanged { health } => {
                self.sources.insert(health.source.clone(), health.clone());
                changes.sources.push(health.clone());
            }
            EventBody::TopologyLoaded { topology } => {
                self.topology = topology.clone();
                changes.topology_changed = true;
            }
            EventBody::SourceDefined { definition } => {
                self.definitions
                    .insert(definition.name.clone(), definition.clone());
                // A disabled source is not watched: its health leaves the strip.
                if !definition.enabled && self.sources.remove(&definition.name).is_some() {
                    changes.removed_sources.push(definition.name.clone());
                }
            }
            EventBody::SourceRemoved { name } => {
                self.definitions.remove(name);
                if self.sources.remove(name).is_some() {
                    changes.removed_sources.push(name.clone());
                }
            }
            // Records of operator actions in other systems: they change nothing here.
            EventBody::SilenceCreated { .. }
            | EventBody::SilenceExpired { .. }
            | EventBody::AlarmAcknowledgedAtSource { .. } => {}
        }
        changes
    }

    fn group(
        &mut self,
        incident: IncidentId,
        alarm: AlarmId,
        root: bool,
        at: crate::Millis,
        changes: &mut Changes,
    ) {
        let Some(a) = self.alarms.get_mut(&alarm) else {
            return;
        };
        a.incident = Some(incident);
        changes.alarms.push(a.clone());
        let node = a.node.clone();
        let topology = &self.topology;
        let title =
            root.then(|| crate::incident_title(a, |id| topology.node(id).map(|n| n.name.as_str())));
        if let Some(inc) = self.incidents.get_mut(&incident) {
            if !inc.alarms.contains(&alarm) {
                inc.alarms.push(alarm);
            }
            if let Some(node) = &node {
                if !inc.nodes.contains(node) {
                    inc.nodes.push(node.clone());
                }
            }
            if root {
                // The layer follows the root cause: a later, more upstream root can
                // move the incident from the service layer down to the hosts.
                if let Some(found) = node.as_deref().and_then(|n| self.topology.node(n)) {
                    inc.layer = Some(found.layer);
                }
                inc.root_alarm = Some(alarm);
                inc.root_node = node;
            }
            if let Some(title) = title {
                inc.title = title;
            }
        }
        self.refresh_incident(incident, at, changes);
    }

    fn touch_incident(
        &mut self,
        id: IncidentId,
        at: crate::Millis,
        changes: &mut Changes,
        edit: impl FnOnce(&mut Incident),
    ) {
        if let Some(inc) = self.incidents.get_mut(&id) {
            edit(inc);
            inc.updated_at = at;
            changes.incidents.push(inc.clone());
        }
    }

    fn refresh_incident_of(&mut self, alarm: AlarmId, at: crate::Millis, changes: &mut Changes) {
        if let Some(incident) = self.alarms.get(&alarm).and_then(|a| a.incident) {
            self.refresh_incident(incident, at, changes);
        }
    }

    /// Recomputes what an incident derives from its alarms: severity and active count.
    fn refresh_incident(&mut self, id: IncidentId, at: crate::Millis, changes: &mut Changes) {
        let Some(inc) = self.incidents.get_mut(&id) else {
            return;
        };
        let members: Vec<&Alarm> = inc
            .alarms
            .iter()
            .filter_map(|a| self.alarms.get(a))
            .collect();
        let active: Vec<&&Alarm> = members
            .iter()
            .filter(|a| a.status == AlarmStatus::Active)
            .collect();
        inc.active_alarms = active.len() as u32;
        let pool: Vec<Severity> = if active.is_empty() {
            members.iter().map(|a| a.severity).collect()
        } else {
            active.iter().map(|a| a.severity).collect()
        };
        if let Some(worst) = pool.into_iter().reduce(Severity::worst) {
            inc.severity = worst;
        }
        inc.updated_at = at;
        upsert(&mut changes.incidents, inc.clone());
    }

    fn resolve(&mut self, id: IncidentId, at: crate::Millis, changes: &mut Changes) {
        let Some(inc) = self.incidents.get_mut(&id) else {
            return;
        };
        inc.status = IncidentStatus::Resolved;
        inc.resolved_at = Some(at);
        inc.updated_at = at;
        changes.incidents.push(inc.clone());
        for alarm in inc.alarms.clone() {
            if self.alarms.remove(&alarm).is_some() {
                changes.removed_alarms.push(alarm);
            }
        }
        self.resolved_order.push_back(id);
        while self.resolved_order.len() > RECENT_RESOLVED_KEPT {
            if let Some(old) = self.resolved_order.pop_front() {
                self.incidents.remove(&old);
                changes.removed_incidents.push(old);
            }
        }
    }
}

fn upsert(list: &mut Vec<Incident>, inc: Incident) {
    match list.iter_mut().find(|i| i.id == inc.id) {
        Some(slot) => *slot = inc,
        None => list.push(inc),
    }
}
