//! `noc.toml`: the hub's configuration file (see `noc.example.toml`).

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HubConfig {
    #[serde(default)]
    pub hub: HubSection,
    #[serde(default)]
    pub demo: DemoSection,
    #[serde(default)]
    pub engine: EngineSection,
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
        Ok(config)
    }
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
