//! Zabbix problems (`problem.get`) and their triggers' hosts (`trigger.get`), and how
//! one problem becomes an alarm signal.

use std::collections::BTreeMap;

use noc_model::{AlarmSignal, Labels, Millis, Severity};
use serde::Deserialize;
use serde_json::{json, Value};

/// Zabbix writes every number as a string; these are the fields the console reads.
#[derive(Debug, Clone, Deserialize)]
pub struct Problem {
    pub eventid: String,
    /// "0": the problem comes from a trigger, whose id is `objectid`.
    pub object: String,
    pub objectid: String,
    pub name: String,
    pub severity: String,
    pub acknowledged: String,
    #[serde(default)]
    pub suppressed: Option<String>,
    #[serde(default)]
    pub opdata: Option<String>,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Tag {
    pub tag: String,
    #[serde(default)]
    pub value: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Trigger {
    pub triggerid: String,
    #[serde(default)]
    pub hosts: Vec<Host>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Host {
    /// The technical name, which is what the topology knows the node by.
    pub host: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub maintenance_status: Option<String>,
}

/// `problem.get` for every open problem, oldest event first. Suppression data has
/// been in the API since 4.0, so every version the console speaks (6.0+) has it.
pub fn problems_params() -> Value {
    json!({
        "output": "extend",
        "recent": false,
        "selectAcknowledges": "extend",
        "selectTags": "extend",
        "selectSuppressionData": "extend",
        "sortfield": ["eventid"],
        "sortorder": "ASC",
    })
}

/// `trigger.get` for the triggers behind `problems`, with their hosts.
pub fn triggers_params(problems: &[Problem]) -> Option<Value> {
    let mut ids: Vec<&str> = problems
        .iter()
        .filter(|p| p.object == "0")
        .map(|p| p.objectid.as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    (!ids.is_empty()).then(|| {
        json!({
            "triggerids": ids,
            "output": ["triggerid"],
            "selectHosts": ["host", "name", "maintenance_status"],
        })
    })
}

/// Zabbix' six severities. `None` for a number Zabbix does not define.
pub fn severity(code: &str) -> Option<Severity> {
    match code.trim() {
        // "Not classified" is a real choice in Zabbix, just not a ranked one.
        "0" => Some(Severity::Unknown),
        "1" => Some(Severity::Info),
        "2" => Some(Severity::Warning),
        "3" => Some(Severity::Minor),
        "4" => Some(Severity::Major),
        "5" => Some(Severity::Critical),
        _ => None,
    }
}

/// Where a problem is shown in the Zabbix frontend, when the API URL is the usual
/// `…/api_jsonrpc.php` next to it.
pub fn event_url(api_url: &str, triggerid: &str, eventid: &str) -> Option<String> {
    let base = api_url.strip_suffix("api_jsonrpc.php")?;
    Some(format!(
        "{base}tr_events.php?triggerid={triggerid}&eventid={eventid}"
    ))
}

/// What the console needs to know of one problem's source.
pub struct Context<'a> {
    pub source: &'a str,
    pub api_url: &'a str,
    /// The definition's node, for problems whose trigger names no host.
    pub fallback_node: Option<&'a str>,
    pub triggers: &'a BTreeMap<String, Trigger>,
    pub at: Millis,
}

impl Problem {
    /// The alarm, and the severity code when Zabbix sent one it does not define.
    pub fn to_signal(&self, ctx: &Context<'_>) -> (AlarmSignal, Option<String>) {
        let trigger = (self.object == "0")
            .then(|| ctx.triggers.get(&self.objectid))
            .flatten();
        let hosts = trigger.map(|t| t.hosts.as_slice()).unwrap_or_default();
        let (severity, unmapped) = match severity(&self.severity) {
            Some(severity) => (severity, None),
            None => (Severity::Unknown, Some(self.severity.clone())),
        };
        let alarm = AlarmSignal {
            source: ctx.source.to_string(),
            key: self.eventid.clone(),
            node: hosts
                .first()
                .map(|h| h.host.clone())
                .or_else(|| ctx.fallback_node.map(str::to_string)),
            severity,
            title: self.name.clone(),
            text: self.opdata.clone().unwrap_or_default(),
            labels: self.labels(trigger, ctx.api_url),
            at: ctx.at,
            firing: true,
        };
        (alarm, unmapped)
    }

    fn labels(&self, trigger: Option<&Trigger>, api_url: &str) -> Labels {
        let flag = |on: bool| if on { "true" } else { "false" }.to_string();
        let hosts = trigger.map(|t| t.hosts.as_slice()).unwrap_or_default();
        let mut labels = Labels::new();
        labels.insert("eventid".into(), self.eventid.clone());
        labels.insert("acknowledged".into(), flag(self.acknowledged == "1"));
        labels.insert(
            "suppressed".into(),
            flag(self.suppressed.as_deref() == Some("1")),
        );
        labels.insert(
            "maintenance".into(),
            flag(
                hosts
                    .iter()
                    .any(|h| h.maintenance_status.as_deref() == Some("1")),
            ),
        );
        labels.insert("zabbix_severity".into(), self.severity.clone());
        if let Some(trigger) = trigger {
            labels.insert("triggerid".into(), trigger.triggerid.clone());
            if let Some(url) = event_url(api_url, &trigger.triggerid, &self.eventid) {
                labels.insert("url".into(), url);
            }
        }
        if !hosts.is_empty() {
            let names: Vec<&str> = hosts.iter().map(|h| h.host.as_str()).collect();
            labels.insert("host".into(), names.join(", "));
        }
        if let Some(name) = hosts.first().and_then(|h| h.name.clone()) {
            labels.insert("host_name".into(), name);
        }
        for tag in &self.tags {
            // A tag name can repeat with different values ("service: db", "service: web").
            labels
                .entry(format!("tag.{}", tag.tag))
                .and_modify(|value| {
                    value.push_str(", ");
                    value.push_str(&tag.value);
                })
                .or_insert_with(|| tag.value.clone());
        }
        labels
    }
}
