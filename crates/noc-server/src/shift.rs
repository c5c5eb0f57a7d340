//! Keeping the shift over HTTP: who is on duty, the roster, overrides and swaps, the
//! handover (交接班), the shift log and the patrol. The caller resolved by the access
//! guard is the actor; see docs/duty.md.

use axum::extract::{FromRequest, Query, Request, State};
use axum::routing::{get, post, put};
use axum::Extension;
use axum::{Json, Router};
use noc_api::{
    AcceptRequest, ApiError, Caller, DutyView, LogRequest, OverrideRequest, PatrolRequest,
    Recorded, SignRequest, SwapRequest,
};
use noc_model::{Handover, HandoverSummary, PatrolResult, Roster, ShiftLogEntry};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::http::{ApiResult, AppState, HttpError};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/duty", get(view))
        .route("/duty/roster", put(define_roster))
        .route("/duty/overrides", post(override_duty))
        .route("/duty/swaps", post(swap))
        .route("/duty/handover/draft", get(draft))
        .route("/duty/handover", post(sign))
        .route("/duty/handover/accept", post(accept))
        .route("/duty/handovers", get(handovers))
        .route("/duty/log", post(log))
        .route("/duty/patrol", post(patrol))
}

/// A JSON body whose refusal is `400 invalid_request` naming what is wrong.
pub(crate) struct DutyBody<T>(T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for DutyBody<T> {
    type Rejection = HttpError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(DutyBody(value)),
            Err(rejection) => Err(ApiError::invalid(rejection.body_text()).into()),
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(crate) struct Limit {
    /// 1 to 30; 30 when absent.
    limit: Option<u32>,
}

#[utoipa::path(get, path = "/api/duty", responses((status = 200, body = DutyView)))]
pub(crate) async fn view(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> ApiResult<DutyView> {
    Ok(Json(state.console.duty(&caller).await?))
}

#[utoipa::path(
    put,
    path = "/api/duty/roster",
    request_body = Roster,
    responses(
        (status = 200, body = Recorded, description = "Recorded as `roster_defined`"),
        (status = 422, description = "`invalid_roster`, with the reason"),
    )
)]
pub(crate) async fn define_roster(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    DutyBody(roster): DutyBody<Roster>,
) -> ApiResult<Recorded> {
    Ok(Json(state.console.define_roster(&caller, roster).await?))
}

#[utoipa::path(
    post,
    path = "/api/duty/overrides",
    request_body = OverrideRequest,
    responses(
        (status = 200, body = Recorded, description = "Recorded as `duty_overridden`"),
        (status = 409, description = "`no_roster`"),
        (status = 422, description = "`unknown_slot`, `slot_ended`, `not_on_slot` or `already_on_slot`"),
    )
)]
pub(crate) async fn override_duty(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    DutyBody(body): DutyBody<OverrideRequest>,
) -> ApiResult<Recorded> {
    Ok(Json(state.console.override_duty(&caller, body).await?))
}

#[utoipa::path(
    post,
    path = "/api/duty/swaps",
    request_body = SwapRequest,
    responses(
        (status = 200, body = Recorded, description = "Recorded as `shift_swapped`"),
        (status = 403, description = "`not_on_duty`: the caller is neither operator and not a duty manager"),
        (status = 422, description = "`unknown_slot`, `slot_ended`, `not_on_slot` or `already_on_slot`"),
    )
)]
pub(crate) async fn swap(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    DutyBody(body): DutyBody<SwapRequest>,
) -> ApiResult<Recorded> {
    Ok(Json(state.console.swap_shifts(&caller, body).await?))
}

#[utoipa::path(
    get,
    path = "/api/duty/handover/draft",
    responses(
        (status = 200, body = HandoverSummary, description = "What the current slot would hand over now"),
        (status = 409, description = "`no_roster`"),
    )
)]
pub(crate) async fn draft(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> ApiResult<HandoverSummary> {
    Ok(Json(state.console.handover_draft(&caller).await?))
}

#[utoipa::path(
    post,
    path = "/api/duty/handover",
    request_body = SignRequest,
    responses(
        (status = 200, body = Handover, description = "Recorded as `handover_signed`, the summary generated now"),
        (status = 403, description = "`not_on_duty`: not on the current slot and not a duty manager"),
        (status = 409, description = "`no_roster` or `already_signed`"),
    )
)]
pub(crate) async fn sign(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    DutyBody(body): DutyBody<SignRequest>,
) -> ApiResult<Handover> {
    Ok(Json(state.console.sign_handover(&caller, body).await?))
}

#[utoipa::path(
    post,
    path = "/api/duty/handover/accept",
    request_body = AcceptRequest,
    responses(
        (status = 200, body = Handover, description = "Recorded as `handover_accepted`"),
        (status = 403, description = "`not_on_duty`: not on the next slot and not a duty manager"),
        (status = 409, description = "`not_signed`, `already_accepted` or `own_handover`"),
    )
)]
pub(crate) async fn accept(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    DutyBody(body): DutyBody<AcceptRequest>,
) -> ApiResult<Handover> {
    Ok(Json(state.console.accept_handover(&caller, body).await?))
}

#[utoipa::path(
    get,
    path = "/api/duty/handovers",
    params(Limit),
    responses((status = 200, body = Vec<Handover>, description = "Newest first"))
)]
pub(crate) async fn handovers(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<Limit>,
) -> ApiResult<Vec<Handover>> {
    Ok(Json(state.console.handovers(&caller, q.limit).await?))
}

#[utoipa::path(
    post,
    path = "/api/duty/log",
    request_body = LogRequest,
    responses(
        (status = 200, body = ShiftLogEntry, description = "Recorded as `shift_logged` on the current slot"),
        (status = 400, description = "`invalid_request`: empty or over 4,000 characters"),
        (status = 409, description = "`no_roster`"),
    )
)]
pub(crate) async fn log(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    DutyBody(body): DutyBody<LogRequest>,
) -> ApiResult<ShiftLogEntry> {
    Ok(Json(state.console.log_shift(&caller, body).await?))
}

#[utoipa::path(
    post,
    path = "/api/duty/patrol",
    request_body = PatrolRequest,
    responses(
        (status = 200, body = PatrolResult, description = "Recorded as `patrol_recorded` on the current slot"),
        (status = 409, description = "`no_roster`"),
        (status = 422, description = "`unknown_patrol_item`"),
    )
)]
pub(crate) async fn patrol(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    DutyBody(body): DutyBody<PatrolRequest>,
) -> ApiResult<PatrolResult> {
    Ok(Json(state.console.record_patrol(&caller, body).await?))
}
