//! Silences in an Alertmanager source, created and expired from the console. The
//! change is made in Alertmanager and read back first; only then is it recorded in
//! the log (who, when, why), on the silenced alarm's incident when there is one.

use noc_model::{AlarmId, EventBody, IncidentId, Matcher, Silence, SourceSettings};
use noc_sources::alertmanager::silences::{NewSilence, SilenceError, Silences};
use noc_sources::alertmanager::ADDED_LABELS;
use serde::Deserialize;

use crate::{ApiError, Console};

/// Thirty days: a longer silence hides a problem rather than bridging maintenance.
pub const MAX_SILENCE_MINUTES: u32 = 30 * 24 * 60;
const MAX_SILENCE_COMMENT_CHARS: usize = 1000;

/// What an operator asks for.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct SilenceRequest {
    /// The alerts to silence; empty with `alarm` = exactly that alarm's labels.
    #[serde(default)]
    pub matchers: Vec<Matcher>,
    /// 1 to 43200 (30 days).
    pub duration_minutes: u32,
    /// Why; required, it is what the next shift reads.
    pub comment: String,
    /// The alarm being silenced, so that its incident's timeline shows the silence.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub alarm: Option<AlarmId>,
}

impl Console {
    pub async fn silences(&self, source: &str) -> Result<Vec<Silence>, ApiError> {
        let silences = self.silence_api(source).await?;
        silences.list().await.map_err(from_alertmanager)
    }

    pub async fn create_silence(
        &self,
        source: &str,
        request: SilenceRequest,
        actor: &str,
    ) -> Result<Silence, ApiError> {
        let comment = request.comment.trim().to_string();
        if comment.is_empty() || comment.chars().count() > MAX_SILENCE_COMMENT_CHARS {
            return Err(ApiError::new(
                400,
                "silence_comment_required",
                format!("a silence needs a comment of 1 to {MAX_SILENCE_COMMENT_CHARS} characters saying why"),
            ));
        }
        if request.duration_minutes == 0 || request.duration_minutes > MAX_SILENCE_MINUTES {
            return Err(ApiError::new(
                400,
                "silence_duration_invalid",
                format!(
                    "a silence lasts 1 to {MAX_SILENCE_MINUTES} minutes (30 days), not {}",
                    request.duration_minutes
                ),
            ));
        }
        let (matchers, incident) = self.silence_target(&request).await?;
        let silences = self.silence_api(source).await?;
        let now = self.clock.now();
        let new = NewSilence {
            matchers,
            starts_at: now,
            ends_at: now + i64::from(request.duration_minutes) * 60_000,
            created_by: actor.to_string(),
            comment,
        };
        let silence = silences.create(&new).await.map_err(from_alertmanager)?;
        let body = EventBody::SilenceCreated {
            source: source.to_string(),
            silence_id: silence.id.clone(),
            matchers: silence.matchers.clone(),
            ends_at: silence.ends_at,
            comment: silence.comment.clone(),
            incident,
        };
        self.record(body, actor).await?;
        Ok(silence)
    }

    pub async fn expire_silence(
        &self,
        source: &str,
        id: &str,
        actor: &str,
    ) -> Result<(), ApiError> {
        let silences = self.silence_api(source).await?;
        silences.expire(id).await.map_err(from_alertmanager)?;
        let body = EventBody::SilenceExpired {
            source: source.to_string(),
            silence_id: id.to_string(),
            incident: None,
        };
        self.record(body, actor).await?;
        Ok(())
    }

    async fn silence_api(&self, source: &str) -> Result<Silences, ApiError> {
        let (definition, secret) = self.resolved_source(source).await?;
        if !matches!(definition.settings, SourceSettings::Alertmanager { .. }) {
            return Err(ApiError::new(
                400,
                "silences_unsupported",
                format!(
                    "source \"{source}\" is a {} source; silences exist only in Alertmanager",
                    definition.settings.kind()
                ),
            ));
        }
        Silences::new(&definition, secret.as_ref()).map_err(from_alertmanager)
    }

    /// The matchers to send, and the incident to note the silence on.
    async fn silence_target(
        &self,
        request: &SilenceRequest,
    ) -> Result<(Vec<Matcher>, Option<IncidentId>), ApiError> {
        let mut matchers = request.matchers.clone();
        let mut incident = None;
        if let Some(id) = request.alarm {
            let snapshot = self.snapshot().await;
            let alarm =
                snapshot.alarms.iter().find(|a| a.id == id).ok_or_else(|| {
                    ApiError::not_found("no_such_alarm", format!("no alarm {id}"))
                })?;
            incident = alarm.incident;
            if matchers.is_empty() {
                matchers = alarm
                    .labels
                    .iter()
                    .filter(|(name, _)| !ADDED_LABELS.contains(&name.as_str()))
                    .map(|(name, value)| Matcher {
                        name: name.clone(),
                        value: value.clone(),
                        is_regex: false,
                        is_equal: true,
                    })
                    .collect();
            }
        }
        if matchers.is_empty() {
            return Err(ApiError::new(
                400,
                "silence_matchers_required",
                "a silence needs at least one matcher (or an alarm whose labels to match)",
            ));
        }
        if let Some(bad) = matchers.iter().find(|m| m.name.trim().is_empty()) {
            return Err(ApiError::new(
                400,
                "silence_matchers_required",
                format!("matcher with value \"{}\" has no label name", bad.value),
            ));
        }
        Ok((matchers, incident))
    }
}

/// Alertmanager's refusals and failures as API errors: the hub is a gateway here,
/// so what went wrong on the other side is a 502 with Alertmanager's own words.
fn from_alertmanager(err: SilenceError) -> ApiError {
    let message = err.to_string();
    match err {
        SilenceError::NotAlertmanager(_) => ApiError::new(400, "silences_unsupported", message),
        SilenceError::NotFound(_) => ApiError::not_found("silence_not_found", message),
        SilenceError::Unreachable(_) => ApiError::new(502, "alertmanager_unreachable", message),
        SilenceError::Refused { .. } => ApiError::new(502, "alertmanager_refused", message),
        SilenceError::Unexpected(_) => ApiError::new(502, "alertmanager_unexpected", message),
    }
}
