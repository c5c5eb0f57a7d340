//! The Alertmanager API v2 alert list (`GET /api/v2/alerts`), and how one alert
//! becomes an alarm signal.

use std::collections::BTreeMap;

use noc_model::{AlarmSignal, Labels, Millis, Severity};
use serde::Deserialize;

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
        self.labels
            .get("severity")
            .map(|word| word.trim())
            .filter(|word| !word.is_empty())
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
            node: self.node(),
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

    /// The topology node: Prometheus' `instance` (without its port), else `host`, else `node`.
    fn node(&self) -> Option<String> {
        if let Some(instance) = self.labels.get("instance").filter(|s| !s.is_empty()) {
            return Some(strip_port(instance).to_string());
        }
        ["host", "node"]
            .iter()
            .find_map(|key| self.labels.get(*key).filter(|s| !s.is_empty()).cloned())
    }
}

/// `host:9100` → `host`, `[::1]:9100` → `::1`; a bare IPv6 address is left alone.
pub fn strip_port(instance: &str) -> &str {
    let Some((host, port)) = instance.rsplit_once(':') else {
        return instance;
    };
    if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
        return instance;
    }
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return inner;
    }
    if host.contains(':') {
        return instance;
    }
    host
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_ports_are_stripped_but_ipv6_survives() {
        assert_eq!(strip_port("core-sw1:9100"), "core-sw1");
        assert_eq!(strip_port("10.0.0.1:9100"), "10.0.0.1");
        assert_eq!(strip_port("[fe80::1]:9100"), "fe80::1");
        assert_eq!(strip_port("fe80::1"), "fe80::1");
        assert_eq!(strip_port("core-sw1"), "core-sw1");
        assert_eq!(strip_port("host:http"), "host:http");
    }
}
