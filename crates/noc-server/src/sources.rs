//! `/api/sources` (the Sources page) and `/api/kpis`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Extension;
use axum::{Json, Router};
use noc_api::Caller;
use noc_api::{SourceRequest, SourceView};
use noc_model::{CheckReport, KpiReading};

use crate::http::{ApiResult, AppState, HttpError};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/sources", get(list).post(create))
        .route("/sources/test", post(test))
        .route("/sources/{name}", get(one).put(replace).delete(remove))
        .route("/sources/{name}/test", post(test_saved))
        .route("/kpis", get(kpis))
}

#[utoipa::path(get, path = "/api/sources", responses((status = 200, body = Vec<SourceView>)))]
pub(crate) async fn list(State(state): State<AppState>) -> Json<Vec<SourceView>> {
    Json(state.console.sources().await)
}

#[utoipa::path(get, path = "/api/sources/{name}", responses((status = 200, body = SourceView)))]
pub(crate) async fn one(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> ApiResult<SourceView> {
    Ok(Json(state.console.source(&name).await?))
}

#[utoipa::path(post, path = "/api/sources", request_body = SourceRequest, responses((status = 201, body = SourceView)))]
pub(crate) async fn create(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Json(request): Json<SourceRequest>,
) -> Result<(StatusCode, Json<SourceView>), HttpError> {
    let view = state
        .console
        .save_source(request, true, &caller.name)
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[utoipa::path(put, path = "/api/sources/{name}", request_body = SourceRequest, responses((status = 200, body = SourceView)))]
pub(crate) async fn replace(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Extension(caller): Extension<Caller>,
    Json(mut request): Json<SourceRequest>,
) -> ApiResult<SourceView> {
    // The name is the source's identity (alarm fingerprints): the path decides it.
    request.definition.name = name;
    let view = state
        .console
        .save_source(request, false, &caller.name)
        .await?;
    Ok(Json(view))
}

#[utoipa::path(delete, path = "/api/sources/{name}", responses((status = 204)))]
pub(crate) async fn remove(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Extension(caller): Extension<Caller>,
) -> Result<StatusCode, HttpError> {
    state.console.remove_source(&name, &caller.name).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/sources/test", request_body = SourceRequest, responses((status = 200, body = CheckReport)))]
pub(crate) async fn test(
    State(state): State<AppState>,
    Json(request): Json<SourceRequest>,
) -> ApiResult<CheckReport> {
    Ok(Json(state.console.test_source(request).await?))
}

#[utoipa::path(post, path = "/api/sources/{name}/test", responses((status = 200, body = CheckReport)))]
pub(crate) async fn test_saved(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> ApiResult<CheckReport> {
    let definition = state.console.source(&name).await?.definition;
    let request = SourceRequest {
        definition,
        secret: None,
    };
    Ok(Json(state.console.test_source(request).await?))
}

#[utoipa::path(get, path = "/api/kpis", responses((status = 200, body = Vec<KpiReading>)))]
pub(crate) async fn kpis(State(state): State<AppState>) -> Json<Vec<KpiReading>> {
    Json(state.console.kpis())
}
