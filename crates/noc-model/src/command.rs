use serde::{Deserialize, Serialize};

use crate::{
    AlarmId, IncidentId, Layer, MaintenanceWindow, NodePosition, Topology, TopologyChange,
    TopologyView,
};
use crate::{DutyError, Roster, SwapSide};

/// An operator action, checked by the engine before it becomes an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Command {
    /// Claim the incident: the acknowledging operator owns it.
    Acknowledge {
        incident: IncidentId,
    },
    Comment {
        incident: IncidentId,
        text: String,
    },
    Identify {
        incident: IncidentId,
        cause: String,
        layer: Option<Layer>,
        root_node: Option<String>,
    },
    Mitigate {
        incident: IncidentId,
        note: String,
    },
    Resolve {
        incident: IncidentId,
    },
    Review {
        incident: IncidentId,
        summary: String,
    },
    Escalate {
        incident: IncidentId,
        reason: String,
    },
    /// Moves the alarms of every incident in `from` into `incident`.
    Merge {
        incident: IncidentId,
        from: Vec<IncidentId>,
    },
    /// Moves `alarms` out of `incident` into a new incident.
    Split {
        incident: IncidentId,
        alarms: Vec<AlarmId>,
    },
    MarkSeen {
        alarms: Vec<AlarmId>,
    },
    ScheduleMaintenance {
        window: MaintenanceWindow,
    },
    CancelMaintenance {
        id: String,
    },
    /// Add, change or remove nodes and relations by hand.
    EditTopology {
        change: TopologyChange,
    },
    /// A file's topology replaces what the earlier import of the same name brought.
    ImportTopology {
        name: String,
        topology: Topology,
    },
    /// Place nodes on a view (a drag, or the layout of nodes not yet placed).
    PlaceNodes {
        view: TopologyView,
        positions: Vec<NodePosition>,
    },
    /// Define or replace the roster.
    DefineRoster {
        roster: Roster,
    },
    /// `by` stands in for `replaced` on the slot `shift`.
    OverrideDuty {
        shift: String,
        replaced: String,
        by: String,
        reason: String,
    },
    /// Each side's operator takes the other's place. `manager`: the caller may swap
    /// anyone (duty manager or admin); otherwise they must be one of the two.
    SwapShifts {
        first: SwapSide,
        second: SwapSide,
        manager: bool,
    },
    /// The outgoing shift signs the current slot's handover. `manager`: the caller
    /// may sign for a slot they are not on.
    SignHandover {
        notes: String,
        manager: bool,
    },
    /// The incoming shift accepts the handover of `shift`. `manager`: the caller may
    /// accept for a slot they are not on.
    AcceptHandover {
        shift: String,
        remarks: String,
        manager: bool,
    },
    /// An entry in the current slot's shift log.
    LogShift {
        text: String,
    },
    /// One patrol item of the current slot checked.
    RecordPatrol {
        item: String,
        ok: bool,
        note: String,
    },
}

impl Command {
    /// The incident the command is about (for merge: the one that remains).
    pub fn incident(&self) -> Option<IncidentId> {
        match self {
            Command::Acknowledge { incident }
            | Command::Comment { incident, .. }
            | Command::Identify { incident, .. }
            | Command::Mitigate { incident, .. }
            | Command::Resolve { incident }
            | Command::Review { incident, .. }
            | Command::Escalate { incident, .. }
            | Command::Merge { incident, .. }
            | Command::Split { incident, .. } => Some(*incident),
            Command::MarkSeen { .. }
            | Command::ScheduleMaintenance { .. }
            | Command::CancelMaintenance { .. }
            | Command::EditTopology { .. }
            | Command::ImportTopology { .. }
            | Command::PlaceNodes { .. }
            | Command::DefineRoster { .. }
            | Command::OverrideDuty { .. }
            | Command::SwapShifts { .. }
            | Command::SignHandover { .. }
            | Command::AcceptHandover { .. }
            | Command::LogShift { .. }
            | Command::RecordPatrol { .. } => None,
        }
    }
}

/// Why an action was refused; `code` is stable for the UI to switch on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    #[error("incident {0} does not exist")]
    NoSuchIncident(IncidentId),
    #[error("incident {incident} was already acknowledged by {by}")]
    AlreadyAcknowledged { incident: IncidentId, by: String },
    #[error("incident {0} is closed")]
    Closed(IncidentId),
    #[error("incident {incident} is {status}: {action} is not possible now")]
    WrongStatus {
        incident: IncidentId,
        status: String,
        action: String,
    },
    #[error("alarm {0} does not exist")]
    NoSuchAlarm(AlarmId),
    #[error("maintenance window {0} does not exist")]
    NoSuchMaintenance(String),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Duty(#[from] DutyError),
}

impl CommandError {
    pub fn code(&self) -> &'static str {
        match self {
            CommandError::NoSuchIncident(_) => "incident_not_found",
            CommandError::AlreadyAcknowledged { .. } => "already_acknowledged",
            CommandError::Closed(_) => "incident_closed",
            CommandError::WrongStatus { .. } => "wrong_status",
            CommandError::NoSuchAlarm(_) => "alarm_not_found",
            CommandError::NoSuchMaintenance(_) => "maintenance_not_found",
            CommandError::Invalid(_) => "invalid_request",
            CommandError::Duty(err) => err.code(),
        }
    }
}
