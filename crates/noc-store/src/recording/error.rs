use std::path::{Path, PathBuf};

use noc_model::{Millis, Seq};

use crate::StoreError;

/// SQLite's primary result codes this module tells the user about in words.
const SQLITE_CORRUPT: i64 = 11;
const SQLITE_FULL: i64 = 13;
const SQLITE_NOTADB: i64 = 26;
/// `ENOSPC` on Linux and macOS.
const ENOSPC: i32 = 28;

/// Why a recording could not be written, opened or read. Every message names the file
/// and says in plain words what is wrong; none of them leaves the file changed.
#[derive(Debug, thiserror::Error)]
pub enum RecordingError {
    #[error("{} is not a recording: {reason}; nothing was changed", .path.display())]
    NotARecording { path: PathBuf, reason: String },
    #[error("{} is damaged: {reason}; nothing was changed — ask for a new copy", .path.display())]
    Damaged { path: PathBuf, reason: String },
    #[error(
        "{} is incomplete: it has {} bytes but its own header says {} — the file was cut \
         short while being copied or downloaded; nothing was changed — ask for a new copy",
        .path.display(), grouped(*.found), grouped(*.expected)
    )]
    Truncated {
        path: PathBuf,
        expected: u64,
        found: u64,
    },
    #[error(
        "{} was written by a newer console (recording format {found}, this console reads up \
         to format {supported}); nothing was changed — open it with an up-to-date console",
        .path.display()
    )]
    NewerFormat {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error(
        "cannot write the recording {}: the disk is full; nothing was kept — free some space \
         and try again", .path.display()
    )]
    DiskFull { path: PathBuf },
    #[error("{} already exists; it was left as it is — choose another name", .path.display())]
    AlreadyExists { path: PathBuf },
    #[error("the range to record ends ({to_at}) before it starts ({from_at})")]
    InvalidRange { from_at: Millis, to_at: Millis },
    #[error(
        "seq {seq} is not in the recording {} (it holds the board from seq {base} to {last})",
        .path.display()
    )]
    SeqOutOfRange {
        path: PathBuf,
        seq: Seq,
        base: Seq,
        last: Seq,
    },
    #[error("the annotation was not saved into {}: {reason}", .path.display())]
    InvalidAnnotation { path: PathBuf, reason: String },
    #[error("cannot read or write {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read or write the recording {}: {source}", .path.display())]
    Sqlite {
        path: PathBuf,
        #[source]
        source: sqlx::Error,
    },
    #[error("cannot read the event log to record: {0}")]
    Store(#[from] StoreError),
}

impl RecordingError {
    /// A machine code the API and the UI can switch on.
    pub fn code(&self) -> &'static str {
        match self {
            RecordingError::NotARecording { .. } => "not_a_recording",
            RecordingError::Damaged { .. } | RecordingError::Truncated { .. } => {
                "recording_damaged"
            }
            RecordingError::NewerFormat { .. } => "recording_newer_format",
            RecordingError::DiskFull { .. } => "disk_full",
            RecordingError::AlreadyExists { .. } => "conflict",
            RecordingError::InvalidRange { .. }
            | RecordingError::SeqOutOfRange { .. }
            | RecordingError::InvalidAnnotation { .. } => "invalid_request",
            RecordingError::Io { .. } | RecordingError::Sqlite { .. } => "store_unavailable",
            RecordingError::Store(err) => err.code(),
        }
    }

    pub(crate) fn damaged(path: &Path, reason: impl Into<String>) -> RecordingError {
        RecordingError::Damaged {
            path: path.to_path_buf(),
            reason: reason.into(),
        }
    }

    pub(crate) fn not_a_recording(path: &Path, reason: impl Into<String>) -> RecordingError {
        RecordingError::NotARecording {
            path: path.to_path_buf(),
            reason: reason.into(),
        }
    }

    /// Classifies an SQLite error met on `path`: a full disk and a damaged file get
    /// their own words.
    pub(crate) fn sqlite(path: &Path, source: sqlx::Error) -> RecordingError {
        if let sqlx::Error::Io(io) = source {
            return RecordingError::io(path, io);
        }
        match primary_code(&source) {
            Some(SQLITE_FULL) => RecordingError::DiskFull {
                path: path.to_path_buf(),
            },
            Some(SQLITE_CORRUPT | SQLITE_NOTADB) => {
                RecordingError::damaged(path, format!("SQLite cannot read it ({source})"))
            }
            _ => RecordingError::Sqlite {
                path: path.to_path_buf(),
                source,
            },
        }
    }

    pub(crate) fn io(path: &Path, source: std::io::Error) -> RecordingError {
        if source.raw_os_error() == Some(ENOSPC) || source.kind() == std::io::ErrorKind::StorageFull
        {
            return RecordingError::DiskFull {
                path: path.to_path_buf(),
            };
        }
        RecordingError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// A stored row that does not decode: the file was changed after it was written.
    pub(crate) fn record(path: &Path, what: &str, err: serde_json::Error) -> RecordingError {
        RecordingError::damaged(path, format!("{what} cannot be read ({err})"))
    }
}

fn primary_code(err: &sqlx::Error) -> Option<i64> {
    let db = err.as_database_error()?;
    // Extended result codes carry the primary code in their low byte.
    db.code()
        .and_then(|code| code.parse::<i64>().ok())
        .map(|code| code & 0xff)
}

/// `1234567` as `1,234,567`: counts in messages an operator reads.
pub(crate) fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let head = match digits.len() % 3 {
        0 => 3,
        short => short,
    };
    let (first, rest) = digits.split_at(head.min(digits.len()));
    let mut out = first.to_string();
    for group in rest.as_bytes().chunks(3) {
        out.push(',');
        out.push_str(std::str::from_utf8(group).unwrap_or_default());
    }
    out
}
