use noc_model::CommandError;

/// A refused or failed use case. `code` is stable for clients to switch on; `status`
/// is the HTTP status a web transport should answer with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    /// Who got there first, when the refusal is a collision with another operator's
    /// action (already acknowledged, already resolved, …).
    pub by: Option<String>,
}

impl ApiError {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            by: None,
        }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(400, "invalid_request", message)
    }

    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(404, code, message)
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(503, "store_unavailable", message)
    }
}

impl From<CommandError> for ApiError {
    fn from(err: CommandError) -> Self {
        let status = match err {
            CommandError::NoSuchIncident(_)
            | CommandError::NoSuchAlarm(_)
            | CommandError::NoSuchMaintenance(_) => 404,
            CommandError::AlreadyAcknowledged { .. }
            | CommandError::Closed(_)
            | CommandError::WrongStatus { .. } => 409,
            CommandError::Invalid(_) => 400,
            CommandError::Duty(ref duty) => duty.status(),
        };
        let by = match &err {
            CommandError::AlreadyAcknowledged { by, .. } => Some(by.clone()),
            _ => None,
        };
        ApiError {
            by,
            ..ApiError::new(status, err.code(), err.to_string())
        }
    }
}

impl From<noc_store::StoreError> for ApiError {
    fn from(err: noc_store::StoreError) -> Self {
        ApiError::unavailable(err.to_string())
    }
}
