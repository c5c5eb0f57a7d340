use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, delete, get, post};
use axum::Extension;
use axum::{Json, Router};
use noc_api::Caller;
use noc_api::{ApiError, Console, EventPage, HubInfo};
use noc_model::{Clock, Event, Incident, IncidentId, Seq, Snapshot};
use serde::Deserialize;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::webhook::{self, Hooks, WebhookEndpoint};
use crate::{
    access, assets, duty, openapi, origin, probes, silences, source_ack, sources, stream, topology,
};

/// The browser may load and connect only to the hub itself; source text can never
/// run as script.
const CSP: &str = "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; \
                   style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; \
                   frame-ancestors 'none'; base-uri 'none'";
const MAX_OPERATOR_CHARS: usize = 64;

#[derive(Clone)]
pub struct AppState {
    pub console: Console,
    pub(crate) token: Arc<str>,
    pub clock: Arc<dyn Clock>,
    pub(crate) wire: Arc<stream::WireCache>,
    pub(crate) presence: Arc<noc_api::Presence>,
    pub(crate) hooks: Arc<Hooks>,
    pub(crate) probes: Option<noc_api::Probes>,
    pub(crate) notifier: Option<noc_notify::Notifier>,
    pub(crate) accounts: noc_api::Accounts,
    pub(crate) addressing: origin::Addressing,
    pub(crate) tls_fingerprint: Option<Arc<str>>,
    pub(crate) library: Option<noc_api::Library>,
    pub(crate) drills: Option<Arc<crate::drill::DrillHall>>,
}

impl AppState {
    pub fn new(console: Console, token: String, clock: Arc<dyn Clock>) -> Self {
        let accounts = noc_api::Accounts::new(&console, clock.clone(), Default::default());
        Self {
            console,
            token: token.into(),
            presence: noc_api::Presence::new(clock.clone()),
            clock,
            wire: Arc::default(),
            hooks: Arc::default(),
            probes: None,
            notifier: None,
            accounts,
            addressing: origin::Addressing::new(&[], false),
            tls_fingerprint: None,
            library: None,
            drills: None,
        }
    }

    /// The names this hub answers to besides its addresses and localhost, and its
    /// certificate's fingerprint when it serves TLS.
    pub fn with_addressing(mut self, names: &[String], tls_fingerprint: Option<String>) -> Self {
        self.addressing = origin::Addressing::new(names, tls_fingerprint.is_some());
        self.tls_fingerprint = tls_fingerprint.map(Into::into);
        self
    }

    /// Sessions end after `hours` without use (`[hub] session_hours`).
    pub fn with_session_hours(mut self, hours: u32) -> Self {
        let policy = noc_api::accounts::sessions::SessionPolicy::idle_hours(hours);
        self.accounts = noc_api::Accounts::new(&self.console, self.clock.clone(), policy);
        self
    }

    /// Serves `/api/notify/channels` for these channels.
    pub fn with_notifier(mut self, notifier: noc_notify::Notifier) -> Self {
        self.notifier = Some(notifier);
        self
    }

    /// Serves `POST /hooks/{name}` for each endpoint; every hook feeds the console.
    pub fn with_webhooks(mut self, endpoints: Vec<WebhookEndpoint>) -> Self {
        let console = self.console.clone();
        self.hooks = Arc::new(webhook::hooks(endpoints, || console.signal_sink()));
        self
    }
}

pub struct HttpError(ApiError);

impl From<ApiError> for HttpError {
    fn from(err: ApiError) -> Self {
        HttpError(err)
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut body = serde_json::json!({ "code": self.0.code, "message": self.0.message });
        if let Some(by) = self.0.by {
            body["by"] = by.into();
        }
        (status, Json(body)).into_response()
    }
}

pub(crate) type ApiResult<T> = Result<Json<T>, HttpError>;

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/info", get(info))
        .route("/state", get(snapshot))
        .route("/events", get(events))
        .route("/incidents/{id}/timeline", get(timeline))
        .route("/incidents/{id}/acknowledge", post(acknowledge))
        .route("/incidents/{id}/comments", post(comment))
        .route(
            "/sources/{name}/silences",
            get(silences::list).post(silences::create),
        )
        .route("/sources/{name}/silences/{id}", delete(silences::expire))
        .route("/stream", get(stream::upgrade))
        .route("/openapi.json", get(openapi::document))
        .merge(sources::routes())
        .merge(source_ack::routes())
        .merge(probes::routes())
        .merge(crate::notify::routes())
        .merge(duty::routes())
        .merge(topology::routes())
        .merge(crate::notices::routes())
        .merge(crate::stats::routes())
        .merge(crate::accounts::routes())
        .merge(crate::shift::routes())
        .merge(crate::review::routes())
        .merge(crate::drill::routes())
        .merge(crate::reports::routes())
        .fallback(|| async { HttpError(ApiError::not_found("not_found", "no such API endpoint")) })
        // `layer`, not `route_layer`: unknown API paths must not reveal themselves
        // to a caller without the token either.
        .layer(middleware::from_fn_with_state(state.clone(), access::guard))
        .merge(crate::accounts::public_routes());
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .nest("/api", api)
        .route("/drill/api/{*rest}", any(crate::drill::serve_drill_api))
        .route(
            "/hooks/{name}",
            post(webhook::receive)
                .layer(DefaultBodyLimit::max(noc_sources::webhook::MAX_BODY_BYTES)),
        )
        .fallback(assets::serve)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        // A report sets SAMEORIGIN so the console can preview it; all else is DENY.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(middleware::from_fn_with_state(state.clone(), origin::check))
        .with_state(state)
}

pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

pub(crate) fn query_token(query: Option<&str>) -> Option<&str> {
    query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("token="))
}

/// The name of the person at the hub's own machine (who holds the launch token): what
/// the client says, bounded and cleaned so it cannot forge structure in logs or screens.
/// Browsers only send Latin-1 header values, so names (e.g. Chinese ones) arrive
/// percent-encoded.
pub(crate) fn operator(headers: &HeaderMap) -> String {
    let raw = headers
        .get("x-noc-operator")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    operator_name(raw)
}

/// A percent-encoded operator name, cleaned as [`operator`] does.
pub(crate) fn operator_name(raw: &str) -> String {
    let decoded = percent_encoding::percent_decode_str(raw).decode_utf8_lossy();
    let name: String = decoded
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_OPERATOR_CHARS)
        .collect();
    let name = name.trim();
    if name.is_empty() {
        "operator".to_string()
    } else {
        name.to_string()
    }
}

#[utoipa::path(get, path = "/api/info", responses((status = 200, body = HubInfo)))]
pub(crate) async fn info(State(state): State<AppState>) -> Json<HubInfo> {
    let mut info = state.console.info();
    info.tls_fingerprint = state.tls_fingerprint.as_deref().map(str::to_string);
    Json(info)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(crate) struct SeqQuery {
    /// Show the state as the log stood at this `seq`; absent = now.
    seq: Option<Seq>,
}

#[utoipa::path(get, path = "/api/state", params(SeqQuery), responses((status = 200, body = Snapshot)))]
pub(crate) async fn snapshot(
    State(state): State<AppState>,
    Query(q): Query<SeqQuery>,
) -> ApiResult<Snapshot> {
    match q.seq {
        Some(seq) => Ok(Json(state.console.snapshot_at(seq).await?)),
        None => Ok(Json(state.console.snapshot().await)),
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(crate) struct EventsQuery {
    #[serde(default)]
    after: Seq,
    limit: Option<u32>,
}

#[utoipa::path(get, path = "/api/events", params(EventsQuery), responses((status = 200, body = EventPage)))]
pub(crate) async fn events(
    State(state): State<AppState>,
    Query(q): Query<EventsQuery>,
) -> ApiResult<EventPage> {
    Ok(Json(state.console.events_after(q.after, q.limit).await?))
}

#[utoipa::path(get, path = "/api/incidents/{id}/timeline", responses((status = 200, body = Vec<Event>)))]
pub(crate) async fn timeline(
    State(state): State<AppState>,
    Path(id): Path<IncidentId>,
) -> ApiResult<Vec<Event>> {
    Ok(Json(state.console.timeline(id).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub(crate) struct AcknowledgeBody {
    /// Also acknowledge the active alarms in their sources (Zabbix natively,
    /// Alertmanager by a silence). Done after the answer; each outcome lands on the
    /// incident's timeline.
    #[serde(default)]
    write_back: bool,
}

/// The body is optional: without one, the acknowledgement stays in the console.
#[utoipa::path(
    post,
    path = "/api/incidents/{id}/acknowledge",
    request_body(content = Option<AcknowledgeBody>),
    responses(
        (status = 200, body = Incident, description = "Owned by the operator; recorded as `incident_acknowledged`"),
        (status = 404, description = "`incident_not_found`"),
        (status = 409, description = "`already_acknowledged` or `incident_closed`"),
    )
)]
pub(crate) async fn acknowledge(
    State(state): State<AppState>,
    Path(id): Path<IncidentId>,
    Extension(caller): Extension<Caller>,
    body: Option<Json<AcknowledgeBody>>,
) -> ApiResult<Incident> {
    let write_back = body.is_some_and(|Json(b)| b.write_back);
    let incident = state
        .console
        .acknowledge_incident(id, &caller.name, write_back)
        .await?;
    Ok(Json(incident))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct CommentBody {
    text: String,
}

#[utoipa::path(post, path = "/api/incidents/{id}/comments", request_body = CommentBody, responses((status = 200, body = Incident)))]
pub(crate) async fn comment(
    State(state): State<AppState>,
    Path(id): Path<IncidentId>,
    Extension(caller): Extension<Caller>,
    Json(body): Json<CommentBody>,
) -> ApiResult<Incident> {
    let incident = state.console.comment(id, &caller.name, &body.text).await?;
    Ok(Json(incident))
}
