use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::Millis;

/// Whether a source's data can be trusted right now. Anything but `Ok` is shown
/// on every screen: the board must never look green because data stopped coming.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    Ok,
    Slow,
    /// Data still comes, but from fewer members than configured (one of an HA pair).
    Degraded,
    Stale,
    Unreachable,
    AuthFailed,
    BadPayload,
    UnmappedSeverity,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct SourceHealth {
    pub source: String,
    pub kind: String,
    pub status: HealthStatus,
    /// The error text or remark, as the source gave it (untrusted text).
    pub detail: String,
    #[ts(type = "number")]
    pub since: Millis,
    #[ts(type = "number | null")]
    pub last_ok: Option<Millis>,
    /// The data shown comes from the built-in simulator, not a real network.
    pub demo: bool,
}
