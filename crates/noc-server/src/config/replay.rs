//! `[[replay]]`: a recorded alarm log played back as a source (see
//! `noc_sources::replay`), checked with the line of the offending key.

use std::path::{Path, PathBuf};

use noc_sources::replay::{ReplaySettings, Speed};
use serde::Deserialize;
use toml::Spanned;

use super::sources::Refusal;

/// The fastest multiplier accepted; anything beyond is what `"max"` is for.
const MAX_TIMES: f64 = 1_000_000.0;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplaySection {
    /// The source name of every replayed alarm.
    pub name: Spanned<String>,
    #[serde(default = "enabled")]
    pub enabled: bool,
    /// `Alarm.csv`; a relative path is taken from the configuration file's folder.
    pub alarms: Spanned<String>,
    /// `topology_edges.csv` (optional).
    pub topology: Option<Spanned<String>>,
    /// Log seconds per clock second, or `"max"`; 1 when left out.
    pub speed: Option<Spanned<SpeedValue>>,
    #[serde(default)]
    pub start_offset_secs: u64,
    #[serde(default, rename = "loop")]
    pub looping: bool,
    /// How long a row without a recorded duration stays active (0 = clears at once).
    #[serde(default)]
    pub transient_secs: u64,
}

fn enabled() -> bool {
    true
}

/// `speed = 60` or `speed = "max"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum SpeedValue {
    Times(f64),
    Word(String),
}

impl ReplaySection {
    pub fn name_at(&self) -> usize {
        self.name.span().start
    }

    /// The checked settings, with paths as written (resolved later against the
    /// configuration file's folder).
    pub fn settings(&self) -> Result<ReplaySettings, Refusal> {
        let name = self.name.get_ref().trim();
        if name.is_empty()
            || name.len() > 64
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            return Err((
                self.name_at(),
                format!("replay.name \"{name}\" needs 1 to 64 letters, digits, '-', '_' or '.'"),
            ));
        }
        Ok(ReplaySettings {
            name: name.to_string(),
            alarms: path(&self.alarms, "alarms")?,
            topology: self
                .topology
                .as_ref()
                .map(|t| path(t, "topology"))
                .transpose()?,
            speed: self.speed()?,
            start_offset_secs: self.start_offset_secs,
            looping: self.looping,
            transient_secs: self.transient_secs,
        })
    }

    fn speed(&self) -> Result<Speed, Refusal> {
        let Some(speed) = &self.speed else {
            return Ok(Speed::Times(1.0));
        };
        match speed.get_ref() {
            SpeedValue::Times(x) if x.is_finite() && *x > 0.0 && *x <= MAX_TIMES => {
                Ok(Speed::Times(*x))
            }
            SpeedValue::Word(word) if word.trim().eq_ignore_ascii_case("max") => Ok(Speed::Max),
            other => Err((
                speed.span().start,
                format!(
                    "replay.speed must be a multiplier above 0 (at most {MAX_TIMES}) or \"max\", not {}",
                    match other {
                        SpeedValue::Times(x) => x.to_string(),
                        SpeedValue::Word(w) => format!("\"{w}\""),
                    }
                ),
            )),
        }
    }
}

fn path(value: &Spanned<String>, key: &str) -> Result<PathBuf, Refusal> {
    let text = value.get_ref().trim();
    if text.is_empty() {
        return Err((
            value.span().start,
            format!("replay.{key} must be the path of a CSV file"),
        ));
    }
    Ok(PathBuf::from(text))
}

/// Relative paths of a file's replays are taken from the file's folder, so that a
/// `noc.toml` next to its data works from any working folder.
pub fn resolve_paths(replays: &mut [ReplaySettings], config_file: &Path) {
    let Some(folder) = config_file.parent() else {
        return;
    };
    for replay in replays {
        replay.alarms = folder.join(&replay.alarms);
        if let Some(topology) = &mut replay.topology {
            *topology = folder.join(&*topology);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use noc_sources::replay::Speed;

    use crate::config::HubConfig;

    const ENTRY: &str = "[[replay]]\nname = \"pcic\"\nalarms = \"data/Alarm.csv\"\n";

    #[test]
    fn replay_entry_defaults_to_real_time_and_resolves_paths_from_the_file() {
        let text = format!("{ENTRY}topology = \"data/topology_edges.csv\"\nloop = true\n");
        let mut config = HubConfig::parse(&text).expect("parses");
        let replay = &config.replays[0];
        assert_eq!(replay.speed, Speed::Times(1.0));
        assert!(replay.looping);
        super::resolve_paths(&mut config.replays, Path::new("/etc/noc/noc.toml"));
        assert_eq!(
            config.replays[0].alarms,
            Path::new("/etc/noc/data/Alarm.csv")
        );
    }

    #[test]
    fn replay_speed_is_a_multiplier_or_max() {
        let max = HubConfig::parse(&format!("{ENTRY}speed = \"max\"\n")).expect("parses");
        assert_eq!(max.replays[0].speed, Speed::Max);
        let fast = HubConfig::parse(&format!("{ENTRY}speed = 60\n")).expect("parses");
        assert_eq!(fast.replays[0].speed, Speed::Times(60.0));
        let err = HubConfig::parse(&format!("{ENTRY}speed = \"fast\"\n")).unwrap_err();
        assert!(err.starts_with("line 4: replay.speed"), "{err}");
        let err = HubConfig::parse(&format!("{ENTRY}speed = 0\n")).unwrap_err();
        assert!(err.contains("replay.speed must be a multiplier"), "{err}");
    }

    #[test]
    fn replay_commented_example_is_valid() {
        let text = include_str!("../../../../noc.example.toml");
        let block = text
            .split_once("# [[replay]]")
            .expect("the example documents [[replay]]")
            .1;
        let uncommented: String = std::iter::once("[[replay]]")
            .chain(
                block
                    .lines()
                    .skip(1)
                    .take_while(|l| !l.is_empty())
                    .filter_map(|l| l.strip_prefix("# ")),
            )
            .map(|l| format!("{l}\n"))
            .collect();
        let config = HubConfig::parse(&uncommented).expect("the uncommented example parses");
        assert_eq!(config.replays[0].name, "pcic-24v");
        assert_eq!(config.replays[0].speed, Speed::Times(60.0));
    }

    #[test]
    fn replay_refuses_unknown_keys_and_shared_names() {
        let err = HubConfig::parse(&format!("{ENTRY}sped = 2\n")).unwrap_err();
        assert!(err.starts_with("line 4"), "{err}");
        let twice = format!("{ENTRY}{ENTRY}");
        let err = HubConfig::parse(&twice).unwrap_err();
        assert!(err.contains("already the name of another source"), "{err}");
    }
}
