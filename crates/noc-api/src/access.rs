//! The caller of a use case: who, in which role, from where, and how they proved it.
//! Every transport resolves its caller before calling the console, and every use
//! case is allowed or refused by [`Caller::require`] against the role table in
//! `noc_model::access`.

use std::net::IpAddr;

use noc_model::{Action, Role};
use serde::Serialize;

use crate::ApiError;

/// How the caller proved who they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Credential {
    /// The per-launch secret of a hub (the desktop's own hub, the URL the hub
    /// printed): the person at the hub's own machine.
    LaunchToken,
    /// A login session of an operator account.
    Session,
    /// The token of a registered wall screen.
    Device { device: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The name recorded as the actor of what this caller does.
    pub name: String,
    pub role: Role,
    /// Where the request came from, for the audit trail.
    pub address: Option<IpAddr>,
    pub credential: Credential,
}

impl Caller {
    pub fn may(&self, action: Action) -> bool {
        self.role.permits(action)
    }

    /// `403 forbidden` naming the role and what it may not do.
    pub fn require(&self, action: Action) -> Result<(), ApiError> {
        if self.may(action) {
            return Ok(());
        }
        Err(ApiError::new(
            403,
            "forbidden",
            format!(
                "{} is signed in as {} and may not {}",
                self.name,
                self.role,
                action_phrase(action)
            ),
        ))
    }
}

fn action_phrase(action: Action) -> &'static str {
    match action {
        Action::View => "view the console",
        Action::WorkIncidents => "work incidents",
        Action::ActAtSources => "act in source systems",
        Action::PlanMaintenance => "plan maintenance",
        Action::EditTopology => "edit the topology",
        Action::SendNotices => "send notices",
        Action::KeepShift => "keep the shift log, patrols or handovers",
        Action::ManageRoster => "change the roster",
        Action::Configure => "change the configuration",
        Action::ManageAccounts => "manage accounts and wall screens",
        Action::ReadAudit => "read the audit trail",
        Action::Review => "annotate recordings",
        Action::ExportRecordings => "export or delete recordings",
        Action::RunDrills => "start or end drills",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(role: Role) -> Caller {
        Caller {
            name: "li.wei".into(),
            role,
            address: None,
            credential: Credential::Session,
        }
    }

    #[test]
    fn a_viewer_is_refused_work_with_a_reason() {
        let err = caller(Role::Viewer)
            .require(Action::WorkIncidents)
            .unwrap_err();
        assert_eq!((err.status, err.code), (403, "forbidden"));
        assert!(err.message.contains("viewer"), "{}", err.message);
        assert!(caller(Role::Operator)
            .require(Action::WorkIncidents)
            .is_ok());
    }
}
