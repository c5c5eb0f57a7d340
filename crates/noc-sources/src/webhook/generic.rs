//! The console's own webhook shape, for scripts and tools without a format of
//! their own (documented in `docs/webhooks.md`).

use noc_model::{AlarmSignal, Labels, Millis, Severity};
use serde::Deserialize;

use super::{is_firing, WebhookError};

#[derive(Debug, Deserialize)]
pub(super) struct GenericMessage {
    alerts: Vec<GenericAlert>,
}

/// Unknown fields are refused: a misspelt optional field (`serverity`) would
/// otherwise be silently lost.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GenericAlert {
    key: String,
    status: String,
    title: String,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    node: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    labels: Labels,
}

impl GenericMessage {
    pub(super) fn to_signals(
        &self,
        source: &str,
        at: Millis,
    ) -> Result<Vec<AlarmSignal>, WebhookError> {
        self.alerts
            .iter()
            .enumerate()
            .map(|(index, alert)| {
                alert
                    .to_signal(source, at)
                    .map_err(|reason| WebhookError::InvalidAlert { index, reason })
            })
            .collect()
    }
}

impl GenericAlert {
    fn to_signal(&self, source: &str, at: Millis) -> Result<AlarmSignal, String> {
        let firing = is_firing(&self.status)?;
        let key = self.key.trim();
        if key.is_empty() {
            return Err("key must not be empty".into());
        }
        let title = self.title.trim();
        if title.is_empty() {
            return Err("title must not be empty".into());
        }
        Ok(AlarmSignal {
            source: source.to_string(),
            key: key.to_string(),
            node: self
                .node
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(String::from),
            // An unknown word still shows the alarm, as `unknown`.
            severity: Severity::from_source_word(self.severity.as_deref().unwrap_or("")),
            title: title.to_string(),
            text: self.text.clone().unwrap_or_default(),
            labels: self.labels.clone(),
            at,
            firing,
        })
    }
}
