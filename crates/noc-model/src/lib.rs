//! Domain types of the NOC console and the pure fold of the event log into live state.
//!
//! Nothing here performs I/O or reads the clock: time enters as [`Millis`] values and
//! through the [`Clock`] trait, implemented by the binaries (real time) and by tests,
//! drills and replay (simulated time).

mod access;
mod alarm;
mod calendar;
mod clock;
mod command;
mod drill;
mod event;
mod handover;
mod impact;
mod incident;
mod maintenance;
mod notice;
mod policy;
mod probe;
mod recording;
mod roster;
mod severity;
mod signal;
mod silence;
mod source;
mod source_def;
mod state;
mod topology;

pub use access::{Action, Role};
pub use alarm::{Alarm, AlarmId, AlarmStatus, Labels};
pub use calendar::{civil_from_days, days_from_civil};
pub use clock::{Clock, ManualClock, Millis};
pub use command::{Command, CommandError};
pub use drill::{
    DrillMilestones, DrillPhase, DrillState, Expectation, ExpectedRootCause, ExpectedStep, Fault,
    InjectedFault, InjectedRecord, PhaseScore, RootCauseVerdict, Scenario, Scorecard,
    StepCompletion, StepDone, StepScore, Verdict,
};
pub use event::{Event, EventBody, NewEvent, Seq};
pub use handover::{
    DutyState, Handover, HandoverIncident, HandoverSummary, PatrolResult, ShiftLogEntry,
    CHANGES_AHEAD_MS, HANDOVERS_KEPT, SHIFT_RECORDS_KEPT,
};
pub use impact::{ImpactPath, IncidentImpact, NodeImpact, ReachedNode};
pub use incident::{
    incident_title, Identification, Incident, IncidentId, IncidentStatus, Mark, Review,
};
pub use maintenance::{MaintenanceWindow, Recurrence};
pub use notice::{NoticeDelivery, NoticeDraft, NoticeKind, NoticeLanguage, NoticeTexts};
pub use policy::{
    alarm_type, clock_state, incident_clocks, CausalRule, ClockState, ClockTargets, DutyPolicy,
    EscalationStep, FingerprintRule, FlappingRule, GroupingRule,
};
pub use probe::{
    BlackboxProbe, DnsProbe, HttpProbe, IcmpProbe, ProbeResult, ProbeTimings, TcpProbe,
};
pub use recording::{Annotation, RecordingInfo, RecordingKind};
pub use roster::{
    local_day, DutyError, DutyOverride, Roster, ShiftDef, ShiftSlot, SwapSide, Team,
    DEFAULT_UTC_OFFSET_MINUTES,
};
pub use severity::Severity;
pub use signal::{AlarmSignal, Signal};
pub use silence::{KpiReading, Matcher, Silence};
pub use source::{HealthStatus, SourceHealth};
pub use source_def::{
    CheckReport, HttpAuth, KpiQuery, SecretRef, SourceDefinition, SourceOrigin, SourceSettings,
};
pub use state::{Batch, BatchFold, Changes, Snapshot, State, Touched, RECENT_RESOLVED_KEPT};
pub use topology::{
    Layer, Node, NodeKind, NodePosition, NodePositions, Point, Relation, RelationKind, Topology,
    TopologyChange, TopologyView, LAYOUT_ACTOR, OPERATOR_ORIGIN,
};

/// Every type that crosses the API, in dependency order, for the generated
/// TypeScript bindings (`ui/src/lib/model.ts`).
pub fn typescript_bindings() -> String {
    use ts_rs::{Config, TS};
    let cfg = Config::default();
    let decls = [
        Severity::decl(&cfg),
        Role::decl(&cfg),
        Action::decl(&cfg),
        Layer::decl(&cfg),
        NodeKind::decl(&cfg),
        RelationKind::decl(&cfg),
        Point::decl(&cfg),
        TopologyView::decl(&cfg),
        NodePositions::decl(&cfg),
        Node::decl(&cfg),
        Relation::decl(&cfg),
        Topology::decl(&cfg),
        TopologyChange::decl(&cfg),
        NodePosition::decl(&cfg),
        ImpactPath::decl(&cfg),
        ReachedNode::decl(&cfg),
        NodeImpact::decl(&cfg),
        IncidentImpact::decl(&cfg),
        AlarmStatus::decl(&cfg),
        Alarm::decl(&cfg),
        IncidentStatus::decl(&cfg),
        Mark::decl(&cfg),
        Identification::decl(&cfg),
        Review::decl(&cfg),
        Incident::decl(&cfg),
        ClockTargets::decl(&cfg),
        EscalationStep::decl(&cfg),
        FlappingRule::decl(&cfg),
        GroupingRule::decl(&cfg),
        FingerprintRule::decl(&cfg),
        CausalRule::decl(&cfg),
        DutyPolicy::decl(&cfg),
        ClockState::decl(&cfg),
        HealthStatus::decl(&cfg),
        SourceHealth::decl(&cfg),
        SecretRef::decl(&cfg),
        HttpAuth::decl(&cfg),
        KpiQuery::decl(&cfg),
        HttpProbe::decl(&cfg),
        TcpProbe::decl(&cfg),
        DnsProbe::decl(&cfg),
        IcmpProbe::decl(&cfg),
        BlackboxProbe::decl(&cfg),
        SourceSettings::decl(&cfg),
        SourceDefinition::decl(&cfg),
        SourceOrigin::decl(&cfg),
        CheckReport::decl(&cfg),
        ProbeTimings::decl(&cfg),
        ProbeResult::decl(&cfg),
        Matcher::decl(&cfg),
        Silence::decl(&cfg),
        KpiReading::decl(&cfg),
        Recurrence::decl(&cfg),
        MaintenanceWindow::decl(&cfg),
        NoticeKind::decl(&cfg),
        NoticeLanguage::decl(&cfg),
        NoticeDraft::decl(&cfg),
        NoticeTexts::decl(&cfg),
        NoticeDelivery::decl(&cfg),
        ShiftDef::decl(&cfg),
        Team::decl(&cfg),
        Roster::decl(&cfg),
        ShiftSlot::decl(&cfg),
        DutyOverride::decl(&cfg),
        SwapSide::decl(&cfg),
        HandoverIncident::decl(&cfg),
        ShiftLogEntry::decl(&cfg),
        PatrolResult::decl(&cfg),
        HandoverSummary::decl(&cfg),
        Handover::decl(&cfg),
        DutyState::decl(&cfg),
        Fault::decl(&cfg),
        InjectedFault::decl(&cfg),
        ExpectedRootCause::decl(&cfg),
        StepCompletion::decl(&cfg),
        ExpectedStep::decl(&cfg),
        Expectation::decl(&cfg),
        Scenario::decl(&cfg),
        InjectedRecord::decl(&cfg),
        StepDone::decl(&cfg),
        DrillMilestones::decl(&cfg),
        DrillState::decl(&cfg),
        Verdict::decl(&cfg),
        DrillPhase::decl(&cfg),
        PhaseScore::decl(&cfg),
        RootCauseVerdict::decl(&cfg),
        StepScore::decl(&cfg),
        Scorecard::decl(&cfg),
        RecordingKind::decl(&cfg),
        RecordingInfo::decl(&cfg),
        Annotation::decl(&cfg),
        EventBody::decl(&cfg),
        Event::decl(&cfg),
        Snapshot::decl(&cfg),
        Changes::decl(&cfg),
        Batch::decl(&cfg),
    ];
    typescript_file("noc-model", decls)
}

/// A generated TypeScript file exporting `decls`, headed by how `crate_name`'s tests
/// regenerate it.
pub fn typescript_file(crate_name: &str, decls: impl IntoIterator<Item = String>) -> String {
    let mut out = format!(
        "// Generated from crates/{crate_name} by `cargo test -p {crate_name}` with UPDATE_BINDINGS=1.\n\
         // Do not edit by hand: a test fails when this file and the Rust types disagree.\n\n",
    );
    for decl in decls {
        out.push_str("export ");
        out.push_str(&decl);
        out.push_str("\n\n");
    }
    out
}
