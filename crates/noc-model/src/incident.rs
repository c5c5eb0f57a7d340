use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Alarm, AlarmId, Layer, Millis, Severity};

pub type IncidentId = i64;

/// The duty loop: alarm → response → diagnosis → recovery → review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IncidentStatus {
    Open,
    Acknowledged,
    Identified,
    Mitigated,
    Resolved,
    Reviewed,
}

impl IncidentStatus {
    pub fn is_closed(self) -> bool {
        matches!(self, IncidentStatus::Resolved | IncidentStatus::Reviewed)
    }
}

/// Who did something, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct Mark {
    pub by: String,
    #[ts(type = "number")]
    pub at: Millis,
}

/// What the team works on (故障): a group of alarms with one root-cause candidate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct Incident {
    #[ts(type = "number")]
    pub id: IncidentId,
    pub title: String,
    /// The worst severity among the member alarms still active (or ever, once all cleared).
    pub severity: Severity,
    pub status: IncidentStatus,
    pub root_node: Option<String>,
    #[ts(type = "number | null")]
    pub root_alarm: Option<AlarmId>,
    /// The affected business system, when the topology says which.
    pub system: Option<String>,
    pub layer: Option<Layer>,
    #[ts(type = "Array<number>")]
    pub alarms: Vec<AlarmId>,
    pub nodes: Vec<String>,
    pub active_alarms: u32,
    /// Why these alarms were grouped together, in words an operator can check.
    pub reason: String,
    #[ts(type = "number")]
    pub opened_at: Millis,
    pub acknowledged: Option<Mark>,
    #[ts(type = "number | null")]
    pub resolved_at: Option<Millis>,
    /// The last time anything happened to the incident (the 30-minute update rule).
    #[ts(type = "number")]
    pub updated_at: Millis,
    pub comments: u32,
}

/// An incident is named after its root-cause candidate: the alarm's title and the
/// node it is on, so the board reads as "what is broken, where". `name_of` gives a
/// node's display name (callers have their own indexes of the topology).
pub fn incident_title<'a>(root: &'a Alarm, name_of: impl Fn(&str) -> Option<&'a str>) -> String {
    match root.node.as_deref() {
        Some(id) => format!("{} on {}", root.title, name_of(id).unwrap_or(id)),
        None => root.title.clone(),
    }
}
