//! Alertmanager's webhook notification (version 4) and Grafana unified alerting's
//! webhook contact point: Grafana copies Alertmanager's shape and adds its own
//! fields, so one reader serves both.

use std::collections::BTreeMap;

use noc_model::{AlarmSignal, Millis};
use serde::Deserialize;

use super::{is_firing, WebhookError, WebhookFormat};
use crate::polling::labelled_alarm;

/// Only what the console uses is read; unknown fields are ignored so newer
/// senders still parse.
#[derive(Debug, Deserialize)]
pub(super) struct Notification {
    alerts: Vec<NotificationAlert>,
}

#[derive(Debug, Deserialize)]
struct NotificationAlert {
    status: String,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
    #[serde(rename = "startsAt", default)]
    starts_at: Option<String>,
    #[serde(rename = "endsAt", default)]
    ends_at: Option<String>,
    #[serde(rename = "generatorURL", default)]
    generator_url: Option<String>,
    #[serde(default)]
    fingerprint: Option<String>,
    // Grafana only.
    #[serde(default)]
    values: Option<serde_json::Value>,
    #[serde(rename = "valueString", default)]
    value_string: Option<String>,
    #[serde(rename = "dashboardURL", default)]
    dashboard_url: Option<String>,
    #[serde(rename = "panelURL", default)]
    panel_url: Option<String>,
    #[serde(rename = "silenceURL", default)]
    silence_url: Option<String>,
}

impl Notification {
    pub(super) fn to_signals(
        &self,
        format: WebhookFormat,
        source: &str,
        at: Millis,
    ) -> Result<Vec<AlarmSignal>, WebhookError> {
        self.alerts
            .iter()
            .enumerate()
            .map(|(index, alert)| {
                alert
                    .to_signal(format, source, at)
                    .map_err(|reason| WebhookError::InvalidAlert { index, reason })
            })
            .collect()
    }
}

impl NotificationAlert {
    fn to_signal(
        &self,
        format: WebhookFormat,
        source: &str,
        at: Millis,
    ) -> Result<AlarmSignal, String> {
        let firing = is_firing(&self.status)?;
        let key = match self.fingerprint.as_deref().map(str::trim) {
            Some(fingerprint) if !fingerprint.is_empty() => fingerprint.to_string(),
            // Both senders fingerprint an alert by its label set; without the
            // fingerprint the labels themselves identify it, so firing and
            // resolved still meet on one alarm.
            _ if !self.labels.is_empty() => self
                .labels
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(","),
            _ => return Err("has neither a fingerprint nor labels to identify it".into()),
        };
        let mut alarm = labelled_alarm(source, key, &self.labels, &self.annotations, at);
        alarm.firing = firing;
        if alarm.text.is_empty() {
            // Grafana puts the evaluated values where a description would be.
            alarm.text = self.value_string.clone().unwrap_or_default();
        }
        let labels = &mut alarm.labels;
        for (name, value) in [
            ("generator_url", &self.generator_url),
            ("dashboard_url", &self.dashboard_url),
            ("panel_url", &self.panel_url),
            ("silence_url", &self.silence_url),
            ("starts_at", &self.starts_at),
            ("ends_at", &self.ends_at),
        ] {
            if let Some(value) = value.as_ref().filter(|v| !v.is_empty()) {
                // Alertmanager writes the zero time for "no end yet".
                if name == "ends_at" && value.starts_with("0001-") {
                    continue;
                }
                labels.insert(name.into(), value.clone());
            }
        }
        if let Some(values) = self.values.as_ref().filter(|v| !v.is_null()) {
            labels.insert("values".into(), values.to_string());
        }
        labels.insert("webhook_format".into(), format.as_str().into());
        Ok(alarm)
    }
}
