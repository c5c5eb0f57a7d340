//! The Alertmanager API v2 alert list (`GET /api/v2/alerts`), and how one alert
//! becomes an alarm signal.

use std::collections::BTreeMap;

use noc_model::{AlarmSignal, Labels, Millis, Severity};
use serde::Deserialize;

use crate::polling::{node_from_labels, severity_word};

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

pub fn parse(body: &[u8]) -> Result<Vec<GettableAlert>, serde_json::Error> {
    serde_json::from_slice(body)
}

impl GettableAlert {
    /// The severity label as written, when the alert has one.
    pub fn severity_word(&self) -> Option<&str> {
        severity_word(&self.labels)
    }

    pub fn to_signal(&self, source: &str, at: Millis) -> AlarmSignal {
        let alertname = self
            .labels
            .get("alertname")
            .cloned()
            .unwrap_or_else(|| format!("alert {}", self.fingerprint));
        let title = match self.annotations.get("summary").filter(|s| !s.is_empty()) {
            Some(summary) => format!("{alertname}: {summary}"),
            None => alertname,
        };
        let mut labels: Labels = self.labels.clone();
        if let Some(url) = self.generator_url.as_ref().filter(|u| !u.is_empty()) {
            labels.insert("generator_url".into(), url.clone());
        }
        // Silenced and inhibited alerts are shown too; the state tells the operator why
        // nobody was paged for them.
        labels.insert("alertmanager_state".into(), self.status.state.clone());
        if let Some(starts_at) = &self.starts_at {
            labels.insert("starts_at".into(), starts_at.clone());
        }
        AlarmSignal {
            source: source.to_string(),
            key: self.fingerprint.clone(),
            node: node_from_labels(&self.labels),
            severity: Severity::from_source_word(self.severity_word().unwrap_or("")),
            title,
            text: self
                .annotations
                .get("description")
                .cloned()
                .unwrap_or_default(),
            labels,
            at,
            firing: true,
        }
    }
}
