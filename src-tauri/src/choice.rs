//! Which hub this workstation uses, kept in `hub.json` in the app's config directory:
//! its own in-process hub, or a team hub on the LAN with the certificate fingerprint
//! the operator compared and trusted, and the wall-screen token for it.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};

pub const CHOICE_FILE: &str = "hub.json";

#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum HubChoice {
    #[default]
    Own,
    Remote {
        url: String,
        /// The SHA-256 fingerprint of the hub's certificate the operator trusted.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fingerprint: Option<String>,
        /// Trusted because an authority this computer trusts issued the certificate,
        /// which then may be renewed without asking the operator again.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        certified: bool,
        /// Registered by an admin for this computer's wall screen.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        wall_token: Option<String>,
        /// The relay's loopback port last time: the window's storage (a remembered
        /// login, the workstation's settings) belongs to the page's origin, port included.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        relay_port: Option<u16>,
    },
}

/// The wall token is a credential: it must not reach a log through `{:?}`.
impl fmt::Debug for HubChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HubChoice::Own => f.write_str("Own"),
            HubChoice::Remote {
                url,
                fingerprint,
                certified,
                wall_token,
                relay_port,
            } => f
                .debug_struct("Remote")
                .field("url", url)
                .field("fingerprint", fingerprint)
                .field("certified", certified)
                .field("wall_token", &wall_token.as_ref().map(|_| "…"))
                .field("relay_port", relay_port)
                .finish(),
        }
    }
}

impl HubChoice {
    /// A missing file means the own hub; an unreadable one is an error to show, not
    /// a silent switch to another hub.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Self::Own),
            Err(error) => {
                return Err(error).with_context(|| format!("cannot read {}", path.display()))
            }
        };
        serde_json::from_str(&text)
            .with_context(|| format!("{} is not a hub choice", path.display()))
    }

    /// Written whole to a neighbour file and renamed, readable by this user only: a
    /// crash mid-write must not leave half a pin, and the wall token is a credential.
    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let text = serde_json::to_string_pretty(self)?;
        let partial = partial_path(path);
        write_private(&partial, text.as_bytes())
            .with_context(|| format!("cannot write {}", partial.display()))?;
        std::fs::rename(&partial, path)
            .with_context(|| format!("cannot replace {}", path.display()))
    }

    /// The team hub named on the command line, keeping what was stored for it.
    pub fn for_command_line(self, url: &str) -> Self {
        match self {
            stored @ HubChoice::Remote { .. } if same_hub(stored.url().unwrap_or(""), url) => {
                stored
            }
            _ => HubChoice::Remote {
                url: url.to_owned(),
                fingerprint: None,
                certified: false,
                wall_token: None,
                relay_port: None,
            },
        }
    }

    pub fn url(&self) -> Option<&str> {
        match self {
            HubChoice::Remote { url, .. } => Some(url),
            HubChoice::Own => None,
        }
    }

    pub fn wall_token(&self) -> Option<&str> {
        match self {
            HubChoice::Remote { wall_token, .. } => wall_token.as_deref(),
            HubChoice::Own => None,
        }
    }
}

pub fn same_hub(a: &str, b: &str) -> bool {
    match (
        noc_relay::HubAddress::parse(a),
        noc_relay::HubAddress::parse(b),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    path.with_file_name(name)
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_means_the_own_hub() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            HubChoice::load(&dir.path().join(CHOICE_FILE)).unwrap(),
            HubChoice::Own
        );
    }

    #[test]
    fn reads_back_what_it_saves_in_the_documented_shape() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config").join(CHOICE_FILE);
        let choice = HubChoice::Remote {
            url: "https://noc-hub:7443".to_owned(),
            fingerprint: Some("AB:CD".to_owned()),
            certified: false,
            wall_token: Some("wall-secret".to_owned()),
            relay_port: Some(41_234),
        };
        choice.save(&path).unwrap();
        assert_eq!(HubChoice::load(&path).unwrap(), choice);
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(json["mode"], "remote");
        assert_eq!(json["url"], "https://noc-hub:7443");

        HubChoice::Own.save(&path).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            r#"{
  "mode": "own"
}"#
        );
    }

    #[test]
    fn a_damaged_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CHOICE_FILE);
        std::fs::write(&path, "{\"mode\":\"elsewhere\"}").unwrap();
        let error = HubChoice::load(&path).unwrap_err();
        assert!(error.to_string().contains(CHOICE_FILE), "{error}");
    }

    #[test]
    fn the_wall_token_stays_out_of_debug_output() {
        let choice = HubChoice::Remote {
            url: "https://noc-hub:7443".to_owned(),
            fingerprint: None,
            certified: true,
            wall_token: Some("wall-secret".to_owned()),
            relay_port: Some(41_234),
        };
        assert!(!format!("{choice:?}").contains("wall-secret"));
    }

    #[test]
    fn the_command_line_keeps_the_pin_of_the_same_hub_only() {
        let stored = HubChoice::Remote {
            url: "https://noc-hub:7443".to_owned(),
            fingerprint: Some("AB:CD".to_owned()),
            certified: false,
            wall_token: None,
            relay_port: None,
        };
        let same = stored.clone().for_command_line("noc-hub:7443");
        assert_eq!(same, stored);
        let other = stored.for_command_line("https://other-hub:7443");
        assert_eq!(
            other,
            HubChoice::Remote {
                url: "https://other-hub:7443".to_owned(),
                fingerprint: None,
                certified: false,
                wall_token: None,
                relay_port: None,
            }
        );
    }
}
