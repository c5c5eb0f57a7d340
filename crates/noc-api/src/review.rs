//! The recordings library for the offline review (复盘): the `.nocrec` files in the
//! hub's recordings folder — drills the hub ran and ranges of the production log
//! operators exported or imported — and what the review screen asks of one: its
//! timeline, the board and topology at any moment, and reviewers' annotations.
//!
//! Nothing here changes the event log. Exports, imports, annotations and deletions
//! are operator actions all the same: the hub's audit trail records each call with
//! who made it and when.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use noc_model::{
    civil_from_days, Annotation, Clock, Event, Millis, RecordingInfo, RecordingKind, Scorecard,
    Seq, Snapshot, State, Topology,
};
use noc_store::recording::{
    write_recording, Recording, RecordingError, RecordingRequest, RECORDING_EXTENSION,
};
use serde::Serialize;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::{ApiError, Console};

/// Slices of the recorded range in a timeline's event density (the scrubber's strip).
pub const DENSITY_BUCKETS: u32 = 400;
/// The longest range one export may hold: a month of the log stays a file people
/// can pass around.
pub const MAX_EXPORT_MS: Millis = 31 * DAY_MS;
pub const MAX_ANNOTATION_CHARS: usize = 4000;
pub const MAX_TITLE_CHARS: usize = 200;
const MAX_ID_CHARS: usize = 128;
/// Recordings kept open between requests: a reviewer scrubs one file, seldom more.
const OPEN_RECORDINGS: usize = 4;
const DAY_MS: Millis = 86_400_000;
const UPLOAD_PREFIX: &str = ".upload-";

/// The folder's recordings, newest first, and the files that could not be read.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RecordingList {
    pub recordings: Vec<RecordingInfo>,
    /// Never hidden and never deleted by the hub: an operator decides.
    pub damaged: Vec<DamagedFile>,
}

/// A `.nocrec` file of the folder that does not open, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DamagedFile {
    /// The file's name in the recordings folder.
    pub file: String,
    pub error: String,
}

/// What the player shows along its scrubber.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ReviewTimeline {
    pub info: RecordingInfo,
    /// Events per equal slice of [from_at, to_at] ([`DENSITY_BUCKETS`] slices).
    pub density: Vec<u32>,
    /// The operators' actions (acknowledge, comment, identify, edits…), oldest first.
    pub actions: Vec<Event>,
    pub annotations: Vec<Annotation>,
    /// A drill's final scorecard.
    pub scorecard: Option<Scorecard>,
}

/// The board and the topology exactly as they were at one moment of a recording.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ReviewFrame {
    /// The moment shown: the one asked for, kept inside the recorded range.
    #[schema(value_type = i64)]
    pub at: Millis,
    /// The last event at or before `at` (the base state's seq before the first).
    #[schema(value_type = i64)]
    pub seq: Seq,
    pub snapshot: Snapshot,
    pub topology: Topology,
    /// A drill's scorecard as it stood at `at`.
    pub scorecard: Option<Scorecard>,
}

/// The recordings folder. Cheap to clone; every clone shares the open files.
#[derive(Clone)]
pub struct Library {
    shelf: Arc<Shelf>,
}

struct Shelf {
    dir: PathBuf,
    clock: Arc<dyn Clock>,
    /// Most recently used last.
    open: Mutex<Vec<(String, Recording)>>,
    /// What each file said when last read, so listing does not reopen every file.
    known: Mutex<HashMap<String, Known>>,
    /// Exports and imports decide on a free name and take it one at a time.
    naming: tokio::sync::Mutex<()>,
    exports: AtomicU32,
}

#[derive(Clone)]
struct Known {
    stamp: Stamp,
    info: Result<RecordingInfo, String>,
}

type Stamp = (Option<SystemTime>, u64);

impl Library {
    /// The recordings in `dir` (created when the first recording is written).
    pub fn new(dir: PathBuf, clock: Arc<dyn Clock>) -> Library {
        Library {
            shelf: Arc::new(Shelf {
                dir,
                clock,
                open: Mutex::new(Vec::new()),
                known: Mutex::new(HashMap::new()),
                naming: tokio::sync::Mutex::new(()),
                exports: AtomicU32::new(0),
            }),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.shelf.dir
    }

    /// Where the recording `id` is (or would be) kept; refuses ids that are not a
    /// plain file name.
    pub fn path_of(&self, id: &str) -> Result<PathBuf, ApiError> {
        if !valid_id(id) {
            return Err(no_such_recording(id));
        }
        Ok(self.shelf.dir.join(format!("{id}.{RECORDING_EXTENSION}")))
    }

    /// Every recording of the folder, newest first; files that do not open are
    /// listed with the reason.
    pub async fn list(&self) -> Result<RecordingList, ApiError> {
        let mut list = RecordingList {
            recordings: Vec::new(),
            damaged: Vec::new(),
        };
        for (id, path) in self.files().await? {
            let Some(stamp) = stamp_of(&path).await else {
                continue; // Deleted while listing.
            };
            let known = self.known(&id).filter(|k| k.stamp == stamp);
            let info = match known {
                Some(known) => known.info,
                None => self.read_info(&id, &path, stamp).await,
            };
            match info {
                Ok(mut info) => {
                    info.bytes = stamp.1;
                    list.recordings.push(info);
                }
                Err(error) => list.damaged.push(DamagedFile {
                    file: format!("{id}.{RECORDING_EXTENSION}"),
                    error,
                }),
            }
        }
        list.recordings
            .sort_by(|a, b| (b.created_at, b.to_at, &b.id).cmp(&(a.created_at, a.to_at, &a.id)));
        list.damaged.sort_by(|a, b| a.file.cmp(&b.file));
        Ok(list)
    }

    /// Writes the production log's events from `from` to `to` (unix ms) into a new
    /// recording, with the board as it stood at `from`.
    pub async fn export(
        &self,
        console: &Console,
        from: Millis,
        to: Millis,
        title: String,
        by: &str,
    ) -> Result<RecordingInfo, ApiError> {
        let now = self.shelf.clock.now();
        check_range(from, to, now)?;
        let title = title.trim();
        if title.chars().count() > MAX_TITLE_CHARS {
            return Err(ApiError::new(
                422,
                "invalid_title",
                format!("a recording's title may have at most {MAX_TITLE_CHARS} characters"),
            ));
        }
        let title = match title {
            "" => format!("{} – {} UTC", utc_text(from), utc_text(to)),
            title => title.to_string(),
        };
        self.create_dir().await?;
        let _naming = self.shelf.naming.lock().await;
        let (id, path) = self.free_export_name(from).await;
        let request = RecordingRequest {
            id: id.clone(),
            title,
            kind: RecordingKind::Production,
            from_at: from,
            to_at: to,
            created_by: by.to_string(),
            created_at: now,
            scenario: None,
        };
        let info = write_recording(&console.shared.store, request, &path)
            .await
            .map_err(recording_error)?;
        tracing::info!(recording = %id, by, from, to, "production range exported");
        self.remember(&id, &path, Ok(info.clone())).await;
        Ok(info)
    }

    /// Keeps `bytes` as a recording once it has opened and verified.
    pub async fn import(&self, bytes: &[u8], by: &str) -> Result<RecordingInfo, ApiError> {
        let mut upload = self.receive().await?;
        upload.write(bytes).await?;
        self.import_upload(upload, None, by).await
    }

    /// A place in the folder to stream an uploaded file into before
    /// [`Library::import_upload`] checks it; dropped unused, it leaves nothing.
    pub async fn receive(&self) -> Result<Upload, ApiError> {
        self.create_dir().await?;
        let path = self
            .shelf
            .dir
            .join(format!("{UPLOAD_PREFIX}{}.part", random_hex(6)));
        let file = tokio::fs::File::create(&path)
            .await
            .map_err(|e| write_error(&path, &e))?;
        Ok(Upload {
            path,
            file: Some(file),
            digest: Sha256::new(),
            bytes: 0,
            kept: false,
        })
    }

    /// Checks an uploaded file and keeps it under the id its file name says (a
    /// downloaded recording is named `<id>.nocrec`), or, without a usable name, one made
    /// of its kind, its start and its contents. The same file imported twice answers
    /// with the recording already there.
    pub async fn import_upload(
        &self,
        mut upload: Upload,
        file_name: Option<&str>,
        by: &str,
    ) -> Result<RecordingInfo, ApiError> {
        upload.finish().await?;
        if upload.bytes == 0 {
            return Err(ApiError::new(
                422,
                "not_a_recording",
                "the uploaded file is empty: choose a .nocrec recording",
            ));
        }
        let digest = upload.digest.clone().finalize();
        let info = verified_info(&upload.path).await?;
        let id = file_name
            .and_then(id_from_file_name)
            .unwrap_or_else(|| content_id(&info, &digest));
        let target = self.path_of(&id)?;
        let _naming = self.shelf.naming.lock().await;
        if tokio::fs::try_exists(&target).await.unwrap_or(false) {
            if file_digest(&target).await? == digest.as_slice() {
                return self.recording(&id).await.map(|r| r.info());
            }
            return Err(ApiError::new(
                409,
                "recording_exists",
                format!(
                    "a different recording with the id {id} is already in the library: \
                     delete it first to replace it"
                ),
            ));
        }
        tokio::fs::rename(&upload.path, &target)
            .await
            .map_err(|e| write_error(&target, &e))?;
        upload.kept = true;
        tracing::info!(recording = %id, by, bytes = upload.bytes, "recording imported");
        self.forget(&id).await;
        let recording = self.recording(&id).await?;
        Ok(recording.info())
    }

    /// The recording `id`, opened (and verified) once and kept open for a while.
    pub async fn recording(&self, id: &str) -> Result<Recording, ApiError> {
        let path = self.path_of(id)?;
        if let Some(open) = self.take_open(id, false) {
            return Ok(open);
        }
        if !tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Err(no_such_recording(id));
        }
        let recording = Recording::open(&path).await.map_err(recording_error)?;
        if let Some(stamp) = stamp_of(&path).await {
            self.set_known(id, stamp, Ok(recording.info()));
        }
        let first = {
            let mut open = self.shelf.open.lock().unwrap_or_else(|e| e.into_inner());
            match open.iter().find(|(known, _)| known == id) {
                Some((_, first)) => Some(first.clone()),
                None => {
                    open.push((id.to_string(), recording.clone()));
                    if open.len() > OPEN_RECORDINGS {
                        // Dropped, not closed: a request may still read through a clone.
                        open.remove(0);
                    }
                    None
                }
            }
        };
        if let Some(first) = first {
            // Opened twice at once: keep the first, close this one.
            recording.close().await;
            return Ok(first);
        }
        Ok(recording)
    }

    /// What the player shows along its scrubber.
    pub async fn timeline(&self, id: &str) -> Result<ReviewTimeline, ApiError> {
        let recording = self.recording(id).await?;
        let mut info = recording.info();
        let density = recording
            .density(DENSITY_BUCKETS)
            .await
            .map_err(recording_error)?;
        let actions = recording.actions().await.map_err(recording_error)?;
        let annotations = recording.annotations().await.map_err(recording_error)?;
        info.annotations = u32::try_from(annotations.len()).unwrap_or(u32::MAX);
        let end = recording
            .state_at(info.to_at)
            .await
            .map_err(recording_error)?;
        Ok(ReviewTimeline {
            scorecard: scorecard_at(&end, info.to_at),
            info,
            density,
            actions,
            annotations,
        })
    }

    /// The board and the topology as they were at `at` (kept inside the range).
    pub async fn frame(&self, id: &str, at: Millis) -> Result<ReviewFrame, ApiError> {
        let recording = self.recording(id).await?;
        let info = recording.info();
        let at = at.clamp(info.from_at, info.to_at);
        let state = recording.state_at(at).await.map_err(recording_error)?;
        Ok(ReviewFrame {
            at,
            seq: state.seq,
            snapshot: state.snapshot(),
            scorecard: scorecard_at(&state, at),
            topology: state.topology,
        })
    }

    /// A reviewer's note on moment `at`, saved into the recording's file.
    pub async fn annotate(
        &self,
        id: &str,
        at: Millis,
        text: &str,
        by: &str,
    ) -> Result<Annotation, ApiError> {
        let text = text.trim();
        if text.is_empty() || text.chars().count() > MAX_ANNOTATION_CHARS {
            return Err(ApiError::new(
                422,
                "invalid_annotation",
                format!("an annotation needs 1 to {MAX_ANNOTATION_CHARS} characters"),
            ));
        }
        let recording = self.recording(id).await?;
        let info = recording.info();
        if !(info.from_at..=info.to_at).contains(&at) {
            return Err(ApiError::new(
                422,
                "outside_recording",
                format!(
                    "{} is outside the recording ({} – {} UTC)",
                    utc_text(at),
                    utc_text(info.from_at),
                    utc_text(info.to_at)
                ),
            ));
        }
        let annotation = recording
            .annotate(at, by, text, self.shelf.clock.now())
            .await
            .map_err(recording_error)?;
        tracing::info!(recording = %id, by, at, "annotation added");
        // Its count and size changed: the next listing reads the file again.
        self.shelf
            .known
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(id);
        Ok(annotation)
    }

    /// The recording's file, to download or share.
    pub async fn file(&self, id: &str) -> Result<PathBuf, ApiError> {
        let path = self.path_of(id)?;
        if !tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Err(no_such_recording(id));
        }
        // Every write to a recording is committed in place: the file on disk is whole.
        Ok(path)
    }

    /// Removes the recording's file from the folder.
    pub async fn delete(&self, id: &str) -> Result<(), ApiError> {
        let path = self.path_of(id)?;
        let _naming = self.shelf.naming.lock().await;
        if !tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Err(no_such_recording(id));
        }
        self.forget(id).await;
        tokio::fs::remove_file(&path).await.map_err(|e| {
            ApiError::new(
                500,
                "delete_failed",
                format!("{} could not be deleted: {e}", path.display()),
            )
        })?;
        tracing::info!(recording = %id, "recording deleted");
        Ok(())
    }

    /// The `.nocrec` files of the folder by id; a missing folder holds none.
    async fn files(&self) -> Result<Vec<(String, PathBuf)>, ApiError> {
        let mut entries = match tokio::fs::read_dir(&self.shelf.dir).await {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(folder_error(&self.shelf.dir, &e)),
        };
        let mut files = Vec::new();
        while let Some(entry) = entries
            .next_entry()
            .await
            .map_err(|e| folder_error(&self.shelf.dir, &e))?
        {
            let path = entry.path();
            let is_recording = path
                .extension()
                .is_some_and(|ext| ext == RECORDING_EXTENSION);
            let id = path
                .file_stem()
                .and_then(|s| s.to_str())
                .map(str::to_string);
            if let (true, Some(id)) = (is_recording, id) {
                if valid_id(&id) {
                    files.push((id, path));
                }
            }
        }
        Ok(files)
    }

    async fn read_info(
        &self,
        id: &str,
        path: &Path,
        stamp: Stamp,
    ) -> Result<RecordingInfo, String> {
        if let Some(open) = self.take_open(id, false) {
            let info = Ok(open.info());
            self.set_known(id, stamp, info.clone());
            return info;
        }
        let info = match Recording::open(path).await {
            Ok(recording) => {
                let info = recording.info();
                recording.close().await;
                Ok(info)
            }
            Err(err) => Err(err.to_string()),
        };
        // The stamp after closing: opening may have settled the file.
        let stamp = stamp_of(path).await.unwrap_or(stamp);
        self.set_known(id, stamp, info.clone());
        info
    }

    async fn remember(&self, id: &str, path: &Path, info: Result<RecordingInfo, String>) {
        if let Some(stamp) = stamp_of(path).await {
            self.set_known(id, stamp, info);
        }
    }

    fn known(&self, id: &str) -> Option<Known> {
        let known = self.shelf.known.lock().unwrap_or_else(|e| e.into_inner());
        known.get(id).cloned()
    }

    fn set_known(&self, id: &str, stamp: Stamp, info: Result<RecordingInfo, String>) {
        let mut known = self.shelf.known.lock().unwrap_or_else(|e| e.into_inner());
        known.insert(id.to_string(), Known { stamp, info });
    }

    /// The open recording `id`: moved to most recently used, or out of the cache.
    fn take_open(&self, id: &str, remove: bool) -> Option<Recording> {
        let mut open = self.shelf.open.lock().unwrap_or_else(|e| e.into_inner());
        let i = open.iter().position(|(known, _)| known == id)?;
        let entry = open.remove(i);
        if remove {
            return Some(entry.1);
        }
        let recording = entry.1.clone();
        open.push(entry);
        Some(recording)
    }

    /// Closes and forgets what is known of `id` (its file is replaced or removed).
    async fn forget(&self, id: &str) {
        if let Some(open) = self.take_open(id, true) {
            open.close().await;
        }
        self.shelf
            .known
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(id);
    }

    async fn create_dir(&self) -> Result<(), ApiError> {
        tokio::fs::create_dir_all(&self.shelf.dir)
            .await
            .map_err(|e| write_error(&self.shelf.dir, &e))
    }

    /// `prod-<UTC yyyymmdd-hhmm of from>-<n><random>`: readable, sorted by moment,
    /// and unique even when two operators export the same minute.
    async fn free_export_name(&self, from: Millis) -> (String, PathBuf) {
        loop {
            let n = self.shelf.exports.fetch_add(1, Ordering::Relaxed) + 1;
            let id = format!("prod-{}-{n}{}", id_moment(from), random_hex(2));
            let path = self.shelf.dir.join(format!("{id}.{RECORDING_EXTENSION}"));
            if !tokio::fs::try_exists(&path).await.unwrap_or(true) {
                return (id, path);
            }
        }
    }
}

/// An uploaded file on its way into the library.
pub struct Upload {
    path: PathBuf,
    file: Option<tokio::fs::File>,
    digest: Sha256,
    bytes: u64,
    kept: bool,
}

impl Upload {
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), ApiError> {
        let file = self
            .file
            .as_mut()
            .ok_or_else(|| ApiError::new(500, "upload_closed", "the upload is already closed"))?;
        file.write_all(chunk)
            .await
            .map_err(|e| write_error(&self.path, &e))?;
        self.digest.update(chunk);
        self.bytes += chunk.len() as u64;
        Ok(())
    }

    /// Bytes received so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    async fn finish(&mut self) -> Result<(), ApiError> {
        if let Some(mut file) = self.file.take() {
            file.flush()
                .await
                .map_err(|e| write_error(&self.path, &e))?;
            file.sync_all()
                .await
                .map_err(|e| write_error(&self.path, &e))?;
        }
        Ok(())
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        if !self.kept {
            // Refused or abandoned: nothing of it stays in the folder.
            self.file.take();
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Opens an uploaded file to check it; its own name means nothing to the operator
/// who uploaded it, so errors speak of "the uploaded file".
async fn verified_info(path: &Path) -> Result<RecordingInfo, ApiError> {
    let recording = Recording::open(path).await.map_err(|err| {
        let mut api = recording_error(err);
        let shown = path.display().to_string();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        api.message = api
            .message
            .replace(&shown, "the uploaded file")
            .replace(&name, "the uploaded file");
        api
    })?;
    let info = recording.info();
    recording.close().await;
    Ok(info)
}

async fn file_digest(path: &Path) -> Result<Vec<u8>, ApiError> {
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let mut file = std::fs::File::open(&path)?;
        let mut digest = Sha256::new();
        let mut buffer = vec![0u8; 1 << 16];
        loop {
            let n = file.read(&mut buffer)?;
            if n == 0 {
                return Ok(digest.finalize().to_vec());
            }
            digest.update(&buffer[..n]);
        }
    })
    .await
    .map_err(|e| ApiError::new(500, "read_failed", e.to_string()))?
    .map_err(|e: std::io::Error| ApiError::new(500, "read_failed", e.to_string()))
}

async fn stamp_of(path: &Path) -> Option<Stamp> {
    let meta = tokio::fs::metadata(path).await.ok()?;
    Some((meta.modified().ok(), meta.len()))
}

fn scorecard_at(state: &State, at: Millis) -> Option<Scorecard> {
    state.drill.as_ref().map(|drill| drill.scorecard(at))
}

/// A range to export: in order, over, and at most [`MAX_EXPORT_MS`] long.
fn check_range(from: Millis, to: Millis, now: Millis) -> Result<(), ApiError> {
    let refuse = |message: String| Err(ApiError::new(422, "invalid_range", message));
    if from >= to {
        return refuse(format!(
            "the range must end after it starts ({} – {} UTC)",
            utc_text(from),
            utc_text(to)
        ));
    }
    if to > now {
        return refuse(format!(
            "the range ends at {} UTC, which has not happened yet: export a range that is over",
            utc_text(to)
        ));
    }
    if to - from > MAX_EXPORT_MS {
        return refuse(format!(
            "a recording may cover at most {} days; split the range",
            MAX_EXPORT_MS / DAY_MS
        ));
    }
    Ok(())
}

/// A recording's file error as the API answers it, its code and message kept whole.
fn recording_error(err: RecordingError) -> ApiError {
    let message = err.to_string();
    let status = match &err {
        RecordingError::NotARecording { .. }
        | RecordingError::Damaged { .. }
        | RecordingError::Truncated { .. }
        | RecordingError::NewerFormat { .. }
        | RecordingError::InvalidRange { .. }
        | RecordingError::SeqOutOfRange { .. }
        | RecordingError::InvalidAnnotation { .. } => 422,
        RecordingError::DiskFull { .. } => 507,
        RecordingError::AlreadyExists { .. } => 409,
        _ if out_of_space(&err) => return ApiError::new(507, "disk_full", message),
        _ => 500,
    };
    ApiError::new(status, err.code(), message)
}

/// Whether an I/O error anywhere under `err` is a full disk.
fn out_of_space(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(error) = cause {
        if let Some(io) = error.downcast_ref::<std::io::Error>() {
            if is_full(io) {
                return true;
            }
        }
        cause = error.source();
    }
    false
}

fn is_full(err: &std::io::Error) -> bool {
    // 28 is ENOSPC on Linux and macOS, 112 ERROR_DISK_FULL on Windows.
    err.kind() == std::io::ErrorKind::StorageFull || matches!(err.raw_os_error(), Some(28 | 112))
}

fn write_error(path: &Path, err: &std::io::Error) -> ApiError {
    if is_full(err) {
        return ApiError::new(
            507,
            "disk_full",
            format!(
                "the disk holding {} is full: free some space and try again",
                path.display()
            ),
        );
    }
    ApiError::new(
        500,
        "write_failed",
        format!("{} could not be written: {err}", path.display()),
    )
}

fn folder_error(dir: &Path, err: &std::io::Error) -> ApiError {
    ApiError::new(
        500,
        "read_failed",
        format!(
            "the recordings folder {} cannot be read: {err}",
            dir.display()
        ),
    )
}

fn no_such_recording(id: &str) -> ApiError {
    let shown: String = id.chars().take(MAX_ID_CHARS).collect();
    ApiError::not_found(
        "no_such_recording",
        format!("there is no recording {shown:?} in the library"),
    )
}

/// A plain file name: letters, digits, `_`, `.`, `-`, not starting with a dot (no
/// hidden files, no `..`).
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_CHARS
        && !id.starts_with('.')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// The id a file name gives: `prod-20260101-0000-1a3.nocrec` → `prod-20260101-0000-1a3`;
/// characters ids do not take become `-` (`drill (2).nocrec` → `drill-2`).
fn id_from_file_name(name: &str) -> Option<String> {
    let name = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = name
        .strip_suffix(&format!(".{RECORDING_EXTENSION}"))
        .unwrap_or(name);
    let mut id = String::new();
    for c in stem.chars() {
        let keep = c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-');
        if keep {
            id.push(c);
        } else if !id.ends_with('-') {
            id.push('-');
        }
    }
    let id = id.trim_matches(|c| c == '-' || c == '.');
    valid_id(id).then(|| id.to_string())
}

/// `prod-20260101-0000-3f9c2a`: the kind, the start and the start of the file's SHA-256,
/// so the same file always gets the same id.
fn content_id(info: &RecordingInfo, digest: &[u8]) -> String {
    let kind = match info.kind {
        RecordingKind::Production => "prod",
        RecordingKind::Drill => "drill",
    };
    let short = hex::encode(&digest[..3]);
    format!("{kind}-{}-{short}", id_moment(info.from_at))
}

/// `20261123-1046` (UTC).
fn id_moment(at: Millis) -> String {
    let (y, m, d) = civil_from_days(at.div_euclid(DAY_MS));
    let minutes = at.rem_euclid(DAY_MS) / 60_000;
    format!("{y:04}{m:02}{d:02}-{:02}{:02}", minutes / 60, minutes % 60)
}

/// `2026-11-23 10:46` (UTC).
fn utc_text(at: Millis) -> String {
    let (y, m, d) = civil_from_days(at.div_euclid(DAY_MS));
    let minutes = at.rem_euclid(DAY_MS) / 60_000;
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}",
        minutes / 60,
        minutes % 60
    )
}

fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).expect("the operating system's random source is unavailable");
    hex::encode(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_plain_file_names() {
        for id in ["prod-20261123-1046-1a2", "drill_fiber.cut-3", "A1"] {
            assert!(valid_id(id), "{id}");
        }
        for id in ["", "../noc", "..", ".hidden", "a/b", "a\\b", "a b", "名字"] {
            assert!(!valid_id(id), "{id}");
        }
        assert!(!valid_id(&"x".repeat(MAX_ID_CHARS + 1)));
    }

    #[test]
    fn an_imported_file_is_named_by_its_file_name() {
        let cases = [
            (
                "prod-20260101-0000-1a3.nocrec",
                Some("prod-20260101-0000-1a3"),
            ),
            ("C:\\Users\\wang\\drill (2).nocrec", Some("drill-2")),
            ("复盘.nocrec", None),
            ("../../etc/passwd", Some("passwd")),
            ("..nocrec", None),
        ];
        for (name, id) in cases {
            assert_eq!(id_from_file_name(name).as_deref(), id, "{name}");
        }
    }

    #[test]
    fn an_export_id_names_the_utc_minute_it_starts() {
        // 2026-11-23 10:46:59 UTC
        assert_eq!(id_moment(1_795_430_819_000), "20261123-1046");
        assert_eq!(utc_text(0), "1970-01-01 00:00");
    }

    #[test]
    fn a_range_must_be_in_order_over_and_at_most_a_month() {
        let now = 100 * DAY_MS;
        assert!(check_range(now - DAY_MS, now, now).is_ok());
        for (from, to) in [(now, now), (now, now - 1), (0, now + 1), (0, now)] {
            let err = check_range(from, to, now).unwrap_err();
            assert_eq!(
                (err.status, err.code),
                (422, "invalid_range"),
                "{from}–{to}"
            );
        }
    }

    #[test]
    fn a_full_disk_is_told_apart_from_other_write_failures() {
        let full = std::io::Error::from_raw_os_error(28);
        assert_eq!(write_error(Path::new("x"), &full).status, 507);
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        assert_eq!(write_error(Path::new("x"), &denied).status, 500);
    }
}
