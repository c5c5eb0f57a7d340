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
    /// Merged into another incident by an operator: its alarms live on there.
    Merged,
}

impl IncidentStatus {
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            IncidentStatus::Resolved | IncidentStatus::Reviewed | IncidentStatus::Merged
        )
    }
}

/// Who did something, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct Mark {
    pub by: String,
    #[ts(type = "number")]
    pub at: Millis,
}

/// 定界: where the fault is and why, as the operator who found it recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct Identification {
    pub by: String,
    #[ts(type = "number")]
    pub at: Millis,
    pub cause: String,
    pub layer: Option<Layer>,
}

/// The review (复盘) of a closed incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct Review {
    pub by: String,
    #[ts(type = "number")]
    pub at: Millis,
    pub summary: String,
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
    /// The last time anything happened to the incident (an alarm, an action).
    #[ts(type = "number")]
    pub updated_at: Millis,
    pub comments: u32,
    /// The first member alarm's first sighting: where the 1-5-10 clocks start.
    #[ts(type = "number")]
    #[serde(default)]
    pub started_at: Millis,
    #[serde(default)]
    pub identified: Option<Identification>,
    #[serde(default)]
    pub mitigated: Option<Mark>,
    /// Who resolved it: an operator, or `engine` when every alarm stayed cleared.
    #[serde(default)]
    pub resolved_by: Option<String>,
    #[serde(default)]
    pub reviewed: Option<Review>,
    /// The last operator update (comment, milestone, notice): the update deadline
    /// counts from here.
    #[ts(type = "number")]
    #[serde(default)]
    pub last_update_at: Millis,
    /// The update deadline passed without an update.
    #[serde(default)]
    pub update_overdue: bool,
    /// 0 until an escalation policy (or an operator) escalates it.
    #[serde(default)]
    pub escalation_level: u32,
    #[ts(type = "number | null")]
    #[serde(default)]
    pub merged_into: Option<IncidentId>,
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
