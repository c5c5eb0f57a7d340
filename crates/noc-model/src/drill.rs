//! Emergency drills (应急演练): the scenario a team rehearses, the run as the drill's
//! own event log records it, and the scorecard against 1-5-10.
//!
//! The run is part of the folded state, so the scorecard at any moment of a recording
//! is the same pure function of the log as it was live.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{ClockTargets, Event, IncidentId, Layer, Millis, Severity};

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
    /// events); returns whether the run changed.
    pub fn observe(&mut self, event: &Event) -> bool {
        use crate::EventBody;
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
            EventBody::DrillStepChecked { step } => {
                if self.steps.iter().any(|s| &s.id == step) {
                    return false;
                }
                self.steps.push(StepDone {
                    id: step.clone(),
                    by: event.actor.clone(),
                    at: event.at,
                });
                true
            }
            EventBody::DrillEnded { reason } => {
                self.ended = Some(crate::Mark {
                    by: event.actor.clone(),
                    at: event.at,
                });
                self.end_reason.clone_from(reason);
                true
            }
            _ => false,
        }
    }
}
