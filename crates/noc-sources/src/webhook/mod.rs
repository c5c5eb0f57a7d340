//! Inbound webhooks: monitoring systems push their alerts to the hub instead of
//! being polled. This module only turns a delivered body into alarm signals; the
//! hub's HTTP layer authenticates the sender and reports the hook's health.
//!
//! Three formats are understood (see `docs/webhooks.md`): Alertmanager's webhook
//! notification, Grafana unified alerting's webhook contact point, and a small
//! generic JSON shape for scripts and other tools.

mod generic;
mod notification;
#[cfg(test)]
mod tests;

use std::fmt;
use std::str::FromStr;

use noc_model::{AlarmSignal, Millis};
use serde::de::DeserializeOwned;

/// The `kind` of a webhook's health reports.
pub const KIND: &str = "webhook";

/// Largest body a hook accepts: a notification carries at most a few hundred
/// alerts; anything bigger is a mistake or an attack.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookFormat {
    Alertmanager,
    Grafana,
    Generic,
}

impl WebhookFormat {
    pub const ALL: [WebhookFormat; 3] = [
        WebhookFormat::Alertmanager,
        WebhookFormat::Grafana,
        WebhookFormat::Generic,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WebhookFormat::Alertmanager => "alertmanager",
            WebhookFormat::Grafana => "grafana",
            WebhookFormat::Generic => "generic",
        }
    }
}

impl fmt::Display for WebhookFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for WebhookFormat {
    type Err = String;

    fn from_str(word: &str) -> Result<Self, Self::Err> {
        WebhookFormat::ALL
            .into_iter()
            .find(|format| format.as_str() == word)
            .ok_or_else(|| {
                format!("unknown webhook format \"{word}\": use alertmanager, grafana or generic")
            })
    }
}

/// Why a delivered body was refused. The text is shown on the board as the hook's
/// health detail and returned to the sender, so it names what to fix.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WebhookError {
    #[error("empty body: expected a JSON {format} notification")]
    Empty { format: WebhookFormat },
    #[error("not a {format} notification: {reason}")]
    Malformed {
        format: WebhookFormat,
        reason: String,
    },
    #[error("alert {index}: {reason}")]
    InvalidAlert { index: usize, reason: String },
}

/// Turns one delivered body into the alarms it reports, firing or resolved.
/// `source` is the hook's name: it is part of every alarm's fingerprint.
pub fn parse(
    format: WebhookFormat,
    source: &str,
    body: &[u8],
    at: Millis,
) -> Result<Vec<AlarmSignal>, WebhookError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(WebhookError::Empty { format });
    }
    match format {
        WebhookFormat::Alertmanager | WebhookFormat::Grafana => {
            let message: notification::Notification = decode(format, body)?;
            message.to_signals(format, source, at)
        }
        WebhookFormat::Generic => {
            let message: generic::GenericMessage = decode(format, body)?;
            message.to_signals(source, at)
        }
    }
}

/// Deserialises with the JSON path of the offending value in the message
/// (`alerts[2].status: invalid type ...`), so a sender can find its mistake.
fn decode<T: DeserializeOwned>(format: WebhookFormat, body: &[u8]) -> Result<T, WebhookError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        let reason = if path.is_empty() || path == "." {
            inner.to_string()
        } else {
            format!("{path}: {inner}")
        };
        WebhookError::Malformed { format, reason }
    })?;
    de.end().map_err(|err| WebhookError::Malformed {
        format,
        reason: err.to_string(),
    })?;
    Ok(value)
}

/// `firing` or `resolved`, as both Alertmanager and Grafana write it.
fn is_firing(status: &str) -> Result<bool, String> {
    match status.trim().to_ascii_lowercase().as_str() {
        "firing" => Ok(true),
        "resolved" => Ok(false),
        other => Err(format!(
            "status must be \"firing\" or \"resolved\", not \"{other}\""
        )),
    }
}
