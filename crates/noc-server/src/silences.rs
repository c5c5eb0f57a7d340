//! `/api/sources/{name}/silences`: an Alertmanager source's silences, created and
//! expired by the operator named in `X-Noc-Operator`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Extension;
use axum::Json;
use noc_api::Caller;
use noc_api::SilenceRequest;
use noc_model::Silence;

use crate::http::{AppState, HttpError};

#[utoipa::path(
    get,
    path = "/api/sources/{name}/silences",
    params(("name" = String, Path, description = "An Alertmanager source")),
    responses(
        (status = 200, body = Vec<Silence>, description = "Every silence Alertmanager holds, expired ones included"),
        (status = 400, description = "`silences_unsupported`: not an Alertmanager source"),
        (status = 404, description = "`source_not_found`"),
        (status = 502, description = "Alertmanager failed or refused; `message` has its words"),
    )
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<Vec<Silence>>, HttpError> {
    Ok(Json(state.console.silences(&name).await?))
}

#[utoipa::path(
    post,
    path = "/api/sources/{name}/silences",
    params(("name" = String, Path, description = "An Alertmanager source")),
    request_body = SilenceRequest,
    responses(
        (status = 201, body = Silence, description = "Created and read back from Alertmanager; recorded as `silence_created`"),
        (status = 400, description = "`silence_comment_required`, `silence_duration_invalid`, `silence_matchers_required` or `silences_unsupported`"),
        (status = 404, description = "`source_not_found` or `no_such_alarm`"),
        (status = 502, description = "Alertmanager failed or refused; `message` has its words"),
    )
)]
pub(crate) async fn create(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Extension(caller): Extension<Caller>,
    Json(request): Json<SilenceRequest>,
) -> Result<(StatusCode, Json<Silence>), HttpError> {
    let silence = state
        .console
        .create_silence(&name, request, &caller.name)
        .await?;
    Ok((StatusCode::CREATED, Json(silence)))
}

#[utoipa::path(
    delete,
    path = "/api/sources/{name}/silences/{id}",
    params(
        ("name" = String, Path, description = "An Alertmanager source"),
        ("id" = String, Path, description = "The silence's id in Alertmanager"),
    ),
    responses(
        (status = 204, description = "Expired and read back; recorded as `silence_expired`"),
        (status = 404, description = "`source_not_found` or `silence_not_found`"),
        (status = 502, description = "Alertmanager failed or refused; `message` has its words"),
    )
)]
pub(crate) async fn expire(
    State(state): State<AppState>,
    Path((name, id)): Path<(String, String)>,
    Extension(caller): Extension<Caller>,
) -> Result<StatusCode, HttpError> {
    state
        .console
        .expire_silence(&name, &id, &caller.name)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
