//! `noc.toml`: the hub's configuration file (see `noc.example.toml`).

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use noc_model::SourceDefinition;
use noc_sources::webhook::WebhookFormat;

mod duty;
mod notify;
mod replay;
mod sources;
pub use duty::DutySection;
pub use notify::NotifySection;
pub use replay::ReplaySection;
use serde::Deserialize;
pub use sources::{
    AlertmanagerSection, BlackboxProbeSection, DnsProbeSection, HttpProbeSection, IcmpProbeSection,
    PrometheusSection, SourceSection, TcpProbeSection, ZabbixSection,
};
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
    /// `[duty]`: 1-5-10 targets, update deadline, escalation, flapping, grouping.
    #[serde(default)]
    pub duty: DutySection,
    /// `[[alertmanager]]`: one entry per Alertmanager to poll.
    #[serde(default)]
    pub alertmanager: Vec<AlertmanagerSection>,
    /// `[[prometheus]]`: one entry per Prometheus server.
    #[serde(default)]
    pub prometheus: Vec<PrometheusSection>,
    #[serde(default)]
    pub zabbix: Vec<ZabbixSection>,
    #[serde(default)]
    pub http_probe: Vec<HttpProbeSection>,
    #[serde(default)]
    pub tcp_probe: Vec<TcpProbeSection>,
    #[serde(default)]
    pub dns_probe: Vec<DnsProbeSection>,
    #[serde(default)]
    pub icmp_probe: Vec<IcmpProbeSection>,
    #[serde(default)]
    pub blackbox_probe: Vec<BlackboxProbeSection>,
    /// `[[webhook]]`: one entry per inbound webhook (`POST /hooks/{name}`).
    #[serde(default)]
    pub webhook: Vec<WebhookSection>,
    /// `[[notify]]`: one entry per outbound notification channel.
    #[serde(default)]
    pub notify: Vec<NotifySection>,
    /// `[[replay]]`: one entry per recorded alarm log to play back.
    #[serde(default)]
    pub replay: Vec<ReplaySection>,
    /// Every source entry above as a checked definition (filled by `parse`).
    #[serde(skip)]
    pub sources: Vec<SourceDefinition>,
    /// `[duty]` checked, with defaults for what it leaves out (filled by `parse`).
    #[serde(skip)]
    pub policy: noc_model::DutyPolicy,
    #[serde(skip)]
    pub write_back: noc_api::WriteBackSettings,
    /// The enabled `[[replay]]` entries, checked (filled by `parse`).
    #[serde(skip)]
    pub replays: Vec<noc_sources::replay::ReplaySettings>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HubSection {
    pub bind: Option<IpAddr>,
    pub port: Option<u16>,
    pub data: Option<PathBuf>,
    /// HTTPS: on by default when `bind` is not loopback; `false` there is refused.
    pub tls: Option<bool>,
    /// PEM files; without them the hub generates a self-signed certificate once.
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    /// Host names operators use to reach the hub (checked against the Host header).
    #[serde(default)]
    pub names: Vec<String>,
    /// Operator sessions end after this many hours without use (default 12).
    pub session_hours: Option<u32>,
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
pub struct WebhookSection {
    pub name: Spanned<String>,
    pub format: Spanned<String>,
    /// The name of the environment variable holding the secret: the file may be
    /// shared or checked in, the secret must not be.
    pub token_env: Spanned<String>,
    /// Show the hook as stale when nothing arrives for this long (for senders with
    /// a heartbeat, such as Alertmanager's always-firing Watchdog alert).
    pub stale_after_secs: Option<Spanned<u32>>,
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

impl HubConfig {
    /// Reads and checks a configuration file; the error names the file and, for a
    /// syntax or type error, the line.
    pub fn load(path: &Path) -> anyhow::Result<HubConfig> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read configuration {}: {e}", path.display()))?;
        let mut config =
            Self::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        replay::resolve_paths(&mut config.replays, path);
        Ok(config)
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
        let mut config = config;
        config.sources = source_definitions(text, &config)?;
        let at = |start: usize| text[..start.min(text.len())].matches('\n').count() + 1;
        let refused = |(pos, why): sources::Refusal| format!("line {}: {why}", at(pos));
        config.policy = config.duty.policy().map_err(refused)?;
        config.write_back = config.duty.write_back().map_err(refused)?;
        config.replays = replay_settings(text, &config)?;
        check_webhooks(text, &config)?;
        check_notify(text, &config)?;
        Ok(config)
    }
}

/// Every source entry of the file as a checked definition, in file order per kind.
fn source_definitions(text: &str, config: &HubConfig) -> Result<Vec<SourceDefinition>, String> {
    let at = |start: usize| text[..start.min(text.len())].matches('\n').count() + 1;
    let entries = config
        .alertmanager
        .iter()
        .map(|e| ("alertmanager", e as &dyn SourceSection))
        .chain(config.prometheus.iter().map(|e| ("prometheus", e as _)))
        .chain(config.zabbix.iter().map(|e| ("zabbix", e as _)))
        .chain(config.http_probe.iter().map(|e| ("http_probe", e as _)))
        .chain(config.tcp_probe.iter().map(|e| ("tcp_probe", e as _)))
        .chain(config.dns_probe.iter().map(|e| ("dns_probe", e as _)))
        .chain(config.icmp_probe.iter().map(|e| ("icmp_probe", e as _)))
        .chain(
            config
                .blackbox_probe
                .iter()
                .map(|e| ("blackbox_probe", e as _)),
        );
    let mut names = std::collections::BTreeSet::new();
    let mut definitions = Vec::new();
    for (section, entry) in entries {
        let definition = sources::check(section, entry)
            .map_err(|(pos, text)| format!("line {}: {text}", at(pos)))?;
        // The name is part of every alarm's fingerprint: two sources with one name
        // would resolve each other's alarms.
        if !names.insert(definition.name.clone()) {
            return Err(format!(
                "line {}: {section}.name \"{}\" is used twice",
                at(entry.name_at()),
                definition.name
            ));
        }
        definitions.push(definition);
    }
    Ok(definitions)
}

/// The enabled `[[replay]]` entries; their names share the sources' name space
/// (a name is part of every alarm's fingerprint).
fn replay_settings(
    text: &str,
    config: &HubConfig,
) -> Result<Vec<noc_sources::replay::ReplaySettings>, String> {
    let at = |start: usize| text[..start.min(text.len())].matches('\n').count() + 1;
    let mut names: std::collections::BTreeSet<String> =
        config.sources.iter().map(|d| d.name.clone()).collect();
    let mut replays = Vec::new();
    for entry in &config.replay {
        let settings = entry
            .settings()
            .map_err(|(pos, text)| format!("line {}: {text}", at(pos)))?;
        if !names.insert(settings.name.clone()) {
            return Err(format!(
                "line {}: replay.name \"{}\" is already the name of another source",
                at(entry.name_at()),
                settings.name
            ));
        }
        if entry.enabled {
            replays.push(settings);
        }
    }
    Ok(replays)
}

fn check_notify(text: &str, config: &HubConfig) -> Result<(), String> {
    let at = |start: usize| text[..start.min(text.len())].matches('\n').count() + 1;
    notify::check(&config.notify).map_err(|(pos, why)| format!("line {}: {why}", at(pos)))
}

fn check_webhooks(text: &str, config: &HubConfig) -> Result<(), String> {
    let at = |start: usize| text[..start.min(text.len())].matches('\n').count() + 1;
    // Alarm fingerprints are `source/key`: a hook named like another source would
    // resolve that source's alarms.
    let mut names: std::collections::BTreeSet<String> =
        config.sources.iter().map(|d| d.name.clone()).collect();
    names.extend(config.replays.iter().map(|r| r.name.clone()));
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
        if let Some(secs) = entry
            .stale_after_secs
            .as_ref()
            .filter(|s| *s.get_ref() == 0)
        {
            return Err(format!(
                "line {}: webhook.stale_after_secs must be at least 1",
                at(secs.span().start)
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
