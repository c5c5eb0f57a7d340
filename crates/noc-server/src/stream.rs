use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::Extension;
use noc_api::{Caller, Credential, OperatorPresence, Seat, StreamItem, Whereabouts};
use noc_model::{Batch, Millis, Seq, Snapshot};
use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use crate::http::{bearer, operator_name, query_token};
use crate::AppState;

/// Lets clients notice a silently dead connection and check they missed nothing.
const HEARTBEAT: Duration = Duration::from_secs(10);

/// The close code of a stream whose session expired or device was revoked.
const CREDENTIAL_ENDED: u16 = 4401;

/// How many recently encoded batches are kept for the other clients.
const WIRE_CACHE_BATCHES: usize = 256;

/// A client only ever says where it is: anything longer is not ours and is ignored.
const MAX_CLIENT_MESSAGE_BYTES: usize = 1024;
/// Beyond this the WebSocket layer itself refuses the message (and the connection):
/// a client cannot make the hub buffer megabytes.
const MAX_CLIENT_FRAME_BYTES: usize = 64 * 1024;
/// Presence updates taken from one connection per second; later ones wait for the
/// next second and only the latest of them is kept.
const PRESENCE_UPDATES_PER_SECOND: u32 = 5;
const PACING_WINDOW: Duration = Duration::from_secs(1);

/// Every client receives the same text for a batch: encode it once, not once per
/// screen (a NOC has many screens following one hub), and hand every socket the same
/// bytes rather than a copy each.
#[derive(Default)]
pub struct WireCache(Mutex<VecDeque<(noc_model::Seq, Utf8Bytes)>>);

impl WireCache {
    fn batch(&self, batch: &Batch) -> Utf8Bytes {
        let mut cache = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, text)) = cache.iter().rev().find(|(seq, _)| *seq == batch.last_seq) {
            return text.clone();
        }
        let text: Utf8Bytes = encode(&Outgoing::Batch { batch }).into();
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
    /// Who is at a launch-token screen: browsers cannot set headers on a WebSocket.
    operator: Option<String>,
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
    /// Who is following the hub and where, merged per operator.
    Presence {
        operators: &'a [OperatorPresence],
    },
}

/// What a client may say.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Incoming {
    Presence(Whereabouts),
}

pub(crate) async fn upgrade(
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<StreamQuery>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    // A session or device can end while its screen stays connected: the stream
    // checks it again on every heartbeat.
    let credential = match caller.credential {
        Credential::LaunchToken => None,
        _ => bearer(&headers)
            .or_else(|| query_token(uri.query()))
            .map(str::to_string),
    };
    let name = match (&caller.credential, q.operator.as_deref()) {
        (Credential::LaunchToken, Some(raw)) if !raw.trim().is_empty() => operator_name(raw),
        _ => caller.name.clone(),
    };
    let wall = matches!(caller.credential, Credential::Device { .. });
    ws.max_message_size(MAX_CLIENT_FRAME_BYTES)
        .max_frame_size(MAX_CLIENT_FRAME_BYTES)
        .on_upgrade(move |socket| {
            let seat = state.presence.join(&name, caller.role, wall);
            follow(socket, state, q.after, seat, credential)
        })
}

async fn follow(
    mut socket: WebSocket,
    state: AppState,
    after: Option<Seq>,
    seat: Seat,
    credential: Option<String>,
) {
    let shutdown = state.console.shutdown_token();
    let mut follow = state.console.follow(after).await;
    let mut presence = state.presence.watch();
    presence.mark_changed();
    // Presence goes right after the snapshot (or replay) so a screen first knows the
    // board, then who else is on it.
    let mut greeted = !follow.has_backlog();
    let mut pacing = Pacing::new();
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    heartbeat.tick().await;
    loop {
        let outgoing: Utf8Bytes = tokio::select! {
            _ = shutdown.cancelled() => break,
            item = follow.next() => match item {
                Some(item) => {
                    greeted |= !follow.has_backlog();
                    encode_item(&state.wire, &item)
                }
                None => break,
            },
            told = presence.changed(), if greeted => match told {
                Ok(()) => {
                    let operators = presence.borrow_and_update().clone();
                    encode(&Outgoing::Presence { operators: &operators }).into()
                }
                Err(_) => break,
            },
            _ = heartbeat.tick() => {
                if let Err(ended) = still_valid(&state, credential.as_deref()).await {
                    let _ = socket.send(Message::Close(Some(ended))).await;
                    return;
                }
                encode(&Outgoing::Heartbeat {
                    seq: follow.last_seq(),
                    at: state.clock.now(),
                    store_error: state.console.info().store_error,
                }).into()
            }
            _ = tokio::time::sleep_until(pacing.window_end()), if pacing.waiting() => {
                pacing.next_window(&seat);
                continue;
            }
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(Message::Text(text))) => {
                    if let Some(at) = whereabouts(text.as_str()) {
                        pacing.offer(at, &seat);
                    }
                    continue;
                }
                Some(Ok(_)) => continue,
            },
        };
        if socket.send(Message::Text(outgoing)).await.is_err() {
            break;
        }
    }
    drop(seat);
    let _ = socket.send(Message::Close(None)).await;
}

/// Closes with 4401 (as HTTP's 401) and the reason's code: the screen then asks the
/// hub again over HTTP and shows the login.
async fn still_valid(state: &AppState, credential: Option<&str>) -> Result<(), CloseFrame> {
    let Some(token) = credential else {
        return Ok(());
    };
    state
        .accounts
        .still_valid(token)
        .await
        .map_err(|err| CloseFrame {
            code: CREDENTIAL_ENDED,
            reason: err.code.into(),
        })
}

/// A presence update, or `None` for anything else (oversized, not JSON, unknown).
fn whereabouts(text: &str) -> Option<Whereabouts> {
    if text.len() > MAX_CLIENT_MESSAGE_BYTES {
        return None;
    }
    match serde_json::from_str::<Incoming>(text).ok()? {
        Incoming::Presence(at) => at.bounded(),
    }
}

/// At most [`PRESENCE_UPDATES_PER_SECOND`] per window; the latest of the rest is
/// applied when the window ends, so the hub still ends up knowing where the client is.
struct Pacing {
    started: Instant,
    taken: u32,
    waiting: Option<Whereabouts>,
}

impl Pacing {
    fn new() -> Pacing {
        Pacing {
            started: Instant::now(),
            taken: 0,
            waiting: None,
        }
    }

    fn window_end(&self) -> Instant {
        self.started + PACING_WINDOW
    }

    fn waiting(&self) -> bool {
        self.waiting.is_some()
    }

    fn offer(&mut self, at: Whereabouts, seat: &Seat) {
        if Instant::now() >= self.window_end() {
            self.started = Instant::now();
            self.taken = 0;
        }
        if self.taken < PRESENCE_UPDATES_PER_SECOND {
            self.taken += 1;
            self.waiting = None;
            seat.moved(at);
        } else {
            self.waiting = Some(at);
        }
    }

    fn next_window(&mut self, seat: &Seat) {
        self.started = Instant::now();
        self.taken = 0;
        if let Some(at) = self.waiting.take() {
            self.taken = 1;
            seat.moved(at);
        }
    }
}

fn encode_item(wire: &WireCache, item: &StreamItem) -> Utf8Bytes {
    match item {
        StreamItem::Snapshot(snapshot) => encode(&Outgoing::Snapshot { snapshot }).into(),
        StreamItem::Batch(batch) => wire.batch(batch),
    }
}

fn encode(message: &Outgoing<'_>) -> String {
    serde_json::to_string(message).expect("stream messages always serialise")
}
