//! The parts of the Prometheus HTTP API the console reads: alerts, alerting rules,
//! scrape targets, instant queries and build information, and how each becomes an
//! alarm signal or a reading.

use std::collections::BTreeMap;

use noc_model::{AlarmSignal, Millis, Severity};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::polling::{labelled_alarm, node_from_labels};

/// The API's envelope: `{"status": "success", "data": {...}}` or
/// `{"status": "error", "errorType": ..., "error": ...}`.
#[derive(Debug, Deserialize)]
struct Envelope<T> {
    status: String,
    data: Option<T>,
    #[serde(rename = "errorType", default)]
    error_type: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

/// What Prometheus answered.
#[derive(Debug)]
pub enum Answer<T> {
    Data(T),
    /// Prometheus' own account of why it could not answer.
    Error(String),
}

pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<Answer<T>, String> {
    let envelope: Envelope<T> = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    match envelope.status.as_str() {
        "success" => envelope
            .data
            .map(Answer::Data)
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

#[derive(Debug, Deserialize)]
pub struct AlertsData {
    pub alerts: Vec<Alert>,
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

#[derive(Debug, Deserialize)]
pub struct RulesData {
    pub groups: Vec<RuleGroup>,
}

#[derive(Debug, Deserialize)]
pub struct RuleGroup {
    pub name: String,
    #[serde(default)]
    pub file: String,
    pub rules: Vec<Rule>,
}

#[derive(Debug, Deserialize)]
pub struct Rule {
    pub name: String,
    /// `ok`, `err` or `unknown` (not evaluated yet).
    pub health: String,
    #[serde(rename = "lastError", default)]
    pub last_error: Option<String>,
}

impl RuleGroup {
    /// A rule Prometheus cannot evaluate can never fire: the alarms it should
    /// raise would silently be missing, so the broken rule is itself an alarm.
    pub fn broken_rules(&self, source: &str, node: Option<&str>, at: Millis) -> Vec<AlarmSignal> {
        self.rules
            .iter()
            .filter(|rule| rule.health == "err")
            .map(|rule| {
                let error = rule.last_error.clone().unwrap_or_default();
                let labels = BTreeMap::from([
                    ("rule_group".to_string(), self.name.clone()),
                    ("rule_file".to_string(), self.file.clone()),
                ]);
                AlarmSignal {
                    source: source.to_string(),
                    key: format!("rule/{}/{}", self.name, rule.name),
                    node: node.map(str::to_string),
                    severity: Severity::Warning,
                    title: format!("rule {} cannot be evaluated: {error}", rule.name),
                    text: error,
                    labels,
                    at,
                    firing: true,
                }
            })
            .collect()
    }
}

#[derive(Debug, Deserialize)]
pub struct TargetsData {
    #[serde(rename = "activeTargets")]
    pub active_targets: Vec<Target>,
}

#[derive(Debug, Deserialize)]
pub struct Target {
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(rename = "scrapePool", default)]
    pub scrape_pool: String,
    #[serde(rename = "scrapeUrl", default)]
    pub scrape_url: String,
    #[serde(rename = "lastError", default)]
    pub last_error: String,
    /// `up`, `down` or `unknown` (not scraped yet).
    pub health: String,
}

impl Target {
    /// A target that cannot be scraped, as an alarm on its node; `None` while it is up.
    pub fn down_alarm(&self, source: &str, at: Millis) -> Option<AlarmSignal> {
        if self.health != "down" {
            return None;
        }
        let instance = self
            .labels
            .get("instance")
            .cloned()
            .unwrap_or_else(|| self.scrape_url.clone());
        let mut labels = self.labels.clone();
        labels.insert("scrape_url".into(), self.scrape_url.clone());
        Some(AlarmSignal {
            source: source.to_string(),
            key: format!("target/{}/{instance}", self.scrape_pool),
            node: node_from_labels(&self.labels),
            severity: Severity::Major,
            title: format!("scrape target {instance} ({}) is down", self.scrape_pool),
            text: self.last_error.clone(),
            labels,
            at,
            firing: true,
        })
    }
}

/// The result of an instant query.
#[derive(Debug, Deserialize)]
pub struct QueryData {
    /// `vector`, `scalar`, `matrix` or `string`.
    #[serde(rename = "resultType")]
    pub result_type: String,
    pub result: serde_json::Value,
}

#[derive(Debug, Deserialize)]
struct VectorSample {
    /// `[unix seconds, "value as text"]`.
    value: (serde_json::Value, String),
}

impl QueryData {
    /// The one number a KPI shows, or why there is none.
    pub fn single_value(self) -> Result<f64, String> {
        let unreadable =
            |e: serde_json::Error| format!("unreadable {} result: {e}", self.result_type);
        let text = match self.result_type.as_str() {
            "scalar" => {
                let (_, text): (serde_json::Value, String) =
                    serde_json::from_value(self.result.clone()).map_err(unreadable)?;
                text
            }
            "vector" => {
                let mut samples: Vec<VectorSample> =
                    serde_json::from_value(self.result.clone()).map_err(unreadable)?;
                match samples.len() {
                    0 => return Err("no data".into()),
                    1 => samples.remove(0).value.1,
                    many => {
                        return Err(format!(
                            "the query returns {many} series; a KPI needs exactly one \
                             (aggregate it, e.g. with sum)"
                        ))
                    }
                }
            }
            other => return Err(format!("the query returns a {other}, not a number")),
        };
        match text.parse::<f64>() {
            Ok(value) if value.is_finite() => Ok(value),
            Ok(_) => Err(format!("the value is {text}")),
            Err(_) => Err(format!("the value \"{text}\" is not a number")),
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct BuildInfo {
    pub version: String,
}
