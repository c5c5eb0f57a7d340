//! `/api/recordings` (复盘): the recordings library — list, export a range of the
//! production log, import a file from another machine, and the player's timeline,
//! frames, annotations and download.

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Extension;
use axum::{Json, Router};
use futures_util::StreamExt;
use noc_api::{ApiError, Caller, Library, RecordingList, ReviewFrame, ReviewTimeline};
use noc_model::{Annotation, Millis, RecordingInfo};
use serde::Deserialize;
use tokio::io::AsyncReadExt;

use crate::http::{ApiResult, AppState, HttpError};

/// The largest recording an import takes: a month of a busy log fits.
pub const MAX_RECORDING_UPLOAD: u64 = 1 << 30;
/// The media type of a `.nocrec` file.
pub const RECORDING_MEDIA_TYPE: &str = "application/vnd.noc-recording";
const DOWNLOAD_CHUNK: usize = 64 * 1024;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/recordings", get(list).post(export))
        .route(
            "/recordings/import",
            // The file is streamed to disk and counted there; axum's limit for
            // buffered bodies would cut it at 2 MB.
            post(import).layer(DefaultBodyLimit::disable()),
        )
        .route("/recordings/{id}", get(timeline).delete(remove))
        .route("/recordings/{id}/frame", get(frame))
        .route("/recordings/{id}/file", get(download))
        .route("/recordings/{id}/annotations", post(annotate))
}

#[utoipa::path(
    get,
    path = "/api/recordings",
    responses((status = 200, body = RecordingList, description = "Newest first; files that do not open are listed under `damaged` with the reason"))
)]
pub(crate) async fn list(State(state): State<AppState>) -> ApiResult<RecordingList> {
    Ok(Json(state.library()?.list().await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct ExportBody {
    /// Start of the range (unix ms): the board at this moment is where the replay starts.
    #[schema(value_type = i64)]
    from: Millis,
    /// End of the range (unix ms); not later than now, at most 31 days after `from`.
    #[schema(value_type = i64)]
    to: Millis,
    /// Empty: the range in words.
    #[serde(default)]
    title: String,
}

#[utoipa::path(
    post,
    path = "/api/recordings",
    request_body = ExportBody,
    responses(
        (status = 200, body = RecordingInfo, description = "The new recording of the production log's range"),
        (status = 422, description = "`invalid_range` or `invalid_title`, with the reason"),
        (status = 507, description = "`disk_full`: nothing was kept"),
    )
)]
pub(crate) async fn export(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Json(body): Json<ExportBody>,
) -> ApiResult<RecordingInfo> {
    let library = state.library()?;
    let info = library
        .export(&state.console, body.from, body.to, body.title, &caller.name)
        .await?;
    Ok(Json(info))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(crate) struct ImportQuery {
    /// The file's name (`<id>.nocrec` as downloaded): the recording's id in this
    /// library. Absent: an id made of its kind, start and contents.
    name: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/recordings/import",
    params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "A `.nocrec` file, as is"),
    responses(
        (status = 200, body = RecordingInfo, description = "Kept in the library (or already there, identical)"),
        (status = 409, description = "`recording_exists`: a different recording has this id"),
        (status = 413, description = "`too_large`"),
        (status = 422, description = "`not_a_recording`, `recording_damaged` or `recording_newer_format`, with the reason; nothing was kept"),
    )
)]
pub(crate) async fn import(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<ImportQuery>,
    body: Body,
) -> ApiResult<RecordingInfo> {
    let library = state.library()?;
    let mut upload = library.receive().await?;
    let mut chunks = body.into_data_stream();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::invalid(format!("the upload was interrupted before it ended: {e}"))
        })?;
        if upload.bytes() + chunk.len() as u64 > MAX_RECORDING_UPLOAD {
            return Err(ApiError::new(
                413,
                "too_large",
                format!(
                    "a recording may have at most {} MiB; export a shorter range",
                    MAX_RECORDING_UPLOAD >> 20
                ),
            )
            .into());
        }
        upload.write(&chunk).await?;
    }
    let name = q.name.as_deref();
    Ok(Json(
        library.import_upload(upload, name, &caller.name).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/api/recordings/{id}",
    responses(
        (status = 200, body = ReviewTimeline, description = "The player's timeline: density, operators' actions, annotations, a drill's scorecard"),
        (status = 404, description = "`no_such_recording`"),
        (status = 422, description = "`recording_damaged`, with the reason"),
    )
)]
pub(crate) async fn timeline(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<ReviewTimeline> {
    Ok(Json(state.library()?.timeline(&id).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(crate) struct FrameQuery {
    /// The moment (unix ms); absent or outside the range: the nearest end of it.
    #[param(value_type = Option<i64>)]
    at: Option<Millis>,
}

#[utoipa::path(
    get,
    path = "/api/recordings/{id}/frame",
    params(FrameQuery),
    responses(
        (status = 200, body = ReviewFrame, description = "The board and the topology as they were at `at`"),
        (status = 404, description = "`no_such_recording`"),
    )
)]
pub(crate) async fn frame(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<FrameQuery>,
) -> ApiResult<ReviewFrame> {
    let at = q.at.unwrap_or(Millis::MIN);
    Ok(Json(state.library()?.frame(&id, at).await?))
}

#[utoipa::path(
    get,
    path = "/api/recordings/{id}/file",
    responses(
        (status = 200, content_type = "application/vnd.noc-recording", description = "The `.nocrec` file, as an attachment"),
        (status = 404, description = "`no_such_recording`"),
    )
)]
pub(crate) async fn download(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, HttpError> {
    let path = state.library()?.file(&id).await?;
    let file = tokio::fs::File::open(&path).await.map_err(|e| {
        ApiError::new(
            500,
            "read_failed",
            format!("{} cannot be read: {e}", path.display()),
        )
    })?;
    let length = file.metadata().await.map(|m| m.len()).ok();
    let chunks = futures_util::stream::unfold(file, |mut file| async move {
        let mut buffer = vec![0u8; DOWNLOAD_CHUNK];
        match file.read(&mut buffer).await {
            Ok(0) => None,
            Ok(n) => {
                buffer.truncate(n);
                Some((Ok::<_, std::io::Error>(Bytes::from(buffer)), file))
            }
            Err(e) => Some((Err(e), file)),
        }
    });
    let mut response = Body::from_stream(chunks).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(RECORDING_MEDIA_TYPE),
    );
    // The id is a plain file name (letters, digits, `_.-`): safe in the header as is.
    let disposition = format!("attachment; filename=\"{id}.nocrec\"");
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    if let Some(length) = length {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    }
    Ok(response)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct AnnotationBody {
    /// The moment of the recording it is about (unix ms), inside its range.
    #[schema(value_type = i64)]
    at: Millis,
    text: String,
}

#[utoipa::path(
    post,
    path = "/api/recordings/{id}/annotations",
    request_body = AnnotationBody,
    responses(
        (status = 200, body = Annotation, description = "Saved into the recording's file"),
        (status = 404, description = "`no_such_recording`"),
        (status = 422, description = "`invalid_annotation` or `outside_recording`"),
    )
)]
pub(crate) async fn annotate(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Extension(caller): Extension<Caller>,
    Json(body): Json<AnnotationBody>,
) -> ApiResult<Annotation> {
    let library = state.library()?;
    let annotation = library
        .annotate(&id, body.at, &body.text, &caller.name)
        .await?;
    Ok(Json(annotation))
}

#[utoipa::path(
    delete,
    path = "/api/recordings/{id}",
    responses(
        (status = 204, description = "The file is removed from the library"),
        (status = 404, description = "`no_such_recording`"),
    )
)]
pub(crate) async fn remove(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, HttpError> {
    state.library()?.delete(&id).await?;
    Ok(StatusCode::NO_CONTENT)
}

impl AppState {
    /// Serves `/api/recordings` over this library.
    pub fn with_library(mut self, library: Library) -> Self {
        self.library = Some(library);
        self
    }

    /// The hub's recordings library (drills write into it, reports read from it).
    pub fn library(&self) -> Result<&Library, ApiError> {
        self.library.as_ref().ok_or_else(|| {
            ApiError::new(
                503,
                "no_library",
                "this hub keeps no recordings (it was started without a data folder)",
            )
        })
    }
}

/// A hub started to review one recording file on this machine.
pub struct ReviewSession {
    pub hub: crate::RunningHub,
    /// The recording's id in the hub's library.
    pub id: String,
    /// Where the hub keeps its copy of the file, with the notes added to it.
    pub copy: std::path::PathBuf,
}

impl ReviewSession {
    /// The address that opens the player on the recording.
    pub fn player_url(&self) -> String {
        format!("{}#/review/{}", self.hub.open_url(), self.id)
    }
}

/// Checks `file` and, when it is a sound recording, starts a hub on loopback in
/// `data_dir` (a fresh folder: no demo, no sources) with the file in its library. A
/// file that does not open is an error naming it and what is wrong; nothing starts.
pub async fn start_review(
    file: &std::path::Path,
    data_dir: std::path::PathBuf,
    port: u16,
) -> anyhow::Result<ReviewSession> {
    use anyhow::Context;
    let clock: std::sync::Arc<dyn noc_model::Clock> = std::sync::Arc::new(noc_sources::SystemClock);
    let library = Library::new(data_dir.join("recordings"), clock);
    let mut source = tokio::fs::File::open(file)
        .await
        .with_context(|| format!("cannot open {}", file.display()))?;
    let mut upload = library.receive().await.map_err(anyhow::Error::msg)?;
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let n = source
            .read(&mut buffer)
            .await
            .with_context(|| format!("cannot read {}", file.display()))?;
        if n == 0 {
            break;
        }
        upload
            .write(&buffer[..n])
            .await
            .map_err(anyhow::Error::msg)?;
    }
    let reviewer = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "reviewer".into());
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
    let info = library
        .import_upload(upload, name.as_deref(), &reviewer)
        .await
        .map_err(|err| {
            // The library speaks of "the uploaded file"; here the operator named it.
            let named = err
                .message
                .replace("the uploaded file", &file.display().to_string());
            anyhow::anyhow!(named)
        })?;
    let copy = library.path_of(&info.id).map_err(anyhow::Error::msg)?;
    let mut options = crate::HubOptions::loopback(data_dir);
    options.demo = None;
    options.port = port;
    let hub = crate::start(options).await?;
    Ok(ReviewSession {
        hub,
        id: info.id,
        copy,
    })
}
