//! The audit trail: who changed what through the API, and who was refused. It holds
//! names, roles, addresses, methods, paths and statuses, never a password or token.

use noc_model::Millis;
use noc_store::{AccountRecords, AuditEntry};
use serde::Deserialize;

use crate::{Caller, Credential};

/// The default page of `GET /api/audit`.
pub const AUDIT_PAGE: u32 = 100;

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct AuditParams {
    /// Entries older than this id (the last id of the page before).
    pub before: Option<i64>,
    /// At most this many, up to 500 (default 100).
    pub limit: Option<u32>,
    /// Only this actor's.
    pub actor: Option<String>,
}

/// What a request was, for its audit line.
#[derive(Debug, Clone)]
pub struct Attempt<'a> {
    pub at: Millis,
    pub method: &'a str,
    /// The path without its query string.
    pub path: &'a str,
    pub status: u16,
}

/// The line for a request by `caller`, or by nobody known (`actor` is then the
/// name a refused login tried, or `-`).
pub fn entry(
    caller: Option<&Caller>,
    actor: &str,
    address: Option<String>,
    attempt: Attempt<'_>,
) -> AuditEntry {
    AuditEntry {
        id: 0,
        at: attempt.at,
        actor: caller.map_or_else(|| actor.to_string(), |c| c.name.clone()),
        role: caller.map(|c| c.role),
        credential: caller.map(|c| credential_kind(&c.credential).to_string()),
        address: caller
            .and_then(|c| c.address.map(|a| a.to_string()))
            .or(address),
        method: attempt.method.to_string(),
        path: attempt.path.to_string(),
        status: attempt.status,
    }
}

pub fn credential_kind(credential: &Credential) -> &'static str {
    match credential {
        Credential::LaunchToken => "launch_token",
        Credential::Session => "session",
        Credential::Device { .. } => "device",
    }
}

/// Writes `entry`; a failure is logged and the request it describes stands.
pub async fn record(records: &AccountRecords, entry: &AuditEntry) {
    if let Err(err) = records.record_audit(entry).await {
        tracing::warn!(error = %err, method = %entry.method, path = %entry.path,
            actor = %entry.actor, "the audit trail could not record a request");
    }
}
