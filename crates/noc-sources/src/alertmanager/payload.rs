//! The parts of the Alertmanager API v2 the console reads and writes: the alert
//! list (and how one alert becomes an alarm signal), the status, silences.

use std::collections::BTreeMap;

use noc_model::{AlarmSignal, Millis};
use serde::{Deserialize, Serialize};

use crate::polling::{labelled_alarm, severity_word};

/// One entry of the `gettableAlerts` array. Only the fields the console uses are
/// read; unknown fields are ignored so newer Alertmanager versions still parse.
#[derive(Debug, Clone, Deserialize)]
pub struct GettableAlert {
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    #[serde(rename = "startsAt", default)]
    pub starts_at: Option<String>,
    pub fingerprint: String,
    #[serde(rename = "generatorURL", default)]
    pub generator_url: Option<String>,
    pub status: AlertStatus,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AlertStatus {
    /// `active`, `suppressed` (silenced or inhibited) or `unprocessed`.
    pub state: String,
}

/// Labels the console adds to an Alertmanager alarm; they are not the alert's own,
/// so a silence must not match on them.
pub const ADDED_LABELS: [&str; 3] = ["generator_url", "alertmanager_state", "starts_at"];

impl GettableAlert {
    /// The severity label as written, when the alert has one.
    pub fn severity_word(&self) -> Option<&str> {
        severity_word(&self.labels)
    }

    pub fn to_signal(&self, source: &str, at: Millis) -> AlarmSignal {
        let mut alarm = labelled_alarm(
            source,
            self.fingerprint.clone(),
            &self.labels,
            &self.annotations,
            at,
        );
        let labels = &mut alarm.labels;
        if let Some(url) = self.generator_url.as_ref().filter(|u| !u.is_empty()) {
            labels.insert("generator_url".into(), url.clone());
        }
        // Silenced and inhibited alerts are shown too; the state tells the operator why
        // nobody was paged for them.
        labels.insert("alertmanager_state".into(), self.status.state.clone());
        if let Some(starts_at) = &self.starts_at {
            labels.insert("starts_at".into(), starts_at.clone());
        }
        alarm
    }
}

/// `GET /api/v2/status`, the parts the console shows.
#[derive(Debug, Clone, Deserialize)]
pub struct Status {
    #[serde(rename = "versionInfo")]
    pub version_info: VersionInfo,
    pub cluster: ClusterStatus,
}

#[derive(Debug, Clone, Deserialize)]
pub struct VersionInfo {
    pub version: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ClusterStatus {
    /// `ready`, `settling` or `disabled`.
    pub status: String,
    #[serde(default)]
    pub peers: Vec<serde_json::Value>,
}

/// A matcher as the v2 API writes it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApiMatcher {
    pub name: String,
    pub value: String,
    #[serde(rename = "isRegex")]
    pub is_regex: bool,
    #[serde(rename = "isEqual", default = "default_true")]
    pub is_equal: bool,
}

fn default_true() -> bool {
    true
}

/// The body of `POST /api/v2/silences`.
#[derive(Debug, Clone, Serialize)]
pub struct PostableSilence {
    pub matchers: Vec<ApiMatcher>,
    #[serde(rename = "startsAt")]
    pub starts_at: String,
    #[serde(rename = "endsAt")]
    pub ends_at: String,
    #[serde(rename = "createdBy")]
    pub created_by: String,
    pub comment: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SilenceCreated {
    #[serde(rename = "silenceID")]
    pub silence_id: String,
}

/// One silence of `GET /api/v2/silences` or `GET /api/v2/silence/{id}`.
#[derive(Debug, Clone, Deserialize)]
pub struct GettableSilence {
    pub id: String,
    pub status: SilenceStatus,
    pub matchers: Vec<ApiMatcher>,
    #[serde(rename = "startsAt")]
    pub starts_at: String,
    #[serde(rename = "endsAt")]
    pub ends_at: String,
    #[serde(rename = "createdBy")]
    pub created_by: String,
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SilenceStatus {
    /// `active`, `pending` or `expired`.
    pub state: String,
}
