//! The relay against a small TLS hub of its own (rustls + an rcgen certificate): HTTP
//! and the WebSocket go through, the hub's Host and Origin checks pass, and a
//! certificate other than the pinned one is refused with both fingerprints named.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use noc_relay::{probe, Fingerprint, HubAddress, Relay, RelayError, Trust};
use rustls::pki_types::{CertificateDer, PrivatePkcs8KeyDer};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::Role;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

/// Long enough for a loaded machine; only bounds a wait, never measures one.
const PATIENCE: Duration = Duration::from_secs(20);

struct Certificate {
    der: CertificateDer<'static>,
    acceptor: TlsAcceptor,
}

impl Certificate {
    fn generate() -> Self {
        let generated = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
        let der = generated.cert.der().clone();
        let key = PrivatePkcs8KeyDer::from(generated.signing_key.serialize_der());
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![der.clone()], key.into())
            .unwrap();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Self {
            der,
            acceptor: TlsAcceptor::from(Arc::new(config)),
        }
    }

    fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of_certificate(&self.der)
    }
}

/// A hub that answers only to its own Host and Origin, like noc-server does.
struct TestHub {
    addr: SocketAddr,
    acceptor: Arc<Mutex<TlsAcceptor>>,
    open_streams: Arc<AtomicUsize>,
    accepting: tokio::task::JoinHandle<()>,
}

impl TestHub {
    async fn start(certificate: &Certificate) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let acceptor = Arc::new(Mutex::new(certificate.acceptor.clone()));
        let open_streams = Arc::new(AtomicUsize::new(0));
        let (shared_acceptor, shared_streams) = (acceptor.clone(), open_streams.clone());
        let accepting = tokio::spawn(async move {
            loop {
                let (tcp, _) = listener.accept().await.unwrap();
                let acceptor = acceptor.lock().unwrap().clone();
                let open_streams = open_streams.clone();
                tokio::spawn(async move {
                    let Ok(tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let service = hyper::service::service_fn(move |request| {
                        answer(request, addr.port(), open_streams.clone())
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(tls), service)
                        .with_upgrades()
                        .await;
                });
            }
        });
        Self {
            addr,
            acceptor: shared_acceptor,
            open_streams: shared_streams,
            accepting,
        }
    }

    /// The hub goes away: its port refuses connections.
    async fn stop(self) {
        self.accepting.abort();
        let _ = self.accepting.await;
    }

    fn address(&self) -> HubAddress {
        HubAddress::parse(&format!("https://localhost:{}", self.addr.port())).unwrap()
    }

    /// What an operator sees when the hub's certificate was replaced.
    fn replace_certificate(&self, certificate: &Certificate) {
        *self.acceptor.lock().unwrap() = certificate.acceptor.clone();
    }
}

fn text(status: StatusCode, body: impl Into<Bytes>) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body.into()));
    *response.status_mut() = status;
    response
}

async fn answer(
    mut request: Request<Incoming>,
    port: u16,
    open_streams: Arc<AtomicUsize>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let own_host = format!("localhost:{port}");
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    if host != own_host {
        return Ok(text(StatusCode::FORBIDDEN, format!("host refused: {host}")));
    }
    if let Some(origin) = request.headers().get(header::ORIGIN) {
        if origin.as_bytes() != format!("https://{own_host}").as_bytes() {
            return Ok(text(StatusCode::FORBIDDEN, "origin refused"));
        }
    }
    let path = request.uri().path_and_query().unwrap().as_str().to_owned();
    match path.as_str() {
        "/api/stream" => Ok(accept_stream(&mut request, open_streams)),
        "/api/echo" => {
            let body = request.into_body().collect().await.unwrap().to_bytes();
            Ok(text(StatusCode::OK, body))
        }
        "/moved" => {
            let mut response = text(StatusCode::FOUND, "");
            let location = format!("https://{own_host}/api/info");
            response
                .headers_mut()
                .insert(header::LOCATION, HeaderValue::from_str(&location).unwrap());
            Ok(response)
        }
        _ => Ok(text(StatusCode::OK, format!("{} {path}", request.method()))),
    }
}

/// Echoes every text message back; counts the streams open on the hub's side.
fn accept_stream(
    request: &mut Request<Incoming>,
    open_streams: Arc<AtomicUsize>,
) -> Response<Full<Bytes>> {
    let key = request.headers()[header::SEC_WEBSOCKET_KEY]
        .as_bytes()
        .to_owned();
    let upgrade = hyper::upgrade::on(request);
    tokio::spawn(async move {
        let upgraded = upgrade.await.unwrap();
        open_streams.fetch_add(1, Ordering::SeqCst);
        let mut socket =
            WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, None).await;
        while let Some(Ok(message)) = socket.next().await {
            if message.is_text() && socket.send(message).await.is_err() {
                break;
            }
        }
        open_streams.fetch_sub(1, Ordering::SeqCst);
    });
    let mut response = text(StatusCode::SWITCHING_PROTOCOLS, "");
    let headers = response.headers_mut();
    headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    headers.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
    headers.insert(
        header::SEC_WEBSOCKET_ACCEPT,
        HeaderValue::from_str(&derive_accept_key(&key)).unwrap(),
    );
    response
}

/// The console window's requests: addressed to the relay, from the relay's page.
fn window_client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn until(what: &str, check: impl Fn() -> bool) {
    tokio::time::timeout(PATIENCE, async {
        while !check() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("{what}"));
}

/// A hub and the relay to it, pinned to the hub's certificate as after the operator
/// trusted it on first contact.
async fn trusted_relay() -> (TestHub, Relay) {
    let certificate = Certificate::generate();
    let hub = TestHub::start(&certificate).await;
    let relay = Relay::start(hub.address(), Trust::Pinned(certificate.fingerprint()))
        .await
        .unwrap();
    (hub, relay)
}

#[tokio::test]
async fn probe_returns_the_fingerprint_the_hub_presents() {
    let certificate = Certificate::generate();
    let hub = TestHub::start(&certificate).await;
    let probed = probe(&hub.address()).await.unwrap();
    assert_eq!(probed.fingerprint, certificate.fingerprint());
    assert!(
        !probed.certified,
        "a self-signed certificate is not vouched for"
    );
}

#[tokio::test]
async fn requests_reach_the_hub_as_its_own() {
    let (_hub, relay) = trusted_relay().await;
    let client = window_client();
    let page_origin = format!("http://{}", relay.addr());

    let info = client
        .get(format!("{}api/info?after=3", relay.url()))
        .header(header::ORIGIN, &page_origin)
        .send()
        .await
        .unwrap();
    assert_eq!(info.status(), StatusCode::OK, "{:?}", info.text().await);
    assert_eq!(info.text().await.unwrap(), "GET /api/info?after=3");

    // A body larger than any single read goes through whole.
    let upload: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    let echoed = client
        .post(format!("{}api/echo", relay.url()))
        .header(header::ORIGIN, &page_origin)
        .body(upload.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(echoed.status(), StatusCode::OK);
    assert_eq!(echoed.bytes().await.unwrap().as_ref(), upload.as_slice());

    let moved = client
        .get(format!("{}moved", relay.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), StatusCode::FOUND);
    assert_eq!(
        moved.headers()[header::LOCATION],
        format!("{page_origin}/api/info").as_str()
    );
}

#[tokio::test]
async fn the_event_stream_goes_through_and_closes_with_the_window() {
    let (hub, relay) = trusted_relay().await;
    let mut request = format!("ws://{}/api/stream", relay.addr())
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        header::ORIGIN,
        HeaderValue::from_str(&format!("http://{}", relay.addr())).unwrap(),
    );
    let (mut socket, answer) = tokio_tungstenite::connect_async(request).await.unwrap();
    assert_eq!(answer.status(), StatusCode::SWITCHING_PROTOCOLS);
    for n in 0..3 {
        socket
            .send(Message::text(format!("batch {n}")))
            .await
            .unwrap();
        let echoed = socket.next().await.unwrap().unwrap();
        assert_eq!(echoed.into_text().unwrap().as_str(), format!("batch {n}"));
    }
    assert_eq!(hub.open_streams.load(Ordering::SeqCst), 1);

    // The window goes away without a closing handshake: the hub's side closes too.
    drop(socket);
    until(
        "the hub's stream stayed open after the window closed",
        || hub.open_streams.load(Ordering::SeqCst) == 0,
    )
    .await;
}

#[tokio::test]
async fn stopping_the_relay_closes_the_hub_stream() {
    let (hub, relay) = trusted_relay().await;
    let (mut socket, _) =
        tokio_tungstenite::connect_async(format!("ws://{}/api/stream", relay.addr()))
            .await
            .unwrap();
    socket.send(Message::text("hello")).await.unwrap();
    socket.next().await.unwrap().unwrap();
    relay.stop().await;
    until(
        "the hub's stream stayed open after the relay stopped",
        || hub.open_streams.load(Ordering::SeqCst) == 0,
    )
    .await;
}

#[tokio::test]
async fn a_wrong_pin_is_refused_naming_both_fingerprints() {
    let certificate = Certificate::generate();
    let hub = TestHub::start(&certificate).await;
    let other = Certificate::generate().fingerprint();
    let error = Relay::start(hub.address(), Trust::Pinned(other))
        .await
        .err()
        .expect("a relay pinned to another certificate must not start");
    assert!(
        matches!(error, RelayError::CertificateChanged { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.starts_with("the hub's certificate changed"),
        "{message}"
    );
    assert!(message.contains(&format!("expected {other}")), "{message}");
    assert!(
        message.contains(&format!("got {}", certificate.fingerprint())),
        "{message}"
    );
    assert!(message.contains("trust the new one"), "{message}");
}

#[tokio::test]
async fn a_certificate_replaced_while_running_is_refused() {
    let (hub, relay) = trusted_relay().await;
    let replacement = Certificate::generate();
    hub.replace_certificate(&replacement);
    // A fresh connection from the window means a fresh connection to the hub.
    let answer = window_client()
        .get(format!("{}api/info", relay.url()))
        .header(header::CONNECTION, "close")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::BAD_GATEWAY);
    let message = answer.text().await.unwrap();
    assert!(
        message.contains("the hub's certificate changed"),
        "{message}"
    );
    assert!(
        message.contains(&replacement.fingerprint().to_string()),
        "{message}"
    );
}

#[tokio::test]
async fn a_self_signed_hub_is_not_trusted_by_authorities() {
    let certificate = Certificate::generate();
    let hub = TestHub::start(&certificate).await;
    let error = Relay::start(hub.address(), Trust::Authorities)
        .await
        .err()
        .expect("a self-signed certificate must not pass as certified");
    assert!(matches!(error, RelayError::Untrusted { .. }), "{error:?}");
}

#[tokio::test]
async fn an_unreachable_hub_is_named() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let hub = HubAddress::parse(&format!("https://127.0.0.1:{port}")).unwrap();
    let error = probe(&hub).await.err().unwrap();
    assert!(matches!(error, RelayError::Unreachable { .. }), "{error:?}");
    assert!(error.to_string().contains(&hub.to_string()), "{error}");
}

#[tokio::test]
async fn keeps_its_port_across_launches_when_free() {
    let certificate = Certificate::generate();
    let hub = TestHub::start(&certificate).await;
    let trust = Trust::Pinned(certificate.fingerprint());
    let first = Relay::start(hub.address(), trust).await.unwrap();
    let port = first.addr().port();
    // While the first one holds it, another relay takes another port.
    let second = Relay::start_at(hub.address(), trust, port).await.unwrap();
    assert_ne!(second.addr().port(), port);
    first.stop().await;
    second.stop().await;
    let again = Relay::start_at(hub.address(), trust, port).await.unwrap();
    assert_eq!(again.addr().port(), port);
}

#[tokio::test]
async fn a_failure_does_not_repeat_the_token_of_the_address() {
    let (hub, relay) = trusted_relay().await;
    hub.stop().await;
    let answer = window_client()
        .get(format!("{}wall?token=wall-secret", relay.url()))
        .header(header::CONNECTION, "close")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::BAD_GATEWAY);
    let message = answer.text().await.unwrap();
    assert!(message.starts_with("cannot reach the hub"), "{message}");
    assert!(!message.contains("wall-secret"), "{message}");
}
