//! Who may do what: the four duty roles and the actions they permit. The API checks
//! every request against this one table, and the UI asks for the caller's actions
//! instead of knowing the table itself.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// An operator's role, from least to most trusted.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    TS,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Watches: the wall, a visitor, a manager checking in.
    Viewer,
    /// Works incidents on duty.
    Operator,
    /// Plans who is on duty, overrides the roster.
    DutyManager,
    /// Configures sources, channels and accounts; reads the audit trail.
    Admin,
}

/// What a request does, as the role table sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Read the board, incidents, topology, probes, KPIs and duty screens; follow the stream.
    View,
    /// Acknowledge, comment, identify, mitigate, resolve, review, escalate, merge,
    /// split, mark seen — on one incident or in bulk.
    WorkIncidents,
    /// Silence or acknowledge in a source system (Alertmanager, Zabbix).
    ActAtSources,
    /// Schedule and cancel maintenance windows.
    PlanMaintenance,
    /// Edit, import, place and re-lay the topology.
    EditTopology,
    /// Send an incident status notice (通报) to the channels.
    SendNotices,
    /// Write the shift log, record patrol results, sign or accept a handover, swap
    /// one's own shift.
    KeepShift,
    /// Define the roster and override who is on duty.
    ManageRoster,
    /// Add, change and remove sources; test notify channels.
    Configure,
    /// Operator accounts and wall devices.
    ManageAccounts,
    /// Read the audit trail.
    ReadAudit,
    /// Annotate recordings in the offline review (复盘).
    Review,
    /// Export a range of the production log as a recording.
    ExportRecordings,
    /// Start and end emergency drills (应急演练).
    RunDrills,
}

impl Action {
    pub const ALL: [Action; 14] = [
        Action::View,
        Action::WorkIncidents,
        Action::ActAtSources,
        Action::PlanMaintenance,
        Action::EditTopology,
        Action::SendNotices,
        Action::KeepShift,
        Action::ManageRoster,
        Action::Configure,
        Action::ManageAccounts,
        Action::ReadAudit,
        Action::Review,
        Action::ExportRecordings,
        Action::RunDrills,
    ];

    /// The least trusted role that may take this action.
    pub fn least_role(self) -> Role {
        match self {
            Action::View => Role::Viewer,
            Action::WorkIncidents
            | Action::ActAtSources
            | Action::PlanMaintenance
            | Action::EditTopology
            | Action::SendNotices
            | Action::KeepShift
            | Action::Review => Role::Operator,
            Action::ManageRoster | Action::ExportRecordings | Action::RunDrills => {
                Role::DutyManager
            }
            Action::Configure | Action::ManageAccounts | Action::ReadAudit => Role::Admin,
        }
    }
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Viewer, Role::Operator, Role::DutyManager, Role::Admin];

    pub fn permits(self, action: Action) -> bool {
        self >= action.least_role()
    }

    /// Every action this role permits, for the UI to show only what it can do.
    pub fn actions(self) -> Vec<Action> {
        Action::ALL
            .into_iter()
            .filter(|a| self.permits(*a))
            .collect()
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Operator => "operator",
            Role::DutyManager => "duty_manager",
            Role::Admin => "admin",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown role {s:?}: viewer, operator, duty_manager or admin"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_by_trust() {
        assert_eq!(Role::Viewer.actions(), vec![Action::View]);
        assert!(!Role::Operator.permits(Action::ManageRoster));
        assert!(Role::DutyManager.permits(Action::ManageRoster));
        assert!(!Role::DutyManager.permits(Action::ManageAccounts));
        assert_eq!(Role::Admin.actions().len(), Action::ALL.len());
    }

    #[test]
    fn roles_parse_from_their_names() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("root".parse::<Role>().is_err());
    }
}
