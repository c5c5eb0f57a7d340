//! The deterministic core of the NOC console.
//!
//! Signals from sources, operator commands and the passing of time go in; events come
//! out. Nothing here reads the clock or touches the network: the same inputs always give
//! the same events, which is what makes replay and drills exact.
//!
//! What a new alarm goes through, in order (see `alarm.rs`):
//! 1. **Fingerprint**: the source's key, or the values of the labels a
//!    [`FingerprintRule`](noc_model::FingerprintRule) names. A live alarm with the same
//!    fingerprint is updated (counted), not repeated.
//! 2. **Flapping**: every change between firing and cleared of a fingerprint is
//!    remembered for the policy's window; too many mark the alarm flapping.
//! 3. **Maintenance**: an alarm an active maintenance window covers is suppressed and
//!    grouped nowhere (no incident, nobody notified) until the window ends.
//! 4. **Placement** (`correlation.rs`): the first of these that applies —
//!    a. topology: an open incident, opened within the correlation window, holding the
//!    same node or a node it depends on or that depends on it (fewest hops first);
//!    with causal rules ([`CausalRule`](noc_model::CausalRule)) only an incident holding
//!    an alarm there of the same or a causally related type, and an alarm whose type
//!    causes the root alarm's becomes the root-cause candidate;
//!    b. grouping rules, in the policy's order: an open incident, opened within the
//!    rule's window, holding an alarm with the same values of all the rule's labels;
//!    c. a new incident.
//!
//! Timers (`timer.rs`) fire on [`Engine::on_tick`]: resolution after the hold,
//! retirement of suppressed noise, the update deadline, escalation steps and the end of
//! flapping. Each is kept in a queue by due time, so a tick costs what is due, not a
//! scan of every incident.

mod alarm;
mod causal;
mod command;
pub use command::MAX_COMMENT_CHARS;
mod correlation;
mod flapping;
mod maintenance;
mod membership;
mod shift;
mod timer;
mod topology;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use noc_model::{
    AlarmId, AlarmStatus, Command, CommandError, DutyPolicy, Event, EventBody, IncidentId, Labels,
    Millis, NewEvent, Signal, State, Topology, Touched,
};

use causal::CausalRules;
use flapping::Flaps;
use membership::Membership;
use noc_topology::DependencyGraph;
use timer::{Timer, Timers};

/// The actor of events that rules (not sources, not operators) decide.
pub const ENGINE_ACTOR: &str = "engine";

/// Tuning of the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineConfig {
    /// A new alarm joins an incident on a related node only if that incident was
    /// opened at most this long ago.
    pub correlation_window_ms: Millis,
    /// How long every alarm of an incident must stay cleared before it is resolved
    /// (and how long a cleared, suppressed alarm stays before it leaves the board).
    pub resolve_hold_ms: Millis,
    /// The team's duty rules: 1-5-10 targets, update deadline, escalation, flapping,
    /// grouping and fingerprint rules.
    pub policy: DutyPolicy,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            correlation_window_ms: 10 * 60 * 1000,
            resolve_hold_ms: 30 * 1000,
            policy: DutyPolicy::default(),
        }
    }
}

/// Turns inputs into events, applying each event to its own [`State`] as it emits it,
/// with the sequence number the store will give it, so both always agree.
///
/// Besides the state, the engine keeps indexes (rebuilt from the state on restart) and
/// a memory of recent firing/cleared changes per fingerprint for flapping (not in the
/// state: after a restart that memory starts empty and flapping marks are lifted).
#[derive(Debug)]
pub struct Engine {
    config: EngineConfig,
    state: State,
    dependencies: DependencyGraph,
    /// The policy's causal rules, closed transitively.
    causal: CausalRules,
    /// Label names per source with a fingerprint rule (the first rule of a source wins).
    fingerprint_rules: HashMap<String, Vec<String>>,
    /// Live alarms by fingerprint: dedup must not scan every alarm on every signal.
    fingerprints: HashMap<String, AlarmId>,
    /// Open incidents by member node and by grouping-rule label values.
    members: Membership,
    timers: Timers,
    flaps: Flaps,
    /// Windows active at the last tick (a window newly active suppresses what it covers).
    active_windows: BTreeSet<String>,
    /// Alarms each window suppresses (the window ends → they are released).
    suppressing: BTreeMap<String, BTreeSet<AlarmId>>,
    /// Windows scheduled again or cancelled since the last tick: looked at afresh.
    changed_windows: BTreeSet<String>,
    /// Each origin's last reported topology and the topology's version then: a source
    /// repeating itself while nothing else changed costs a comparison, not a merge of
    /// thousands of nodes.
    reported_topologies: HashMap<String, (u64, Topology)>,
    /// Bumped by every load or edit of the topology.
    topology_version: u64,
}

/// What an event is about to change, taken before it is folded.
enum Before {
    Nothing,
    /// Alarms that may leave the live state, with their fingerprint and window.
    Leaving(Vec<(AlarmId, String, Option<String>)>),
    /// The alarms of a merged incident, moving to the one that remains.
    Moving(Vec<AlarmId>),
    /// The nodes the incident held before some of its alarms were split off.
    Splitting(Vec<String>),
    /// An alarm of an open incident whose labels change.
    Relabelling(IncidentId),
    /// An alarm that was cleared.
    WasCleared(bool),
}

impl Engine {
    pub fn new(config: EngineConfig) -> Self {
        Self::from_state(State::default(), config)
    }

    /// Resumes from the state folded from the log (after a restart).
    pub fn from_state(state: State, mut config: EngineConfig) -> Self {
        config.policy.escalation.sort_by_key(|step| step.level);
        let mut fingerprint_rules = HashMap::new();
        for rule in &config.policy.fingerprints {
            fingerprint_rules
                .entry(rule.source.clone())
                .or_insert_with(|| rule.labels.clone());
        }
        let causal = CausalRules::new(&config.policy.causal);
        let mut engine = Self {
            dependencies: DependencyGraph::new(&state.topology),
            members: Membership::new(causal.is_active()),
            causal,
            fingerprint_rules,
            fingerprints: HashMap::new(),
            timers: Timers::default(),
            flaps: Flaps::default(),
            active_windows: BTreeSet::new(),
            suppressing: BTreeMap::new(),
            changed_windows: BTreeSet::new(),
            reported_topologies: HashMap::new(),
            topology_version: 0,
            config,
            state,
        };
        engine.rebuild_indexes();
        engine
    }

    fn rebuild_indexes(&mut self) {
        let hold = self.config.resolve_hold_ms;
        let rules = &self.config.policy.grouping;
        for alarm in self.state.alarms.values() {
            // Alarms kept only for the unseen queue belong to closed (or forgotten)
            // incidents: a new firing of their fingerprint is a new alarm.
            let live = match alarm.incident {
                None => true,
                Some(id) => self
                    .state
                    .incidents
                    .get(&id)
                    .is_some_and(|inc| !inc.status.is_closed()),
            };
            if let Some(window) = &alarm.suppressed_by {
                self.suppressing
                    .entry(window.clone())
                    .or_default()
                    .insert(alarm.id);
            }
            if !live {
                continue;
            }
            self.fingerprints
                .insert(alarm.fingerprint.clone(), alarm.id);
            self.flaps.resume(alarm);
            if alarm.flapping {
                // The memory of its changes is gone: the mark is lifted at the next tick.
                self.timers.set(
                    Timer::Flapping(alarm.fingerprint.clone()),
                    Some(Millis::MIN),
                );
            }
            match alarm.incident {
                Some(id) => {
                    self.members.join_member(alarm, id);
                    self.members.join_labels(alarm, id, rules);
                }
                None if alarm.status == AlarmStatus::Cleared => {
                    let due = alarm.cleared_at.unwrap_or(Millis::MIN).saturating_add(hold);
                    self.timers.at(due, Timer::Retire(alarm.id));
                }
                None => {}
            }
        }
        let open: Vec<IncidentId> = self
            .state
            .incidents
            .values()
            .filter(|i| !i.status.is_closed())
            .map(|i| i.id)
            .collect();
        for id in open {
            for node in &self.state.incidents[&id].nodes {
                self.members.join_node(node, id);
            }
            self.schedule_resolution(id);
            self.sync_incident_timers(id);
        }
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// A source's observation → the events it causes (possibly none).
    pub fn on_signal(&mut self, signal: Signal, now: Millis) -> Vec<NewEvent> {
        let mut out = Vec::new();
        match signal {
            Signal::Alarm(alarm) => self.on_alarm(alarm, now, &mut out),
            Signal::Health(health) => {
                let known = self.state.sources.get(&health.source);
                let changed =
                    known.is_none_or(|k| k.status != health.status || k.detail != health.detail);
                if changed {
                    let actor = source_actor(&health.source);
                    self.emit(
                        &mut out,
                        now,
                        actor,
                        EventBody::SourceHealthChanged { health },
                    );
                }
            }
            Signal::Topology { origin, topology } => {
                self.on_topology(origin, topology, now, &mut out)
            }
            // Readings and signs of life are kept by the hub, not decided on here.
            Signal::Kpi(_) | Signal::Alive { .. } => {}
        }
        out
    }

    fn on_topology(
        &mut self,
        origin: String,
        topology: Topology,
        now: Millis,
        out: &mut Vec<NewEvent>,
    ) {
        let version = self.topology_version;
        let repeated = self
            .reported_topologies
            .get(&origin)
            .is_some_and(|(v, last)| *v == version && *last == topology);
        if repeated {
            return;
        }
        let mut after = self.state.topology.clone();
        after.load(&origin, &topology);
        if after != self.state.topology {
            let body = EventBody::TopologyLoaded {
                origin: origin.clone(),
                topology: topology.clone(),
            };
            self.emit(out, now, source_actor("topology"), body);
        }
        self.reported_topologies
            .insert(origin, (self.topology_version, topology));
    }

    /// An operator action (actor = operator name) → events, or a refusal.
    pub fn on_command(
        &mut self,
        cmd: Command,
        actor: &str,
        now: Millis,
    ) -> Result<Vec<NewEvent>, CommandError> {
        let Some(cmd) = topology::for_actor(&self.state, cmd, actor) else {
            return Ok(Vec::new());
        };
        let bodies = command::check(&self.state, cmd, actor, now)?;
        let mut out = Vec::new();
        for body in bodies {
            self.emit(&mut out, now, actor.to_string(), body);
        }
        Ok(out)
    }

    /// An operator action the hub already carried out or checked (a source saved, a
    /// silence created in Alertmanager): recorded as it is, with who and when.
    pub fn on_record(&mut self, body: EventBody, actor: &str, now: Millis) -> Vec<NewEvent> {
        let mut out = Vec::new();
        self.emit(&mut out, now, actor.to_string(), body);
        out
    }

    /// The passing of time: maintenance windows that started or ended, then the timers
    /// due by `now`, earliest first.
    pub fn on_tick(&mut self, now: Millis) -> Vec<NewEvent> {
        let mut out = Vec::new();
        self.follow_windows(now, &mut out);
        while let Some(timer) = self.timers.pop_due(now) {
            self.fire(timer, now, &mut out);
        }
        out
    }

    /// Applies the event to the engine's state with the next sequence number, keeps
    /// the indexes in step, and records it in `out`.
    fn emit(&mut self, out: &mut Vec<NewEvent>, now: Millis, actor: String, body: EventBody) {
        let event = NewEvent::new(now, actor, body).with_seq(self.state.seq + 1);
        let before = self.before(&event.body);
        let touched = self.state.apply_quiet(&event);
        self.after(&event, before, &touched);
        let Event {
            at,
            actor,
            subject,
            body,
            ..
        } = event;
        out.push(NewEvent {
            at,
            actor,
            subject,
            body,
        });
    }

    fn before(&mut self, body: &EventBody) -> Before {
        let leaving = |state: &State, ids: &mut dyn Iterator<Item = AlarmId>| {
            Before::Leaving(
                ids.filter_map(|id| state.alarms.get(&id))
                    .map(|a| (a.id, a.fingerprint.clone(), a.suppressed_by.clone()))
                    .collect(),
            )
        };
        match body {
            EventBody::IncidentResolved { incident } => {
                self.forget_incident(*incident, false);
                let ids = self
                    .state
                    .incidents
                    .get(incident)
                    .map(|i| i.alarms.clone())
                    .unwrap_or_default();
                leaving(&self.state, &mut ids.into_iter())
            }
            EventBody::AlarmsSeen { alarms } => leaving(&self.state, &mut alarms.iter().copied()),
            EventBody::AlarmRetired { alarm } => leaving(&self.state, &mut std::iter::once(*alarm)),
            EventBody::IncidentsMerged { from, .. } => {
                let moving = self
                    .state
                    .incidents
                    .get(from)
                    .map(|i| i.alarms.clone())
                    .unwrap_or_default();
                self.forget_incident(*from, true);
                Before::Moving(moving)
            }
            EventBody::IncidentSplit {
                incident, alarms, ..
            } => {
                let rules = &self.config.policy.grouping;
                for id in alarms {
                    if let Some(alarm) = self.state.alarms.get(id) {
                        self.members.leave(alarm, *incident, rules);
                    }
                }
                let nodes = self
                    .state
                    .incidents
                    .get(incident)
                    .map(|i| i.nodes.clone())
                    .unwrap_or_default();
                Before::Splitting(nodes)
            }
            EventBody::AlarmUpdated {
                alarm,
                labels: Some(_),
                ..
            } => {
                let Some(a) = self.state.alarms.get(alarm) else {
                    return Before::Nothing;
                };
                let open = a.incident.filter(|i| {
                    self.state
                        .incidents
                        .get(i)
                        .is_some_and(|inc| !inc.status.is_closed())
                });
                match open {
                    Some(incident) => {
                        self.members
                            .leave_labels(a, incident, &self.config.policy.grouping);
                        Before::Relabelling(incident)
                    }
                    None => Before::Nothing,
                }
            }
            EventBody::AlarmSuppressed { alarm, .. } => {
                let old = self
                    .state
                    .alarms
                    .get(alarm)
                    .and_then(|a| a.suppressed_by.clone());
                if let Some(window) = old {
                    self.stop_suppressing(&window, *alarm);
                }
                Before::Nothing
            }
            EventBody::AlarmCleared { alarm } => Before::WasCleared(
                self.state
                    .alarms
                    .get(alarm)
                    .is_some_and(|a| a.status == AlarmStatus::Cleared),
            ),
            _ => Before::Nothing,
        }
    }

    fn after(&mut self, event: &Event, before: Before, touched: &Touched) {
        let rules = &self.config.policy.grouping;
        match (&event.body, before) {
            (EventBody::AlarmRaised { alarm }, _) => {
                self.fingerprints
                    .insert(alarm.fingerprint.clone(), alarm.id);
            }
            (EventBody::TopologyLoaded { .. } | EventBody::TopologyEdited { .. }, _) => {
                self.dependencies = DependencyGraph::new(&self.state.topology);
                self.topology_version += 1;
            }
            (
                EventBody::AlarmGrouped {
                    incident, alarm, ..
                },
                _,
            ) => {
                if let Some(a) = self.state.alarms.get(alarm) {
                    self.members.join(a, *incident, rules);
                }
            }
            (EventBody::AlarmUpdated { alarm, .. }, Before::Relabelling(incident)) => {
                if let Some(a) = self.state.alarms.get(alarm) {
                    self.members.join_labels(a, incident, rules);
                }
            }
            (EventBody::AlarmCleared { alarm }, Before::WasCleared(false)) => {
                let hold = self.config.resolve_hold_ms;
                match self.state.alarms.get(alarm).map(|a| a.incident) {
                    Some(Some(incident)) => {
                        self.timers
                            .at(event.at.saturating_add(hold), Timer::Resolve(incident));
                    }
                    Some(None) => {
                        self.timers
                            .at(event.at.saturating_add(hold), Timer::Retire(*alarm));
                    }
                    None => {}
                }
            }
            (EventBody::IncidentsMerged { incident, .. }, Before::Moving(moved)) => {
                for id in moved {
                    if let Some(a) = self.state.alarms.get(&id) {
                        self.members.join(a, *incident, rules);
                    }
                }
                self.schedule_resolution(*incident);
            }
            (
                EventBody::IncidentSplit {
                    incident,
                    into,
                    alarms,
                    ..
                },
                Before::Splitting(old_nodes),
            ) => {
                let kept = self
                    .state
                    .incidents
                    .get(incident)
                    .map(|i| i.nodes.clone())
                    .unwrap_or_default();
                for node in old_nodes.iter().filter(|n| !kept.contains(n)) {
                    self.members.leave_node(node, *incident);
                }
                for id in alarms {
                    if let Some(a) = self.state.alarms.get(id) {
                        self.members.join(a, *into, rules);
                    }
                }
                self.schedule_resolution(*incident);
                self.schedule_resolution(*into);
            }
            (
                EventBody::AlarmSuppressed {
                    alarm,
                    window: Some(window),
                },
                _,
            ) => {
                self.suppressing
                    .entry(window.clone())
                    .or_default()
                    .insert(*alarm);
            }
            (EventBody::MaintenanceScheduled { window }, _) => {
                self.changed_windows.insert(window.id.clone());
            }
            (EventBody::MaintenanceCancelled { id }, _) => {
                self.changed_windows.insert(id.clone());
            }
            (_, Before::Leaving(leaving)) => {
                for (id, fingerprint, window) in leaving {
                    if !touched.removed_alarms.contains(&id) {
                        continue;
                    }
                    drop_fingerprint(&mut self.fingerprints, &mut self.flaps, &fingerprint, id);
                    if let Some(window) = window {
                        self.stop_suppressing(&window, id);
                    }
                }
            }
            _ => {}
        }
        for id in touched.incidents.iter().chain(&touched.removed_incidents) {
            self.sync_incident_timers(*id);
        }
    }

    fn stop_suppressing(&mut self, window: &str, alarm: AlarmId) {
        if let Some(ids) = self.suppressing.get_mut(window) {
            ids.remove(&alarm);
            if ids.is_empty() {
                self.suppressing.remove(window);
            }
        }
    }

    /// A closed incident's alarms leave the indexes: new alarms no longer join it, and
    /// (unless they move on to another incident, `keep_alarms`) the next firing of the
    /// same fingerprint is a new alarm.
    fn forget_incident(&mut self, incident: IncidentId, keep_alarms: bool) {
        let Some(inc) = self.state.incidents.get(&incident) else {
            return;
        };
        for node in &inc.nodes {
            self.members.leave_node(node, incident);
        }
        for id in &inc.alarms {
            if let Some(alarm) = self.state.alarms.get(id) {
                self.members
                    .leave(alarm, incident, &self.config.policy.grouping);
                if !keep_alarms {
                    drop_fingerprint(
                        &mut self.fingerprints,
                        &mut self.flaps,
                        &alarm.fingerprint,
                        *id,
                    );
                }
            }
        }
    }

    /// The fingerprint of a signal: its source's rule, or the source's own key.
    fn fingerprint_of(&self, signal: &noc_model::AlarmSignal) -> String {
        match self.fingerprint_rules.get(&signal.source) {
            Some(labels) => rule_fingerprint(&signal.source, labels, &signal.labels),
            None => signal.fingerprint(),
        }
    }
}

/// `source/name=value,name=value` with `\`, `,` and `=` escaped, so different values
/// never give the same fingerprint. A missing label counts as an empty value.
fn rule_fingerprint(source: &str, names: &[String], labels: &Labels) -> String {
    let mut out = format!("{source}/");
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_escaped(&mut out, name);
        out.push('=');
        push_escaped(&mut out, labels.get(name).map_or("", String::as_str));
    }
    out
}

fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        if matches!(c, '\\' | ',' | '=') {
            out.push('\\');
        }
        out.push(c);
    }
}

/// The alarm `id` is no longer the live alarm of its fingerprint.
fn drop_fingerprint(
    fingerprints: &mut HashMap<String, AlarmId>,
    flaps: &mut Flaps,
    fingerprint: &str,
    id: AlarmId,
) {
    if fingerprints.get(fingerprint) == Some(&id) {
        fingerprints.remove(fingerprint);
        flaps.forget_if_quiet(fingerprint);
    }
}

fn source_actor(source: &str) -> String {
    format!("source:{source}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_fingerprints_keep_values_apart() {
        let names = vec!["a".to_string(), "b".to_string()];
        let labels = |a: &str, b: &str| -> Labels {
            [("a", a), ("b", b)]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert_eq!(
            rule_fingerprint("am", &names, &labels("x", "y")),
            "am/a=x,b=y"
        );
        assert_ne!(
            rule_fingerprint("am", &names, &labels("x,b=y", "")),
            rule_fingerprint("am", &names, &labels("x", "y,b="))
        );
        assert_eq!(rule_fingerprint("am", &names, &Labels::new()), "am/a=,b=");
    }
}
