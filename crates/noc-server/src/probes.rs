//! `/api/probes`: the probe list and each probe's history chart.

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use noc_api::{ApiError, ProbeView, Probes};
use noc_model::Millis;
use noc_store::probe_history::History;
use serde::Deserialize;

use crate::http::{ApiResult, AppState};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/probes", get(list))
        .route("/probes/{name}/history", get(history))
}

impl AppState {
    /// Serves the probe list and charts from `probes`; without it they answer 503.
    pub fn with_probes(mut self, probes: Probes) -> Self {
        self.probes = Some(probes);
        self
    }
}

fn probes(state: &AppState) -> Result<&Probes, ApiError> {
    state
        .probes
        .as_ref()
        .ok_or_else(|| ApiError::unavailable("this hub keeps no probe history"))
}

#[utoipa::path(get, path = "/api/probes", responses((status = 200, body = Vec<ProbeView>)))]
pub(crate) async fn list(State(state): State<AppState>) -> ApiResult<Vec<ProbeView>> {
    Ok(Json(probes(&state)?.list().await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(crate) struct HistoryQuery {
    /// Start of the window, Unix ms (default: 24 hours before `to`).
    from: Option<Millis>,
    /// End of the window, Unix ms, exclusive (default: now).
    to: Option<Millis>,
    /// One resolver or exporter only (default: every vantage, each its own line).
    vantage: Option<String>,
}

/// The resolution follows the window: every result up to 6 hours, minutes up to 2
/// days, hours up to 90 days, days beyond (or coarser where finer ones have aged out).
#[utoipa::path(
    get,
    path = "/api/probes/{name}/history",
    params(("name" = String, Path, description = "The probe's source name"), HistoryQuery),
    responses((status = 200, body = History), (status = 404, description = "no such probe"))
)]
pub(crate) async fn history(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(q): Query<HistoryQuery>,
) -> ApiResult<History> {
    let history = probes(&state)?
        .history(&name, q.vantage.as_deref(), q.from, q.to)
        .await?;
    Ok(Json(history))
}
