use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use noc_model::{Batch, Event, Millis, NewEvent, Seq, Snapshot, State};
use sqlx::migrate::Migrator;
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{
    Sqlite, SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool,
    SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::ConnectOptions;
use tokio::sync::{mpsc, oneshot, RwLock};

use crate::accounts::AccountRecords;
use crate::replay;
use crate::tables::{self, ProjectionRows};
use crate::writer::{Request, Writer};
use crate::StoreError;

pub(crate) static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// How a store is set up.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    /// A snapshot of the live state is written each time the log passes a multiple of this.
    pub snapshot_every: u32,
    /// Read-only connections for queries.
    pub read_connections: u32,
    /// How long a statement waits for a lock before giving up.
    pub busy_timeout: Duration,
}

impl Default for StoreConfig {
    fn default() -> Self {
        Self {
            snapshot_every: 10_000,
            read_connections: 4,
            busy_timeout: Duration::from_secs(5),
        }
    }
}

/// A handle on one database file. Cheap to clone; all clones share one writer.
#[derive(Clone)]
pub struct Store {
    shared: Arc<Shared>,
}

struct Shared {
    requests: mpsc::Sender<Request>,
    state: Arc<RwLock<State>>,
    last_seq: Arc<AtomicI64>,
    reads: SqlitePool,
    accounts: AccountRecords,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("last_seq", &self.last_seq())
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if missing) the database at `path` with the default settings.
    pub async fn open(path: &Path) -> Result<Store, StoreError> {
        Store::open_with(path, StoreConfig::default()).await
    }

    pub async fn open_with(path: &Path, config: StoreConfig) -> Result<Store, StoreError> {
        let base = SqliteConnectOptions::new()
            .filename(path)
            .busy_timeout(config.busy_timeout)
            .foreign_keys(true);
        let mut conn = base
            .clone()
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .connect()
            .await
            .map_err(|e| StoreError::opening(path, e))?;
        MIGRATOR.run(&mut conn).await?;
        let state = replay::state_at(&mut conn, Seq::MAX).await?;
        check_log_end(&mut conn, &state).await?;
        let reads = SqlitePoolOptions::new()
            .max_connections(config.read_connections.max(1))
            .connect_with(base.clone().read_only(true))
            .await
            .map_err(|e| StoreError::opening(path, e))?;
        let accounts = AccountRecords::connect(path, base.clone()).await?;

        let last_seq = Arc::new(AtomicI64::new(state.seq));
        let state = Arc::new(RwLock::new(state));
        let (requests, inbox) = mpsc::channel(64);
        let writer = Writer {
            conn,
            state: state.clone(),
            last_seq: last_seq.clone(),
            snapshot_every: Seq::from(config.snapshot_every.max(1)),
            state_suspect: false,
        };
        tokio::spawn(writer.run(inbox));
        Ok(Store {
            shared: Arc::new(Shared {
                requests,
                state,
                last_seq,
                reads,
                accounts,
            }),
        })
    }

    /// Appends `events` as one transaction: they get the next seqs, are folded into the
    /// live state, and are written with the projection rows they changed. On failure
    /// nothing is kept, in the file or in memory, and the next append reuses the seqs.
    pub async fn append(&self, events: Vec<NewEvent>) -> Result<Batch, StoreError> {
        self.ask(|reply| Request::Append { events, reply }).await?
    }

    /// The live state for a client, consistent with the committed log.
    pub async fn snapshot(&self) -> Snapshot {
        self.shared.state.read().await.snapshot()
    }

    /// A copy of the live state, consistent with the committed log.
    pub async fn state(&self) -> State {
        self.shared.state.read().await.clone()
    }

    /// Operator accounts, sessions, wall devices and the audit trail.
    pub fn accounts(&self) -> &AccountRecords {
        &self.shared.accounts
    }

    /// The seq of the last committed event (0 for an empty log).
    pub fn last_seq(&self) -> Seq {
        self.shared.last_seq.load(Ordering::Acquire)
    }

    /// At most `limit` events with seq greater than `after`, oldest first.
    pub async fn events_after(&self, after: Seq, limit: u32) -> Result<Vec<Event>, StoreError> {
        let mut conn = self.read().await?;
        tables::events_between(&mut conn, after, Seq::MAX, limit).await
    }

    /// The state as the log stood right after event `seq` (0 is the empty state).
    pub async fn state_at(&self, seq: Seq) -> Result<State, StoreError> {
        let last = self.last_seq();
        if !(0..=last).contains(&seq) {
            return Err(StoreError::SeqOutOfRange { seq, last });
        }
        let mut conn = self.read().await?;
        replay::state_at(&mut conn, seq).await
    }

    /// The seq of the last event recorded at or before `at` (unix ms); 0 when the log
    /// holds nothing that early. Read from the end of the log, which is where the
    /// times asked about (a moment in this shift) usually are.
    pub async fn last_seq_at(&self, at: Millis) -> Result<Seq, StoreError> {
        let mut conn = self.read().await?;
        tables::last_seq_at(&mut conn, at).await
    }

    /// Reads the live state in place: for a query that needs a small part of it,
    /// without the copy [`Store::state`] makes. `read` must be quick: the writer waits.
    pub async fn read_state<T>(&self, read: impl FnOnce(&State) -> T) -> T {
        let state = self.shared.state.read().await;
        read(&state)
    }

    /// The first `limit` events about `subject` (`incident:7`, `alarm:42`), oldest first.
    pub async fn timeline(&self, subject: &str, limit: u32) -> Result<Vec<Event>, StoreError> {
        let mut conn = self.read().await?;
        tables::events_of_subject(&mut conn, subject, limit).await
    }

    /// Throws away projections and snapshots and derives them again from the log.
    pub async fn rebuild_projections(&self) -> Result<(), StoreError> {
        self.ask(|reply| Request::Rebuild { reply }).await?
    }

    /// Every row of the alarms, incidents and sources tables.
    pub async fn projection_rows(&self) -> Result<ProjectionRows, StoreError> {
        let mut conn = self.read().await?;
        tables::projection_rows(&mut conn).await
    }

    /// Finishes the writes in flight, checkpoints the WAL into the database file and
    /// closes every connection. Other handles on the same store get `Closed` afterwards.
    /// Dropping the last handle also shuts the writer down cleanly, without waiting.
    pub async fn close(self) {
        let (reply, done) = oneshot::channel();
        if self
            .shared
            .requests
            .send(Request::Close { reply })
            .await
            .is_ok()
        {
            let _ = done.await;
        }
        self.shared.reads.close().await;
        self.shared.accounts.close().await;
    }

    async fn ask<T>(
        &self,
        request: impl FnOnce(oneshot::Sender<T>) -> Request,
    ) -> Result<T, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.shared
            .requests
            .send(request(reply))
            .await
            .map_err(|_| StoreError::Closed)?;
        answer.await.map_err(|_| StoreError::Closed)
    }

    async fn read(&self) -> Result<PoolConnection<Sqlite>, StoreError> {
        Ok(self.shared.reads.acquire().await?)
    }
}

/// A log whose last event is not the one the restored state reached has a hole in it,
/// or snapshots that belong to another log.
async fn check_log_end(conn: &mut SqliteConnection, state: &State) -> Result<(), StoreError> {
    let last = tables::last_event_seq(conn).await?;
    if last != state.seq {
        return Err(StoreError::Corrupt(format!(
            "the log ends at seq {last} but folding it reached seq {}",
            state.seq
        )));
    }
    Ok(())
}
