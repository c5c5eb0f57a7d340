//! The one entry point per source kind: a [`SourceDefinition`] becomes a running task
//! (`spawn`) or one real attempt to read the source (`check`, "test connection").

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use noc_model::{CheckReport, Clock, ProbeResult, Signal, SourceDefinition, SourceSettings};
use thiserror::Error;
use tokio::sync::mpsc::Sender;
use tokio_util::sync::CancellationToken;

use crate::polling::PollConfig;

/// A secret's value. Its `Debug` and `Display` never show it, so it cannot leak
/// into logs by formatting.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value, for the one place that sends it to the source.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// What a running source is given by the hub.
#[derive(Clone)]
pub struct SourceContext {
    pub clock: Arc<dyn Clock>,
    /// Alarms, health, KPI readings and signs of life.
    pub signals: Sender<Signal>,
    /// Probe results, kept in the probe history (not the event log).
    pub probe_results: Sender<ProbeResult>,
    pub shutdown: CancellationToken,
    /// The value of the definition's secret, resolved by the hub.
    pub secret: Option<Secret>,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum SourceError {
    #[error("{0}")]
    Invalid(String),
    #[error("the source needs its secret ({0})")]
    MissingSecret(String),
}

/// The poll settings every kind shares, with the kind's defaults.
pub fn poll_config(definition: &SourceDefinition, url: &str) -> PollConfig {
    let mut config = PollConfig::new(&definition.name, url);
    if let Some(secs) = definition.interval_secs.filter(|s| *s > 0) {
        config.interval = Duration::from_secs(u64::from(secs));
    } else if definition.settings.is_probe() {
        config.interval = Duration::from_secs(30);
    }
    if let Some(secs) = definition.timeout_secs.filter(|s| *s > 0) {
        config.timeout = Duration::from_secs(u64::from(secs));
    }
    config
}

/// How often the source reports at the latest, for stale detection.
pub fn expected_interval(definition: &SourceDefinition) -> Duration {
    poll_config(definition, "").interval
}

/// Checks a definition without contacting anything: names, URLs, numbers.
pub fn validate(definition: &SourceDefinition) -> Result<(), SourceError> {
    let name = definition.name.trim();
    if name.is_empty() || name.len() > 64 {
        return Err(SourceError::Invalid(
            "a source name needs 1 to 64 characters".into(),
        ));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(SourceError::Invalid(format!(
            "source name \"{name}\" may only contain letters, digits, '-', '_' and '.'"
        )));
    }
    for url in urls(&definition.settings) {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(SourceError::Invalid(format!(
                "URL must start with http:// or https://, not \"{url}\""
            )));
        }
    }
    if let SourceSettings::Alertmanager { urls, .. } = &definition.settings {
        if urls.is_empty() {
            return Err(SourceError::Invalid(
                "an Alertmanager source needs at least one URL".into(),
            ));
        }
    }
    Ok(())
}

fn urls(settings: &SourceSettings) -> Vec<&str> {
    match settings {
        SourceSettings::Alertmanager { urls, .. } => urls.iter().map(String::as_str).collect(),
        SourceSettings::Prometheus { url, .. } | SourceSettings::Zabbix { url, .. } => vec![url],
        SourceSettings::HttpProbe(probe) => vec![&probe.url],
        SourceSettings::BlackboxProbe(probe) => vec![&probe.exporter_url],
        SourceSettings::TcpProbe(_)
        | SourceSettings::DnsProbe(_)
        | SourceSettings::IcmpProbe(_) => Vec::new(),
    }
}

/// Starts the source's task; it runs until `ctx.shutdown`.
pub fn spawn(definition: &SourceDefinition, ctx: SourceContext) -> Result<(), SourceError> {
    validate(definition)?;
    if definition.secret_ref().is_some() && ctx.secret.is_none() {
        return Err(SourceError::MissingSecret(definition.name.clone()));
    }
    match &definition.settings {
        SourceSettings::Alertmanager { .. } => {
            crate::alertmanager::spawn(definition, ctx)?;
        }
        SourceSettings::Prometheus { .. } => {
            crate::prometheus::spawn(definition, ctx)?;
        }
        SourceSettings::HttpProbe(_)
        | SourceSettings::TcpProbe(_)
        | SourceSettings::DnsProbe(_)
        | SourceSettings::IcmpProbe(_)
        | SourceSettings::BlackboxProbe(_) => {
            crate::probe::spawn(definition, ctx)?;
        }
        SourceSettings::Zabbix { .. } => {
            crate::zabbix::spawn(definition, ctx)?;
        }
    }
    Ok(())
}

/// One real attempt to read the source, as "test connection" shows it.
pub async fn check(definition: &SourceDefinition, secret: Option<Secret>) -> CheckReport {
    let started = std::time::Instant::now();
    let outcome = match validate(definition) {
        Err(err) => Err((noc_model::HealthStatus::BadPayload, err.to_string())),
        Ok(()) => check_kind(definition, secret).await,
    };
    let took_ms = started.elapsed().as_millis() as u64;
    match outcome {
        Ok((detail, version)) => CheckReport {
            status: noc_model::HealthStatus::Ok,
            detail,
            took_ms,
            version,
        },
        Err((status, detail)) => CheckReport {
            status,
            detail,
            took_ms,
            version: None,
        },
    }
}

/// `Ok((what was found, version))` or `Err((status, why))`.
pub type CheckOutcome = Result<(String, Option<String>), (noc_model::HealthStatus, String)>;

async fn check_kind(definition: &SourceDefinition, secret: Option<Secret>) -> CheckOutcome {
    match &definition.settings {
        SourceSettings::Alertmanager { .. } => crate::alertmanager::check(definition, secret).await,
        SourceSettings::Prometheus { .. } => crate::prometheus::check(definition, secret).await,
        SourceSettings::HttpProbe(_)
        | SourceSettings::TcpProbe(_)
        | SourceSettings::DnsProbe(_)
        | SourceSettings::IcmpProbe(_)
        | SourceSettings::BlackboxProbe(_) => crate::probe::check(definition, secret).await,
        SourceSettings::Zabbix { .. } => crate::zabbix::check(definition, secret).await,
    }
}
