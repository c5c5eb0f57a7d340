//! The duty loop over HTTP: incident milestones, escalation, merge/split, bulk
//! actions, the unseen queue, maintenance windows, the duty policy and what each
//! source kind can do. Every action is taken by the operator named in
//! `X-Noc-Operator` and logged with that name.

use axum::extract::{FromRequest, Path, Request, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::Extension;
use axum::{Json, Router};
use noc_api::Caller;
use noc_api::{ApiError, BulkOutcome, BulkRequest, MaintenanceRequest, SourceCapability};
use noc_model::{AlarmId, DutyPolicy, Incident, IncidentId, Layer, MaintenanceWindow};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::http::{ApiResult, AppState, HttpError};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/incidents/{id}/identify", post(identify))
        .route("/incidents/{id}/mitigate", post(mitigate))
        .route("/incidents/{id}/resolve", post(resolve))
        .route("/incidents/{id}/review", post(review))
        .route("/incidents/{id}/escalate", post(escalate))
        .route("/incidents/{id}/merge", post(merge))
        .route("/incidents/{id}/split", post(split))
        .route("/incidents/bulk", post(bulk))
        .route("/alarms/seen", post(mark_seen))
        .route(
            "/maintenance",
            get(list_maintenance).post(schedule_maintenance),
        )
        .route("/maintenance/{id}", delete(cancel_maintenance))
        .route("/policy", get(policy))
        .route("/capabilities", get(capabilities))
}

/// A JSON request body whose refusal is the API's own `400 invalid_request`, naming
/// the field that is missing or wrong, like every other refusal the UI shows.
pub(crate) struct Body<T>(T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = HttpError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(Body(value)),
            Err(rejection) => Err(ApiError::invalid(rejection.body_text()).into()),
        }
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct IdentifyBody {
    cause: String,
    #[serde(default)]
    layer: Option<Layer>,
    /// A topology node or one of the incident's nodes, when the root cause is not
    /// the engine's candidate.
    #[serde(default)]
    root_node: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct MitigateBody {
    /// How service was restored; may be empty.
    #[serde(default)]
    note: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct ReviewBody {
    summary: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct EscalateBody {
    reason: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct MergeBody {
    /// Incidents whose alarms move into this one; they close as merged.
    #[schema(value_type = Vec<i64>)]
    from: Vec<IncidentId>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct SplitBody {
    /// Alarms of this incident that form the new one.
    #[schema(value_type = Vec<i64>)]
    alarms: Vec<AlarmId>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct SeenBody {
    #[schema(value_type = Vec<i64>)]
    alarms: Vec<AlarmId>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct SeenAnswer {
    /// How many of the alarms were still unseen.
    seen: usize,
}

#[utoipa::path(
    post,
    path = "/api/incidents/{id}/identify",
    request_body = IdentifyBody,
    responses(
        (status = 200, body = Incident, description = "Recorded as `incident_identified`"),
        (status = 400, description = "`invalid_request`: no cause, or a root node the incident does not know"),
        (status = 404, description = "`incident_not_found`"),
        (status = 409, description = "`wrong_status` or `incident_closed`"),
    )
)]
pub(crate) async fn identify(
    State(state): State<AppState>,
    Path(id): Path<IncidentId>,
    Extension(caller): Extension<Caller>,
    Body(body): Body<IdentifyBody>,
) -> ApiResult<Incident> {
    let incident = state
        .console
        .identify(id, &caller.name, &body.cause, body.layer, body.root_node)
        .await?;
    Ok(Json(incident))
}

#[utoipa::path(
    post,
    path = "/api/incidents/{id}/mitigate",
    request_body = MitigateBody,
    responses(
        (status = 200, body = Incident, description = "Recorded as `incident_mitigated`"),
        (status = 404, description = "`incident_not_found`"),
        (status = 409, description = "`wrong_status` or `incident_closed`"),
    )
)]
pub(crate) async fn mitigate(
    State(state): State<AppState>,
    Path(id): Path<IncidentId>,
    Extension(caller): Extension<Caller>,
    Body(body): Body<MitigateBody>,
) -> ApiResult<Incident> {
    let incident = state.console.mitigate(id, &caller.name, &body.note).await?;
    Ok(Json(incident))
}

/// The body, if any, is ignored: resolving needs nothing but the operator.
#[utoipa::path(
    post,
    path = "/api/incidents/{id}/resolve",
    responses(
        (status = 200, body = Incident, description = "Recorded as `incident_resolved`"),
        (status = 404, description = "`incident_not_found`"),
        (status = 409, description = "`incident_closed`"),
    )
)]
pub(crate) async fn resolve(
    State(state): State<AppState>,
    Path(id): Path<IncidentId>,
    Extension(caller): Extension<Caller>,
) -> ApiResult<Incident> {
    Ok(Json(state.console.resolve(id, &caller.name).await?))
}

#[utoipa::path(
    post,
    path = "/api/incidents/{id}/review",
    request_body = ReviewBody,
    responses(
        (status = 200, body = Incident, description = "Recorded as `incident_reviewed`"),
        (status = 400, description = "`invalid_request`: no summary"),
        (status = 404, description = "`incident_not_found`"),
        (status = 409, description = "`wrong_status`: only a resolved incident is reviewed"),
    )
)]
pub(crate) async fn review(
    State(state): State<AppState>,
    Path(id): Path<IncidentId>,
    Extension(caller): Extension<Caller>,
    Body(body): Body<ReviewBody>,
) -> ApiResult<Incident> {
    let incident = state
        .console
        .review(id, &caller.name, &body.summary)
        .await?;
    Ok(Json(incident))
}

#[utoipa::path(
    post,
    path = "/api/incidents/{id}/escalate",
    request_body = EscalateBody,
    responses(
        (status = 200, body = Incident, description = "One level up; recorded as `incident_escalated`"),
        (status = 400, description = "`invalid_request`: no reason"),
        (status = 404, description = "`incident_not_found`"),
        (status = 409, description = "`incident_closed`"),
    )
)]
pub(crate) async fn escalate(
    State(state): State<AppState>,
    Path(id): Path<IncidentId>,
    Extension(caller): Extension<Caller>,
    Body(body): Body<EscalateBody>,
) -> ApiResult<Incident> {
    let incident = state
        .console
        .escalate(id, &caller.name, &body.reason)
        .await?;
    Ok(Json(incident))
}

#[utoipa::path(
    post,
    path = "/api/incidents/{id}/merge",
    request_body = MergeBody,
    responses(
        (status = 200, body = Incident, description = "The incident that remains, with the alarms of `from`"),
        (status = 400, description = "`invalid_request`: nothing to merge, or an incident into itself"),
        (status = 404, description = "`incident_not_found`"),
        (status = 409, description = "`incident_closed`"),
    )
)]
pub(crate) async fn merge(
    State(state): State<AppState>,
    Path(id): Path<IncidentId>,
    Extension(caller): Extension<Caller>,
    Body(body): Body<MergeBody>,
) -> ApiResult<Incident> {
    let incident = state.console.merge(id, &caller.name, body.from).await?;
    Ok(Json(incident))
}

#[utoipa::path(
    post,
    path = "/api/incidents/{id}/split",
    request_body = SplitBody,
    responses(
        (status = 200, body = Incident, description = "The new incident formed by the alarms"),
        (status = 400, description = "`invalid_request`: no alarms, alarms of another incident, or all of them"),
        (status = 404, description = "`incident_not_found` or `alarm_not_found`"),
        (status = 409, description = "`incident_closed`"),
    )
)]
pub(crate) async fn split(
    State(state): State<AppState>,
    Path(id): Path<IncidentId>,
    Extension(caller): Extension<Caller>,
    Body(body): Body<SplitBody>,
) -> ApiResult<Incident> {
    let incident = state.console.split(id, &caller.name, body.alarms).await?;
    Ok(Json(incident))
}

#[utoipa::path(
    post,
    path = "/api/incidents/bulk",
    request_body = BulkRequest,
    responses(
        (status = 200, body = BulkOutcome, description = "One result per incident, in the order given; a refusal stops nothing"),
        (status = 400, description = "`invalid_request`: no incidents, more than 1000, or no text for comment/escalate"),
    )
)]
pub(crate) async fn bulk(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Body(request): Body<BulkRequest>,
) -> ApiResult<BulkOutcome> {
    Ok(Json(state.console.bulk(request, &caller.name).await?))
}

#[utoipa::path(
    post,
    path = "/api/alarms/seen",
    request_body = SeenBody,
    responses(
        (status = 200, body = SeenAnswer, description = "Recorded as `alarms_seen`"),
        (status = 400, description = "`invalid_request`: no alarms, or too many"),
    )
)]
pub(crate) async fn mark_seen(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Body(body): Body<SeenBody>,
) -> ApiResult<SeenAnswer> {
    let seen = state.console.mark_seen(body.alarms, &caller.name).await?;
    Ok(Json(SeenAnswer { seen }))
}

#[utoipa::path(
    get,
    path = "/api/maintenance",
    responses((status = 200, body = Vec<MaintenanceWindow>, description = "Every planned window, active or not"))
)]
pub(crate) async fn list_maintenance(
    State(state): State<AppState>,
) -> Json<Vec<MaintenanceWindow>> {
    Json(state.console.maintenance().await)
}

#[utoipa::path(
    post,
    path = "/api/maintenance",
    request_body = MaintenanceRequest,
    responses(
        (status = 200, body = MaintenanceWindow, description = "Planned by the operator; recorded as `maintenance_scheduled`"),
        (status = 400, description = "`invalid_request` with what cannot work (no title, ends before it starts, names no nodes or matchers, …)"),
        (status = 409, description = "`maintenance_exists`: the id is taken"),
    )
)]
pub(crate) async fn schedule_maintenance(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Body(request): Body<MaintenanceRequest>,
) -> ApiResult<MaintenanceWindow> {
    let window = state
        .console
        .schedule_maintenance(request, &caller.name)
        .await?;
    Ok(Json(window))
}

#[utoipa::path(
    delete,
    path = "/api/maintenance/{id}",
    params(("id" = String, Path, description = "The window's id")),
    responses(
        (status = 204, description = "Cancelled; recorded as `maintenance_cancelled`"),
        (status = 404, description = "`maintenance_not_found`"),
    )
)]
pub(crate) async fn cancel_maintenance(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Extension(caller): Extension<Caller>,
) -> Result<StatusCode, HttpError> {
    state.console.cancel_maintenance(&id, &caller.name).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/api/policy",
    responses((status = 200, body = DutyPolicy, description = "The duty rules of this hub (`[duty]` in noc.toml)"))
)]
pub(crate) async fn policy(State(state): State<AppState>) -> Json<DutyPolicy> {
    Json(state.console.policy())
}

#[utoipa::path(
    get,
    path = "/api/capabilities",
    responses((status = 200, body = Vec<SourceCapability>, description = "Every source kind and what the console can do in it"))
)]
pub(crate) async fn capabilities(State(state): State<AppState>) -> Json<Vec<SourceCapability>> {
    Json(state.console.capabilities())
}
