//! `/api/reports`: shift, daily, weekly, incident-review and drill reports, as a
//! self-contained HTML document, a PDF, or the numbers (JSON) for the UI.

use axum::extract::{Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use noc_api::{report_error, ApiError};
use noc_model::IncidentId;
use noc_report::{
    parse_moment, render_html, render_pdf, Lang, ReportData, ReportKind, ReportRequest,
};
use serde::Deserialize;

use crate::http::{AppState, HttpError};

/// The report page may show only itself: no script, nothing fetched, styles and
/// charts inline; the console may preview it in a (sandboxed) frame of its own.
const REPORT_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
                          frame-ancestors 'self'; base-uri 'none'; form-action 'none'";

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/reports", get(report))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(crate) struct ReportQuery {
    /// `shift`, `daily`, `weekly`, `incident` or `drill`.
    kind: String,
    /// Start of the range: unix ms, or a date / date and time (`2026-11-16`,
    /// `2026-11-16T08:00`) on the roster's clock (UTC when no roster is defined).
    /// Optional with `recording`: the recording's start.
    from: Option<String>,
    /// End of the range, inclusive, written like `from`; at most 31 days after it.
    to: Option<String>,
    /// The incident of an incident review.
    incident: Option<IncidentId>,
    /// Report on this recording of the library instead of the hub's log (a drill
    /// report always reads a recording).
    recording: Option<String>,
    /// `html` (default), `pdf` or `json`.
    format: Option<String>,
    /// `en` (default) or `zh`.
    lang: Option<String>,
    /// A title of the caller's own instead of the report kind's.
    title: Option<String>,
}

enum Format {
    Html,
    Pdf,
    Json,
}

/// A report over the hub's event log or over a recording. HTML comes with a strict
/// CSP of its own (no script) and may be framed by the console; PDF as an attachment;
/// JSON is the numbers the report shows.
#[utoipa::path(
    get,
    path = "/api/reports",
    params(ReportQuery),
    responses(
        (status = 200, body = ReportData, description = "`format=json`; `html` is text/html, `pdf` application/pdf"),
        (status = 404, description = "`no_such_incident`, `no_such_recording`"),
        (status = 422, description = "`invalid_range` (reversed, or over 31 days), `invalid_request` (unknown kind, format or language; a drill report without a recording)"),
    )
)]
pub(crate) async fn report(
    State(state): State<AppState>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, HttpError> {
    let kind = ReportKind::parse(&q.kind)
        .ok_or_else(|| unprocessable(format!("unknown report kind `{}`", q.kind)))?;
    let format = match q.format.as_deref().unwrap_or("html") {
        "html" => Format::Html,
        "pdf" => Format::Pdf,
        "json" => Format::Json,
        other => return Err(unprocessable(format!("unknown format `{other}`")).into()),
    };
    let lang_word = q.lang.as_deref().unwrap_or("en");
    let lang = Lang::parse(lang_word)
        .ok_or_else(|| unprocessable(format!("unknown language `{lang_word}`")))?;
    let offset = state.console.report_offset_minutes().await;
    let moment = |text: &Option<String>| -> Result<Option<i64>, ApiError> {
        text.as_deref()
            .map(|t| parse_moment(t, offset).map_err(unprocessable))
            .transpose()
    };
    let (from, to) = (moment(&q.from)?, moment(&q.to)?);
    let request = |from: i64, to: i64| ReportRequest {
        kind,
        from,
        to,
        incident: q.incident,
        utc_offset_minutes: offset,
        title: q.title.clone().filter(|t| !t.trim().is_empty()),
    };
    let data = match q.recording.as_deref() {
        Some(id) => {
            let recording = state.library()?.recording(id).await?;
            let info = recording.info();
            let request = request(from.unwrap_or(info.from_at), to.unwrap_or(info.to_at));
            noc_report::report_from_recording(&recording, &request, &state.console.policy().targets)
                .await
                .map_err(report_error)?
        }
        None if kind == ReportKind::Drill => {
            return Err(unprocessable(
                "a drill report reads the drill's recording: pass recording=<id>",
            )
            .into())
        }
        None => {
            let (Some(from), Some(to)) = (from, to) else {
                return Err(unprocessable("a report needs `from` and `to`").into());
            };
            state.console.duty_report(&request(from, to)).await?
        }
    };
    match format {
        Format::Json => Ok(Json(data).into_response()),
        Format::Html => Ok(html_response(render_html(&data, lang))),
        Format::Pdf => {
            // Laying out and embedding fonts is CPU work: off the async workers.
            let (pdf, data) =
                tokio::task::spawn_blocking(move || render_pdf(&data, lang).map(|pdf| (pdf, data)))
                    .await
                    .map_err(|e| ApiError::new(500, "report_failed", e.to_string()))?
                    .map_err(report_error)?;
            Ok(pdf_response(pdf, &data))
        }
    }
}

fn unprocessable(message: impl Into<String>) -> ApiError {
    ApiError::new(422, "invalid_request", message)
}

fn html_response(html: String) -> Response {
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(REPORT_CSP),
        ),
        (
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("SAMEORIGIN"),
        ),
    ];
    (headers, html).into_response()
}

fn pdf_response(pdf: Vec<u8>, data: &ReportData) -> Response {
    let name = format!(
        "{}-report-{}.pdf",
        data.kind.as_str(),
        noc_report::format_time(data.from, data.utc_offset_minutes)
            .get(..10)
            .unwrap_or_default()
    );
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/pdf"),
        ),
        (
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
                .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
        ),
    ];
    (headers, pdf).into_response()
}
