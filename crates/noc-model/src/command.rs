use serde::{Deserialize, Serialize};

use crate::IncidentId;

/// An operator action, checked by the engine before it becomes an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Command {
    Acknowledge { incident: IncidentId },
    Comment { incident: IncidentId, text: String },
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
    #[error("{0}")]
    Invalid(String),
}

impl CommandError {
    pub fn code(&self) -> &'static str {
        match self {
            CommandError::NoSuchIncident(_) => "incident_not_found",
            CommandError::AlreadyAcknowledged { .. } => "already_acknowledged",
            CommandError::Closed(_) => "incident_closed",
            CommandError::Invalid(_) => "invalid_request",
        }
    }
}
