//! `/api/stats`: duty statistics for a time range, today's for the wall.

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Extension, Json, Router};
use noc_api::{DutyStats, Statistics};
use noc_model::Millis;
use serde::Deserialize;

use crate::http::{ApiResult, AppState};

/// The statistics keep their folds with the route, so that every wall's poll folds
/// only the events since the previous one.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/stats", get(stats))
        .layer(Extension(Statistics::default()))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(crate) struct StatsQuery {
    /// Start of the range, Unix ms (the wall sends its local midnight).
    since: Millis,
    /// End of the range, Unix ms, inclusive (default: now).
    until: Option<Millis>,
}

/// Incidents opened, acknowledged and resolved in the range with their mean times,
/// the 1-5-10 compliance of those opened in it, and what is open and how the sources
/// stand at its end. Folded from the event log, so old resolved incidents count too.
#[utoipa::path(
    get,
    path = "/api/stats",
    params(StatsQuery),
    responses(
        (status = 200, body = DutyStats),
        (status = 400, description = "`invalid_range`: `until` is before `since`"),
    )
)]
pub(crate) async fn stats(
    State(state): State<AppState>,
    Extension(statistics): Extension<Statistics>,
    Query(q): Query<StatsQuery>,
) -> ApiResult<DutyStats> {
    Ok(Json(
        statistics.duty(&state.console, q.since, q.until).await?,
    ))
}
