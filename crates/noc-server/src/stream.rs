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

#[derive(Debug, Deserialize)]
pub(crate) struct StreamQuery {
    after: Option<Seq>,
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Outgoing<'a> {
    Snapshot { snapshot: &'a Snapshot },
    Batch { batch: &'a Batch },
    Heartbeat { seq: Seq, at: Millis },
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
                Some(item) => encode_item(&item),
                None => break,
            },
            _ = heartbeat.tick() => encode(&Outgoing::Heartbeat {
                seq: follow.last_seq(),
                at: state.clock.now(),
            }),
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => continue,
            },
        };
        if socket.send(Message::Text(outgoing.into())).await.is_err() {
            break;
        }
    }
    let _ = socket.send(Message::Close(None)).await;
}

fn encode_item(item: &StreamItem) -> String {
    match item {
        StreamItem::Snapshot(snapshot) => encode(&Outgoing::Snapshot { snapshot }),
        StreamItem::Batch(batch) => encode(&Outgoing::Batch { batch }),
    }
}

fn encode(message: &Outgoing<'_>) -> String {
    serde_json::to_string(message).expect("stream messages always serialise")
}
