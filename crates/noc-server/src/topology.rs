//! `/api/topology` (全层级拓扑): the estate now or then, imports and exports, edits,
//! positions and layouts, and impact analysis.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Extension;
use axum::{Json, Router};
use noc_api::Caller;
use noc_api::{ApiError, Committed, ImportSummary, TopologyAt, TopologyFormat, MAX_IMPORT_BYTES};
use noc_model::{
    IncidentId, IncidentImpact, Millis, NodeImpact, NodePosition, Seq, Topology, TopologyChange,
    TopologyView,
};
use serde::Deserialize;

use crate::http::{ApiResult, AppState, HttpError};

/// Room above the largest import for the request to arrive whole, so the hub can
/// answer a file just over the limit with its reason instead of cutting the upload.
const IMPORT_BODY_SLACK: usize = 1024 * 1024;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/topology", get(current))
        .route(
            "/topology/import",
            post(import).layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES + IMPORT_BODY_SLACK)),
        )
        .route("/topology/export", get(export))
        .route("/topology/edit", post(edit))
        .route("/topology/positions", put(positions))
        .route("/topology/layout", post(layout))
        .route("/topology/nodes/{id}/impact", get(node_impact))
        .route("/incidents/{id}/impact", get(incident_impact))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(crate) struct AtQuery {
    /// The topology as the log stood right after this `seq`.
    at_seq: Option<Seq>,
    /// The topology as it stood at this moment (unix ms).
    #[param(value_type = Option<i64>)]
    at: Option<Millis>,
}

#[utoipa::path(
    get,
    path = "/api/topology",
    params(AtQuery),
    responses(
        (status = 200, body = Topology, description = "Now, or as it was at `at_seq` or `at`"),
        (status = 400, description = "`invalid_request`: both given, or a seq outside the log"),
    )
)]
pub(crate) async fn current(
    State(state): State<AppState>,
    Query(q): Query<AtQuery>,
) -> ApiResult<Topology> {
    let at = match (q.at_seq, q.at) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid("give at_seq or at, not both").into());
        }
        (Some(seq), None) => TopologyAt::Seq(seq),
        (None, Some(at)) => TopologyAt::Time(at),
        (None, None) => TopologyAt::Now,
    };
    Ok(Json(state.console.topology_at(at).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(crate) struct ImportQuery {
    /// The file's name: later imports of the same name replace what it brought.
    name: String,
    /// `yaml`, `json` or `csv`; absent: the name's extension decides.
    format: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/topology/import",
    params(ImportQuery),
    request_body(content = String, description = "The file as it is (docs/topology-files.md)", content_type = "application/octet-stream"),
    responses(
        (status = 200, body = ImportSummary, description = "Recorded as `topology_loaded` with origin `import:<name>`"),
        (status = 400, description = "`invalid_request`: no format given or implied by the name"),
        (status = 413, description = "`too_large`: over 32 MiB"),
        (status = 422, description = "`invalid_topology`: \"<name> line N: …\""),
    )
)]
pub(crate) async fn import(
    State(state): State<AppState>,
    Query(q): Query<ImportQuery>,
    Extension(caller): Extension<Caller>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<ImportSummary> {
    let body = body.map_err(|rejection| refused_upload(&q.name, rejection))?;
    let format = q.format.as_deref().map(format_word).transpose()?;
    let summary = state
        .console
        .import_topology(&q.name, format, body, &caller.name)
        .await?;
    Ok(Json(summary))
}

fn refused_upload(name: &str, rejection: BytesRejection) -> HttpError {
    if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        let message = format!(
            "{name} is larger than an import may be ({MAX_IMPORT_BYTES} bytes); split the \
             estate by site"
        );
        return ApiError::new(413, "too_large", message).into();
    }
    ApiError::invalid(rejection.body_text()).into()
}

fn format_word(word: &str) -> Result<TopologyFormat, HttpError> {
    TopologyFormat::parse_word(word).ok_or_else(|| {
        ApiError::invalid(format!("unknown format {word}: yaml, json or csv")).into()
    })
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(crate) struct ExportQuery {
    /// `yaml` (default), `json` or `csv`.
    format: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/topology/export",
    params(ExportQuery),
    responses(
        (status = 200, description = "The live topology as a file (`Content-Disposition: attachment`)", content_type = "application/yaml"),
        (status = 400, description = "`invalid_request`: an unknown format"),
    )
)]
pub(crate) async fn export(
    State(state): State<AppState>,
    Query(q): Query<ExportQuery>,
) -> Result<Response, HttpError> {
    let format = match q.format.as_deref() {
        Some(word) => format_word(word)?,
        None => TopologyFormat::Yaml,
    };
    let file = state.console.export_topology(format).await?;
    let disposition = format!("attachment; filename=\"{}\"", file.file_name);
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static(file.media_type),
        ),
        (
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&disposition).map_err(|e| ApiError::invalid(e.to_string()))?,
        ),
    ];
    Ok((headers, file.body).into_response())
}

#[utoipa::path(
    post,
    path = "/api/topology/edit",
    request_body = TopologyChange,
    responses(
        (status = 200, body = Committed, description = "Recorded as `topology_edited` by the operator"),
        (status = 422, description = "`invalid_request`: the engine's reason (an unknown node, a cycle, nothing changed)"),
    )
)]
pub(crate) async fn edit(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Json(change): Json<TopologyChange>,
) -> ApiResult<Committed> {
    let done = state.console.edit_topology(change, &caller.name).await?;
    Ok(Json(done))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct PositionsBody {
    view: TopologyView,
    positions: Vec<NodePosition>,
}

#[utoipa::path(
    put,
    path = "/api/topology/positions",
    request_body = PositionsBody,
    responses(
        (status = 200, body = Committed, description = "Recorded as `topology_positions_set`"),
        (status = 422, description = "`invalid_request`: an unknown node, no positions, a position that is not a finite number"),
    )
)]
pub(crate) async fn positions(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Json(body): Json<PositionsBody>,
) -> ApiResult<Committed> {
    let done = state
        .console
        .place_nodes(body.view, body.positions, &caller.name)
        .await?;
    Ok(Json(done))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct LayoutBody {
    view: TopologyView,
}

#[utoipa::path(
    post,
    path = "/api/topology/layout",
    request_body = LayoutBody,
    responses(
        (status = 200, body = Committed, description = "Every node of the view laid out again, recorded as `topology_positions_set`"),
        (status = 422, description = "`invalid_request`: the topology is empty"),
    )
)]
pub(crate) async fn layout(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Json(body): Json<LayoutBody>,
) -> ApiResult<Committed> {
    let done = state.console.relayout(body.view, &caller.name).await?;
    Ok(Json(done))
}

#[utoipa::path(
    get,
    path = "/api/topology/nodes/{id}/impact",
    params(("id" = String, Path, description = "A node's id or one of its aliases")),
    responses(
        (status = 200, body = NodeImpact),
        (status = 404, description = "`node_not_found`"),
    )
)]
pub(crate) async fn node_impact(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<NodeImpact> {
    Ok(Json(state.console.node_impact(&id).await?))
}

#[utoipa::path(
    get,
    path = "/api/incidents/{id}/impact",
    params(("id" = i64, Path, description = "The incident")),
    responses(
        (status = 200, body = IncidentImpact),
        (status = 404, description = "`incident_not_found`"),
    )
)]
pub(crate) async fn incident_impact(
    State(state): State<AppState>,
    Path(id): Path<IncidentId>,
) -> ApiResult<IncidentImpact> {
    Ok(Json(state.console.incident_impact(id).await?))
}
