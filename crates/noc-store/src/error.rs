use std::path::PathBuf;

use noc_model::Seq;

/// SQLite's primary result codes that mean the file itself cannot be trusted.
const SQLITE_CORRUPT: i64 = 11;
const SQLITE_NOTADB: i64 = 26;

/// Why the store could not do what was asked. `code()` is stable for the API and the UI.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the store at {path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: sqlx::Error,
    },
    #[error("the database is damaged or is not a NOC database: {0}")]
    Corrupt(String),
    #[error("the database schema cannot be brought up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    #[error("a stored record does not match the domain model: {0}")]
    Record(#[from] serde_json::Error),
    #[error("the store is closed")]
    Closed,
    #[error("seq {seq} is not in the log (the last committed seq is {last})")]
    SeqOutOfRange { seq: Seq, last: Seq },
}

impl StoreError {
    /// A machine code the API and the UI can switch on.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Open { .. } | StoreError::Database(_) | StoreError::Closed => {
                "store_unavailable"
            }
            StoreError::Corrupt(_) | StoreError::Record(_) => "corrupt",
            StoreError::Migrate(_) => "store_incompatible",
            StoreError::SeqOutOfRange { .. } => "invalid_request",
        }
    }

    /// Classifies an error met while opening `path`.
    pub(crate) fn opening(path: &std::path::Path, source: sqlx::Error) -> StoreError {
        match StoreError::from(source) {
            StoreError::Database(source) => StoreError::Open {
                path: path.to_path_buf(),
                source,
            },
            other => other,
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        if is_corruption(&err) {
            return StoreError::Corrupt(err.to_string());
        }
        match err {
            sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed => StoreError::Closed,
            other => StoreError::Database(other),
        }
    }
}

fn is_corruption(err: &sqlx::Error) -> bool {
    let Some(db) = err.as_database_error() else {
        return false;
    };
    // Extended result codes carry the primary code in their low byte.
    db.code()
        .and_then(|code| code.parse::<i64>().ok())
        .is_some_and(|code| matches!(code & 0xff, SQLITE_CORRUPT | SQLITE_NOTADB))
}
