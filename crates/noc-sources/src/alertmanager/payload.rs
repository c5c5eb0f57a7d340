//! The Alertmanager API v2 alert list (`GET /api/v2/alerts`), and how one alert
//! becomes an alarm signal.

use std::collections::BTreeMap;

use noc_model::{AlarmSignal, Millis};
use serde::Deserialize;

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

pub fn parse(body: &[u8]) -> Result<Vec<GettableAlert>, serde_json::Error> {
    serde_json::from_slice(body)
}

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
