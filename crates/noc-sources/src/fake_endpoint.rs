//! Test support for polling sources: a local HTTP server that answers like the
//! monitored system (or like what stands in front of it when it is broken), and a
//! reader of what a running source sends.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use noc_model::{AlarmSignal, Signal, SourceHealth};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// What the fake endpoint answers next; tests change it between polls.
#[derive(Clone)]
pub(crate) struct Reply {
    pub status: StatusCode,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(body: &str) -> Self {
        Self {
            status: StatusCode::OK,
            content_type: "application/json",
            body: body.as_bytes().to_vec(),
        }
    }
}

/// Serves `path` on a free loopback port; returns the base URL and the reply to edit.
pub(crate) async fn serve(path: &str, reply: Reply) -> (String, Arc<Mutex<Reply>>) {
    let shared = Arc::new(Mutex::new(reply));
    let state = shared.clone();
    let app = Router::new().route(
        path,
        get(move || {
            let reply = state.lock().unwrap().clone();
            async move {
                let response: Response = (
                    reply.status,
                    [(header::CONTENT_TYPE, reply.content_type)],
                    reply.body,
                )
                    .into_response();
                response
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), shared)
}

/// Short enough that tests see several polls; the timeout is the generous one.
pub(crate) const TEST_INTERVAL: Duration = Duration::from_millis(200);
pub(crate) const TEST_TIMEOUT: Duration = Duration::from_secs(5);

/// A started source and the signals it sends; stops the source when dropped.
pub(crate) struct Running {
    rx: mpsc::Receiver<Signal>,
    shutdown: CancellationToken,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

impl Running {
    /// Starts a source with `spawn`, given where to send and when to stop.
    pub fn start(spawn: impl FnOnce(mpsc::Sender<Signal>, CancellationToken)) -> Running {
        let (tx, rx) = mpsc::channel(256);
        let shutdown = CancellationToken::new();
        spawn(tx, shutdown.clone());
        Running { rx, shutdown }
    }

    pub async fn next(&mut self) -> Signal {
        tokio::time::timeout(Duration::from_secs(10), self.rx.recv())
            .await
            .expect("the source sent nothing within 10 s")
            .expect("the source stopped")
    }

    /// Whatever the source has sent and nobody read yet.
    pub fn drain(&mut self) -> Vec<Signal> {
        std::iter::from_fn(|| self.rx.try_recv().ok()).collect()
    }

    /// The next health report, collecting the alarm signals that came before it.
    pub async fn health(&mut self, alarms: &mut Vec<AlarmSignal>) -> SourceHealth {
        loop {
            match self.next().await {
                Signal::Health(health) => return health,
                Signal::Alarm(alarm) => alarms.push(alarm),
                _ => {}
            }
        }
    }

    /// Waits for an alarm signal matching `want`.
    pub async fn alarm(&mut self, want: impl Fn(&AlarmSignal) -> bool) -> AlarmSignal {
        loop {
            if let Signal::Alarm(alarm) = self.next().await {
                if want(&alarm) {
                    return alarm;
                }
            }
        }
    }
}

/// Serves each path with its own reply; returns the base URL and the replies to
/// edit, in the order given.
pub(crate) async fn serve_all(routes: &[(&str, Reply)]) -> (String, Vec<Arc<Mutex<Reply>>>) {
    let mut app = Router::new();
    let mut replies = Vec::new();
    for (path, reply) in routes {
        let shared = Arc::new(Mutex::new(reply.clone()));
        replies.push(shared.clone());
        app = app.route(
            path,
            get(move || {
                let reply = shared.lock().unwrap().clone();
                async move {
                    (
                        reply.status,
                        [(header::CONTENT_TYPE, reply.content_type)],
                        reply.body,
                    )
                        .into_response()
                }
            }),
        );
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), replies)
}

/// A server that accepts connections and never answers, as a hung one does.
pub(crate) async fn never_answers() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    format!("http://{addr}")
}

/// A server that redirects every request to itself.
pub(crate) async fn redirect_loop() -> String {
    let app = Router::new().fallback(|uri: axum::http::Uri| async move {
        (StatusCode::FOUND, [(header::LOCATION, uri.to_string())], "").into_response()
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}
