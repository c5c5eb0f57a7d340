//! Wall screens: a device token, shown once when an admin registers the screen,
//! signs the screen in as a viewer under the device's name until it is revoked.

use std::collections::HashMap;

use noc_model::Millis;
use noc_store::accounts::DeviceRecord;
use serde::{Deserialize, Serialize};

use super::sessions::TOUCH_EVERY_MS;

/// A registered wall screen, without its token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DeviceView {
    pub id: i64,
    pub name: String,
    pub created_at: Millis,
    pub last_seen_at: Option<Millis>,
    pub revoked: bool,
}

impl From<&DeviceRecord> for DeviceView {
    fn from(d: &DeviceRecord) -> Self {
        Self {
            id: d.id,
            name: d.name.clone(),
            created_at: d.created_at,
            last_seen_at: d.last_seen_at,
            revoked: d.revoked_at.is_some(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct DeviceRequest {
    pub name: String,
}

/// The answer to a registration: the only time the token is shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegisteredDevice {
    pub device: DeviceView,
    pub token: String,
    /// The wall's address on this hub, token included: `/wall?token=…`.
    pub url: String,
}

/// A device seen lately, by token hash.
#[derive(Debug, Clone)]
pub struct LiveDevice {
    pub id: i64,
    pub name: String,
    pub written_at: Millis,
}

#[derive(Debug, Default)]
pub struct DeviceCache {
    live: HashMap<String, LiveDevice>,
}

impl DeviceCache {
    pub fn insert(&mut self, hash: String, device: LiveDevice) {
        self.live.insert(hash, device);
    }

    /// The device and whether its last use is due to be written.
    pub fn use_at(&mut self, hash: &str, now: Millis) -> Option<(LiveDevice, bool)> {
        let device = self.live.get_mut(hash)?;
        let touch = now - device.written_at >= TOUCH_EVERY_MS;
        if touch {
            device.written_at = now;
        }
        Some((device.clone(), touch))
    }

    pub fn revoke(&mut self, id: i64) {
        self.live.retain(|_, d| d.id != id);
    }
}
