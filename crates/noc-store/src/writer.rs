//! The single writer: it owns the write connection and the canonical live state, and
//! runs every write transaction, one at a time.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use noc_model::{Batch, Event, NewEvent, Seq, State};
use sqlx::sqlite::SqliteConnection;
use sqlx::{Connection, Sqlite, Transaction};
use tokio::sync::{mpsc, oneshot, RwLock};

use crate::replay::{self, FOLD_CHUNK};
use crate::tables::DirtyRows;
use crate::{tables, StoreError};

pub(crate) enum Request {
    Append {
        events: Vec<NewEvent>,
        reply: oneshot::Sender<Result<Batch, StoreError>>,
    },
    Rebuild {
        reply: oneshot::Sender<Result<(), StoreError>>,
    },
    Close {
        reply: oneshot::Sender<()>,
    },
}

pub(crate) struct Writer {
    pub(crate) conn: SqliteConnection,
    pub(crate) state: Arc<RwLock<State>>,
    pub(crate) last_seq: Arc<AtomicI64>,
    pub(crate) snapshot_every: Seq,
    /// Set when a failed write could not be undone in memory; the next write reloads
    /// the state from the log before doing anything else.
    pub(crate) state_suspect: bool,
}

impl Writer {
    pub(crate) async fn run(mut self, mut requests: mpsc::Receiver<Request>) {
        while let Some(request) = requests.recv().await {
            match request {
                Request::Append { events, reply } => {
                    let _ = reply.send(self.append(events).await);
                }
                Request::Rebuild { reply } => {
                    let _ = reply.send(self.rebuild().await);
                }
                Request::Close { reply } => {
                    self.shut_down().await;
                    let _ = reply.send(());
                    return;
                }
            }
        }
        self.shut_down().await;
    }

    async fn append(&mut self, events: Vec<NewEvent>) -> Result<Batch, StoreError> {
        let shared = Arc::clone(&self.state);
        let mut state = shared.write().await;
        if self.state_suspect {
            *state = replay::state_at(&mut self.conn, Seq::MAX).await?;
            self.state_suspect = false;
        }
        let first_seq = state.seq + 1;
        let events: Vec<Event> = events
            .into_iter()
            .zip(first_seq..)
            .map(|(event, seq)| event.with_seq(seq))
            .collect();
        let last_seq = first_seq + events.len() as Seq - 1;
        if events.is_empty() {
            return Ok(Batch {
                first_seq,
                last_seq,
                ..Batch::default()
            });
        }
        let (changes, dirty) = tables::fold(&mut state, &events);
        let snapshot =
            crosses_snapshot(first_seq, last_seq, self.snapshot_every).then_some(&*state);
        let written = write_batch(&mut self.conn, &events, &dirty, snapshot).await;
        if let Err(err) = written {
            self.restore_committed(&mut state).await;
            return Err(err);
        }
        self.last_seq.store(last_seq, Ordering::Release);
        Ok(Batch {
            first_seq,
            last_seq,
            events,
            changes,
        })
    }

    /// Puts the live state back to what the log holds after a failed write.
    async fn restore_committed(&mut self, state: &mut State) {
        let committed = self.last_seq.load(Ordering::Acquire);
        match replay::state_at(&mut self.conn, committed).await {
            Ok(restored) => *state = restored,
            Err(err) => {
                tracing::error!(%err, "cannot reload the state after a failed write");
                self.state_suspect = true;
            }
        }
    }

    /// Rebuilds projections and snapshots from the log, in one transaction, through
    /// the same fold and the same row writes as `append`.
    async fn rebuild(&mut self) -> Result<(), StoreError> {
        let shared = Arc::clone(&self.state);
        let mut live = shared.write().await;
        let mut tx = self.conn.begin_with(BEGIN_IMMEDIATE).await?;
        match refold(&mut tx, self.snapshot_every).await {
            Ok(rebuilt) => {
                tx.commit().await?;
                if rebuilt != *live {
                    tracing::warn!(
                        seq = rebuilt.seq,
                        "the rebuilt state differs from the live state"
                    );
                }
                *live = rebuilt;
                self.state_suspect = false;
                Ok(())
            }
            Err(err) => {
                rollback(tx).await;
                Err(err)
            }
        }
    }

    async fn shut_down(self) {
        let mut conn = self.conn;
        // Folding the WAL back into the main file leaves one self-contained file behind.
        if let Err(err) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut conn)
            .await
        {
            tracing::warn!(%err, "checkpoint at shutdown failed");
        }
        if let Err(err) = conn.close().await {
            tracing::warn!(%err, "closing the write connection failed");
        }
    }
}

/// IMMEDIATE takes the write lock up front, so a transaction can never fail half-way
/// with SQLITE_BUSY when it upgrades from reading to writing.
const BEGIN_IMMEDIATE: &str = "BEGIN IMMEDIATE";

/// Writes one batch in one transaction; on any error the transaction is rolled back.
async fn write_batch(
    conn: &mut SqliteConnection,
    events: &[Event],
    dirty: &DirtyRows,
    snapshot: Option<&State>,
) -> Result<(), StoreError> {
    let mut tx = conn.begin_with(BEGIN_IMMEDIATE).await?;
    let written = async {
        // The projection rows are encoded while SQLite's thread inserts the events.
        let (inserted, encoded) = tokio::join!(tables::insert_events(&mut tx, events), async {
            dirty.encode()
        });
        inserted?;
        tables::write_projections(&mut tx, &encoded?).await?;
        if let Some(state) = snapshot {
            tables::write_snapshot(&mut tx, state).await?;
        }
        Ok::<_, StoreError>(())
    }
    .await;
    match written {
        Ok(()) => Ok(tx.commit().await?),
        Err(err) => {
            rollback(tx).await;
            Err(err)
        }
    }
}

async fn rollback(tx: Transaction<'_, Sqlite>) {
    // SQLite may already have rolled back on its own (e.g. after SQLITE_FULL).
    if let Err(err) = tx.rollback().await {
        tracing::debug!(%err, "rollback after a failed write");
    }
}

async fn refold(conn: &mut SqliteConnection, snapshot_every: Seq) -> Result<State, StoreError> {
    tables::clear_projections(conn).await?;
    let mut state = State::default();
    loop {
        // Chunks end on multiples of the interval, so each snapshot lands exactly on one.
        let boundary = (state.seq / snapshot_every + 1) * snapshot_every;
        let upto = boundary.min(state.seq + Seq::from(FOLD_CHUNK));
        let events = tables::events_between(conn, state.seq, upto, FOLD_CHUNK).await?;
        let Some(last) = events.last().map(|e| e.seq) else {
            return Ok(state);
        };
        let first = state.seq + 1;
        let (_, dirty) = tables::fold(&mut state, &events);
        tables::write_projections(conn, &dirty.encode()?).await?;
        if crosses_snapshot(first, last, snapshot_every) {
            tables::write_snapshot(conn, &state).await?;
        }
    }
}

/// A snapshot is due when a batch passes a multiple of the snapshot interval.
fn crosses_snapshot(first_seq: Seq, last_seq: Seq, every: Seq) -> bool {
    (first_seq - 1) / every != last_seq / every
}
