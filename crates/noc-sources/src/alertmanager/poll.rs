//! One poll of `GET /api/v2/alerts`, with every way it can fail sorted into the
//! health status the operator sees.

use noc_model::HealthStatus;
use thiserror::Error;

use super::payload::{self, GettableAlert};

/// A larger answer is not an alert list we can show; stop reading rather than
/// let a misbehaving endpoint fill the hub's memory.
pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

#[derive(Debug, Error)]
pub enum PollError {
    #[error("cannot reach Alertmanager: {0}")]
    Unreachable(String),
    #[error("Alertmanager refused access (HTTP {0})")]
    AuthFailed(u16),
    #[error("Alertmanager answered HTTP {0}")]
    HttpStatus(u16),
    #[error("answer larger than {} MB", MAX_BODY_BYTES / (1024 * 1024))]
    TooLarge,
    #[error("answer is not an Alertmanager v2 alert list: {0}")]
    Malformed(String),
}

impl PollError {
    pub fn status(&self) -> HealthStatus {
        match self {
            PollError::Unreachable(_) => HealthStatus::Unreachable,
            PollError::AuthFailed(_) => HealthStatus::AuthFailed,
            PollError::HttpStatus(_) | PollError::TooLarge | PollError::Malformed(_) => {
                HealthStatus::BadPayload
            }
        }
    }
}

/// The alert list URL for an Alertmanager base URL. Silenced and inhibited alerts
/// are asked for too: they are still real faults on the network.
pub fn alerts_url(base: &str) -> String {
    format!(
        "{}/api/v2/alerts?active=true&silenced=true&inhibited=true",
        base.trim_end_matches('/')
    )
}

pub async fn fetch(client: &reqwest::Client, url: &str) -> Result<Vec<GettableAlert>, PollError> {
    let mut response = client
        .get(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| PollError::Unreachable(error_chain(&e)))?;
    let status = response.status();
    if status == reqwest::StatusCode::UNAUTHORIZED || status == reqwest::StatusCode::FORBIDDEN {
        return Err(PollError::AuthFailed(status.as_u16()));
    }
    if !status.is_success() {
        return Err(PollError::HttpStatus(status.as_u16()));
    }
    if response
        .content_length()
        .is_some_and(|len| len > MAX_BODY_BYTES as u64)
    {
        return Err(PollError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| PollError::Unreachable(error_chain(&e)))?
    {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(PollError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    payload::parse(&body).map_err(|e| PollError::Malformed(e.to_string()))
}

/// reqwest's top-level message ("error sending request") hides the cause the
/// operator needs (connection refused, timed out), so the whole chain is shown.
fn error_chain(err: &reqwest::Error) -> String {
    let mut text = err.to_string();
    let mut cause = std::error::Error::source(err);
    while let Some(inner) = cause {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    text
}
