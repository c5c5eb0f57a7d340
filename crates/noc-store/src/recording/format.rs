//! The layout of a recording file: its schema, the SQLite header fields it is told
//! apart by, and the digests that prove its events and snapshots are as written.

use std::io::Read;
use std::path::Path;

use noc_model::{Event, RecordingKind, Seq};
use sha2::{Digest, Sha256};

use super::{RecordingError, RECORDING_FORMAT};

/// `PRAGMA application_id` of a recording: "NOCR" in ASCII. A SQLite file without it
/// is somebody else's database.
pub(crate) const APPLICATION_ID: u32 = 0x4E4F_4352;

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";
const HEADER_LEN: usize = 100;

/// The tables of format 1. Indexes are created after the events are in (faster).
pub(crate) const SCHEMA: &str = r#"
CREATE TABLE recording (
    format         INTEGER NOT NULL,
    id             TEXT    NOT NULL,
    title          TEXT    NOT NULL,
    kind           TEXT    NOT NULL,
    from_at        INTEGER NOT NULL,
    to_at          INTEGER NOT NULL,
    base_seq       INTEGER NOT NULL, -- the seq of the base state: just before first_seq
    first_seq      INTEGER NOT NULL,
    last_seq       INTEGER NOT NULL,
    events         INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    created_by     TEXT    NOT NULL,
    written_by     TEXT    NOT NULL,
    scenario       TEXT,
    snapshot_every INTEGER NOT NULL,
    times_rise     INTEGER NOT NULL, -- 1 when no event's `at` is earlier than the one before
    digest         TEXT    NOT NULL  -- SHA-256 (hex) over the events, see docs/review.md
);

CREATE TABLE events (
    seq     INTEGER PRIMARY KEY, -- the original seq of the hub's log
    at      INTEGER NOT NULL,
    kind    TEXT    NOT NULL,
    actor   TEXT    NOT NULL,
    subject TEXT    NOT NULL,
    body    TEXT    NOT NULL -- JSON of EventBody
);

-- The folded state (JSON of State) after event `seq`, the base state first.
CREATE TABLE snapshots (
    seq    INTEGER PRIMARY KEY,
    state  TEXT    NOT NULL,
    digest TEXT    NOT NULL -- SHA-256 (hex) of `state`
);

CREATE TABLE annotations (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         INTEGER NOT NULL,
    "by"       TEXT    NOT NULL,
    written_at INTEGER NOT NULL,
    text       TEXT    NOT NULL
);

CREATE INDEX annotations_at ON annotations (at);
"#;

/// Built once the events are written.
pub(crate) const INDEXES: &str = r#"
CREATE INDEX events_at ON events (at);
CREATE INDEX events_by_people ON events (seq)
    WHERE actor NOT IN ('engine', 'drill', 'demo', 'layout', 'notifier', 'noc.toml')
      AND actor NOT LIKE 'source:%';
"#;

/// The filter of `events_by_people`, spelled the same so SQLite uses that index.
pub(crate) const PEOPLE_ONLY: &str =
    "actor NOT IN ('engine', 'drill', 'demo', 'layout', 'notifier', 'noc.toml') \
     AND actor NOT LIKE 'source:%'";

pub(crate) const TABLES: [&str; 4] = ["recording", "events", "snapshots", "annotations"];

/// Tells a recording from anything else by its bytes: SQLite's magic, the size the
/// header promises (a cut copy is shorter), our application id and the format.
/// Read before SQLite is let near the file.
pub(crate) fn check_file_header(path: &Path) -> Result<(), RecordingError> {
    let mut file = std::fs::File::open(path).map_err(|e| RecordingError::io(path, e))?;
    let found = file
        .metadata()
        .map_err(|e| RecordingError::io(path, e))?
        .len();
    let mut header = Vec::with_capacity(HEADER_LEN);
    file.by_ref()
        .take(HEADER_LEN as u64)
        .read_to_end(&mut header)
        .map_err(|e| RecordingError::io(path, e))?;
    let magic_len = header.len().min(SQLITE_MAGIC.len());
    if header[..magic_len] != SQLITE_MAGIC[..magic_len] {
        return Err(RecordingError::not_a_recording(
            path,
            "it is not a SQLite database, so not a recording file of this console",
        ));
    }
    if header.len() < HEADER_LEN {
        return Err(RecordingError::Truncated {
            path: path.to_path_buf(),
            expected: HEADER_LEN as u64,
            found,
        });
    }
    let be32 = |at: usize| {
        u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
    };
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        size => u64::from(size),
    };
    // The page count in the header is only valid when written by a SQLite that keeps
    // it (3.7.0+), which the "version valid for" field tells.
    let pages = u64::from(be32(28));
    if be32(24) == be32(92) && pages > 0 {
        let expected = page_size * pages;
        if found < expected {
            return Err(RecordingError::Truncated {
                path: path.to_path_buf(),
                expected,
                found,
            });
        }
    }
    if be32(68) != APPLICATION_ID {
        return Err(RecordingError::not_a_recording(
            path,
            "it is a SQLite database, but not a recording of this console",
        ));
    }
    let format = be32(60);
    if format > RECORDING_FORMAT {
        return Err(RecordingError::NewerFormat {
            path: path.to_path_buf(),
            found: format,
            supported: RECORDING_FORMAT,
        });
    }
    Ok(())
}

/// The SHA-256 over the events in seq order. Each field is length-prefixed, so no two
/// different logs hash the same bytes.
#[derive(Default)]
pub(crate) struct EventDigest(Sha256);

impl EventDigest {
    pub(crate) fn add(
        &mut self,
        seq: Seq,
        at: i64,
        kind: &str,
        actor: &str,
        subject: &str,
        body: &str,
    ) {
        self.0.update(seq.to_le_bytes());
        self.0.update(at.to_le_bytes());
        for field in [kind, actor, subject, body] {
            self.0.update((field.len() as u64).to_le_bytes());
            self.0.update(field.as_bytes());
        }
    }

    pub(crate) fn add_event(&mut self, event: &Event, body: &str) {
        self.add(
            event.seq,
            event.at,
            event.body.kind(),
            &event.actor,
            &event.subject,
            body,
        );
    }

    pub(crate) fn finish(self) -> String {
        hex(&self.0.finalize())
    }
}

pub(crate) fn snapshot_digest(state_json: &str) -> String {
    hex(&Sha256::digest(state_json.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn kind_name(kind: RecordingKind) -> &'static str {
    match kind {
        RecordingKind::Drill => "drill",
        RecordingKind::Production => "production",
    }
}

pub(crate) fn kind_from_name(name: &str) -> Option<RecordingKind> {
    match name {
        "drill" => Some(RecordingKind::Drill),
        "production" => Some(RecordingKind::Production),
        _ => None,
    }
}
