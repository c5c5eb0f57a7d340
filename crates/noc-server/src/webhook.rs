//! `POST /hooks/{name}`: monitoring systems push alerts to the hub. Outside `/api`
//! because senders (Alertmanager, Grafana, scripts) hold a per-hook secret, never
//! the console's access token.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use noc_api::ApiError;
use noc_model::{HealthStatus, Millis, Signal, SourceHealth};
use noc_sources::webhook::{self, WebhookFormat};
use subtle::ConstantTimeEq;
use tokio::sync::mpsc::Sender;

use crate::http::{bearer, query_token, AppState, HttpError};

/// One configured hook: where it listens, what it reads, and the secret a sender
/// must present.
#[derive(Clone)]
pub struct WebhookEndpoint {
    pub name: String,
    pub format: WebhookFormat,
    secret: String,
}

impl WebhookEndpoint {
    pub fn new(name: impl Into<String>, format: WebhookFormat, secret: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            format,
            secret: secret.into(),
        }
    }
}

/// Written by hand so the secret never reaches a log line.
impl fmt::Debug for WebhookEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookEndpoint")
            .field("name", &self.name)
            .field("format", &self.format)
            .field("secret", &"<redacted>")
            .finish()
    }
}

pub(crate) struct Hook {
    endpoint: WebhookEndpoint,
    sink: Sender<Signal>,
    health: Mutex<HookHealth>,
}

pub(crate) type Hooks = BTreeMap<String, Arc<Hook>>;

pub(crate) fn hooks(endpoints: Vec<WebhookEndpoint>, sink: impl Fn() -> Sender<Signal>) -> Hooks {
    endpoints
        .into_iter()
        .map(|endpoint| {
            let hook = Hook {
                sink: sink(),
                health: Mutex::default(),
                endpoint,
            };
            (hook.endpoint.name.clone(), Arc::new(hook))
        })
        .collect()
}

/// What the board was last told about a hook, so health is sent only on change.
#[derive(Debug, Default)]
struct HookHealth {
    current: Option<(HealthStatus, String)>,
    since: Millis,
    last_ok: Option<Millis>,
}

impl Hook {
    fn report(&self, status: HealthStatus, detail: String, now: Millis) -> Option<SourceHealth> {
        let mut health = self.health.lock().unwrap_or_else(|e| e.into_inner());
        if status == HealthStatus::Ok {
            health.last_ok = Some(now);
        }
        if health.current.as_ref() == Some(&(status, detail.clone())) {
            return None;
        }
        if health.current.as_ref().map(|(s, _)| *s) != Some(status) {
            health.since = now;
        }
        health.current = Some((status, detail.clone()));
        Some(SourceHealth {
            source: self.endpoint.name.clone(),
            kind: webhook::KIND.to_string(),
            status,
            detail,
            since: health.since,
            last_ok: health.last_ok,
            demo: false,
        })
    }

    fn authorised(&self, req: &Request) -> bool {
        let offered = bearer(req.headers()).map(str::to_string).or_else(|| {
            query_token(req.uri().query()).map(|raw| {
                percent_encoding::percent_decode_str(raw)
                    .decode_utf8_lossy()
                    .into_owned()
            })
        });
        offered
            .map(|t| bool::from(t.as_bytes().ct_eq(self.endpoint.secret.as_bytes())))
            .unwrap_or(false)
    }

    /// Tells the board a delivery was refused, and the sender why.
    async fn refuse(
        &self,
        status: u16,
        code: &'static str,
        message: String,
        now: Millis,
    ) -> Response {
        tracing::warn!(hook = %self.endpoint.name, %message, "webhook delivery refused");
        if let Some(health) = self.report(HealthStatus::BadPayload, message.clone(), now) {
            // A stopped console cannot show it anyway; the sender still gets the answer.
            let _ = self.sink.send(Signal::Health(health)).await;
        }
        HttpError::from(ApiError::new(status, code, message)).into_response()
    }
}

pub(crate) async fn receive(
    State(state): State<AppState>,
    Path(name): Path<String>,
    req: Request,
) -> Response {
    let Some(hook) = state.hooks.get(&name).cloned() else {
        let err = ApiError::not_found("hook_not_found", format!("no webhook named \"{name}\""));
        return HttpError::from(err).into_response();
    };
    // Checked before the body is read, so an unknown sender costs no buffering.
    if !hook.authorised(&req) {
        let err = ApiError::new(
            401,
            "unauthorized",
            "this webhook needs its secret: Authorization: Bearer <secret> or ?token=<secret>",
        );
        return HttpError::from(err).into_response();
    }
    let body = match Bytes::from_request(req, &()).await {
        Ok(body) => body,
        Err(rejection) => {
            let now = state.clock.now();
            let status = rejection.status();
            return if status == StatusCode::PAYLOAD_TOO_LARGE {
                let message = format!("body larger than {} bytes", webhook::MAX_BODY_BYTES);
                hook.refuse(413, "payload_too_large", message, now).await
            } else {
                hook.refuse(status.as_u16(), "bad_payload", rejection.body_text(), now)
                    .await
            };
        }
    };
    let now = state.clock.now();
    let signals = match webhook::parse(hook.endpoint.format, &hook.endpoint.name, &body, now) {
        Ok(signals) => signals,
        Err(err) => return hook.refuse(400, "bad_payload", err.to_string(), now).await,
    };
    let accepted = signals.len();
    let health = hook.report(HealthStatus::Ok, String::new(), now);
    let alive = Signal::Alive {
        source: hook.endpoint.name.clone(),
    };
    for signal in health
        .map(Signal::Health)
        .into_iter()
        .chain(signals.into_iter().map(Signal::Alarm))
        .chain(std::iter::once(alive))
    {
        if hook.sink.send(signal).await.is_err() {
            let err = ApiError::new(503, "shutting_down", "the hub is shutting down");
            return HttpError::from(err).into_response();
        }
    }
    (
        StatusCode::ACCEPTED,
        Json(serde_json::json!({ "accepted": accepted })),
    )
        .into_response()
}
