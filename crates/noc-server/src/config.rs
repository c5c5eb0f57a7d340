//! `noc.toml`: the hub's configuration file (see `noc.example.toml`).

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use std::time::Duration;

use noc_sources::alertmanager::AlertmanagerConfig;
use noc_sources::prometheus::PrometheusConfig;
use noc_sources::webhook::WebhookFormat;
use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HubConfig {
    #[serde(default)]
    pub hub: HubSection,
    #[serde(default)]
    pub demo: DemoSection,
    #[serde(default)]
    pub engine: EngineSection,
    /// `[[alertmanager]]`: one entry per Alertmanager to poll.
    #[serde(default)]
    pub alertmanager: Vec<AlertmanagerSection>,
    /// `[[prometheus]]`: one entry per Prometheus whose alert list to poll.
    #[serde(default)]
    pub prometheus: Vec<PrometheusSection>,
    /// `[[webhook]]`: one entry per inbound webhook (`POST /hooks/{name}`).
    #[serde(default)]
    pub webhook: Vec<WebhookSection>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HubSection {
    pub bind: Option<IpAddr>,
    pub port: Option<u16>,
    pub data: Option<PathBuf>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoSection {
    #[serde(default)]
    pub enabled: bool,
    pub seed: Option<u64>,
    pub speed: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EngineSection {
    pub correlation_window_secs: Option<u32>,
    pub resolve_hold_secs: Option<u32>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertmanagerSection {
    /// Spanned so that a bad value can be reported with its line.
    pub name: Spanned<String>,
    pub url: Spanned<String>,
    pub interval_secs: Option<Spanned<u32>>,
    pub timeout_secs: Option<Spanned<u32>>,
}

impl AlertmanagerSection {
    pub fn source_config(&self) -> AlertmanagerConfig {
        let mut config = AlertmanagerConfig::new(self.name.get_ref(), self.url.get_ref());
        if let Some(secs) = &self.interval_secs {
            config.interval = Duration::from_secs(u64::from(*secs.get_ref()));
        }
        if let Some(secs) = &self.timeout_secs {
            config.timeout = Duration::from_secs(u64::from(*secs.get_ref()));
        }
        config
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookSection {
    pub name: Spanned<String>,
    pub format: Spanned<String>,
    /// The name of the environment variable holding the secret: the file may be
    /// shared or checked in, the secret must not be.
    pub token_env: Spanned<String>,
}

impl WebhookSection {
    /// The endpoint with its secret read from the environment; a missing or empty
    /// variable is a start-up error, never an open hook.
    pub fn endpoint(&self) -> Result<crate::WebhookEndpoint, String> {
        let name = self.name.get_ref().trim();
        let var = self.token_env.get_ref().trim();
        let format = self.format.get_ref().parse::<WebhookFormat>()?;
        match std::env::var(var) {
            Ok(secret) if !secret.trim().is_empty() => {
                Ok(crate::WebhookEndpoint::new(name, format, secret.trim()))
            }
            Ok(_) => Err(format!(
                "webhook \"{name}\": the environment variable {var} (token_env) is empty"
            )),
            Err(_) => Err(format!(
                "webhook \"{name}\": the environment variable {var} (token_env) is not set; \
                 it must hold the secret senders present"
            )),
        }
    }
}

/// `[[prometheus]]`: the same fields as `[[alertmanager]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrometheusSection {
    pub name: Spanned<String>,
    pub url: Spanned<String>,
    pub interval_secs: Option<Spanned<u32>>,
    pub timeout_secs: Option<Spanned<u32>>,
}

impl PrometheusSection {
    pub fn source_config(&self) -> PrometheusConfig {
        let mut config = PrometheusConfig::new(self.name.get_ref(), self.url.get_ref());
        if let Some(secs) = &self.interval_secs {
            config.interval = Duration::from_secs(u64::from(*secs.get_ref()));
        }
        if let Some(secs) = &self.timeout_secs {
            config.timeout = Duration::from_secs(u64::from(*secs.get_ref()));
        }
        config
    }
}

impl HubConfig {
    /// Reads and checks a configuration file; the error names the file and, for a
    /// syntax or type error, the line.
    pub fn load(path: &Path) -> anyhow::Result<HubConfig> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read configuration {}: {e}", path.display()))?;
        Self::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
    }

    pub fn parse(text: &str) -> Result<HubConfig, String> {
        let config: HubConfig = toml::from_str(text).map_err(|e| describe(text, &e))?;
        if let Some(speed) = config.demo.speed {
            if !(speed.is_finite() && speed > 0.0 && speed <= 1000.0) {
                return Err(format!(
                    "demo.speed must be between 0 and 1000, not {speed}"
                ));
            }
        }
        check_polled_sources(text, &config)?;
        check_webhooks(text, &config)?;
        Ok(config)
    }
}

/// The fields every polled source's entry has, for the checks they share.
struct PolledEntry<'a> {
    section: &'static str,
    name: &'a Spanned<String>,
    url: &'a Spanned<String>,
    interval_secs: &'a Option<Spanned<u32>>,
    timeout_secs: &'a Option<Spanned<u32>>,
}

fn check_polled_sources(text: &str, config: &HubConfig) -> Result<(), String> {
    let alertmanagers = config.alertmanager.iter().map(|e| PolledEntry {
        section: "alertmanager",
        name: &e.name,
        url: &e.url,
        interval_secs: &e.interval_secs,
        timeout_secs: &e.timeout_secs,
    });
    let prometheuses = config.prometheus.iter().map(|e| PolledEntry {
        section: "prometheus",
        name: &e.name,
        url: &e.url,
        interval_secs: &e.interval_secs,
        timeout_secs: &e.timeout_secs,
    });
    check_polled(text, alertmanagers.chain(prometheuses))
}

fn check_polled<'a>(
    text: &str,
    entries: impl Iterator<Item = PolledEntry<'a>>,
) -> Result<(), String> {
    let at = |start: usize| text[..start.min(text.len())].matches('\n').count() + 1;
    let mut names = std::collections::BTreeSet::new();
    for entry in entries {
        let section = entry.section;
        let name = entry.name.get_ref().trim();
        if name.is_empty() {
            return Err(format!(
                "line {}: {section}.name must not be empty",
                at(entry.name.span().start)
            ));
        }
        // The name is part of every alarm's fingerprint: two sources with one name
        // would resolve each other's alarms.
        if !names.insert(name.to_string()) {
            return Err(format!(
                "line {}: {section}.name \"{name}\" is used twice",
                at(entry.name.span().start)
            ));
        }
        let url = entry.url.get_ref();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(format!(
                "line {}: {section}.url must start with http:// or https://, not \"{url}\"",
                at(entry.url.span().start)
            ));
        }
        for (key, value) in [
            ("interval_secs", entry.interval_secs),
            ("timeout_secs", entry.timeout_secs),
        ] {
            if let Some(value) = value.as_ref().filter(|v| *v.get_ref() == 0) {
                return Err(format!(
                    "line {}: {section}.{key} must be at least 1",
                    at(value.span().start)
                ));
            }
        }
    }
    Ok(())
}

fn check_webhooks(text: &str, config: &HubConfig) -> Result<(), String> {
    let at = |start: usize| text[..start.min(text.len())].matches('\n').count() + 1;
    // Alarm fingerprints are `source/key`: a hook named like another source would
    // resolve that source's alarms.
    let mut names: std::collections::BTreeSet<String> = config
        .alertmanager
        .iter()
        .map(|entry| &entry.name)
        .chain(config.prometheus.iter().map(|entry| &entry.name))
        .map(|name| name.get_ref().trim().to_string())
        .collect();
    for entry in &config.webhook {
        let name = entry.name.get_ref().trim();
        let line = at(entry.name.span().start);
        if name.is_empty() {
            return Err(format!("line {line}: webhook.name must not be empty"));
        }
        // The name is a URL path segment: keep it to characters that need no escaping.
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            return Err(format!(
                "line {line}: webhook.name \"{name}\" may only contain letters, digits, '-', '_' and '.'"
            ));
        }
        if !names.insert(name.to_string()) {
            return Err(format!(
                "line {line}: webhook.name \"{name}\" is already the name of another source"
            ));
        }
        if let Err(err) = entry.format.get_ref().parse::<WebhookFormat>() {
            return Err(format!(
                "line {}: webhook.format: {err}",
                at(entry.format.span().start)
            ));
        }
        let var = entry.token_env.get_ref().trim();
        if var.is_empty()
            || !var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            || var.starts_with(|c: char| c.is_ascii_digit())
        {
            return Err(format!(
                "line {}: webhook.token_env must be the name of an environment variable \
                 (e.g. NOC_HOOK_SECRET), not the secret itself",
                at(entry.token_env.span().start)
            ));
        }
    }
    Ok(())
}

fn describe(text: &str, err: &toml::de::Error) -> String {
    let message = err.message();
    match err.span() {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            format!("line {line}: {message}")
        }
        None => message.to_string(),
    }
}
