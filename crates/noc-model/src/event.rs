use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{
    Alarm, AlarmId, IncidentId, Layer, MaintenanceWindow, Matcher, Millis, NodePosition, Severity,
    SourceDefinition, SourceHealth, Topology, TopologyChange, TopologyView,
};
use crate::{DutyOverride, Handover, PatrolResult, Roster, ShiftLogEntry};
use crate::{NoticeDelivery, NoticeKind, NoticeLanguage};

/// Position in the event log; strictly increasing and without gaps.
pub type Seq = i64;

/// One row of the append-only event log: the source of truth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct Event {
    #[ts(type = "number")]
    pub seq: Seq,
    #[ts(type = "number")]
    pub at: Millis,
    /// Who caused it: an operator's name, `engine`, or `source:<name>`.
    pub actor: String,
    /// What it is about: `incident:7`, `alarm:42`, `source:demo`, `topology`.
    pub subject: String,
    pub body: EventBody,
}

/// An event before the store gives it its place in the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewEvent {
    pub at: Millis,
    pub actor: String,
    pub subject: String,
    pub body: EventBody,
}

impl NewEvent {
    pub fn new(at: Millis, actor: impl Into<String>, body: EventBody) -> Self {
        let subject = body.subject();
        Self {
            at,
            actor: actor.into(),
            subject,
            body,
        }
    }

    pub fn with_seq(self, seq: Seq) -> Event {
        Event {
            seq,
            at: self.at,
            actor: self.actor,
            subject: self.subject,
            body: self.body,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventBody {
    AlarmRaised {
        alarm: Alarm,
    },
    /// The source reported the alarm again (a duplicate, or a change of severity/text),
    /// possibly re-activating a cleared one.
    AlarmUpdated {
        #[ts(type = "number")]
        alarm: AlarmId,
        severity: Severity,
        title: String,
        text: String,
        count: u32,
        /// The source's labels when they changed (an acknowledgement or maintenance
        /// flag in the source); absent means unchanged, as in logs written before.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        labels: Option<crate::Labels>,
    },
    AlarmCleared {
        #[ts(type = "number")]
        alarm: AlarmId,
    },
    IncidentOpened {
        #[ts(type = "number")]
        incident: IncidentId,
        title: String,
        severity: Severity,
        root_node: Option<String>,
        system: Option<String>,
        layer: Option<Layer>,
        reason: String,
    },
    AlarmGrouped {
        #[ts(type = "number")]
        incident: IncidentId,
        #[ts(type = "number")]
        alarm: AlarmId,
        /// This alarm is now the incident's root-cause candidate.
        root: bool,
        reason: String,
    },
    IncidentAcknowledged {
        #[ts(type = "number")]
        incident: IncidentId,
    },
    IncidentCommented {
        #[ts(type = "number")]
        incident: IncidentId,
        text: String,
    },
    IncidentResolved {
        #[ts(type = "number")]
        incident: IncidentId,
    },
    /// 定界: the operator recorded the cause and the layer (and, if they differ from
    /// the engine's candidate, the root node).
    IncidentIdentified {
        #[ts(type = "number")]
        incident: IncidentId,
        cause: String,
        layer: Option<Layer>,
        root_node: Option<String>,
    },
    /// Service restored (止损), though the cause may still be there.
    IncidentMitigated {
        #[ts(type = "number")]
        incident: IncidentId,
        note: String,
    },
    IncidentReviewed {
        #[ts(type = "number")]
        incident: IncidentId,
        summary: String,
    },
    /// By a policy (actor `engine`) or by an operator.
    IncidentEscalated {
        #[ts(type = "number")]
        incident: IncidentId,
        level: u32,
        reason: String,
        /// Notification channels to tell.
        notify: Vec<String>,
    },
    /// The update deadline passed without an operator update.
    IncidentUpdateOverdue {
        #[ts(type = "number")]
        incident: IncidentId,
        #[ts(type = "number")]
        due_at: Millis,
    },
    /// An operator merged `from` into `incident`: its alarms move over, `from` closes.
    IncidentsMerged {
        #[ts(type = "number")]
        incident: IncidentId,
        #[ts(type = "number")]
        from: IncidentId,
    },
    /// An operator split `alarms` off `incident` into the new incident `into`, whose
    /// root-cause candidate is `root`.
    IncidentSplit {
        #[ts(type = "number")]
        incident: IncidentId,
        #[ts(type = "number")]
        into: IncidentId,
        #[ts(type = "Array<number>")]
        alarms: Vec<AlarmId>,
        #[ts(type = "number")]
        root: AlarmId,
        title: String,
    },
    AlarmFlapping {
        #[ts(type = "number")]
        alarm: AlarmId,
        flapping: bool,
    },
    /// A maintenance window started (`Some`) or stopped (`None`) covering the alarm.
    AlarmSuppressed {
        #[ts(type = "number")]
        alarm: AlarmId,
        window: Option<String>,
    },
    /// A cleared alarm that belongs to no incident (it was suppressed by a maintenance
    /// window) stayed cleared for the resolve hold: it leaves the live state.
    AlarmRetired {
        #[ts(type = "number")]
        alarm: AlarmId,
    },
    /// An operator looked at these alarms: they leave the unseen queue.
    AlarmsSeen {
        #[ts(type = "Array<number>")]
        alarms: Vec<AlarmId>,
    },
    MaintenanceScheduled {
        window: MaintenanceWindow,
    },
    MaintenanceCancelled {
        id: String,
    },
    /// The outcome of one outbound notification (desktop, WeCom, DingTalk, …).
    NotificationSent {
        #[ts(type = "number | null")]
        incident: Option<IncidentId>,
        channel: String,
        /// What caused it: `opened`, `escalated`, `overdue`, `test`, …
        trigger: String,
        ok: bool,
        detail: String,
    },
    SourceHealthChanged {
        health: SourceHealth,
    },
    /// What `origin` (`source:<name>`, `import:<name>`) knows of the topology replaced
    /// its previous contribution; see [`Topology::load`].
    TopologyLoaded {
        #[serde(default)]
        origin: String,
        topology: Topology,
    },
    /// An operator added, changed or removed nodes and relations.
    TopologyEdited {
        change: TopologyChange,
    },
    /// Nodes were placed on a view: by the layout (actor `layout`) or dragged by an operator.
    TopologyPositionsSet {
        view: TopologyView,
        positions: Vec<NodePosition>,
    },
    /// A source added or changed from the Sources page (the secret only by reference).
    SourceDefined {
        definition: SourceDefinition,
    },
    SourceRemoved {
        name: String,
    },
    /// A silence created in an Alertmanager from the console, confirmed by reading it back.
    SilenceCreated {
        source: String,
        silence_id: String,
        matchers: Vec<Matcher>,
        #[ts(type = "number")]
        ends_at: Millis,
        comment: String,
        /// The incident whose alarm was silenced, for its timeline.
        #[ts(type = "number | null")]
        incident: Option<IncidentId>,
    },
    SilenceExpired {
        source: String,
        silence_id: String,
        #[ts(type = "number | null")]
        incident: Option<IncidentId>,
    },
    /// The alarm was acknowledged in its source system (e.g. Zabbix `event.acknowledge`),
    /// confirmed by reading it back.
    AlarmAcknowledgedAtSource {
        #[ts(type = "number")]
        alarm: AlarmId,
        source: String,
        message: String,
        #[ts(type = "number | null")]
        incident: Option<IncidentId>,
    },
    /// Writing an incident's acknowledgement back to an alarm's source failed; the
    /// console acknowledgement stands, and the timeline says what the source did not get.
    WriteBackFailed {
        #[ts(type = "number")]
        incident: IncidentId,
        #[ts(type = "number")]
        alarm: AlarmId,
        source: String,
        reason: String,
    },
    /// An operator sent a status notice (通报) about the incident: both renderings, the
    /// languages and channels chosen, and what each channel did with it. An operator
    /// update: the update deadline starts again from it.
    NoticeSent {
        #[ts(type = "number")]
        incident: IncidentId,
        /// Initial, update or final (`kind` is the event's own tag).
        notice_kind: NoticeKind,
        languages: Vec<NoticeLanguage>,
        text_zh: String,
        text_en: String,
        channels: Vec<String>,
        deliveries: Vec<NoticeDelivery>,
        #[ts(type = "number | null")]
        next_update_at: Option<Millis>,
    },
    /// An operator account was created (never its password or hash).
    OperatorAdded {
        name: String,
        role: crate::Role,
    },
    /// An operator account's role, display name, password or state changed.
    OperatorChanged {
        name: String,
        role: crate::Role,
        disabled: bool,
    },
    OperatorRemoved {
        name: String,
    },
    /// A wall screen was given a device token (never the token itself).
    DeviceRegistered {
        name: String,
    },
    DeviceRevoked {
        name: String,
    },
    /// The roster (排班) was defined or replaced.
    RosterDefined {
        roster: Roster,
    },
    /// Someone else stands in on one slot.
    DutyOverridden {
        #[serde(rename = "override")]
        #[ts(rename = "override")]
        over: DutyOverride,
    },
    /// Two operators swapped their places on two slots.
    ShiftSwapped {
        first: DutyOverride,
        second: DutyOverride,
    },
    /// The outgoing shift signed its handover (交接班).
    HandoverSigned {
        handover: Handover,
    },
    /// The incoming shift accepted the handover of `shift` (actor = who accepted).
    HandoverAccepted {
        shift: String,
        remarks: String,
    },
    /// An entry in the shift log (班次日志).
    ShiftLogged {
        entry: ShiftLogEntry,
    },
    /// One patrol (巡检) item checked.
    PatrolRecorded {
        result: PatrolResult,
    },
    /// A drill (演练) began in this (drill) database: the whole scenario is kept, so a
    /// recording of the drill scores itself anywhere.
    DrillStarted {
        drill: String,
        scenario: crate::Scenario,
        targets: crate::ClockTargets,
    },
    /// The drill injected (or cleared) fault `index` of its scenario.
    DrillFaultInjected {
        index: u32,
        started: bool,
        summary: String,
    },
    /// An operator ticked runbook step `step` of the drill (actor = who).
    DrillStepChecked {
        step: String,
    },
    /// The drill ended (actor = who ended it, or `drill` when its timeline ran out).
    DrillEnded {
        reason: String,
    },
}

impl EventBody {
    /// The `kind` column of the log, equal to the serde tag.
    pub fn kind(&self) -> &'static str {
        match self {
            EventBody::AlarmRaised { .. } => "alarm_raised",
            EventBody::AlarmUpdated { .. } => "alarm_updated",
            EventBody::AlarmCleared { .. } => "alarm_cleared",
            EventBody::IncidentOpened { .. } => "incident_opened",
            EventBody::AlarmGrouped { .. } => "alarm_grouped",
            EventBody::IncidentAcknowledged { .. } => "incident_acknowledged",
            EventBody::IncidentCommented { .. } => "incident_commented",
            EventBody::IncidentResolved { .. } => "incident_resolved",
            EventBody::IncidentIdentified { .. } => "incident_identified",
            EventBody::IncidentMitigated { .. } => "incident_mitigated",
            EventBody::IncidentReviewed { .. } => "incident_reviewed",
            EventBody::IncidentEscalated { .. } => "incident_escalated",
            EventBody::IncidentUpdateOverdue { .. } => "incident_update_overdue",
            EventBody::IncidentsMerged { .. } => "incidents_merged",
            EventBody::IncidentSplit { .. } => "incident_split",
            EventBody::AlarmFlapping { .. } => "alarm_flapping",
            EventBody::AlarmSuppressed { .. } => "alarm_suppressed",
            EventBody::AlarmRetired { .. } => "alarm_retired",
            EventBody::AlarmsSeen { .. } => "alarms_seen",
            EventBody::MaintenanceScheduled { .. } => "maintenance_scheduled",
            EventBody::MaintenanceCancelled { .. } => "maintenance_cancelled",
            EventBody::NotificationSent { .. } => "notification_sent",
            EventBody::SourceHealthChanged { .. } => "source_health_changed",
            EventBody::TopologyLoaded { .. } => "topology_loaded",
            EventBody::TopologyEdited { .. } => "topology_edited",
            EventBody::TopologyPositionsSet { .. } => "topology_positions_set",
            EventBody::SourceDefined { .. } => "source_defined",
            EventBody::SourceRemoved { .. } => "source_removed",
            EventBody::SilenceCreated { .. } => "silence_created",
            EventBody::SilenceExpired { .. } => "silence_expired",
            EventBody::AlarmAcknowledgedAtSource { .. } => "alarm_acknowledged_at_source",
            EventBody::WriteBackFailed { .. } => "write_back_failed",
            EventBody::NoticeSent { .. } => "notice_sent",
            EventBody::OperatorAdded { .. } => "operator_added",
            EventBody::OperatorChanged { .. } => "operator_changed",
            EventBody::OperatorRemoved { .. } => "operator_removed",
            EventBody::DeviceRegistered { .. } => "device_registered",
            EventBody::DeviceRevoked { .. } => "device_revoked",
            EventBody::RosterDefined { .. } => "roster_defined",
            EventBody::DutyOverridden { .. } => "duty_overridden",
            EventBody::ShiftSwapped { .. } => "shift_swapped",
            EventBody::HandoverSigned { .. } => "handover_signed",
            EventBody::HandoverAccepted { .. } => "handover_accepted",
            EventBody::ShiftLogged { .. } => "shift_logged",
            EventBody::PatrolRecorded { .. } => "patrol_recorded",
            EventBody::DrillStarted { .. } => "drill_started",
            EventBody::DrillFaultInjected { .. } => "drill_fault_injected",
            EventBody::DrillStepChecked { .. } => "drill_step_checked",
            EventBody::DrillEnded { .. } => "drill_ended",
        }
    }

    pub fn subject(&self) -> String {
        match self {
            EventBody::AlarmRaised { alarm } => format!("alarm:{}", alarm.id),
            EventBody::AlarmUpdated { alarm, .. }
            | EventBody::AlarmCleared { alarm }
            | EventBody::AlarmFlapping { alarm, .. }
            | EventBody::AlarmSuppressed { alarm, .. }
            | EventBody::AlarmRetired { alarm } => format!("alarm:{alarm}"),
            EventBody::AlarmsSeen { .. } => "alarms".to_string(),
            EventBody::MaintenanceScheduled { window } => format!("maintenance:{}", window.id),
            EventBody::MaintenanceCancelled { id } => format!("maintenance:{id}"),
            EventBody::NotificationSent {
                incident, channel, ..
            } => match incident {
                Some(id) => format!("incident:{id}"),
                None => format!("channel:{channel}"),
            },
            EventBody::IncidentOpened { incident, .. }
            | EventBody::AlarmGrouped { incident, .. }
            | EventBody::IncidentAcknowledged { incident }
            | EventBody::IncidentCommented { incident, .. }
            | EventBody::IncidentResolved { incident }
            | EventBody::IncidentIdentified { incident, .. }
            | EventBody::IncidentMitigated { incident, .. }
            | EventBody::IncidentReviewed { incident, .. }
            | EventBody::IncidentEscalated { incident, .. }
            | EventBody::IncidentUpdateOverdue { incident, .. }
            | EventBody::IncidentsMerged { incident, .. }
            | EventBody::IncidentSplit { incident, .. }
            | EventBody::WriteBackFailed { incident, .. }
            | EventBody::NoticeSent { incident, .. } => format!("incident:{incident}"),
            EventBody::SourceHealthChanged { health } => format!("source:{}", health.source),
            EventBody::TopologyLoaded { .. }
            | EventBody::TopologyEdited { .. }
            | EventBody::TopologyPositionsSet { .. } => "topology".to_string(),
            EventBody::SourceDefined { definition } => format!("source:{}", definition.name),
            EventBody::SourceRemoved { name } => format!("source:{name}"),
            EventBody::SilenceCreated {
                source, incident, ..
            }
            | EventBody::SilenceExpired {
                source, incident, ..
            }
            | EventBody::AlarmAcknowledgedAtSource {
                source, incident, ..
            } => match incident {
                Some(id) => format!("incident:{id}"),
                None => format!("source:{source}"),
            },
            EventBody::OperatorAdded { name, .. }
            | EventBody::OperatorChanged { name, .. }
            | EventBody::OperatorRemoved { name } => format!("operator:{name}"),
            EventBody::DeviceRegistered { name } | EventBody::DeviceRevoked { name } => {
                format!("device:{name}")
            }
            EventBody::RosterDefined { .. }
            | EventBody::DutyOverridden { .. }
            | EventBody::ShiftSwapped { .. } => "roster".to_string(),
            EventBody::HandoverSigned { handover } => format!("shift:{}", handover.shift),
            EventBody::HandoverAccepted { shift, .. } => format!("shift:{shift}"),
            EventBody::ShiftLogged { entry } => format!("shift:{}", entry.shift),
            EventBody::PatrolRecorded { result } => format!("shift:{}", result.shift),
            EventBody::DrillStarted { .. }
            | EventBody::DrillFaultInjected { .. }
            | EventBody::DrillStepChecked { .. }
            | EventBody::DrillEnded { .. } => "drill".to_string(),
        }
    }
}
