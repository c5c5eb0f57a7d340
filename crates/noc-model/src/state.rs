use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{
    Alarm, AlarmId, AlarmStatus, DutyState, Event, EventBody, Identification, Incident, IncidentId,
    IncidentStatus, MaintenanceWindow, Mark, Millis, Node, Review, Seq, Severity, SourceDefinition,
    SourceHealth, Topology,
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
    #[serde(default)]
    pub maintenance: BTreeMap<String, MaintenanceWindow>,
    /// Ids are never reused, even after an entity leaves the live state.
    pub last_alarm_id: AlarmId,
    pub last_incident_id: IncidentId,
    /// The roster and what the shifts recorded.
    #[serde(default)]
    pub duty: DutyState,
    /// The drill this database runs, when it is a drill database.
    #[serde(default)]
    pub drill: Option<Box<crate::DrillState>>,
    resolved_order: VecDeque<IncidentId>,
    #[serde(skip)]
    node_index: NodeIndex,
}

/// The topology's nodes by id, built on first use after the topology changed: the fold
/// names every new incident after its root's node, and a search through thousands of
/// nodes per incident made a storm quadratic. Not part of the state's value (equal
/// states may differ in whether it was built yet).
#[derive(Default)]
struct NodeIndex(OnceLock<HashMap<String, usize>>);

impl NodeIndex {
    fn node<'t>(&self, topology: &'t Topology, id: &str) -> Option<&'t Node> {
        let index = self.0.get_or_init(|| {
            // Ids and aliases, the first node of a name winning, as in `Topology::node`.
            topology
                .name_index()
                .into_iter()
                .map(|(name, i)| (name.to_string(), i))
                .collect()
        });
        index.get(id).map(|&i| &topology.nodes[i])
    }
}

impl Clone for NodeIndex {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl PartialEq for NodeIndex {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for NodeIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NodeIndex")
    }
}

/// What one event touched, by id (see [`State::apply_quiet`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Touched {
    pub incidents: Vec<IncidentId>,
    pub removed_alarms: Vec<AlarmId>,
    pub removed_incidents: Vec<IncidentId>,
}

/// What a batch of events changed, folded at once (see [`State::apply_batch`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BatchFold {
    /// Equal to folding the events one by one and merging their [`Changes`].
    pub changes: Changes,
    /// The last versions of the alarms the batch touched and then removed from the
    /// live state (their rows still need them).
    pub removed_alarms: Vec<Alarm>,
    /// The same for incidents.
    pub removed_incidents: Vec<Incident>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Every touched entity's new version, per event.
    Full,
    /// Only which incidents were touched, and removals.
    Quiet,
    /// Which entities were touched, for one copy each at the end of a batch.
    Batch,
}

/// Collects what events changed, as the [`Mode`] says; removals are always collected
/// (they are ids).
struct Track {
    changes: Changes,
    mode: Mode,
    /// Quiet: the incidents touched.
    touched: Vec<IncidentId>,
    /// Batch: entities touched (first touch first) and removed, and the last versions
    /// of those removed after being touched.
    alarms: Vec<AlarmId>,
    alarm_seen: HashSet<AlarmId>,
    incidents: Vec<IncidentId>,
    incident_seen: HashSet<IncidentId>,
    gone_alarms: HashSet<AlarmId>,
    gone_incidents: HashSet<IncidentId>,
    removed: BatchFold,
}

impl Track {
    fn new(mode: Mode) -> Self {
        Self {
            changes: Changes::default(),
            mode,
            touched: Vec::new(),
            alarms: Vec::new(),
            alarm_seen: HashSet::new(),
            incidents: Vec::new(),
            incident_seen: HashSet::new(),
            gone_alarms: HashSet::new(),
            gone_incidents: HashSet::new(),
            removed: BatchFold::default(),
        }
    }

    fn push_alarm(&mut self, alarm: &Alarm) {
        match self.mode {
            Mode::Full => self.changes.alarms.push(alarm.clone()),
            Mode::Quiet => {}
            Mode::Batch => self.touch_alarm(alarm.id),
        }
    }

    fn upsert_alarm(&mut self, alarm: &Alarm) {
        match self.mode {
            Mode::Full => upsert_alarm(&mut self.changes.alarms, alarm.clone()),
            Mode::Quiet => {}
            Mode::Batch => self.touch_alarm(alarm.id),
        }
    }

    fn touch_alarm(&mut self, id: AlarmId) {
        if self.alarm_seen.insert(id) {
            self.alarms.push(id);
        }
    }

    /// The alarm left the live state (`last` is what it was, if it was there).
    fn remove_alarm(&mut self, id: AlarmId, last: Option<Alarm>) {
        match self.mode {
            Mode::Full => self.changes.alarms.retain(|x| x.id != id),
            Mode::Quiet => {}
            Mode::Batch => {
                self.gone_alarms.insert(id);
                if let Some(last) = last.filter(|_| self.alarm_seen.contains(&id)) {
                    self.removed.removed_alarms.push(last);
                }
            }
        }
        self.changes.removed_alarms.push(id);
    }

    fn push_incident(&mut self, inc: &Incident) {
        match self.mode {
            Mode::Full => self.changes.incidents.push(inc.clone()),
            Mode::Quiet => self.touched.push(inc.id),
            Mode::Batch => self.touch_incident(inc.id),
        }
    }

    fn upsert_incident(&mut self, inc: &Incident) {
        match self.mode {
            Mode::Full => upsert(&mut self.changes.incidents, inc.clone()),
            Mode::Quiet => {
                if self.touched.last() != Some(&inc.id) {
                    self.touched.push(inc.id);
                }
            }
            Mode::Batch => self.touch_incident(inc.id),
        }
    }

    fn touch_incident(&mut self, id: IncidentId) {
        if self.incident_seen.insert(id) {
            self.incidents.push(id);
        }
    }

    fn remove_incident(&mut self, id: IncidentId, last: Option<Incident>) {
        if self.mode == Mode::Batch {
            self.gone_incidents.insert(id);
            if let Some(last) = last.filter(|_| self.incident_seen.contains(&id)) {
                self.removed.removed_incidents.push(last);
            }
        }
        self.changes.removed_incidents.push(id);
    }

    fn source(&mut self, health: &SourceHealth) {
        match self.mode {
            Mode::Batch => upsert_all(&mut self.changes.sources, vec![health.clone()], |s| {
                s.source.clone()
            }),
            _ => self.changes.sources.push(health.clone()),
        }
    }

    fn remove_source(&mut self, name: &str) {
        if self.mode == Mode::Batch {
            self.changes.sources.retain(|s| s.source != name);
        }
        self.changes.removed_sources.push(name.to_string());
    }

    fn maintenance(&mut self, window: &MaintenanceWindow) {
        match self.mode {
            Mode::Batch => upsert_all(&mut self.changes.maintenance, vec![window.clone()], |w| {
                w.id.clone()
            }),
            _ => self.changes.maintenance.push(window.clone()),
        }
    }

    fn remove_maintenance(&mut self, id: &str) {
        if self.mode == Mode::Batch {
            self.changes.maintenance.retain(|w| w.id != id);
        }
        self.changes.removed_maintenance.push(id.to_string());
    }
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
    pub maintenance: Vec<MaintenanceWindow>,
    pub removed_maintenance: Vec<String>,
    /// The roster, a handover, the shift log or a patrol changed: refetch `/api/duty`.
    #[serde(default)]
    pub duty_changed: bool,
    /// The drill's run changed (a fault, a step, a milestone, its end).
    #[serde(default)]
    pub drill_changed: bool,
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
            && self.maintenance.is_empty()
            && self.removed_maintenance.is_empty()
            && !self.duty_changed
            && !self.drill_changed
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
        upsert_all(&mut self.maintenance, later.maintenance, |w| w.id.clone());
        for id in later.removed_maintenance {
            self.maintenance.retain(|w| w.id != id);
            self.removed_maintenance.push(id);
        }
        self.topology_changed |= later.topology_changed;
        self.duty_changed |= later.duty_changed;
        self.drill_changed |= later.drill_changed;
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
    pub maintenance: Vec<MaintenanceWindow>,
    /// The roster, what the shifts recorded and the latest handover.
    // Boxed: a snapshot travels in enums beside small batches.
    #[serde(default)]
    pub duty: Box<DutyState>,
    /// The drill, when this hub runs one: every screen marks itself DRILL.
    #[serde(default)]
    pub drill: Option<Box<crate::DrillState>>,
}

impl State {
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            seq: self.seq,
            alarms: self.alarms.values().cloned().collect(),
            incidents: self.incidents.values().cloned().collect(),
            sources: self.sources.values().cloned().collect(),
            maintenance: self.maintenance.values().cloned().collect(),
            duty: Box::new(self.duty.for_snapshot()),
            drill: self.drill.clone(),
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
        let mut track = Track::new(Mode::Full);
        self.apply_tracked(event, &mut track);
        track.changes
    }

    /// Applies one event like [`State::apply`], telling only which entities it
    /// touched and removed, without copying their new versions (the engine folds every
    /// event it emits and needs no more than that).
    pub fn apply_quiet(&mut self, event: &Event) -> Touched {
        let mut track = Track::new(Mode::Quiet);
        self.apply_tracked(event, &mut track);
        Touched {
            incidents: track.touched,
            removed_alarms: track.changes.removed_alarms,
            removed_incidents: track.changes.removed_incidents,
        }
    }

    /// Applies a batch of events at once: the same state and the same [`Changes`] as
    /// applying them one by one and merging what each changed, with one copy of each
    /// touched alarm and incident instead of one per event (a storm touches an incident
    /// once per alarm it gains or repeats), and without merging lists event by event.
    pub fn apply_batch(&mut self, events: &[Event]) -> BatchFold {
        let mut track = Track::new(Mode::Batch);
        for event in events {
            self.apply_tracked(event, &mut track);
        }
        let Track {
            mut changes,
            alarms,
            incidents,
            gone_alarms,
            gone_incidents,
            mut removed,
            ..
        } = track;
        changes.alarms = alarms
            .iter()
            .filter(|id| !gone_alarms.contains(id))
            .filter_map(|id| self.alarms.get(id).cloned())
            .collect();
        changes.incidents = incidents
            .iter()
            .filter(|id| !gone_incidents.contains(id))
            .filter_map(|id| self.incidents.get(id).cloned())
            .collect();
        removed.changes = changes;
        removed
    }

    fn apply_tracked(&mut self, event: &Event, track: &mut Track) {
        debug_assert!(event.seq > self.seq, "events applied out of order");
        self.seq = event.seq;
        if let EventBody::DrillStarted {
            drill,
            scenario,
            targets,
        } = &event.body
        {
            self.drill = Some(Box::new(crate::DrillState::new(
                drill.clone(),
                scenario.clone(),
                event.actor.clone(),
                event.at,
                *targets,
            )));
            track.changes.drill_changed = true;
        }
        if let Some(drill) = self.drill.as_mut() {
            track.changes.drill_changed |= drill.observe(event, &self.topology, &self.incidents);
        }
        match &event.body {
            EventBody::AlarmRaised { alarm } => {
                self.last_alarm_id = self.last_alarm_id.max(alarm.id);
                self.alarms.insert(alarm.id, alarm.clone());
                track.push_alarm(alarm);
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
                    track.push_alarm(a);
                    self.refresh_incident_of(*alarm, event.at, track);
                }
            }
            EventBody::AlarmCleared { alarm } => {
                if let Some(a) = self.alarms.get_mut(alarm) {
                    a.status = AlarmStatus::Cleared;
                    a.cleared_at = Some(event.at);
                    track.push_alarm(a);
                    self.refresh_incident_of(*alarm, event.at, track);
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
                    started_at: event.at,
                    identified: None,
                    mitigated: None,
                    resolved_by: None,
                    reviewed: None,
                    last_update_at: event.at,
                    update_overdue: false,
                    escalation_level: 0,
                    merged_into: None,
                };
                self.last_incident_id = self.last_incident_id.max(*incident);
                track.push_incident(&inc);
                self.incidents.insert(*incident, inc);
            }
            EventBody::AlarmGrouped {
                incident,
                alarm,
                root,
                reason,
            } => self.group(*incident, *alarm, *root, reason, event.at, track),
            EventBody::IncidentAcknowledged { incident } => {
                self.milestone(*incident, event, track, |inc, mark| {
                    inc.status = IncidentStatus::Acknowledged;
                    inc.acknowledged = Some(mark);
                });
                self.see_members(*incident, track);
            }
            EventBody::IncidentCommented { incident, .. } => {
                self.milestone(*incident, event, track, |inc, _| inc.comments += 1);
            }
            EventBody::IncidentResolved { incident } => self.resolve(*incident, event, track),
            EventBody::IncidentIdentified {
                incident,
                cause,
                layer,
                root_node,
            } => {
                self.milestone(*incident, event, track, |inc, mark| {
                    claim(inc, &mark);
                    inc.status = IncidentStatus::Identified;
                    if layer.is_some() {
                        inc.layer = *layer;
                    }
                    if root_node.is_some() {
                        inc.root_node.clone_from(root_node);
                    }
                    inc.identified = Some(Identification {
                        by: mark.by,
                        at: mark.at,
                        cause: cause.clone(),
                        layer: *layer,
                    });
                });
            }
            EventBody::IncidentMitigated { incident, .. } => {
                self.milestone(*incident, event, track, |inc, mark| {
                    claim(inc, &mark);
                    inc.status = IncidentStatus::Mitigated;
                    inc.mitigated = Some(mark);
                });
            }
            EventBody::IncidentReviewed { incident, summary } => {
                self.milestone(*incident, event, track, |inc, mark| {
                    inc.status = IncidentStatus::Reviewed;
                    inc.reviewed = Some(Review {
                        by: mark.by,
                        at: mark.at,
                        summary: summary.clone(),
                    });
                });
            }
            EventBody::IncidentEscalated {
                incident, level, ..
            } => {
                let by_operator = event.actor != "engine";
                self.touch_incident(*incident, event.at, track, |inc| {
                    inc.escalation_level = *level;
                    if by_operator {
                        inc.last_update_at = event.at;
                        inc.update_overdue = false;
                    }
                });
            }
            EventBody::IncidentUpdateOverdue { incident, .. } => {
                self.touch_incident(*incident, event.at, track, |inc| {
                    inc.update_overdue = true;
                });
            }
            EventBody::IncidentsMerged { incident, from } => {
                self.merge(*incident, *from, event, track)
            }
            EventBody::IncidentSplit {
                incident,
                into,
                alarms,
                root,
                title,
            } => self.split(*incident, *into, alarms, *root, title, event, track),
            EventBody::AlarmFlapping { alarm, flapping } => {
                self.edit_alarm(*alarm, track, |a| a.flapping = *flapping);
            }
            EventBody::AlarmSuppressed { alarm, window } => {
                self.edit_alarm(*alarm, track, |a| a.suppressed_by.clone_from(window));
            }
            EventBody::AlarmsSeen { alarms } => self.see(alarms, track),
            EventBody::AlarmRetired { alarm } => self.retire_alarm(*alarm, track),
            EventBody::MaintenanceScheduled { window } => {
                self.maintenance.insert(window.id.clone(), window.clone());
                track.maintenance(window);
            }
            EventBody::MaintenanceCancelled { id } => {
                if self.maintenance.remove(id).is_some() {
                    track.remove_maintenance(id);
                }
            }
            EventBody::SourceHealthChanged { health } => {
                self.sources.insert(health.source.clone(), health.clone());
                track.source(health);
            }
            EventBody::TopologyLoaded { origin, topology } => {
                self.topology.load(origin, topology);
                self.node_index = NodeIndex::default();
                track.changes.topology_changed = true;
            }
            EventBody::TopologyEdited { change } => {
                self.topology.edit(change);
                self.node_index = NodeIndex::default();
                track.changes.topology_changed = true;
            }
            EventBody::TopologyPositionsSet { view, positions } => {
                self.topology.set_positions(*view, positions);
                track.changes.topology_changed = true;
            }
            EventBody::SourceDefined { definition } => {
                self.definitions
                    .insert(definition.name.clone(), definition.clone());
                // A disabled source is not watched: its health leaves the strip.
                if !definition.enabled && self.sources.remove(&definition.name).is_some() {
                    track.remove_source(&definition.name);
                }
            }
            EventBody::SourceRemoved { name } => {
                self.definitions.remove(name);
                if self.sources.remove(name).is_some() {
                    track.remove_source(name);
                }
            }
            // A notice tells the stakeholders where things stand: an operator update.
            EventBody::NoticeSent { incident, .. } => {
                self.touch_incident(*incident, event.at, track, |inc| {
                    inc.last_update_at = event.at;
                    inc.update_overdue = false;
                });
            }
            // Records of actions in other systems: they change nothing here.
            EventBody::SilenceCreated { .. }
            | EventBody::SilenceExpired { .. }
            | EventBody::AlarmAcknowledgedAtSource { .. }
            | EventBody::WriteBackFailed { .. }
            | EventBody::NotificationSent { .. }
            | EventBody::OperatorAdded { .. }
            | EventBody::OperatorChanged { .. }
            | EventBody::OperatorRemoved { .. }
            | EventBody::DeviceRegistered { .. }
            | EventBody::DeviceRevoked { .. } => {}
            // Folded into the drill's run above.
            EventBody::DrillStarted { .. }
            | EventBody::DrillFaultInjected { .. }
            | EventBody::DrillStepChecked { .. }
            | EventBody::DrillEnded { .. } => {}
            EventBody::RosterDefined { .. }
            | EventBody::DutyOverridden { .. }
            | EventBody::ShiftSwapped { .. }
            | EventBody::HandoverSigned { .. }
            | EventBody::HandoverAccepted { .. }
            | EventBody::ShiftLogged { .. }
            | EventBody::PatrolRecorded { .. } => {
                self.duty.apply(&event.body, &event.actor, event.at);
                track.changes.duty_changed = true;
            }
        }
    }

    fn group(
        &mut self,
        incident: IncidentId,
        alarm: AlarmId,
        root: bool,
        reason: &str,
        at: Millis,
        track: &mut Track,
    ) {
        let Some(a) = self.alarms.get_mut(&alarm) else {
            return;
        };
        a.incident = Some(incident);
        a.reason = Some(reason.to_string());
        let first_seen = a.first_seen;
        if let Some(inc) = self.incidents.get_mut(&incident) {
            // Someone already owns the incident: its new alarms are in front of them.
            if inc.acknowledged.is_some() {
                a.unseen = false;
            }
            if inc.alarms.is_empty() || first_seen < inc.started_at {
                inc.started_at = first_seen;
            }
        }
        track.upsert_alarm(a);
        let node = a.node.clone();
        let (topology, index) = (&self.topology, &self.node_index);
        let title = root.then(|| {
            crate::incident_title(a, |id| index.node(topology, id).map(|n| n.name.as_str()))
        });
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
                let found = node
                    .as_deref()
                    .and_then(|n| self.node_index.node(&self.topology, n));
                if let Some(found) = found {
                    inc.layer = Some(found.layer);
                }
                inc.root_alarm = Some(alarm);
                inc.root_node = node;
            }
            if let Some(title) = title {
                inc.title = title;
            }
        }
        self.refresh_incident(incident, at, track);
    }

    fn touch_incident(
        &mut self,
        id: IncidentId,
        at: crate::Millis,
        track: &mut Track,
        edit: impl FnOnce(&mut Incident),
    ) {
        if let Some(inc) = self.incidents.get_mut(&id) {
            edit(inc);
            inc.updated_at = at;
            track.push_incident(inc);
        }
    }

    fn refresh_incident_of(&mut self, alarm: AlarmId, at: crate::Millis, track: &mut Track) {
        if let Some(incident) = self.alarms.get(&alarm).and_then(|a| a.incident) {
            self.refresh_incident(incident, at, track);
        }
    }

    /// Recomputes what an incident derives from its alarms: severity and active count.
    fn refresh_incident(&mut self, id: IncidentId, at: crate::Millis, track: &mut Track) {
        let Some(inc) = self.incidents.get_mut(&id) else {
            return;
        };
        let (mut active, mut worst_active, mut worst_any) = (0u32, None, None);
        for alarm in inc.alarms.iter().filter_map(|a| self.alarms.get(a)) {
            worst_any =
                Some(worst_any.map_or(alarm.severity, |w: Severity| w.worst(alarm.severity)));
            if alarm.status == AlarmStatus::Active {
                active += 1;
                worst_active = Some(
                    worst_active.map_or(alarm.severity, |w: Severity| w.worst(alarm.severity)),
                );
            }
        }
        inc.active_alarms = active;
        if let Some(worst) = worst_active.or(worst_any) {
            inc.severity = worst;
        }
        inc.updated_at = at;
        track.upsert_incident(inc);
    }

    /// An operator update: the update deadline starts again from it.
    fn milestone(
        &mut self,
        id: IncidentId,
        event: &Event,
        track: &mut Track,
        edit: impl FnOnce(&mut Incident, Mark),
    ) {
        self.touch_incident(id, event.at, track, |inc| {
            let mark = Mark {
                by: event.actor.clone(),
                at: event.at.max(milestone_floor(inc)),
            };
            edit(inc, mark);
            inc.last_update_at = event.at;
            inc.update_overdue = false;
        });
    }

    fn see_members(&mut self, id: IncidentId, track: &mut Track) {
        let Some(inc) = self.incidents.get(&id) else {
            return;
        };
        for alarm in &inc.alarms {
            if let Some(a) = self.alarms.get_mut(alarm).filter(|a| a.unseen) {
                a.unseen = false;
                track.upsert_alarm(a);
            }
        }
    }

    fn edit_alarm(&mut self, id: AlarmId, track: &mut Track, edit: impl FnOnce(&mut Alarm)) {
        if let Some(a) = self.alarms.get_mut(&id) {
            edit(a);
            track.upsert_alarm(a);
        }
    }

    /// Seen alarms leave the unseen queue; one kept only for that queue (cleared, its
    /// incident closed) leaves the live state.
    fn see(&mut self, alarms: &[AlarmId], track: &mut Track) {
        for id in alarms {
            let Some(a) = self.alarms.get_mut(id) else {
                continue;
            };
            a.unseen = false;
            let incident_open = a
                .incident
                .and_then(|i| self.incidents.get(&i))
                .is_some_and(|inc| !inc.status.is_closed());
            if a.status == AlarmStatus::Cleared && !incident_open {
                let last = self.alarms.remove(id);
                track.remove_alarm(*id, last);
            } else {
                track.upsert_alarm(a);
            }
        }
    }

    fn merge(&mut self, into: IncidentId, from: IncidentId, event: &Event, track: &mut Track) {
        let Some(source) = self.incidents.get_mut(&from) else {
            return;
        };
        source.status = IncidentStatus::Merged;
        source.merged_into = Some(into);
        source.updated_at = event.at;
        let moved = std::mem::take(&mut source.alarms);
        source.nodes.clear();
        source.active_alarms = 0;
        track.upsert_incident(source);
        self.retire(from, track);
        let reason = format!("merged from incident {from} by {}", event.actor);
        for alarm in moved {
            self.group(into, alarm, false, &reason, event.at, track);
        }
        self.milestone(into, event, track, |_, _| {});
    }

    #[allow(clippy::too_many_arguments)]
    fn split(
        &mut self,
        from: IncidentId,
        into: IncidentId,
        alarms: &[AlarmId],
        root: AlarmId,
        title: &str,
        event: &Event,
        track: &mut Track,
    ) {
        let Some(source) = self.incidents.get_mut(&from) else {
            return;
        };
        source.alarms.retain(|a| !alarms.contains(a));
        let remaining = source.alarms.clone();
        let mut opened = source.clone();
        opened.id = into;
        opened.title = title.to_string();
        opened.status = IncidentStatus::Open;
        opened.alarms = Vec::new();
        opened.nodes = Vec::new();
        opened.root_alarm = None;
        // The root alarm sets the layer again if its node is in the topology.
        opened.layer = None;
        opened.reason = format!("split from incident {from} by {}", event.actor);
        opened.opened_at = event.at;
        opened.acknowledged = None;
        opened.identified = None;
        opened.mitigated = None;
        opened.comments = 0;
        opened.escalation_level = 0;
        opened.last_update_at = event.at;
        opened.update_overdue = false;
        self.last_incident_id = self.last_incident_id.max(into);
        self.incidents.insert(into, opened);
        let reason = format!("split from incident {from} by {}", event.actor);
        for alarm in alarms {
            self.group(into, *alarm, *alarm == root, &reason, event.at, track);
        }
        self.regroup_nodes(from, &remaining);
        self.refresh_incident(from, event.at, track);
        self.milestone(from, event, track, |_, _| {});
    }

    /// After alarms left an incident: its nodes, and a new root if the old one left.
    fn regroup_nodes(&mut self, id: IncidentId, remaining: &[AlarmId]) {
        let members: Vec<&Alarm> = remaining
            .iter()
            .filter_map(|a| self.alarms.get(a))
            .collect();
        let Some(inc) = self.incidents.get_mut(&id) else {
            return;
        };
        inc.nodes = Vec::new();
        for node in members.iter().filter_map(|a| a.node.clone()) {
            if !inc.nodes.contains(&node) {
                inc.nodes.push(node);
            }
        }
        if inc.root_alarm.is_some_and(|r| !remaining.contains(&r)) {
            // The root left: the earliest remaining alarm names the incident now.
            let first = members.iter().min_by_key(|a| (a.first_seen, a.id));
            inc.root_alarm = first.map(|a| a.id);
            inc.root_node = first.and_then(|a| a.node.clone());
            if let Some(root) = first {
                let (topology, index) = (&self.topology, &self.node_index);
                inc.title = crate::incident_title(root, |id| {
                    index.node(topology, id).map(|n| n.name.as_str())
                });
                if let Some(found) = root.node.as_deref().and_then(|n| index.node(topology, n)) {
                    inc.layer = Some(found.layer);
                }
            }
        }
        if let Some(start) = members.iter().map(|a| a.first_seen).min() {
            inc.started_at = start;
        }
    }

    /// An alarm outside every open incident (suppressed noise) leaves the live state.
    /// One that an open incident still holds stays: the incident needs its members.
    fn retire_alarm(&mut self, id: AlarmId, track: &mut Track) {
        let Some(a) = self.alarms.get(&id) else {
            return;
        };
        let held = a
            .incident
            .and_then(|i| self.incidents.get(&i))
            .is_some_and(|inc| !inc.status.is_closed());
        if !held {
            let last = self.alarms.remove(&id);
            track.remove_alarm(id, last);
        }
    }

    fn resolve(&mut self, id: IncidentId, event: &Event, track: &mut Track) {
        let Some(inc) = self.incidents.get_mut(&id) else {
            return;
        };
        inc.status = IncidentStatus::Resolved;
        inc.resolved_at = Some(event.at.max(milestone_floor(inc)));
        inc.resolved_by = Some(event.actor.clone());
        inc.updated_at = event.at;
        if event.actor != "engine" {
            inc.last_update_at = event.at;
            inc.update_overdue = false;
        }
        track.push_incident(inc);
        for alarm in inc.alarms.clone() {
            // A cleared alarm nobody saw stays, for the unseen queue.
            let keep = self
                .alarms
                .get(&alarm)
                .is_some_and(|a| a.unseen && a.status == AlarmStatus::Cleared);
            if !keep {
                if let Some(last) = self.alarms.remove(&alarm) {
                    track.remove_alarm(alarm, Some(last));
                }
            }
        }
        self.retire(id, track);
    }

    /// A closed incident stays on the board among the recent ones, then leaves.
    fn retire(&mut self, id: IncidentId, track: &mut Track) {
        self.resolved_order.push_back(id);
        while self.resolved_order.len() > RECENT_RESOLVED_KEPT {
            if let Some(old) = self.resolved_order.pop_front() {
                let last = self.incidents.remove(&old);
                track.remove_incident(old, last);
            }
        }
    }
}

/// The latest milestone an incident reached: a later one is never dated before it,
/// even when the clock that stamped the events stepped back.
fn milestone_floor(inc: &Incident) -> Millis {
    [
        inc.acknowledged.as_ref().map(|m| m.at),
        inc.identified.as_ref().map(|m| m.at),
        inc.mitigated.as_ref().map(|m| m.at),
        inc.resolved_at,
    ]
    .into_iter()
    .flatten()
    .max()
    .unwrap_or(Millis::MIN)
}

/// An operator acting on an incident nobody claimed has claimed it.
fn claim(inc: &mut Incident, mark: &Mark) {
    if inc.acknowledged.is_none() {
        inc.acknowledged = Some(mark.clone());
    }
}

fn upsert_alarm(list: &mut Vec<Alarm>, alarm: Alarm) {
    match list.iter_mut().find(|a| a.id == alarm.id) {
        Some(slot) => *slot = alarm,
        None => list.push(alarm),
    }
}

fn upsert(list: &mut Vec<Incident>, inc: Incident) {
    match list.iter_mut().find(|i| i.id == inc.id) {
        Some(slot) => *slot = inc,
        None => list.push(inc),
    }
}
