//! The Prometheus HTTP API alert list (`GET /api/v1/alerts`), and how one alert
//! becomes an alarm signal.

use std::collections::BTreeMap;

use noc_model::{AlarmSignal, Millis};
use serde::Deserialize;

use crate::polling::labelled_alarm;

/// The API's envelope: `{"status": "success", "data": {...}}` or
/// `{"status": "error", "errorType": ..., "error": ...}`.
#[derive(Debug, Deserialize)]
struct Envelope {
    status: String,
    #[serde(default)]
    data: Option<AlertsData>,
    #[serde(rename = "errorType", default)]
    error_type: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
struct AlertsData {
    alerts: Vec<Alert>,
}

/// One alert of the list. Only the fields the console uses are read; unknown
/// fields (such as `value`, which changes with every evaluation and so would make
/// every poll look like a change) are ignored.
#[derive(Debug, Clone, Deserialize)]
pub struct Alert {
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    /// `pending` (the rule's `for` has not elapsed yet) or `firing`.
    pub state: String,
    #[serde(rename = "activeAt", default)]
    pub active_at: Option<String>,
}

/// What Prometheus answered.
#[derive(Debug)]
pub enum Answer {
    Alerts(Vec<Alert>),
    /// Prometheus' own account of why it could not answer.
    Error(String),
}

pub fn parse(body: &[u8]) -> Result<Answer, String> {
    let envelope: Envelope = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    match envelope.status.as_str() {
        "success" => envelope
            .data
            .map(|data| Answer::Alerts(data.alerts))
            .ok_or_else(|| "status success without data".to_string()),
        "error" => {
            let text = envelope.error.unwrap_or_default();
            Ok(Answer::Error(match envelope.error_type {
                Some(kind) => format!("Prometheus reported an error ({kind}): {text}"),
                None => format!("Prometheus reported an error: {text}"),
            }))
        }
        other => Err(format!("unknown status \"{other}\"")),
    }
}

impl Alert {
    /// The alert's identity: Prometheus has no fingerprint in this API, but an
    /// alert is its label set, so a stable hash of the sorted labels serves.
    pub fn key(&self) -> String {
        // FNV-1a: the same on every build and platform, unlike std's hasher.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for (name, value) in &self.labels {
            for byte in name.bytes().chain([0]).chain(value.bytes()).chain([0]) {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
        format!("{hash:016x}")
    }

    pub fn to_signal(&self, source: &str, at: Millis) -> AlarmSignal {
        let mut alarm = labelled_alarm(source, self.key(), &self.labels, &self.annotations, at);
        let labels = &mut alarm.labels;
        // Pending alerts keep their severity: the state label tells the operator
        // that the rule's `for` has not run out yet.
        labels.insert("prometheus_state".into(), self.state.clone());
        if let Some(active_at) = self.active_at.as_ref().filter(|s| !s.is_empty()) {
            labels.insert("active_at".into(), active_at.clone());
        }
        alarm
    }
}
