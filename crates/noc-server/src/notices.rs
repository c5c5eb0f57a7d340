//! Incident status notices (通报) over HTTP: draft, preview, send. The channels are
//! the hub's `[[notify]]` channels; see docs/notices.md.

use axum::extract::{Path, State};
use axum::routing::post;
use axum::Extension;
use axum::{Json, Router};
use noc_api::{Caller, DraftRequest, NoticeReceipt, SendRequest};
use noc_model::{IncidentId, NoticeDraft, NoticeTexts};

use crate::http::{ApiResult, AppState};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/incidents/{id}/notices/draft", post(draft))
        .route("/incidents/{id}/notices/preview", post(preview))
        .route("/incidents/{id}/notices", post(send))
}

/// The body is optional: without one the kind follows the incident's state and
/// times are written in UTC.
#[utoipa::path(
    post,
    path = "/api/incidents/{id}/notices/draft",
    params(("id" = i64, Path, description = "The incident")),
    request_body(content = Option<DraftRequest>),
    responses(
        (status = 200, body = NoticeDraft, description = "The hub's draft, offering every configured channel"),
        (status = 404, description = "`incident_not_found`"),
        (status = 422, description = "`invalid_notice`: an offset out of range"),
    )
)]
pub(crate) async fn draft(
    State(state): State<AppState>,
    Path(id): Path<IncidentId>,
    body: Option<Json<DraftRequest>>,
) -> ApiResult<NoticeDraft> {
    let request = body.map(|Json(b)| b).unwrap_or_default();
    let channels = state
        .notifier
        .as_ref()
        .map(|n| n.specs().map(|s| s.name.clone()).collect())
        .unwrap_or_default();
    Ok(Json(
        state.console.notice_draft(id, request, channels).await?,
    ))
}

#[utoipa::path(
    post,
    path = "/api/incidents/{id}/notices/preview",
    params(("id" = i64, Path, description = "The incident")),
    request_body = NoticeDraft,
    responses(
        (status = 200, body = NoticeTexts, description = "The notice rendered in Chinese and English"),
        (status = 404, description = "`incident_not_found`"),
        (status = 422, description = "`notice_too_long` (a field over 2,000 characters) or `invalid_notice`"),
    )
)]
pub(crate) async fn preview(
    State(state): State<AppState>,
    Path(id): Path<IncidentId>,
    Json(draft): Json<NoticeDraft>,
) -> ApiResult<NoticeTexts> {
    Ok(Json(state.console.preview_notice(id, &draft).await?))
}

#[utoipa::path(
    post,
    path = "/api/incidents/{id}/notices",
    params(("id" = i64, Path, description = "The incident")),
    request_body = SendRequest,
    responses(
        (status = 200, body = NoticeReceipt, description = "Sent to each channel and recorded as `notice_sent` on the incident's timeline, failed deliveries included; it restarts the update deadline"),
        (status = 404, description = "`incident_not_found`"),
        (status = 422, description = "`notice_too_long`, `unknown_channel` or `invalid_notice`"),
    )
)]
pub(crate) async fn send(
    State(state): State<AppState>,
    Path(id): Path<IncidentId>,
    Extension(caller): Extension<Caller>,
    Json(request): Json<SendRequest>,
) -> ApiResult<NoticeReceipt> {
    let receipt = state
        .console
        .send_notice(id, request, state.notifier.as_ref(), &caller.name)
        .await?;
    Ok(Json(receipt))
}
