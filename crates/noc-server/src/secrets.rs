//! Secrets of sources: environment variables of the hub, or entries of the OS
//! keyring (Secret Service on Linux desktops) for secrets typed in the Sources page.

use noc_api::{env_secret, SecretStore, NO_KEYRING};
use noc_model::SecretRef;
use noc_sources::Secret;

/// The keyring service under which the console keeps its entries.
const SERVICE: &str = "noc-console";

#[derive(Debug, Default)]
pub struct HubSecrets;

impl HubSecrets {
    pub fn new() -> Self {
        Self
    }
}

fn entry(name: &str) -> Result<keyring::Entry, String> {
    keyring::Entry::new(SERVICE, name).map_err(|e| format!("{NO_KEYRING} ({e})"))
}

impl SecretStore for HubSecrets {
    fn resolve(&self, secret: &SecretRef) -> Result<Secret, String> {
        match secret {
            SecretRef::Env { name } => env_secret(name),
            SecretRef::Keyring { entry: name } => entry(name)?
                .get_password()
                .map(Secret::new)
                .map_err(|e| format!("cannot read keyring entry \"{name}\": {e}")),
        }
    }

    fn keep(&self, name: &str, value: &Secret) -> Result<(), String> {
        entry(name)?
            .set_password(value.expose())
            .map_err(|e| format!("{NO_KEYRING} ({e})"))
    }

    fn forget(&self, name: &str) {
        if let Ok(entry) = entry(name) {
            if let Err(err) = entry.delete_credential() {
                tracing::warn!(entry = name, error = %err, "could not delete a keyring entry");
            }
        }
    }
}
