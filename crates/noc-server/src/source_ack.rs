//! `POST /api/alarms/{id}/acknowledge-at-source`: acknowledges an alarm in the
//! monitoring system it came from (Zabbix).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::Extension;
use axum::{Json, Router};
use noc_api::Caller;
use noc_model::AlarmId;
use serde::Deserialize;

use crate::http::{AppState, HttpError};

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route(
        "/alarms/{id}/acknowledge-at-source",
        post(acknowledge_at_source),
    )
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct SourceAckRequest {
    /// Shown in the source as "[operator] message".
    message: String,
}

/// 204 once the source shows the acknowledgement; 409 `not_supported` for sources
/// without write-back; 502 `source_failed` with the source's own error.
#[utoipa::path(
    post,
    path = "/api/alarms/{id}/acknowledge-at-source",
    request_body = SourceAckRequest,
    responses(
        (status = 204, description = "acknowledged at the source and confirmed by reading it back"),
        (status = 404, description = "no such alarm"),
        (status = 409, description = "the alarm's source has no acknowledgement write-back"),
        (status = 502, description = "the source refused or failed; the message is its own"),
    )
)]
pub(crate) async fn acknowledge_at_source(
    State(state): State<AppState>,
    Path(id): Path<AlarmId>,
    Extension(caller): Extension<Caller>,
    Json(request): Json<SourceAckRequest>,
) -> Result<StatusCode, HttpError> {
    state
        .console
        .acknowledge_at_source(id, &request.message, &caller.name)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
