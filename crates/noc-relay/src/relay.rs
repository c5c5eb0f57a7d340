//! The loopback listener: each request from the console window goes to the hub with
//! the hub's own Host and Origin, and each answer comes back unchanged; a WebSocket
//! upgrade becomes a spliced pair of connections.

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Empty, Full};
use hyper::body::Incoming;
use hyper::header::{self, HeaderMap, HeaderName, HeaderValue};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::trust::{error_chain, HubTls};
use crate::{HubAddress, RelayError, Trust};

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type RelayBody = BoxBody<Bytes, BoxError>;

/// Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection, not the message.
const HOP_BY_HOP: [&str; 8] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
];

/// A running relay. Dropping it stops it too; [`Relay::stop`] says so explicitly.
pub struct Relay {
    addr: SocketAddr,
    hub: HubAddress,
    closing: watch::Sender<bool>,
    accepting: tokio::task::JoinHandle<()>,
}

impl Relay {
    /// Connects to the hub once (so that a changed certificate or an unreachable hub is
    /// reported before the window opens on the relay), then listens on a free loopback port.
    pub async fn start(hub: HubAddress, trust: Trust) -> Result<Self, RelayError> {
        Self::start_at(hub, trust, 0).await
    }

    /// Like [`Relay::start`], on `port` when it is free (else on any free port): the
    /// window's storage (a remembered login, the workstation's settings) belongs to
    /// the page's origin, port included, so the same port keeps it across launches.
    pub async fn start_at(hub: HubAddress, trust: Trust, port: u16) -> Result<Self, RelayError> {
        let tls = HubTls::new(hub.clone(), trust)?;
        drop(tls.connect().await?);
        let listener = match TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await {
            Ok(listener) => listener,
            Err(error) if port != 0 => {
                tracing::info!(port, %error, "the relay's usual port is taken; using another");
                TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
                    .await
                    .map_err(RelayError::Listen)?
            }
            Err(error) => return Err(RelayError::Listen(error)),
        };
        let addr = listener.local_addr().map_err(RelayError::Listen)?;
        let upstream = Arc::new(Upstream::new(tls, addr)?);
        let (closing, closed) = watch::channel(false);
        let accepting = tokio::spawn(accept(listener, upstream, closed));
        tracing::info!(%hub, relay = %addr, "relaying to the team hub");
        Ok(Self {
            addr,
            hub,
            closing,
            accepting,
        })
    }

    /// `http://127.0.0.1:PORT/`, where the console window opens.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn hub(&self) -> &HubAddress {
        &self.hub
    }

    /// Closes the listener, every request in flight and every relayed WebSocket; the
    /// port is free again when this returns.
    pub async fn stop(self) {
        let _ = self.closing.send(true);
        self.accepting.abort();
        while !self.accepting.is_finished() {
            tokio::task::yield_now().await;
        }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.closing.send(true);
        self.accepting.abort();
    }
}

struct Upstream {
    tls: HubTls,
    client: reqwest::Client,
    relay_origin: String,
}

impl Upstream {
    fn new(tls: HubTls, relay: SocketAddr) -> Result<Self, RelayError> {
        let client = reqwest::Client::builder()
            .use_preconfigured_tls((*tls.config).clone())
            // The window follows redirects itself, on the relay's side of them.
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .http1_only()
            .build()
            .map_err(|e| RelayError::Tls(error_chain(&e)))?;
        Ok(Self {
            tls,
            client,
            relay_origin: format!("http://{relay}"),
        })
    }

    fn hub(&self) -> &HubAddress {
        &self.tls.hub
    }
}

/// Owns every connection task: aborting this task (the relay stopping) drops the set
/// and with it every connection.
async fn accept(listener: TcpListener, upstream: Arc<Upstream>, closed: watch::Receiver<bool>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    connections.spawn(serve(stream, upstream.clone(), closed.clone()));
                }
                Err(error) => {
                    // Out of file descriptors and the like: wait rather than spin.
                    tracing::warn!(%error, "relay could not accept a connection");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
            },
            // Reaps finished connections so the set does not grow with every one.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn serve(
    stream: tokio::net::TcpStream,
    upstream: Arc<Upstream>,
    closed: watch::Receiver<bool>,
) {
    let service = hyper::service::service_fn(move |request| {
        let upstream = upstream.clone();
        let closed = closed.clone();
        async move { Ok::<_, Infallible>(relay(&upstream, request, closed).await) }
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades();
    if let Err(error) = connection.await {
        tracing::debug!(%error, "relay connection ended");
    }
}

async fn relay(
    upstream: &Upstream,
    request: Request<Incoming>,
    closed: watch::Receiver<bool>,
) -> Response<RelayBody> {
    let answer = if is_upgrade(request.headers()) {
        tunnel(upstream, request, closed).await
    } else {
        forward(upstream, request).await
    };
    answer.unwrap_or_else(|error| {
        tracing::warn!(hub = %upstream.hub(), error = %error, "request not relayed");
        failure(&error)
    })
}

fn is_upgrade(headers: &HeaderMap) -> bool {
    headers.contains_key(header::UPGRADE)
        && headers
            .get_all(header::CONNECTION)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|token| token.trim().eq_ignore_ascii_case("upgrade"))
}

/// The window shows the reason (a changed certificate, an unreachable hub) like any
/// other failed request.
fn failure(error: &RelayError) -> Response<RelayBody> {
    let mut response = Response::new(full(error.to_string()));
    *response.status_mut() = StatusCode::BAD_GATEWAY;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

fn full(text: String) -> RelayBody {
    Full::new(Bytes::from(text))
        .map_err(|never| match never {})
        .boxed()
}

fn path_and_query(request: &Request<Incoming>) -> &str {
    request.uri().path_and_query().map_or("/", |p| p.as_str())
}

/// The request's headers as the hub must see them: its own Host and Origin, without
/// this connection's hop-by-hop headers (and, unless upgrading, without Upgrade).
fn hub_headers(incoming: &HeaderMap, hub: &HubAddress, upgrading: bool) -> HeaderMap {
    let named_by_connection = connection_tokens(incoming);
    let mut headers = HeaderMap::with_capacity(incoming.len());
    for (name, value) in incoming {
        let hop = HOP_BY_HOP.contains(&name.as_str())
            || named_by_connection.contains(name)
            || (name == header::UPGRADE && !upgrading);
        if !hop && name != header::HOST && name != header::ORIGIN {
            headers.append(name.clone(), value.clone());
        }
    }
    if let Ok(host) = HeaderValue::from_str(&hub.authority()) {
        headers.insert(header::HOST, host);
    }
    // Only a page sends Origin; the hub checks it against its own.
    if incoming.contains_key(header::ORIGIN) {
        if let Ok(origin) = HeaderValue::from_str(&hub.origin()) {
            headers.insert(header::ORIGIN, origin);
        }
    }
    if upgrading {
        headers.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
    }
    headers
}

fn connection_tokens(headers: &HeaderMap) -> Vec<HeaderName> {
    headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|token| HeaderName::from_bytes(token.trim().as_bytes()).ok())
        .filter(|name| name != header::UPGRADE)
        .collect()
}

/// The answer's headers as the window must see them: a redirect to the hub's own
/// address points back at the relay.
fn window_headers(incoming: &HeaderMap, upstream: &Upstream) -> HeaderMap {
    let named_by_connection = connection_tokens(incoming);
    let mut headers = HeaderMap::with_capacity(incoming.len());
    for (name, value) in incoming {
        if !HOP_BY_HOP.contains(&name.as_str()) && !named_by_connection.contains(name) {
            headers.append(name.clone(), value.clone());
        }
    }
    let hub_origin = upstream.hub().origin();
    let relocated = headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|location| location.strip_prefix(&hub_origin))
        .and_then(|rest| HeaderValue::from_str(&format!("{}{rest}", upstream.relay_origin)).ok());
    if let Some(location) = relocated {
        headers.insert(header::LOCATION, location);
    }
    headers
}

async fn forward(
    upstream: &Upstream,
    request: Request<Incoming>,
) -> Result<Response<RelayBody>, RelayError> {
    let url = format!("{}{}", upstream.hub().origin(), path_and_query(&request));
    let headers = hub_headers(request.headers(), upstream.hub(), false);
    let method = request.method().clone();
    // Streamed both ways: an upload or a long export never sits whole in the relay.
    let body = reqwest::Body::wrap(request.into_body());
    let answer = upstream
        .client
        .request(method, url)
        .headers(headers)
        .body(body)
        .send()
        .await
        // The URL may carry a token in its query: it must reach neither a log nor the page.
        .map_err(|error| upstream.tls.explain(&error.without_url()))?;
    let status = answer.status();
    let headers = window_headers(answer.headers(), upstream);
    let body = reqwest::Body::from(answer)
        .map_err(|e| Box::new(e) as BoxError)
        .boxed();
    let mut response = Response::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    Ok(response)
}

/// A WebSocket (the event stream): the upgrade request goes to the hub on its own
/// connection; once both sides switched protocols the two connections are spliced.
async fn tunnel(
    upstream: &Upstream,
    mut request: Request<Incoming>,
    closed: watch::Receiver<bool>,
) -> Result<Response<RelayBody>, RelayError> {
    let window_side = hyper::upgrade::on(&mut request);
    let tls = upstream.tls.connect().await?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
        .await
        .map_err(|error| upstream.tls.explain(&error))?;
    tokio::spawn(async move {
        if let Err(error) = connection.with_upgrades().await {
            tracing::debug!(%error, "hub connection of a relayed WebSocket ended");
        }
    });
    let mut hub_request = Request::new(Empty::<Bytes>::new());
    *hub_request.method_mut() = request.method().clone();
    *hub_request.uri_mut() = path_and_query(&request)
        .parse()
        .map_err(|_| RelayError::Tls("unparsable request path".to_owned()))?;
    *hub_request.headers_mut() = hub_headers(request.headers(), upstream.hub(), true);
    let mut answer = sender
        .send_request(hub_request)
        .await
        .map_err(|error| upstream.tls.explain(&error))?;
    if answer.status() != StatusCode::SWITCHING_PROTOCOLS {
        // A refusal (no session, a wrong origin) reaches the window as the hub said it.
        let (parts, body) = answer.into_parts();
        let body = body.map_err(|e| Box::new(e) as BoxError).boxed();
        return Ok(Response::from_parts(parts, body));
    }
    let hub_side = hyper::upgrade::on(&mut answer);
    tokio::spawn(async move {
        match tokio::try_join!(window_side, hub_side) {
            Ok((window, hub)) => splice(TokioIo::new(window), TokioIo::new(hub), closed).await,
            Err(error) => tracing::debug!(%error, "WebSocket upgrade not completed"),
        }
    });
    let mut response = Response::new(Empty::new().map_err(|never| match never {}).boxed());
    *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    for (name, value) in answer.headers() {
        response.headers_mut().append(name.clone(), value.clone());
    }
    Ok(response)
}

/// Copies both ways until either side closes, then closes the other: a window that
/// went away must not leave a stream open on the hub, nor the reverse.
async fn splice<W, H>(window: W, hub: H, mut closed: watch::Receiver<bool>)
where
    W: AsyncRead + AsyncWrite + Unpin,
    H: AsyncRead + AsyncWrite + Unpin,
{
    let (mut window_read, mut window_write) = tokio::io::split(window);
    let (mut hub_read, mut hub_write) = tokio::io::split(hub);
    tokio::select! {
        _ = tokio::io::copy(&mut window_read, &mut hub_write) => {}
        _ = tokio::io::copy(&mut hub_read, &mut window_write) => {}
        _ = closed.wait_for(|closing| *closing) => {}
    }
}
