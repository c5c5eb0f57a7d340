//! Silences written back to Alertmanager (API v2): list, create, expire. Every
//! change is read back, so the console records only what Alertmanager really holds.
//! In a cluster the first member that answers is asked, and the read-back goes to
//! the same member: the others learn of the change by gossip, a moment later.

use noc_model::{Matcher, Millis, Silence, SourceDefinition};
use reqwest::{Method, StatusCode};
use thiserror::Error;

use super::payload::{ApiMatcher, GettableSilence, PostableSilence, SilenceCreated};
use super::poll::PRODUCT;
use super::{time, Cluster};
use crate::polling::{http_client, send_bounded, FetchError};
use crate::source::Secret;

#[derive(Debug, Error)]
pub enum SilenceError {
    #[error("{0}")]
    NotAlertmanager(String),
    #[error("no member of the Alertmanager cluster answered: {0}")]
    Unreachable(String),
    #[error("Alertmanager answered HTTP {code}: {message}")]
    Refused { code: u16, message: String },
    #[error("Alertmanager has no silence \"{0}\"")]
    NotFound(String),
    /// The answer was not what the API promises, or the read-back disagrees.
    #[error("{0}")]
    Unexpected(String),
}

/// A silence to create, as the console asks for it.
#[derive(Debug, Clone)]
pub struct NewSilence {
    pub matchers: Vec<Matcher>,
    pub starts_at: Millis,
    pub ends_at: Millis,
    pub created_by: String,
    pub comment: String,
}

/// The silence API of one Alertmanager source.
pub struct Silences {
    client: reqwest::Client,
    members: Vec<String>,
}

impl Silences {
    pub fn new(
        definition: &SourceDefinition,
        secret: Option<&Secret>,
    ) -> Result<Silences, SilenceError> {
        let cluster = Cluster::from_definition(definition, secret)
            .map_err(|e| SilenceError::NotAlertmanager(e.to_string()))?;
        let client = http_client(cluster.config.timeout, cluster.config.credentials.as_ref())
            .map_err(SilenceError::Unreachable)?;
        Ok(Silences {
            client,
            members: cluster.members,
        })
    }

    pub async fn list(&self) -> Result<Vec<Silence>, SilenceError> {
        let (_, body) = self.first_answer(Method::GET, "silences", None).await?;
        let silences: Vec<GettableSilence> = parse(&body, "a silence list")?;
        silences.into_iter().map(to_silence).collect()
    }

    /// Creates the silence and returns it as Alertmanager then holds it.
    pub async fn create(&self, new: &NewSilence) -> Result<Silence, SilenceError> {
        let body = PostableSilence {
            matchers: new.matchers.iter().map(to_api_matcher).collect(),
            starts_at: time::format(new.starts_at),
            ends_at: time::format(new.ends_at),
            created_by: new.created_by.clone(),
            comment: new.comment.clone(),
        };
        let body = serde_json::to_vec(&body)
            .map_err(|e| SilenceError::Unexpected(format!("cannot write the silence: {e}")))?;
        let (member, answer) = self
            .first_answer(Method::POST, "silences", Some(body))
            .await?;
        let created: SilenceCreated = parse(&answer, "a created silence")?;
        let silence = self.read(&member, &created.silence_id).await?;
        if !matches!(silence.state.as_str(), "active" | "pending") {
            return Err(SilenceError::Unexpected(format!(
                "silence {} was created but Alertmanager shows it as {}",
                silence.id, silence.state
            )));
        }
        Ok(silence)
    }

    /// Expires the silence and returns it as Alertmanager then holds it.
    pub async fn expire(&self, id: &str) -> Result<Silence, SilenceError> {
        let path = format!("silence/{}", path_segment(id)?);
        let (member, _) = self
            .first_answer(Method::DELETE, &path, None)
            .await
            .map_err(|e| not_found_as(e, id))?;
        let silence = self.read(&member, id).await?;
        if silence.state != "expired" {
            return Err(SilenceError::Unexpected(format!(
                "silence {id} was expired but Alertmanager still shows it as {}",
                silence.state
            )));
        }
        Ok(silence)
    }

    async fn read(&self, member: &str, id: &str) -> Result<Silence, SilenceError> {
        let path = format!("silence/{}", path_segment(id)?);
        let body = self
            .request(member, Method::GET, &path, None)
            .await
            .map_err(|e| SilenceError::Unreachable(format!("{member}: {e}")))?;
        let body = answer_or_refusal(body).map_err(|e| not_found_as(e, id))?;
        to_silence(parse(&body, "a silence")?)
    }

    /// The answer of the first member that gives one; a member that cannot be
    /// reached is skipped, an error answer is final.
    async fn first_answer(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<(String, Vec<u8>), SilenceError> {
        let mut failures = Vec::new();
        for member in &self.members {
            match self
                .request(member, method.clone(), path, body.clone())
                .await
            {
                Ok(answer) => return Ok((member.clone(), answer_or_refusal(answer)?)),
                Err(err) => failures.push(format!("{member}: {err}")),
            }
        }
        Err(SilenceError::Unreachable(failures.join("; ")))
    }

    async fn request(
        &self,
        member: &str,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<(StatusCode, Vec<u8>), FetchError> {
        let url = format!("{}/api/v2/{path}", member.trim_end_matches('/'));
        let mut request = self
            .client
            .request(method, url)
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(body) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body);
        }
        // Refused credentials are Alertmanager's answer, not a reason to ask the next member.
        match send_bounded(request, PRODUCT).await {
            Err(FetchError::AuthFailed { code, .. }) => Ok((
                StatusCode::from_u16(code).unwrap_or(StatusCode::UNAUTHORIZED),
                b"\"the source's credentials were refused\"".to_vec(),
            )),
            other => other,
        }
    }
}

/// A silence id goes into the URL path; Alertmanager's are UUIDs and it refuses
/// anything else with a validation error, so another id is simply not there.
fn path_segment(id: &str) -> Result<&str, SilenceError> {
    let is_uuid = id.len() == 36
        && id.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        });
    if is_uuid {
        Ok(id)
    } else {
        Err(SilenceError::NotFound(id.to_string()))
    }
}

/// Alertmanager 0.25 answers an unknown silence id with HTTP 500 "silence not
/// found", later versions with 404.
fn not_found_as(err: SilenceError, id: &str) -> SilenceError {
    match err {
        SilenceError::Refused { code, message } if code == 404 || message.contains("not found") => {
            SilenceError::NotFound(id.to_string())
        }
        other => other,
    }
}

fn answer_or_refusal((status, body): (StatusCode, Vec<u8>)) -> Result<Vec<u8>, SilenceError> {
    if status.is_success() {
        return Ok(body);
    }
    Err(SilenceError::Refused {
        code: status.as_u16(),
        message: refusal_message(&body),
    })
}

/// Alertmanager explains a refusal as a JSON string (or, behind a proxy, as text).
fn refusal_message(body: &[u8]) -> String {
    let text = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::String(text)) => text,
        Ok(serde_json::Value::Object(map)) => map
            .get("message")
            .or_else(|| map.get("error"))
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| serde_json::Value::Object(map).to_string()),
        _ => String::from_utf8_lossy(body).into_owned(),
    };
    let text = text.trim();
    match text.char_indices().nth(500) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None if text.is_empty() => "(no explanation)".to_string(),
        None => text.to_string(),
    }
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8], what: &str) -> Result<T, SilenceError> {
    serde_json::from_slice(body)
        .map_err(|e| SilenceError::Unexpected(format!("Alertmanager's answer is not {what}: {e}")))
}

fn to_api_matcher(matcher: &Matcher) -> ApiMatcher {
    ApiMatcher {
        name: matcher.name.clone(),
        value: matcher.value.clone(),
        is_regex: matcher.is_regex,
        is_equal: matcher.is_equal,
    }
}

fn to_silence(silence: GettableSilence) -> Result<Silence, SilenceError> {
    let at = |text: &str| {
        time::parse(text).ok_or_else(|| {
            SilenceError::Unexpected(format!(
                "silence {} has an unreadable time \"{text}\"",
                silence.id
            ))
        })
    };
    Ok(Silence {
        starts_at: at(&silence.starts_at)?,
        ends_at: at(&silence.ends_at)?,
        matchers: silence
            .matchers
            .iter()
            .map(|m| Matcher {
                name: m.name.clone(),
                value: m.value.clone(),
                is_regex: m.is_regex,
                is_equal: m.is_equal,
            })
            .collect(),
        id: silence.id,
        created_by: silence.created_by,
        comment: silence.comment,
        state: silence.status.state,
    })
}
