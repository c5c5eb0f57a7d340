//! One poll of `GET /api/v2/alerts`, with every way it can fail sorted into the
//! health status the operator sees.

use crate::polling::{fetch_body, FetchError};

use super::payload::{self, GettableAlert};

const PRODUCT: &str = "Alertmanager";

/// The alert list URL for an Alertmanager base URL. Silenced and inhibited alerts
/// are asked for too: they are still real faults on the network.
pub fn alerts_url(base: &str) -> String {
    format!(
        "{}/api/v2/alerts?active=true&silenced=true&inhibited=true",
        base.trim_end_matches('/')
    )
}

pub async fn fetch(client: &reqwest::Client, url: &str) -> Result<Vec<GettableAlert>, FetchError> {
    let (status, body) = fetch_body(client, url, PRODUCT).await?;
    if !status.is_success() {
        return Err(FetchError::HttpStatus {
            product: PRODUCT,
            code: status.as_u16(),
        });
    }
    payload::parse(&body).map_err(|e| {
        FetchError::BadPayload(format!("answer is not an Alertmanager v2 alert list: {e}"))
    })
}
