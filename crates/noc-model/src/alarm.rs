use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{IncidentId, Millis, Severity};

pub type AlarmId = i64;
pub type Labels = BTreeMap<String, String>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlarmStatus {
    Active,
    Cleared,
}

/// One signal from a source (告警), deduplicated by its fingerprint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct Alarm {
    #[ts(type = "number")]
    pub id: AlarmId,
    pub fingerprint: String,
    pub source: String,
    /// The topology node the alarm is about, when the source names one we know.
    pub node: Option<String>,
    pub severity: Severity,
    /// Untrusted source text: always rendered as text.
    pub title: String,
    pub text: String,
    pub labels: Labels,
    pub status: AlarmStatus,
    #[ts(type = "number")]
    pub first_seen: Millis,
    #[ts(type = "number")]
    pub last_seen: Millis,
    #[ts(type = "number | null")]
    pub cleared_at: Option<Millis>,
    /// How many times the source reported it (duplicates are counted, not repeated).
    pub count: u32,
    #[ts(type = "number | null")]
    pub incident: Option<IncidentId>,
    /// Why it joined its incident, in words an operator can check.
    #[serde(default)]
    pub reason: Option<String>,
    /// Changing between firing and cleared too often: notifications are held.
    #[serde(default)]
    pub flapping: bool,
    /// The maintenance window that suppresses it, while one does.
    #[serde(default)]
    pub suppressed_by: Option<String>,
    /// Nobody has looked at it yet (its incident is unacknowledged and nobody marked it
    /// seen). A cleared unseen alarm stays in the unseen queue after its incident closes.
    #[serde(default)]
    pub unseen: bool,
}
