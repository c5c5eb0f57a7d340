use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use noc_model::{Batch, Seq, Snapshot};
use tokio::sync::broadcast::{self, error::RecvError};

use crate::console::Shared;

/// What a client of the event stream receives next.
#[derive(Debug, Clone)]
pub enum StreamItem {
    Snapshot(Snapshot),
    Batch(Arc<Batch>),
}

/// One client's position in the event stream: replays what it missed, then follows
/// live batches, never skipping or repeating a `seq`. Falls back to a fresh snapshot
/// when the client is further behind than the hub can replay.
pub struct Follow {
    shared: Arc<Shared>,
    live: broadcast::Receiver<Arc<Batch>>,
    backlog: VecDeque<StreamItem>,
    last: Seq,
}

impl Follow {
    pub(crate) async fn start(shared: Arc<Shared>, after: Option<Seq>) -> Follow {
        // Subscribe before reading any state so nothing committed in between is missed;
        // duplicates are then skipped by seq.
        let live = shared.feed.subscribe();
        shared.stream_clients.fetch_add(1, Ordering::SeqCst);
        let mut follow = Follow {
            shared,
            live,
            backlog: VecDeque::new(),
            last: 0,
        };
        match after.and_then(|after| follow.shared.replay_after(after)) {
            Some((after, batches)) => {
                follow.last = after;
                follow
                    .backlog
                    .extend(batches.into_iter().map(StreamItem::Batch));
            }
            None => {
                let snapshot = follow.shared.store.snapshot().await;
                follow.last = snapshot.seq;
                follow.backlog.push_back(StreamItem::Snapshot(snapshot));
            }
        }
        follow
    }

    /// The last `seq` handed to this client.
    pub fn last_seq(&self) -> Seq {
        self.last
    }

    /// Whether a snapshot or replayed batches are still waiting to be handed out.
    pub fn has_backlog(&self) -> bool {
        !self.backlog.is_empty()
    }

    /// The next item for the client; `None` when the hub shuts down.
    pub async fn next(&mut self) -> Option<StreamItem> {
        if let Some(item) = self.backlog.pop_front() {
            if let StreamItem::Batch(batch) = &item {
                self.last = batch.last_seq;
            }
            return Some(item);
        }
        loop {
            match self.live.recv().await {
                Ok(batch) if batch.last_seq <= self.last => continue,
                Ok(batch) if batch.first_seq == self.last + 1 => {
                    self.last = batch.last_seq;
                    return Some(StreamItem::Batch(batch));
                }
                Ok(_) | Err(RecvError::Lagged(_)) => return Some(self.resync().await),
                Err(RecvError::Closed) => return None,
            }
        }
    }

    async fn resync(&mut self) -> StreamItem {
        self.live = self.live.resubscribe();
        let snapshot = self.shared.store.snapshot().await;
        self.last = snapshot.seq;
        StreamItem::Snapshot(snapshot)
    }
}

impl Drop for Follow {
    fn drop(&mut self) {
        self.shared.stream_clients.fetch_sub(1, Ordering::SeqCst);
    }
}
