//! `/api/drills`: the scenario catalogue, starting, scoring and ending a drill; and
//! `/drill/api/...`: every API route again, for the drill's own database, behind the
//! same sign-in and role table.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::{ConnectInfo, OriginalUri, Path, Request, State};
use axum::http::{Extensions, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use noc_api::{ApiError, Caller, Console, DrillEnd, DrillView, Drills};
use noc_drill::{parse_scenario, ScenarioError, ScenarioSummary};
use noc_model::Scenario;
use serde::Deserialize;
use tower::ServiceExt;

use crate::http::{ApiResult, AppState, HttpError};

/// Where the drill's API is served: the same routes as `/api`.
pub(crate) const DRILL_API_PREFIX: &str = "/drill";

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/drills/scenarios", get(scenarios))
        .route("/drills", post(start))
        .route("/drills/current", get(current))
        .route("/drills/current/steps/{step}", post(check_step))
        .route("/drills/current/end", post(end))
}

/// The hub's drills and the API router of the one running, built once per drill.
pub(crate) struct DrillHall {
    drills: Drills,
    served: Mutex<Option<(String, Router)>>,
}

impl AppState {
    /// Runs drills on their own databases; without it the drill routes answer 404
    /// `no_drill`.
    pub fn with_drills(mut self, drills: Drills) -> Self {
        self.drills = Some(Arc::new(DrillHall {
            drills,
            served: Mutex::new(None),
        }));
        self
    }

    /// The state the drill's API runs on: the production sign-in, accounts and role
    /// table on the drill's console, with presence and stream of its own and nothing
    /// that reaches outside (no webhooks, no probes, no notifications: a drill never
    /// pages real people).
    fn for_drill(&self, console: Console) -> AppState {
        AppState {
            console,
            wire: Arc::default(),
            presence: noc_api::Presence::new(self.clock.clone()),
            hooks: Arc::default(),
            probes: None,
            notifier: None,
            drills: None,
            ..self.clone()
        }
    }
}

impl DrillHall {
    /// The API router of the drill under way, if one runs.
    fn router(&self, production: &AppState) -> Option<Router> {
        let (id, console) = self.drills.running_drill()?;
        let mut served = self.served.lock().unwrap_or_else(|e| e.into_inner());
        match served.as_ref() {
            Some((served_id, router)) if *served_id == id => Some(router.clone()),
            _ => {
                let router = crate::http::router(production.for_drill(console));
                *served = Some((id, router.clone()));
                Some(router)
            }
        }
    }

    fn forget(&self) {
        *self.served.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

fn drills(state: &AppState) -> Result<&DrillHall, ApiError> {
    state.drills.as_deref().ok_or_else(no_drill)
}

fn no_drill() -> ApiError {
    ApiError::not_found("no_drill", "no drill is running")
}

/// `/drill/api/{*rest}`: the request as `/api/{rest}` to the drill's own router.
/// Its extensions (the peer address, a WebSocket upgrade) go with it.
pub(crate) async fn serve_drill_api(State(state): State<AppState>, req: Request) -> Response {
    let Some(router) = state.drills.as_ref().and_then(|hall| hall.router(&state)) else {
        return HttpError::from(no_drill()).into_response();
    };
    let Some(uri) = api_uri(req.uri()) else {
        return HttpError::from(ApiError::not_found("not_found", "no such API endpoint"))
            .into_response();
    };
    let (mut parts, body) = req.into_parts();
    parts.uri = uri;
    parts.extensions = carried(&mut parts.extensions);
    match router.oneshot(Request::from_parts(parts, body)).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// What the drill router needs of the request's extensions: the peer's address (for
/// the audit trail and sessions), the path as sent (for the audit trail) and the
/// connection's upgrade (for the event stream). The outer router's match — its route
/// and the `rest` it captured — stays behind: the drill router matches afresh.
fn carried(extensions: &mut Extensions) -> Extensions {
    let mut kept = Extensions::new();
    if let Some(peer) = extensions.remove::<ConnectInfo<SocketAddr>>() {
        kept.insert(peer);
    }
    if let Some(uri) = extensions.remove::<OriginalUri>() {
        kept.insert(uri);
    }
    if let Some(upgrade) = extensions.remove::<hyper::upgrade::OnUpgrade>() {
        kept.insert(upgrade);
    }
    kept
}

/// `/drill/api/x?y` → `/api/x?y`.
fn api_uri(uri: &Uri) -> Option<Uri> {
    let path_and_query = uri.path_and_query()?.as_str();
    let rest = path_and_query.strip_prefix(DRILL_API_PREFIX)?;
    if !rest.starts_with("/api/") {
        return None;
    }
    Uri::builder().path_and_query(rest).build().ok()
}

/// The scenarios that ship with the hub (the repository's `drills/*.toml`).
#[utoipa::path(
    get,
    path = "/api/drills/scenarios",
    responses((status = 200, body = Vec<ScenarioSummary>))
)]
pub(crate) async fn scenarios() -> Json<Vec<ScenarioSummary>> {
    Json(
        noc_drill::built_in()
            .iter()
            .map(ScenarioSummary::from)
            .collect(),
    )
}

/// A scenario of the catalogue by name, or a scenario file's text.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StartBody {
    scenario: Option<String>,
    scenario_toml: Option<String>,
}

/// Starts a drill on a database of its own; its console is served under `/drill/`.
#[utoipa::path(
    post,
    path = "/api/drills",
    request_body = StartBody,
    responses(
        (status = 200, body = DrillView, description = "Recorded as `drill_started` in the drill's log"),
        (status = 404, description = "`unknown_scenario`: no scenario of that name in the catalogue"),
        (status = 409, description = "`drill_running`: end the running drill first"),
        (status = 422, description = "`bad_scenario`: the file's problem, with its `line` or `field`"),
    )
)]
pub(crate) async fn start(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Json(body): Json<StartBody>,
) -> Result<Json<DrillView>, StartRefusal> {
    let hall = drills(&state)?;
    let scenario = scenario_of(body)?;
    Ok(Json(hall.drills.start(scenario, &caller.name).await?))
}

fn scenario_of(body: StartBody) -> Result<Scenario, StartRefusal> {
    match (body.scenario, body.scenario_toml) {
        (Some(name), None) => noc_drill::built_in()
            .into_iter()
            .find(|s| s.name == name)
            .ok_or_else(|| {
                ApiError::not_found(
                    "unknown_scenario",
                    format!("the catalogue has no scenario {name:?}"),
                )
                .into()
            }),
        (None, Some(text)) => parse_scenario(&text).map_err(StartRefusal::Scenario),
        _ => Err(ApiError::invalid(
            "give either `scenario` (a name from the catalogue) or `scenario_toml` (a file)",
        )
        .into()),
    }
}

/// Why a drill was not started.
pub(crate) enum StartRefusal {
    Api(ApiError),
    Scenario(ScenarioError),
}

impl From<ApiError> for StartRefusal {
    fn from(err: ApiError) -> Self {
        StartRefusal::Api(err)
    }
}

impl IntoResponse for StartRefusal {
    fn into_response(self) -> Response {
        match self {
            StartRefusal::Api(err) => HttpError::from(err).into_response(),
            // 422 with where the file is wrong, so the editor can point at it.
            StartRefusal::Scenario(err) => {
                let body = serde_json::json!({
                    "code": "bad_scenario",
                    "message": err.to_string(),
                    "line": err.line(),
                    "field": err.field(),
                });
                (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
            }
        }
    }
}

/// The running drill and its scorecard now.
#[utoipa::path(
    get,
    path = "/api/drills/current",
    responses(
        (status = 200, body = DrillView),
        (status = 404, description = "`no_drill`"),
    )
)]
pub(crate) async fn current(State(state): State<AppState>) -> ApiResult<DrillView> {
    let view = drills(&state)?
        .drills
        .current()
        .await
        .ok_or_else(no_drill)?;
    Ok(Json(view))
}

/// Ticks off a runbook step that is done by checking it; ticking again changes nothing.
#[utoipa::path(
    post,
    path = "/api/drills/current/steps/{step}",
    responses(
        (status = 200, body = DrillView, description = "Recorded as `drill_step_checked`"),
        (status = 404, description = "`no_drill`, or `unknown_step`: not a step to check off"),
    )
)]
pub(crate) async fn check_step(
    State(state): State<AppState>,
    Path(step): Path<String>,
    Extension(caller): Extension<Caller>,
) -> ApiResult<DrillView> {
    let view = drills(&state)?
        .drills
        .check_step(&step, &caller.name)
        .await?;
    Ok(Json(view))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub(crate) struct EndBody {
    #[serde(default)]
    reason: Option<String>,
}

/// Ends the drill: the final scorecard, and the recording kept in the library.
#[utoipa::path(
    post,
    path = "/api/drills/current/end",
    request_body(content = Option<EndBody>),
    responses(
        (status = 200, body = DrillEnd, description = "Recorded as `drill_ended`; the recording is in `<data>/recordings`"),
        (status = 404, description = "`no_drill`"),
    )
)]
pub(crate) async fn end(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    body: Option<Json<EndBody>>,
) -> ApiResult<DrillEnd> {
    let hall = drills(&state)?;
    let reason = body.and_then(|Json(b)| b.reason);
    let ended = hall.drills.end(reason, &caller.name).await;
    hall.forget();
    Ok(Json(ended?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_drill_prefix_is_taken_off_and_the_query_kept() {
        let uri: Uri = "/drill/api/stream?after=7&token=x".parse().unwrap();
        assert_eq!(
            api_uri(&uri).unwrap().to_string(),
            "/api/stream?after=7&token=x"
        );
        assert!(api_uri(&"/drill/apix".parse().unwrap()).is_none());
    }
}
