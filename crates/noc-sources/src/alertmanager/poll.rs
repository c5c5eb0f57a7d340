//! One poll of `GET /api/v2/alerts` (and `GET /api/v2/status` for "test
//! connection"), with every way it can fail sorted into the health status the
//! operator sees.

use serde::de::DeserializeOwned;

use crate::polling::{fetch_body, FetchError};

use super::payload::{GettableAlert, Status};

pub const PRODUCT: &str = "Alertmanager";

/// The alert list URL for an Alertmanager base URL. Silenced and inhibited alerts
/// are asked for too: they are still real faults on the network.
pub fn alerts_url(base: &str) -> String {
    format!(
        "{}/api/v2/alerts?active=true&silenced=true&inhibited=true",
        base.trim_end_matches('/')
    )
}

pub async fn fetch(client: &reqwest::Client, url: &str) -> Result<Vec<GettableAlert>, FetchError> {
    get_json(client, url, "an Alertmanager v2 alert list").await
}

/// Version and cluster state of one member.
pub async fn status(client: &reqwest::Client, base: &str) -> Result<Status, FetchError> {
    let url = format!("{}/api/v2/status", base.trim_end_matches('/'));
    get_json(client, &url, "an Alertmanager v2 status").await
}

async fn get_json<T: DeserializeOwned>(
    client: &reqwest::Client,
    url: &str,
    what: &str,
) -> Result<T, FetchError> {
    let (status, body) = fetch_body(client, url, PRODUCT).await?;
    if !status.is_success() {
        return Err(FetchError::HttpStatus {
            product: PRODUCT,
            code: status.as_u16(),
        });
    }
    serde_json::from_slice(&body)
        .map_err(|e| FetchError::BadPayload(format!("answer is not {what}: {e}")))
}
