//! Emergency drills (应急演练): the scenario a team rehearses, the run as the drill's
//! own event log records it, and the scorecard against 1-5-10.
//!
//! The run is part of the folded state, so the scorecard at any moment of a recording
//! is the same pure function of the log as it was live.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use std::collections::BTreeMap;

use crate::{
    ClockTargets, Event, EventBody, Identification, Incident, IncidentId, Layer, Mark, Millis,
    Severity, Topology,
};

/// A drill scenario as its file describes it: faults to inject on a timeline, and
/// what the team is expected to find and do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short identifier (letters, digits, `-`, `_`), unique among the scenarios.
    pub name: String,
    pub title: String,
    #[serde(default)]
    pub title_zh: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub description_zh: String,
    /// The 1-5-10 targets the drill is scored against; the hub's policy when absent.
    #[serde(default)]
    pub targets: Option<ClockTargets>,
    /// The timeline of injected faults, by offset from the drill's start.
    pub faults: Vec<InjectedFault>,
    pub expect: Expectation,
}

/// One fault of the timeline: when it starts and, optionally, when it clears by itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct InjectedFault {
    /// Seconds after the drill starts.
    pub at_secs: u32,
    /// Seconds after the drill starts; absent = the fault stays until the drill ends.
    #[serde(default)]
    pub clear_at_secs: Option<u32>,
    #[serde(flatten)]
    pub fault: Fault,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fault {
    /// An alarm on a topology node, as a monitoring source would raise it.
    Alarm {
        node: String,
        severity: Severity,
        title: String,
        #[serde(default)]
        text: String,
        /// The source name the alarm appears to come from (`drill` when absent).
        #[serde(default)]
        source: Option<String>,
    },
    /// A synthetic probe (拨测) failing.
    ProbeFailure {
        probe: String,
        #[serde(default)]
        node: Option<String>,
        #[serde(default)]
        detail: String,
    },
    /// A monitoring source that cannot be read: its data stops coming.
    SourceOutage {
        source: String,
        #[serde(default)]
        detail: String,
    },
}

/// What the team should find and do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    pub root_cause: ExpectedRootCause,
    /// The runbook (预案) steps the team is expected to take, in order.
    #[serde(default)]
    pub steps: Vec<ExpectedStep>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectedRootCause {
    /// The topology node the fault is really on.
    pub node: String,
    #[serde(default)]
    pub layer: Option<Layer>,
    /// Words of which one in the identified cause also counts as naming it.
    #[serde(default)]
    pub keywords: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectedStep {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub title_zh: String,
    /// Seconds after the first fault by which the step should be done.
    #[serde(default)]
    pub within_secs: Option<u32>,
    /// What counts as doing it.
    #[serde(default)]
    pub done_by: StepCompletion,
}

/// How a runbook step is seen to be done: an operator ticks it in the drill panel, or
/// the console action it names happens on the drill's incident.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum StepCompletion {
    #[default]
    Check,
    Acknowledge,
    Identify,
    Mitigate,
    Resolve,
    Notice,
    Escalate,
    Comment,
}

/// A fault the drill injected, as the log recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct InjectedRecord {
    /// Index into the scenario's faults.
    pub index: u32,
    #[ts(type = "number")]
    pub at: Millis,
    /// The fault started (`true`) or cleared.
    pub started: bool,
    pub summary: String,
}

/// A runbook step seen done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct StepDone {
    pub id: String,
    pub by: String,
    #[ts(type = "number")]
    pub at: Millis,
}

/// The team's milestones on the drill's incident, as they happened.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct DrillMilestones {
    /// The console raised the incident on the board.
    #[ts(type = "number | null")]
    pub detected: Option<Millis>,
    pub acknowledged: Option<crate::Mark>,
    pub identified: Option<crate::Identification>,
    /// The root node the identifying operator named, if any.
    pub identified_node: Option<String>,
    pub mitigated: Option<crate::Mark>,
    /// The identified cause names the expected node (its id, name or an alias, as the
    /// topology knew them when it was identified).
    #[serde(default)]
    pub cause_names_expected: bool,
    /// Service back: the incident resolved (by an operator or by every alarm clearing).
    #[ts(type = "number | null")]
    pub recovered: Option<Millis>,
}

/// A drill as its log tells it: part of the folded state of a drill database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct DrillState {
    pub id: String,
    pub scenario: Scenario,
    pub started_by: String,
    #[ts(type = "number")]
    pub started_at: Millis,
    /// The 1-5-10 targets in force (the scenario's, or the hub's policy).
    pub targets: ClockTargets,
    pub injected: Vec<InjectedRecord>,
    /// The incident the team works: the first one the injected faults opened (followed
    /// through merges).
    #[ts(type = "number | null")]
    pub incident: Option<IncidentId>,
    pub milestones: DrillMilestones,
    pub steps: Vec<StepDone>,
    pub ended: Option<crate::Mark>,
    #[serde(default)]
    pub end_reason: String,
}

/// How one phase or step went against its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Done within its target.
    Met,
    /// Done, after its target.
    Late,
    /// Not done yet; its target has not passed.
    Pending,
    /// Not done, and its target passed (or the drill ended).
    Missed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DrillPhase {
    Detect,
    Acknowledge,
    Identify,
    Mitigate,
    Recover,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct PhaseScore {
    pub phase: DrillPhase,
    #[ts(type = "number")]
    pub target_ms: Millis,
    #[ts(type = "number | null")]
    pub at: Option<Millis>,
    /// From the first injected fault.
    #[ts(type = "number | null")]
    pub took_ms: Option<Millis>,
    pub by: Option<String>,
    pub verdict: Verdict,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct RootCauseVerdict {
    pub expected_node: String,
    pub expected_layer: Option<Layer>,
    /// The cause as the team identified it, and the node it named.
    pub identified_cause: Option<String>,
    pub identified_node: Option<String>,
    pub identified_layer: Option<Layer>,
    /// `None` until the team identifies a cause.
    pub matches: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct StepScore {
    pub id: String,
    pub title: String,
    pub title_zh: String,
    #[ts(type = "number | null")]
    pub within_ms: Option<Millis>,
    #[ts(type = "number | null")]
    pub done_at: Option<Millis>,
    #[ts(type = "number | null")]
    pub took_ms: Option<Millis>,
    pub by: Option<String>,
    pub verdict: Verdict,
}

/// The drill scored at one moment: phases against 1-5-10, the root cause, the steps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct Scorecard {
    pub drill: String,
    pub scenario: String,
    pub title: String,
    pub title_zh: String,
    #[ts(type = "number")]
    pub started_at: Millis,
    /// When the first fault was injected: the phases and steps count from here.
    #[ts(type = "number | null")]
    pub fault_at: Option<Millis>,
    #[ts(type = "number | null")]
    pub ended_at: Option<Millis>,
    #[ts(type = "number")]
    pub scored_at: Millis,
    #[ts(type = "number | null")]
    pub incident: Option<IncidentId>,
    pub phases: Vec<PhaseScore>,
    pub root_cause: RootCauseVerdict,
    pub steps: Vec<StepScore>,
    /// Phases and steps met, of all phases and steps, and the root cause when right.
    pub met: u32,
    pub total: u32,
}

impl DrillState {
    pub fn new(
        id: String,
        scenario: Scenario,
        started_by: String,
        started_at: Millis,
        targets: ClockTargets,
    ) -> Self {
        Self {
            id,
            scenario,
            started_by,
            started_at,
            targets,
            injected: Vec::new(),
            incident: None,
            milestones: DrillMilestones::default(),
            steps: Vec::new(),
            ended: None,
            end_reason: String::new(),
        }
    }

    /// Folds one event of the drill's log (any event: milestones come from incident
    /// events); returns whether the run changed. `topology` and `incidents` are the
    /// state just before the event: they name the nodes an identification may mention
    /// and the incident's candidate root when the operator confirmed it unchanged.
    pub fn observe(
        &mut self,
        event: &Event,
        topology: &Topology,
        incidents: &BTreeMap<IncidentId, Incident>,
    ) -> bool {
        match &event.body {
            EventBody::DrillFaultInjected {
                index,
                started,
                summary,
            } => {
                self.injected.push(InjectedRecord {
                    index: *index,
                    at: event.at,
                    started: *started,
                    summary: summary.clone(),
                });
                true
            }
            // After the end, or for a step the scenario does not have, a tick scores nothing.
            EventBody::DrillStepChecked { step }
                if self.ended.is_none()
                    && self.scenario.expect.steps.iter().any(|s| &s.id == step) =>
            {
                self.step_done(step, event)
            }
            EventBody::DrillEnded { reason } => {
                self.ended = Some(Mark {
                    by: event.actor.clone(),
                    at: event.at,
                });
                self.end_reason.clone_from(reason);
                true
            }
            EventBody::IncidentOpened { incident, .. } => self.incident_opened(*incident, event),
            EventBody::IncidentsMerged { incident, from } => {
                if self.incident == Some(*from) {
                    self.incident = Some(*incident);
                    return true;
                }
                false
            }
            body => match worked_incident(body) {
                Some(id) if self.incident == Some(id) && self.ended.is_none() => {
                    let current = incidents.get(&id);
                    self.milestone(event, current, topology)
                }
                _ => false,
            },
        }
    }

    /// A drill database holds nothing but injected faults, so the first incident it
    /// opens is the one the team works.
    fn incident_opened(&mut self, incident: IncidentId, event: &Event) -> bool {
        if self.incident.is_some() || self.ended.is_some() {
            return false;
        }
        self.incident = Some(incident);
        self.milestones.detected = Some(event.at);
        true
    }

    fn milestone(
        &mut self,
        event: &Event,
        current: Option<&Incident>,
        topology: &Topology,
    ) -> bool {
        let mark = || Mark {
            by: event.actor.clone(),
            at: event.at,
        };
        let (first, completion) = match &event.body {
            EventBody::IncidentAcknowledged { .. } => {
                let first = self.milestones.acknowledged.is_none();
                if first {
                    self.milestones.acknowledged = Some(mark());
                }
                (first, StepCompletion::Acknowledge)
            }
            EventBody::IncidentIdentified {
                cause,
                layer,
                root_node,
                ..
            } => {
                self.identified(
                    event,
                    cause,
                    *layer,
                    root_node.as_deref(),
                    current,
                    topology,
                );
                (true, StepCompletion::Identify)
            }
            EventBody::IncidentMitigated { .. } => {
                let first = self.milestones.mitigated.is_none();
                if first {
                    self.milestones.mitigated = Some(mark());
                }
                (first, StepCompletion::Mitigate)
            }
            EventBody::IncidentResolved { .. } => {
                let first = self.milestones.recovered.is_none();
                if first {
                    self.milestones.recovered = Some(event.at);
                }
                (first, StepCompletion::Resolve)
            }
            EventBody::NoticeSent { .. } => (false, StepCompletion::Notice),
            EventBody::IncidentEscalated { .. } => (false, StepCompletion::Escalate),
            EventBody::IncidentCommented { .. } => (false, StepCompletion::Comment),
            _ => return false,
        };
        let steps = self.steps_done_by(completion, event);
        first || steps
    }

    /// A later identification replaces the earlier one. A root node or layer the
    /// operator left unchanged is the incident's candidate, which they confirmed.
    fn identified(
        &mut self,
        event: &Event,
        cause: &str,
        layer: Option<Layer>,
        root_node: Option<&str>,
        current: Option<&Incident>,
        topology: &Topology,
    ) {
        let layer = layer.or_else(|| current.and_then(|i| i.layer));
        let node = root_node
            .map(str::to_string)
            .or_else(|| current.and_then(|i| i.root_node.clone()));
        self.milestones.identified = Some(Identification {
            by: event.actor.clone(),
            at: event.at,
            cause: cause.to_string(),
            layer,
        });
        self.milestones.identified_node = node;
        self.milestones.cause_names_expected =
            names_node(cause, &self.scenario.expect.root_cause.node, topology);
    }

    /// Runbook steps are the team's: the engine resolving an incident whose alarms
    /// all cleared is a recovery, not a step taken.
    fn steps_done_by(&mut self, completion: StepCompletion, event: &Event) -> bool {
        if event.actor == "engine" {
            return false;
        }
        let ids: Vec<String> = self
            .scenario
            .expect
            .steps
            .iter()
            .filter(|s| s.done_by == completion)
            .map(|s| s.id.clone())
            .collect();
        let mut changed = false;
        for id in ids {
            changed |= self.step_done(&id, event);
        }
        changed
    }

    fn step_done(&mut self, step: &str, event: &Event) -> bool {
        if self.steps.iter().any(|s| s.id == step) {
            return false;
        }
        self.steps.push(StepDone {
            id: step.to_string(),
            by: event.actor.clone(),
            at: event.at,
        });
        true
    }

    /// When the first fault was injected: the clock the phases and steps run on.
    pub fn fault_at(&self) -> Option<Millis> {
        self.injected.iter().find(|r| r.started).map(|r| r.at)
    }

    /// The drill scored at `now`: a pure function of the run, so a recording scores
    /// itself at any moment exactly as the hub did live.
    pub fn scorecard(&self, now: Millis) -> Scorecard {
        let clock = ScoreClock {
            fault_at: self.fault_at(),
            now,
            ended: self.ended.is_some(),
        };
        let phases = self.phase_scores(&clock);
        let steps: Vec<StepScore> = self
            .scenario
            .expect
            .steps
            .iter()
            .map(|step| self.step_score(step, &clock))
            .collect();
        let root_cause = self.root_cause();
        let met = phases.iter().filter(|p| p.verdict == Verdict::Met).count()
            + steps.iter().filter(|s| s.verdict == Verdict::Met).count()
            + usize::from(root_cause.matches == Some(true));
        let total = phases.len() + steps.len() + 1;
        Scorecard {
            drill: self.id.clone(),
            scenario: self.scenario.name.clone(),
            title: self.scenario.title.clone(),
            title_zh: self.scenario.title_zh.clone(),
            started_at: self.started_at,
            fault_at: clock.fault_at,
            ended_at: self.ended.as_ref().map(|m| m.at),
            scored_at: now,
            incident: self.incident,
            phases,
            root_cause,
            steps,
            met: met as u32,
            total: total as u32,
        }
    }

    fn phase_scores(&self, clock: &ScoreClock) -> Vec<PhaseScore> {
        let m = &self.milestones;
        let t = &self.targets;
        let recovered = m.recovered.map(|at| (at, None));
        // Service back without a separate mitigation mitigated it too.
        let mitigated = match (&m.mitigated, m.recovered) {
            (Some(mark), Some(rec)) if rec < mark.at => recovered.clone(),
            (Some(mark), _) => Some((mark.at, Some(mark.by.clone()))),
            (None, _) => recovered.clone(),
        };
        [
            (
                DrillPhase::Detect,
                t.detect_ms,
                m.detected.map(|at| (at, None)),
            ),
            (
                DrillPhase::Acknowledge,
                t.detect_ms,
                m.acknowledged.as_ref().map(|a| (a.at, Some(a.by.clone()))),
            ),
            (
                DrillPhase::Identify,
                t.identify_ms,
                m.identified.as_ref().map(|i| (i.at, Some(i.by.clone()))),
            ),
            (DrillPhase::Mitigate, t.recover_ms, mitigated),
            (DrillPhase::Recover, t.recover_ms, recovered),
        ]
        .into_iter()
        .map(|(phase, target_ms, done)| {
            let at = done.as_ref().map(|(at, _)| *at);
            let (took_ms, verdict) = clock.judge(at, Some(target_ms));
            PhaseScore {
                phase,
                target_ms,
                at,
                took_ms,
                by: done.and_then(|(_, by)| by),
                verdict,
            }
        })
        .collect()
    }

    fn step_score(&self, step: &ExpectedStep, clock: &ScoreClock) -> StepScore {
        let done = self.steps.iter().find(|s| s.id == step.id);
        let within_ms = step.within_secs.map(|s| Millis::from(s) * 1000);
        let (took_ms, verdict) = clock.judge(done.map(|d| d.at), within_ms);
        StepScore {
            id: step.id.clone(),
            title: step.title.clone(),
            title_zh: step.title_zh.clone(),
            within_ms,
            done_at: done.map(|d| d.at),
            took_ms,
            by: done.map(|d| d.by.clone()),
            verdict,
        }
    }

    fn root_cause(&self) -> RootCauseVerdict {
        let expected = &self.scenario.expect.root_cause;
        let identified = self.milestones.identified.as_ref();
        let matches = identified.map(|i| {
            let cause = i.cause.to_lowercase();
            let named = self.milestones.identified_node.as_deref() == Some(expected.node.as_str())
                || self.milestones.cause_names_expected
                || expected
                    .keywords
                    .iter()
                    .map(|k| k.trim().to_lowercase())
                    .any(|k| !k.is_empty() && cause.contains(&k));
            let layer_right = expected.layer.is_none() || expected.layer == i.layer;
            named && layer_right
        });
        RootCauseVerdict {
            expected_node: expected.node.clone(),
            expected_layer: expected.layer,
            identified_cause: identified.map(|i| i.cause.clone()),
            identified_node: self.milestones.identified_node.clone(),
            identified_layer: identified.and_then(|i| i.layer),
            matches,
        }
    }
}

/// Where the drill's clock stands when it is scored.
struct ScoreClock {
    fault_at: Option<Millis>,
    now: Millis,
    ended: bool,
}

impl ScoreClock {
    /// How long a phase or step took and its verdict against `target` (none: any time
    /// before the end will do).
    fn judge(&self, done_at: Option<Millis>, target: Option<Millis>) -> (Option<Millis>, Verdict) {
        let Some(fault_at) = self.fault_at else {
            let verdict = if self.ended {
                Verdict::Missed
            } else {
                Verdict::Pending
            };
            return (None, verdict);
        };
        match done_at {
            Some(at) => {
                let took = at.saturating_sub(fault_at);
                let late = target.is_some_and(|t| took > t);
                (Some(took), if late { Verdict::Late } else { Verdict::Met })
            }
            None => {
                let within = target.is_none_or(|t| self.now.saturating_sub(fault_at) <= t);
                let verdict = if within && !self.ended {
                    Verdict::Pending
                } else {
                    Verdict::Missed
                };
                (None, verdict)
            }
        }
    }
}

/// The incident a team action is taken on, for the events that can count as a
/// milestone or a runbook step.
fn worked_incident(body: &EventBody) -> Option<IncidentId> {
    match body {
        EventBody::IncidentAcknowledged { incident }
        | EventBody::IncidentIdentified { incident, .. }
        | EventBody::IncidentMitigated { incident, .. }
        | EventBody::IncidentResolved { incident }
        | EventBody::NoticeSent { incident, .. }
        | EventBody::IncidentEscalated { incident, .. }
        | EventBody::IncidentCommented { incident, .. } => Some(*incident),
        _ => None,
    }
}

/// Whether the cause text names `node` by its id, its name or one of its aliases.
fn names_node(cause: &str, node: &str, topology: &Topology) -> bool {
    let cause = cause.to_lowercase();
    let mut names = vec![node.to_string()];
    if let Some(known) = topology.node(node) {
        names.push(known.id.clone());
        names.push(known.name.clone());
        names.extend(known.aliases.iter().cloned());
    }
    names
        .iter()
        .map(|n| n.trim().to_lowercase())
        .any(|n| !n.is_empty() && cause.contains(&n))
}
