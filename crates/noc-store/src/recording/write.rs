//! Exporting a range of the log into a recording file.

use std::path::{Path, PathBuf};

use noc_model::{Event, Millis, RecordingInfo, RecordingKind, Seq, State};
use sqlx::sqlite::{
    Sqlite, SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqliteSynchronous,
};
use sqlx::{ConnectOptions, Connection, QueryBuilder};

use super::format::{self, EventDigest, APPLICATION_ID, INDEXES, SCHEMA};
use super::{Recording, RecordingError, RECORDING_FORMAT};
use crate::Store;

/// Events read from the store and written per round trip: a year of log never sits
/// in memory at once.
const CHUNK: u32 = 5_000;
/// SQLite's default upper bound on `?` parameters in one statement, six per event.
const EVENTS_PER_INSERT: usize = 32_766 / 6;

/// What to record and under which name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordingRequest {
    /// The file's name without `.nocrec`; also kept in the file's header.
    pub id: String,
    pub title: String,
    pub kind: RecordingKind,
    /// The events with `at` in `[from_at, to_at]` are recorded, after the board as it
    /// stood just before `from_at`.
    pub from_at: Millis,
    pub to_at: Millis,
    pub created_by: String,
    pub created_at: Millis,
    /// The drill scenario's name, for a drill.
    pub scenario: Option<String>,
}

/// How a recording is laid out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordingOptions {
    /// A snapshot of the folded state is kept every this many events, so a seek folds
    /// at most this many (see bench/BENCHMARKS.md for how it was chosen).
    pub snapshot_every: u32,
}

impl Default for RecordingOptions {
    fn default() -> Self {
        Self {
            snapshot_every: 10_000,
        }
    }
}

/// Writes the events of `store` with `at` in `[from_at, to_at]`, the state just before
/// them and dense snapshots into a new recording at `path`.
///
/// The file is written as `<path>.partial`, synced and then renamed, so a full disk or
/// a crash never leaves a half-written recording under the real name. An empty range is
/// allowed: the recording then holds the board as it stood, with nothing happening.
/// `path` must not exist yet: a recording is never overwritten (its annotations would
/// be lost).
pub async fn write_recording(
    store: &Store,
    request: RecordingRequest,
    path: &Path,
) -> Result<RecordingInfo, RecordingError> {
    write_recording_with(store, request, path, &RecordingOptions::default()).await
}

/// [`write_recording`] with a chosen layout.
pub async fn write_recording_with(
    store: &Store,
    request: RecordingRequest,
    path: &Path,
    options: &RecordingOptions,
) -> Result<RecordingInfo, RecordingError> {
    write_limited(store, request, path, options, None).await
}

/// `max_pages` caps the file's size in pages: how the tests meet a full disk.
pub(crate) async fn write_limited(
    store: &Store,
    request: RecordingRequest,
    path: &Path,
    options: &RecordingOptions,
    max_pages: Option<u32>,
) -> Result<RecordingInfo, RecordingError> {
    if request.to_at < request.from_at {
        return Err(RecordingError::InvalidRange {
            from_at: request.from_at,
            to_at: request.to_at,
        });
    }
    if path.exists() {
        return Err(RecordingError::AlreadyExists {
            path: path.to_path_buf(),
        });
    }
    let partial = partial_path(path);
    remove_if_present(&partial)?;
    let written = write_partial(store, &request, &partial, options, max_pages).await;
    if let Err(err) = written {
        let _ = std::fs::remove_file(&partial);
        // The message names the file the user asked for, not the temporary one.
        return Err(rename_error(err, &partial, path));
    }
    if let Err(err) = publish(&partial, path) {
        let _ = std::fs::remove_file(&partial);
        return Err(err);
    }
    let recording = Recording::open(path).await?;
    let info = recording.info();
    recording.close().await;
    Ok(info)
}

fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

fn remove_if_present(path: &Path) -> Result<(), RecordingError> {
    match std::fs::remove_file(path) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
            Err(RecordingError::io(path, err))
        }
        _ => Ok(()),
    }
}

fn rename_error(err: RecordingError, partial: &Path, path: &Path) -> RecordingError {
    match err {
        RecordingError::DiskFull { path: p } if p == partial => RecordingError::DiskFull {
            path: path.to_path_buf(),
        },
        RecordingError::Io { path: p, source } if p == partial => RecordingError::Io {
            path: path.to_path_buf(),
            source,
        },
        RecordingError::Sqlite { path: p, source } if p == partial => RecordingError::Sqlite {
            path: path.to_path_buf(),
            source,
        },
        other => other,
    }
}

/// Makes the finished file durable, then gives it its real name.
fn publish(partial: &Path, path: &Path) -> Result<(), RecordingError> {
    let file = std::fs::File::open(partial).map_err(|e| RecordingError::io(path, e))?;
    file.sync_all().map_err(|e| RecordingError::io(path, e))?;
    drop(file);
    std::fs::rename(partial, path).map_err(|e| RecordingError::io(path, e))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        // The rename itself is durable once the folder is synced (not possible on
        // every platform, where the rename is durable enough as it is).
        if let Ok(dir) = std::fs::File::open(dir) {
            let _ = dir.sync_all();
        }
    }
    Ok(())
}

async fn write_partial(
    store: &Store,
    request: &RecordingRequest,
    partial: &Path,
    options: &RecordingOptions,
    max_pages: Option<u32>,
) -> Result<(), RecordingError> {
    let base_seq = store.last_seq_at(request.from_at.saturating_sub(1)).await?;
    let upto = store.last_seq_at(request.to_at).await?.max(base_seq);
    let base = store.state_at(base_seq).await?;

    let sqlite = |e| RecordingError::sqlite(partial, e);
    // The partial file is thrown away on any failure, so it needs no journal and no
    // syncs while it is written; it is synced once, whole, before it is renamed.
    let mut connect = SqliteConnectOptions::new()
        .filename(partial)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Off)
        .synchronous(SqliteSynchronous::Off)
        // Pages split as the events go in keep stale copies of moved rows in their free
        // space; zeroed, every byte of the mailed file is a live row or nothing.
        .pragma("secure_delete", "ON");
    if let Some(pages) = max_pages {
        connect = connect.pragma("max_page_count", pages.to_string());
    }
    let mut conn = connect.connect().await.map_err(sqlite)?;
    let written = fill(&mut conn, store, request, &base, upto, options).await;
    let closed = conn.close().await.map_err(sqlite);
    written.map_err(|e| match e {
        Fill::Sqlite(e) => RecordingError::sqlite(partial, e),
        Fill::Other(e) => e,
    })?;
    closed
}

enum Fill {
    Sqlite(sqlx::Error),
    Other(RecordingError),
}

impl From<sqlx::Error> for Fill {
    fn from(e: sqlx::Error) -> Self {
        Fill::Sqlite(e)
    }
}

impl From<RecordingError> for Fill {
    fn from(e: RecordingError) -> Self {
        Fill::Other(e)
    }
}

impl From<crate::StoreError> for Fill {
    fn from(e: crate::StoreError) -> Self {
        Fill::Other(e.into())
    }
}

async fn fill(
    conn: &mut SqliteConnection,
    store: &Store,
    request: &RecordingRequest,
    base: &State,
    upto: Seq,
    options: &RecordingOptions,
) -> Result<(), Fill> {
    let pragmas = format!(
        "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {RECORDING_FORMAT};"
    );
    execute_script(&mut *conn, &pragmas).await?;
    execute_script(&mut *conn, SCHEMA).await?;

    let every = Seq::from(options.snapshot_every.max(1));
    let mut tx = conn.begin().await?;
    insert_snapshot(&mut tx, base).await?;
    let mut state = base.clone();
    let mut digest = EventDigest::default();
    let mut count: u64 = 0;
    let mut times_rise = true;
    let mut last_at = Millis::MIN;
    loop {
        let mut events = store.events_after(state.seq, CHUNK).await?;
        events.retain(|e| e.seq <= upto);
        if events.is_empty() {
            break;
        }
        let bodies = events
            .iter()
            .map(|e| serde_json::to_string(&e.body))
            .collect::<Result<Vec<_>, _>>()
            .map_err(crate::StoreError::from)?;
        for (event, body) in events.iter().zip(&bodies) {
            digest.add_event(event, body);
            times_rise &= event.at >= last_at;
            last_at = event.at;
        }
        insert_events(&mut tx, &events, &bodies).await?;
        for event in &events {
            state.apply_quiet(event);
            count += 1;
            if (event.seq - base.seq) % every == 0 && event.seq != upto {
                insert_snapshot(&mut tx, &state).await?;
            }
        }
    }
    let last_seq = state.seq;
    execute_script(&mut tx, INDEXES).await?;
    insert_header(
        &mut tx,
        request,
        Header {
            base_seq: base.seq,
            last_seq,
            count,
            every,
            times_rise,
            digest: digest.finish(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Runs the statements of a script one by one (none of ours has a `;` inside a
/// statement). `sqlx::raw_sql` would do it at once, but its future is not `Send`.
async fn execute_script(conn: &mut SqliteConnection, script: &str) -> Result<(), sqlx::Error> {
    for statement in script.split(';').filter(|s| !s.trim().is_empty()) {
        sqlx::query(statement).execute(&mut *conn).await?;
    }
    Ok(())
}

async fn insert_events(
    conn: &mut SqliteConnection,
    events: &[Event],
    bodies: &[String],
) -> Result<(), sqlx::Error> {
    let rows: Vec<(&Event, &String)> = events.iter().zip(bodies).collect();
    for chunk in rows.chunks(EVENTS_PER_INSERT) {
        let mut sql = QueryBuilder::<Sqlite>::new(
            "INSERT INTO events (seq, at, kind, actor, subject, body) ",
        );
        sql.push_values(chunk, |mut row, (event, body)| {
            row.push_bind(event.seq)
                .push_bind(event.at)
                .push_bind(event.body.kind())
                .push_bind(event.actor.as_str())
                .push_bind(event.subject.as_str())
                .push_bind(body.as_str());
        });
        sql.build().execute(&mut *conn).await?;
    }
    Ok(())
}

async fn insert_snapshot(conn: &mut SqliteConnection, state: &State) -> Result<(), Fill> {
    let json = serde_json::to_string(state).map_err(crate::StoreError::from)?;
    sqlx::query("INSERT INTO snapshots (seq, state, digest) VALUES (?, ?, ?)")
        .bind(state.seq)
        .bind(&json)
        .bind(format::snapshot_digest(&json))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

struct Header {
    base_seq: Seq,
    last_seq: Seq,
    count: u64,
    every: Seq,
    times_rise: bool,
    digest: String,
}

async fn insert_header(
    conn: &mut SqliteConnection,
    request: &RecordingRequest,
    header: Header,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO recording (format, id, title, kind, from_at, to_at, base_seq, first_seq, \
         last_seq, events, created_at, created_by, written_by, scenario, snapshot_every, \
         times_rise, digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(RECORDING_FORMAT)
    .bind(&request.id)
    .bind(&request.title)
    .bind(format::kind_name(request.kind))
    .bind(request.from_at)
    .bind(request.to_at)
    .bind(header.base_seq)
    .bind(header.base_seq + 1)
    .bind(header.last_seq)
    .bind(header.count as i64)
    .bind(request.created_at)
    .bind(&request.created_by)
    .bind(super::WRITTEN_BY)
    .bind(&request.scenario)
    .bind(header.every)
    .bind(header.times_rise)
    .bind(header.digest)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
