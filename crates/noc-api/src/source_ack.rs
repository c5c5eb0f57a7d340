//! Acknowledging an alarm in the monitoring system it came from, so that the people
//! who work in that system see that the NOC has it, and who.

use noc_model::{Alarm, AlarmId, EventBody, SourceSettings};

use crate::{ApiError, Console};

/// Well within what Zabbix keeps of a message (2048 characters), with the
/// operator's name in front.
const MAX_MESSAGE_CHARS: usize = 1000;

impl Console {
    /// Acknowledges `alarm` in its source with `message` signed by `actor`, and logs
    /// it once the source confirmed it.
    pub async fn acknowledge_at_source(
        &self,
        alarm: AlarmId,
        message: &str,
        actor: &str,
    ) -> Result<(), ApiError> {
        let message = message.trim();
        if message.is_empty() || message.chars().count() > MAX_MESSAGE_CHARS {
            return Err(ApiError::invalid(format!(
                "a message needs 1 to {MAX_MESSAGE_CHARS} characters"
            )));
        }
        let alarm = self.live_alarm(alarm).await?;
        let (definition, secret) = match self.resolved_source(&alarm.source).await {
            Ok(resolved) => resolved,
            // Demo and webhook alarms come from no defined source to write back to.
            Err(err) if err.status == 404 => {
                return Err(not_supported(&alarm.source, "it has no definition"))
            }
            Err(err) => return Err(err),
        };
        if !matches!(definition.settings, SourceSettings::Zabbix { .. }) {
            let kind = definition.settings.kind();
            return Err(not_supported(
                &alarm.source,
                &format!("{kind} has no write-back"),
            ));
        }
        let signed = format!("[{actor}] {message}");
        noc_sources::zabbix::acknowledge(&definition, secret, source_key(&alarm), &signed)
            .await
            .map_err(|err| ApiError::new(502, "source_failed", err.to_string()))?;
        let body = EventBody::AlarmAcknowledgedAtSource {
            alarm: alarm.id,
            source: alarm.source,
            message: signed,
            incident: alarm.incident,
        };
        self.record(body, actor).await?;
        Ok(())
    }

    async fn live_alarm(&self, id: AlarmId) -> Result<Alarm, ApiError> {
        self.snapshot()
            .await
            .alarms
            .into_iter()
            .find(|a| a.id == id)
            .ok_or_else(|| ApiError::not_found("no_such_alarm", format!("no alarm {id}")))
    }
}

/// The source's own id of the alarm: the fingerprint is `source/key`.
fn source_key(alarm: &Alarm) -> &str {
    alarm
        .fingerprint
        .strip_prefix(&alarm.source)
        .and_then(|rest| rest.strip_prefix('/'))
        .unwrap_or(&alarm.fingerprint)
}

fn not_supported(source: &str, why: &str) -> ApiError {
    ApiError::new(
        409,
        "not_supported",
        format!("alarms of {source} cannot be acknowledged at their source: {why}"),
    )
}
