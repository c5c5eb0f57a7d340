//! An opened recording: verified once, then sought, read and annotated.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use noc_model::{Annotation, Event, Millis, RecordingInfo, Seq, State};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqlitePool, SqlitePoolOptions, SqliteRow,
};
use sqlx::Row;

use super::error::grouped;
use super::format::{self, EventDigest, PEOPLE_ONLY, TABLES};
use super::{RecordingError, RECORDING_FORMAT};
use crate::{tables, StoreError};

/// Events read per round trip while folding or hashing.
const CHUNK: u32 = 5_000;
/// The longest annotation, in characters.
pub const ANNOTATION_MAX_CHARS: usize = 4_000;
/// Density slices asked for at most: more than any timeline has pixels.
const MAX_BUCKETS: u32 = 10_000;

/// An opened recording file. Cheap to clone; all clones share one set of connections.
#[derive(Clone)]
pub struct Recording {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    pool: SqlitePool,
    header: Header,
    info: Mutex<RecordingInfo>,
    /// The last state sought: playing forward folds on from it instead of going back
    /// to a snapshot for every frame.
    last_sought: Mutex<Option<State>>,
}

/// What the header row says, as the reads need it.
#[derive(Debug, Clone)]
struct Header {
    base_seq: Seq,
    last_seq: Seq,
    events: u64,
    times_rise: bool,
    digest: String,
}

impl std::fmt::Debug for Recording {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recording")
            .field("path", &self.inner.path)
            .finish_non_exhaustive()
    }
}

impl Recording {
    /// Opens and verifies the recording at `path`: that it is a whole SQLite file of
    /// ours in a format this console reads, that SQLite finds its pages sound, that its
    /// events are all there without a gap, and that they hash to the digest its header
    /// holds. Nothing in the file is changed, whatever is found.
    pub async fn open(path: &Path) -> Result<Recording, RecordingError> {
        format::check_file_header(path)?;
        let pool = SqlitePoolOptions::new()
            .max_connections(2)
            .min_connections(0)
            .connect_with(
                SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(false)
                    .busy_timeout(Duration::from_secs(5)),
            )
            .await
            .map_err(|e| RecordingError::sqlite(path, e))?;
        match verify(path, &pool).await {
            Ok((header, info)) => Ok(Recording {
                inner: Arc::new(Inner {
                    path: path.to_path_buf(),
                    pool,
                    header,
                    info: Mutex::new(info),
                    last_sought: Mutex::new(None),
                }),
            }),
            Err(err) => {
                pool.close().await;
                Err(err)
            }
        }
    }

    /// What the recording holds; the annotation count and the size are kept current.
    pub fn info(&self) -> RecordingInfo {
        self.inner.info.lock().expect("recording info").clone()
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// The board after the last event recorded at or before `at`: the base state (the
    /// board as it stood when the recording starts) for a moment before the first event.
    pub async fn state_at(&self, at: Millis) -> Result<State, RecordingError> {
        let seq = self.seq_at(at).await?;
        self.state_at_seq(seq).await
    }

    /// The seq of the last event recorded at or before `at`, or the base seq when none is.
    pub async fn seq_at(&self, at: Millis) -> Result<Seq, RecordingError> {
        let header = &self.inner.header;
        let sql = if header.times_rise {
            // Times rise with seqs: the index on `at` finds it in one step.
            "SELECT seq FROM events WHERE at <= ? ORDER BY at DESC, seq DESC LIMIT 1"
        } else {
            "SELECT MAX(seq) FROM events WHERE at <= ?"
        };
        let seq: Option<Option<Seq>> = sqlx::query_scalar(sql)
            .bind(at)
            .fetch_optional(&self.inner.pool)
            .await
            .map_err(|e| self.sqlite(e))?;
        Ok(seq
            .flatten()
            .unwrap_or(header.base_seq)
            .max(header.base_seq))
    }

    /// The board right after event `seq`; `seq` is the base seq or one of the recorded.
    pub async fn state_at_seq(&self, seq: Seq) -> Result<State, RecordingError> {
        let header = &self.inner.header;
        if !(header.base_seq..=header.last_seq).contains(&seq) {
            return Err(RecordingError::SeqOutOfRange {
                path: self.inner.path.clone(),
                seq,
                base: header.base_seq,
                last: header.last_seq,
            });
        }
        let mut conn = self.conn().await?;
        let snapshot_seq: Seq = sqlx::query_scalar("SELECT MAX(seq) FROM snapshots WHERE seq <= ?")
            .bind(seq)
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| self.sqlite(e))?;
        let mut state = match self.sought_between(snapshot_seq, seq) {
            Some(state) => state,
            None => self.snapshot(&mut conn, snapshot_seq).await?,
        };
        loop {
            let events = tables::events_between(&mut conn, state.seq, seq, CHUNK)
                .await
                .map_err(|e| self.store_error(e))?;
            if events.is_empty() {
                break;
            }
            for event in &events {
                state.apply_quiet(event);
            }
        }
        if state.seq != seq {
            return Err(RecordingError::damaged(
                &self.inner.path,
                format!("the events up to seq {seq} are not all there"),
            ));
        }
        *self.inner.last_sought.lock().expect("last sought") = Some(state.clone());
        Ok(state)
    }

    /// The last state sought, when it lies between the snapshot and `seq`.
    fn sought_between(&self, snapshot_seq: Seq, seq: Seq) -> Option<State> {
        let last = self.inner.last_sought.lock().expect("last sought");
        last.as_ref()
            .filter(|s| (snapshot_seq..=seq).contains(&s.seq))
            .cloned()
    }

    async fn snapshot(
        &self,
        conn: &mut SqliteConnection,
        seq: Seq,
    ) -> Result<State, RecordingError> {
        let row = sqlx::query("SELECT state, digest FROM snapshots WHERE seq = ?")
            .bind(seq)
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| self.sqlite(e))?;
        let json: &str = row.try_get("state").map_err(|e| self.sqlite(e))?;
        let digest: &str = row.try_get("digest").map_err(|e| self.sqlite(e))?;
        if format::snapshot_digest(json) != digest {
            return Err(RecordingError::damaged(
                &self.inner.path,
                format!("the board kept at seq {seq} was changed after it was written"),
            ));
        }
        let state: State = serde_json::from_str(json)
            .map_err(|e| RecordingError::record(&self.inner.path, "a kept board", e))?;
        if state.seq != seq {
            return Err(RecordingError::damaged(
                &self.inner.path,
                format!(
                    "the board kept at seq {seq} says it is at seq {}",
                    state.seq
                ),
            ));
        }
        Ok(state)
    }

    /// At most `limit` recorded events with seq greater than `after`, oldest first.
    pub async fn events(&self, after: Seq, limit: u32) -> Result<Vec<Event>, RecordingError> {
        let mut conn = self.conn().await?;
        tables::events_between(&mut conn, after, Seq::MAX, limit)
            .await
            .map_err(|e| self.store_error(e))
    }

    /// The operators' actions, oldest first: every event a person caused, not the
    /// engine, a source (`source:*`), the drill, the demo or the topology layout.
    pub async fn actions(&self) -> Result<Vec<Event>, RecordingError> {
        let rows = sqlx::query(&format!(
            "SELECT seq, at, kind, actor, subject, body FROM events WHERE {PEOPLE_ONLY} \
             ORDER BY seq"
        ))
        .fetch_all(&self.inner.pool)
        .await
        .map_err(|e| self.sqlite(e))?;
        rows.iter()
            .map(|row| tables::event_from_row(row).map_err(|e| self.store_error(e)))
            .collect()
    }

    /// How many events fall in each of `buckets` equal slices of `[from_at, to_at]`
    /// (the few recorded outside it, a clock set back, count in the first or last).
    pub async fn density(&self, buckets: u32) -> Result<Vec<u32>, RecordingError> {
        let buckets = buckets.min(MAX_BUCKETS);
        if buckets == 0 {
            return Ok(Vec::new());
        }
        let (from_at, to_at) = {
            let info = self.inner.info.lock().expect("recording info");
            (info.from_at, info.to_at)
        };
        let span = (to_at - from_at).max(0) + 1;
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT MAX(0, MIN(?1 - 1, (at - ?2) * ?1 / ?3)) AS slice, COUNT(*) \
             FROM events GROUP BY slice",
        )
        .bind(i64::from(buckets))
        .bind(from_at)
        .bind(span)
        .fetch_all(&self.inner.pool)
        .await
        .map_err(|e| self.sqlite(e))?;
        let mut density = vec![0u32; buckets as usize];
        for (slice, count) in rows {
            if let Some(cell) = usize::try_from(slice).ok().and_then(|i| density.get_mut(i)) {
                *cell = u32::try_from(count).unwrap_or(u32::MAX);
            }
        }
        Ok(density)
    }

    /// Saves a reviewer's note about the moment `at` into the file, where it travels
    /// with the recording. The text is trimmed and must be 1 to 4,000 characters; `at`
    /// must lie within the recorded range.
    pub async fn annotate(
        &self,
        at: Millis,
        by: &str,
        text: &str,
        written_at: Millis,
    ) -> Result<Annotation, RecordingError> {
        let text = text.trim();
        let (from_at, to_at) = {
            let info = self.inner.info.lock().expect("recording info");
            (info.from_at, info.to_at)
        };
        let refuse = |reason: String| RecordingError::InvalidAnnotation {
            path: self.inner.path.clone(),
            reason,
        };
        let chars = text.chars().count();
        if chars == 0 {
            return Err(refuse("its text is empty".into()));
        }
        if chars > ANNOTATION_MAX_CHARS {
            return Err(refuse(format!(
                "its text is {} characters long; at most {} fit",
                grouped(chars as u64),
                grouped(ANNOTATION_MAX_CHARS as u64)
            )));
        }
        if by.trim().is_empty() {
            return Err(refuse("it does not say who wrote it".into()));
        }
        if !(from_at..=to_at).contains(&at) {
            return Err(refuse(format!(
                "the moment {at} is outside the recording ({from_at} to {to_at})"
            )));
        }
        let mut tx = self.inner.pool.begin().await.map_err(|e| self.sqlite(e))?;
        let id = sqlx::query(
            "INSERT INTO annotations (at, \"by\", written_at, text) VALUES (?, ?, ?, ?)",
        )
        .bind(at)
        .bind(by)
        .bind(written_at)
        .bind(text)
        .execute(&mut *tx)
        .await
        .map_err(|e| self.sqlite(e))?
        .last_insert_rowid();
        tx.commit().await.map_err(|e| self.sqlite(e))?;
        let bytes = file_size(&self.inner.path)?;
        {
            let mut info = self.inner.info.lock().expect("recording info");
            info.annotations += 1;
            info.bytes = bytes;
        }
        Ok(Annotation {
            id,
            at,
            by: by.to_string(),
            written_at,
            text: text.to_string(),
        })
    }

    /// The reviewers' annotations, by the moment they are about.
    pub async fn annotations(&self) -> Result<Vec<Annotation>, RecordingError> {
        let rows =
            sqlx::query("SELECT id, at, \"by\", written_at, text FROM annotations ORDER BY at, id")
                .fetch_all(&self.inner.pool)
                .await
                .map_err(|e| self.sqlite(e))?;
        rows.iter()
            .map(|row| annotation_from_row(row).map_err(|e| self.sqlite(e)))
            .collect()
    }

    /// Closes the file. Other clones of this recording cannot read it afterwards.
    pub async fn close(self) {
        self.inner.pool.close().await;
    }

    async fn conn(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Sqlite>, RecordingError> {
        self.inner.pool.acquire().await.map_err(|e| self.sqlite(e))
    }

    fn sqlite(&self, err: sqlx::Error) -> RecordingError {
        RecordingError::sqlite(&self.inner.path, err)
    }

    fn store_error(&self, err: StoreError) -> RecordingError {
        from_store(&self.inner.path, err)
    }
}

fn from_store(path: &Path, err: StoreError) -> RecordingError {
    match err {
        StoreError::Record(e) => RecordingError::record(path, "a recorded event", e),
        StoreError::Corrupt(reason) => {
            RecordingError::damaged(path, format!("SQLite cannot read it ({reason})"))
        }
        StoreError::Database(e) | StoreError::Open { source: e, .. } => {
            RecordingError::sqlite(path, e)
        }
        other => RecordingError::Store(other),
    }
}

fn annotation_from_row(row: &SqliteRow) -> Result<Annotation, sqlx::Error> {
    Ok(Annotation {
        id: row.try_get("id")?,
        at: row.try_get("at")?,
        by: row.try_get("by")?,
        written_at: row.try_get("written_at")?,
        text: row.try_get("text")?,
    })
}

fn file_size(path: &Path) -> Result<u64, RecordingError> {
    std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(|e| RecordingError::io(path, e))
}

/// Everything [`Recording::open`] checks, in the order that gives the truest message.
async fn verify(path: &Path, pool: &SqlitePool) -> Result<(Header, RecordingInfo), RecordingError> {
    let sqlite = |e| RecordingError::sqlite(path, e);
    let mut conn = pool.acquire().await.map_err(sqlite)?;
    check_tables(path, &mut conn).await?;
    let (header, mut info) = read_header(path, &mut conn).await?;
    check_pages(path, &mut conn).await?;
    check_events(path, &mut conn, &header).await?;
    check_digest(path, &mut conn, &header).await?;
    let base: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM snapshots WHERE seq = ?")
        .bind(header.base_seq)
        .fetch_one(&mut *conn)
        .await
        .map_err(sqlite)?;
    if base != 1 {
        return Err(RecordingError::damaged(
            path,
            "the board it starts from is missing",
        ));
    }
    let annotations: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM annotations")
        .fetch_one(&mut *conn)
        .await
        .map_err(sqlite)?;
    info.annotations = u32::try_from(annotations).unwrap_or(u32::MAX);
    info.bytes = file_size(path)?;
    Ok((header, info))
}

async fn check_tables(path: &Path, conn: &mut SqliteConnection) -> Result<(), RecordingError> {
    let names: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| RecordingError::sqlite(path, e))?;
    if let Some(missing) = TABLES.iter().find(|t| !names.iter().any(|n| n == *t)) {
        return Err(RecordingError::not_a_recording(
            path,
            format!("it is a SQLite database of this console's kind, but has no {missing} table"),
        ));
    }
    Ok(())
}

async fn check_pages(path: &Path, conn: &mut SqliteConnection) -> Result<(), RecordingError> {
    let problems: Vec<String> = sqlx::query_scalar("PRAGMA quick_check(3)")
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| RecordingError::sqlite(path, e))?;
    if problems.len() == 1 && problems[0] == "ok" {
        return Ok(());
    }
    Err(RecordingError::damaged(
        path,
        format!("SQLite finds its pages broken ({})", problems.join("; ")),
    ))
}

async fn read_header(
    path: &Path,
    conn: &mut SqliteConnection,
) -> Result<(Header, RecordingInfo), RecordingError> {
    let rows = sqlx::query("SELECT * FROM recording")
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| RecordingError::sqlite(path, e))?;
    let [row] = rows.as_slice() else {
        return Err(RecordingError::damaged(
            path,
            format!("it should have one header, it has {}", rows.len()),
        ));
    };
    let unreadable =
        |e: sqlx::Error| RecordingError::damaged(path, format!("its header cannot be read ({e})"));
    let format: i64 = row.try_get("format").map_err(unreadable)?;
    if format > i64::from(RECORDING_FORMAT) {
        return Err(RecordingError::NewerFormat {
            path: path.to_path_buf(),
            found: u32::try_from(format).unwrap_or(u32::MAX),
            supported: RECORDING_FORMAT,
        });
    }
    let kind: String = row.try_get("kind").map_err(unreadable)?;
    let kind = format::kind_from_name(&kind).ok_or_else(|| {
        RecordingError::damaged(path, format!("its header names an unknown kind \"{kind}\""))
    })?;
    let events: i64 = row.try_get("events").map_err(unreadable)?;
    let header = Header {
        base_seq: row.try_get("base_seq").map_err(unreadable)?,
        last_seq: row.try_get("last_seq").map_err(unreadable)?,
        events: u64::try_from(events).unwrap_or(0),
        times_rise: row.try_get("times_rise").map_err(unreadable)?,
        digest: row.try_get("digest").map_err(unreadable)?,
    };
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
    let info = RecordingInfo {
        id: match stem {
            Some(stem) => stem,
            None => row.try_get("id").map_err(unreadable)?,
        },
        title: row.try_get("title").map_err(unreadable)?,
        kind,
        from_at: row.try_get("from_at").map_err(unreadable)?,
        to_at: row.try_get("to_at").map_err(unreadable)?,
        first_seq: row.try_get("first_seq").map_err(unreadable)?,
        last_seq: header.last_seq,
        events: header.events,
        created_at: row.try_get("created_at").map_err(unreadable)?,
        created_by: row.try_get("created_by").map_err(unreadable)?,
        written_by: row.try_get("written_by").map_err(unreadable)?,
        scenario: row.try_get("scenario").map_err(unreadable)?,
        annotations: 0,
        bytes: 0,
    };
    if info.first_seq != header.base_seq + 1 || header.last_seq < header.base_seq {
        return Err(RecordingError::damaged(
            path,
            format!(
                "its header's seqs do not add up (base {}, first {}, last {})",
                header.base_seq, info.first_seq, header.last_seq
            ),
        ));
    }
    Ok((header, info))
}

/// Every event the header promises is there, without a gap.
async fn check_events(
    path: &Path,
    conn: &mut SqliteConnection,
    header: &Header,
) -> Result<(), RecordingError> {
    let (count, first, last): (i64, Option<Seq>, Option<Seq>) =
        sqlx::query_as("SELECT COUNT(*), MIN(seq), MAX(seq) FROM events")
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| RecordingError::sqlite(path, e))?;
    let count = u64::try_from(count).unwrap_or(0);
    if count != header.events {
        let how = if count < header.events {
            "part of it is missing"
        } else {
            "events were added to it"
        };
        return Err(RecordingError::damaged(
            path,
            format!(
                "it holds {} events but its header says {} — {how}",
                grouped(count),
                grouped(header.events)
            ),
        ));
    }
    let Some((first, last)) = first.zip(last) else {
        return Ok(());
    };
    if first != header.base_seq + 1 || last != header.last_seq {
        return Err(RecordingError::damaged(
            path,
            format!(
                "its events run from seq {first} to {last} but its header says {} to {}",
                header.base_seq + 1,
                header.last_seq
            ),
        ));
    }
    if (last - first + 1) as u64 != count {
        return Err(RecordingError::damaged(
            path,
            format!("events are missing between seq {first} and {last}"),
        ));
    }
    Ok(())
}

/// The events hash to the digest written with them: no event was changed.
async fn check_digest(
    path: &Path,
    conn: &mut SqliteConnection,
    header: &Header,
) -> Result<(), RecordingError> {
    let mut digest = EventDigest::default();
    let mut after = header.base_seq;
    loop {
        let rows = sqlx::query(
            "SELECT seq, at, kind, actor, subject, body FROM events WHERE seq > ? \
             ORDER BY seq LIMIT ?",
        )
        .bind(after)
        .bind(CHUNK)
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| RecordingError::sqlite(path, e))?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            let field = |e| RecordingError::damaged(path, format!("an event cannot be read ({e})"));
            let seq: Seq = row.try_get("seq").map_err(field)?;
            digest.add(
                seq,
                row.try_get("at").map_err(field)?,
                row.try_get("kind").map_err(field)?,
                row.try_get("actor").map_err(field)?,
                row.try_get("subject").map_err(field)?,
                row.try_get("body").map_err(field)?,
            );
            after = seq;
        }
    }
    if digest.finish() != header.digest {
        return Err(RecordingError::damaged(
            path,
            "its events are not the ones it was written with (the digest does not match) — \
             the file was changed or damaged after it was written",
        ));
    }
    Ok(())
}
