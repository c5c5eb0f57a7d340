//! Alertmanager silences as the console shows and records them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::Millis;

/// One label condition of a silence, as Alertmanager defines it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct Matcher {
    pub name: String,
    pub value: String,
    #[serde(default)]
    pub is_regex: bool,
    /// `false` for a negative matcher (`!=`, `!~`).
    #[serde(default = "equal_by_default")]
    pub is_equal: bool,
}

fn equal_by_default() -> bool {
    true
}

/// A silence as its Alertmanager reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct Silence {
    pub id: String,
    pub matchers: Vec<Matcher>,
    #[ts(type = "number")]
    pub starts_at: Millis,
    #[ts(type = "number")]
    pub ends_at: Millis,
    pub created_by: String,
    pub comment: String,
    /// `active`, `pending` or `expired`.
    pub state: String,
}

/// The latest value of a KPI query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct KpiReading {
    pub source: String,
    pub name: String,
    pub value: Option<f64>,
    pub unit: Option<String>,
    #[ts(type = "number")]
    pub at: Millis,
    /// Why there is no value (query error, no series).
    pub error: Option<String>,
}
