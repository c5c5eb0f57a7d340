use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::response::Response;
use noc_api::StreamItem;
use noc_model::{Batch, Millis, Seq, Snapshot};
use serde::{Deserialize, Serialize};

use crate::AppState;

/// Lets clients notice a silently dead connection and check they missed nothing.
const HEARTBEAT: Duration = Duration::from_secs(10);

/// How many recently encoded batches are kept for the other clients.
const WIRE_CACHE_BATCHES: usize = 256;

/// Every client receives the same text for a batch: encode it once, not once per
/// screen (a NOC has many screens following one hub).
#[derive(Default)]
pub struct WireCache(Mutex<VecDeque<(noc_model::Seq, Arc<str>)>>);

impl WireCache {
    fn batch(&self, batch: &Batch) -> Arc<str> {
        let mut cache = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, text)) = cache.iter().rev().find(|(seq, _)| *seq == batch.last_seq) {
            return text.clone();
        }
        let text: Arc<str> = encode(&Outgoing::Batch { batch }).into();
        if cache.len() == WIRE_CACHE_BATCHES {
            cache.pop_front();
        }
        cache.push_back((batch.last_seq, text.clone()));
        text
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct StreamQuery {
    after: Option<Seq>,
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Outgoing<'a> {
    Snapshot {
        snapshot: &'a Snapshot,
    },
    Batch {
        batch: &'a Batch,
    },
    /// Also says whether the hub can write its event log: when it cannot, nothing is
    /// committed, so no batch could tell the screens.
    Heartbeat {
        seq: Seq,
        at: Millis,
        store_error: Option<String>,
    },
}

pub(crate) async fn upgrade(
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
    Query(q): Query<StreamQuery>,
) -> Response {
    ws.on_upgrade(move |socket| follow(socket, state, q.after))
}

async fn follow(mut socket: WebSocket, state: AppState, after: Option<Seq>) {
    let shutdown = state.console.shutdown_token();
    let mut follow = state.console.follow(after).await;
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    heartbeat.tick().await;
    loop {
        let outgoing = tokio::select! {
            _ = shutdown.cancelled() => break,
            item = follow.next() => match item {
                Some(item) => encode_item(&state.wire, &item),
                None => break,
            },
            _ = heartbeat.tick() => encode(&Outgoing::Heartbeat {
                seq: follow.last_seq(),
                at: state.clock.now(),
                store_error: state.console.info().store_error,
            }).into(),
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => continue,
            },
        };
        if socket
            .send(Message::Text(outgoing.as_ref().into()))
            .await
            .is_err()
        {
            break;
        }
    }
    let _ = socket.send(Message::Close(None)).await;
}

fn encode_item(wire: &WireCache, item: &StreamItem) -> Arc<str> {
    match item {
        StreamItem::Snapshot(snapshot) => encode(&Outgoing::Snapshot { snapshot }).into(),
        StreamItem::Batch(batch) => wire.batch(batch),
    }
}

fn encode(message: &Outgoing<'_>) -> String {
    serde_json::to_string(message).expect("stream messages always serialise")
}
