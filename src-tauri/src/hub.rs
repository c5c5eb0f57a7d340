//! The in-process hub: where its data lives, which configuration it runs, and its
//! orderly shutdown when the application quits.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::bail;
use noc_server::{HubOptions, RunningHub};
use noc_sources::demo::DemoConfig;

/// The configuration file looked for in the platform's config directory when no
/// `--config` is given; without one the hub runs the built-in demo.
pub const DEFAULT_CONFIG_FILE: &str = "noc.toml";

pub struct Placement {
    pub data_dir: PathBuf,
    pub config: Option<PathBuf>,
    pub demo: bool,
}

impl Placement {
    /// An explicit `--config` must exist; the default one is optional.
    pub fn resolve(
        data_dir: PathBuf,
        explicit_config: Option<PathBuf>,
        default_config: &Path,
        demo_requested: bool,
    ) -> anyhow::Result<Self> {
        let config = match explicit_config {
            Some(path) if !path.is_file() => {
                bail!("configuration file {} not found", path.display())
            }
            Some(path) => Some(path),
            None => default_config
                .is_file()
                .then(|| default_config.to_path_buf()),
        };
        let demo = demo_requested || config.is_none();
        Ok(Self {
            data_dir,
            config,
            demo,
        })
    }

    pub fn hub_options(self) -> HubOptions {
        let mut options = HubOptions::loopback(self.data_dir);
        options.config = self.config;
        options.demo = self.demo.then(DemoConfig::default);
        options
    }
}

/// Holds the running hub until the application exits.
#[derive(Default)]
pub struct HubSlot(Mutex<Option<RunningHub>>);

impl HubSlot {
    pub fn put(&self, hub: RunningHub) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(hub);
    }

    /// The running hub's base URL and launch token.
    pub fn page(&self) -> Option<(String, String)> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .map(|hub| (hub.url.clone(), hub.token.clone()))
    }

    pub fn take(&self) -> Option<RunningHub> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_the_demo_without_a_configuration() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join(DEFAULT_CONFIG_FILE);
        let placement =
            Placement::resolve(dir.path().to_path_buf(), None, &missing, false).unwrap();
        assert!(placement.demo);
        assert_eq!(placement.config, None);
    }

    #[test]
    fn uses_the_default_configuration_when_present() {
        let dir = tempfile::tempdir().unwrap();
        let default = dir.path().join(DEFAULT_CONFIG_FILE);
        std::fs::write(&default, "").unwrap();
        let placement =
            Placement::resolve(dir.path().to_path_buf(), None, &default, false).unwrap();
        assert!(!placement.demo);
        assert_eq!(placement.config, Some(default.clone()));

        let both = Placement::resolve(dir.path().to_path_buf(), None, &default, true).unwrap();
        assert!(both.demo);
        assert_eq!(both.config, Some(default));
    }

    #[test]
    fn refuses_a_missing_explicit_configuration() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("elsewhere.toml");
        let default = dir.path().join(DEFAULT_CONFIG_FILE);
        let error = Placement::resolve(dir.path().to_path_buf(), Some(missing), &default, false)
            .err()
            .unwrap();
        assert!(error.to_string().contains("elsewhere.toml"));
    }

    #[test]
    fn hub_options_carry_the_placement() {
        let dir = tempfile::tempdir().unwrap();
        let default = dir.path().join(DEFAULT_CONFIG_FILE);
        let options = Placement::resolve(dir.path().to_path_buf(), None, &default, true)
            .unwrap()
            .hub_options();
        assert!(options.bind.is_loopback());
        assert_eq!(options.data_dir, dir.path());
        assert!(options.demo.is_some());
        assert_eq!(options.config, None);
    }
}
