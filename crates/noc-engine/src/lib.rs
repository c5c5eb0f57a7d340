//! The deterministic core of the NOC console.
//!
//! Signals from sources, operator commands and the passing of time go in; events come
//! out. Nothing here reads the clock or touches the network: the same inputs always give
//! the same events, which is what makes replay and drills exact.

mod alarm;
mod command;
pub use command::MAX_COMMENT_CHARS;
mod correlation;
mod dependencies;
mod timer;

use std::collections::{BTreeSet, HashMap};

use noc_model::{
    AlarmId, Command, CommandError, DutyPolicy, EventBody, IncidentId, Millis, NewEvent, Signal,
    State,
};

use dependencies::Dependencies;

/// The actor of events that rules (not sources, not operators) decide.
pub const ENGINE_ACTOR: &str = "engine";

/// Tuning of the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineConfig {
    /// A new alarm joins an incident on a related node only if that incident was
    /// opened at most this long ago.
    pub correlation_window_ms: Millis,
    /// How long every alarm of an incident must stay cleared before it is resolved.
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
#[derive(Debug)]
pub struct Engine {
    config: EngineConfig,
    state: State,
    dependencies: Dependencies,
    /// Live alarms by fingerprint: dedup must not scan every alarm on every signal.
    fingerprints: HashMap<String, AlarmId>,
    /// Unresolved incidents by member node: an alarm on a node outside the topology
    /// can only join an incident holding that same node, found without a scan (a
    /// storm of 10,000 such alarms would otherwise cost 50 million comparisons).
    by_node: HashMap<String, BTreeSet<IncidentId>>,
}

impl Engine {
    pub fn new(config: EngineConfig) -> Self {
        Self::from_state(State::default(), config)
    }

    /// Resumes from the state folded from the log (after a restart).
    pub fn from_state(state: State, config: EngineConfig) -> Self {
        // Alarms kept only for the unseen queue belong to closed incidents: a new
        // firing of their fingerprint is a new alarm.
        let fingerprints = state
            .alarms
            .values()
            .filter(|a| {
                a.incident
                    .and_then(|i| state.incidents.get(&i))
                    .is_none_or(|inc| !inc.status.is_closed())
            })
            .map(|a| (a.fingerprint.clone(), a.id))
            .collect();
        let mut by_node: HashMap<String, BTreeSet<IncidentId>> = HashMap::new();
        for incident in state.incidents.values().filter(|i| !i.status.is_closed()) {
            for node in &incident.nodes {
                by_node.entry(node.clone()).or_default().insert(incident.id);
            }
        }
        Self {
            config,
            dependencies: Dependencies::new(&state.topology),
            state,
            fingerprints,
            by_node,
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
            Signal::Topology(topology) => {
                if topology != self.state.topology {
                    let body = EventBody::TopologyLoaded { topology };
                    self.emit(&mut out, now, source_actor("topology"), body);
                }
            }
            // Readings and signs of life are kept by the hub, not decided on here.
            Signal::Kpi(_) | Signal::Alive { .. } => {}
        }
        out
    }

    /// An operator action (actor = operator name) → events, or a refusal.
    pub fn on_command(
        &mut self,
        cmd: Command,
        actor: &str,
        now: Millis,
    ) -> Result<Vec<NewEvent>, CommandError> {
        let bodies = command::check(&self.state, cmd)?;
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

    /// The passing of time: timers that fire by `now`.
    pub fn on_tick(&mut self, now: Millis) -> Vec<NewEvent> {
        let mut out = Vec::new();
        for incident in timer::due_resolutions(&self.state, self.config.resolve_hold_ms, now) {
            let body = EventBody::IncidentResolved { incident };
            self.emit(&mut out, now, ENGINE_ACTOR.to_string(), body);
        }
        out
    }

    /// Applies the event to the engine's state with the next sequence number and
    /// records it in `out`.
    fn emit(&mut self, out: &mut Vec<NewEvent>, now: Millis, actor: String, body: EventBody) {
        let event = NewEvent::new(now, actor, body);
        if let EventBody::IncidentResolved { incident } = &event.body {
            self.forget_alarms_of(*incident);
        }
        self.state
            .apply(&event.clone().with_seq(self.state.seq + 1));
        match &event.body {
            EventBody::AlarmRaised { alarm } => {
                self.fingerprints
                    .insert(alarm.fingerprint.clone(), alarm.id);
            }
            EventBody::TopologyLoaded { topology } => {
                self.dependencies = Dependencies::new(topology);
            }
            EventBody::AlarmGrouped {
                incident, alarm, ..
            } => {
                if let Some(node) = self.state.alarms.get(alarm).and_then(|a| a.node.clone()) {
                    self.by_node.entry(node).or_default().insert(*incident);
                }
            }
            _ => {}
        }
        out.push(event);
    }

    /// A resolved incident's alarms leave the live state: the next firing of the same
    /// fingerprint is a new alarm.
    fn forget_alarms_of(&mut self, incident: noc_model::IncidentId) {
        let Some(inc) = self.state.incidents.get(&incident) else {
            return;
        };
        for node in &inc.nodes {
            if let Some(ids) = self.by_node.get_mut(node) {
                ids.remove(&incident);
                if ids.is_empty() {
                    self.by_node.remove(node);
                }
            }
        }
        for id in &inc.alarms {
            if let Some(alarm) = self.state.alarms.get(id) {
                self.fingerprints.remove(&alarm.fingerprint);
            }
        }
    }
}

fn source_actor(source: &str) -> String {
    format!("source:{source}")
}
