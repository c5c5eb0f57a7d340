//! The HTTP(S) probe. Each phase is done by hand (name resolution, TCP connect,
//! TLS handshake, HTTP/1.1 over that connection) because the time each one takes
//! is what tells an operator where a slow or failing service hurts.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::header::{HeaderValue, ACCEPT, AUTHORIZATION, HOST, USER_AGENT};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use noc_model::{HttpProbe, Millis, ProbeTimings};
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{CertificateError, ClientConfig, RootCertStore};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use url::Url;

use super::assertions::BodyAssertions;
use super::{millis_since, seconds, Reading};
use crate::polling::{Credentials, MAX_BODY_BYTES};
use crate::source::{Secret, SourceError};

pub(super) struct HttpProber {
    url: Url,
    method: Method,
    expect_status: Vec<u16>,
    assertions: BodyAssertions,
    authorization: Option<HeaderValue>,
    cert_warn_days: Option<u32>,
    tls: TlsConnector,
}

/// What the server sent back.
struct Answer {
    status: u16,
    body: Vec<u8>,
    /// The body was longer than [`MAX_BODY_BYTES`]; only that much was read.
    truncated: bool,
    cert_expires_at: Option<Millis>,
}

/// The TLS settings every probe shares: the operating system's trusted roots
/// (where a company's own CA is installed) and the Mozilla roots.
pub(super) fn default_tls() -> Arc<ClientConfig> {
    static SHARED: OnceLock<Arc<ClientConfig>> = OnceLock::new();
    SHARED
        .get_or_init(|| {
            let mut roots = RootCertStore::empty();
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            // Unreadable system certificates leave the Mozilla roots, which is
            // what a machine without a system store gets anyway.
            let system = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(system.certs);
            tls_config(roots)
        })
        .clone()
}

/// A client TLS configuration trusting `roots` (tests add their own CA).
pub(super) fn tls_config(roots: RootCertStore) -> Arc<ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("the ring provider supports the default TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Arc::new(config)
}

impl HttpProber {
    pub fn new(
        probe: &HttpProbe,
        secret: Option<&Secret>,
        tls: Arc<ClientConfig>,
    ) -> Result<Self, SourceError> {
        let url = Url::parse(&probe.url)
            .map_err(|err| SourceError::Invalid(format!("URL \"{}\": {err}", probe.url)))?;
        if url.host_str().is_none() || !matches!(url.scheme(), "http" | "https") {
            return Err(SourceError::Invalid(format!(
                "URL \"{}\" needs http:// or https:// and a host",
                probe.url
            )));
        }
        let method = match probe.method.as_deref().map(str::trim) {
            None | Some("") => Method::GET,
            Some(word) => Method::from_bytes(word.to_ascii_uppercase().as_bytes())
                .map_err(|_| SourceError::Invalid(format!("\"{word}\" is not an HTTP method")))?,
        };
        let authorization = match (&probe.auth, secret) {
            (None, _) => None,
            (Some(_), None) => return Err(SourceError::MissingSecret(probe.url.clone())),
            (Some(auth), Some(secret)) => Some(authorization(auth.user.as_deref(), secret)?),
        };
        Ok(Self {
            url,
            method,
            expect_status: probe.expect_status.clone(),
            assertions: BodyAssertions::new(probe)?,
            authorization,
            cert_warn_days: probe.cert_warn_days,
            tls: TlsConnector::from(tls),
        })
    }

    pub fn host(&self) -> Option<String> {
        self.url
            .host_str()
            .map(|host| host.trim_matches(['[', ']']).to_string())
    }

    pub fn cert_warn_days(&self) -> Option<u32> {
        self.cert_warn_days
    }

    pub async fn run(&self, timeout: Duration) -> Reading {
        let started = Instant::now();
        let deadline = tokio::time::Instant::now() + timeout;
        let mut timings = ProbeTimings::default();
        let exchanged = self.exchange(&mut timings, deadline, timeout).await;
        timings.total_ms = Some(millis_since(started));
        match exchanged {
            Ok(answer) => self.judge(answer, timings),
            Err(detail) => Reading::failed("", timings, detail),
        }
    }

    async fn exchange(
        &self,
        timings: &mut ProbeTimings,
        deadline: tokio::time::Instant,
        timeout: Duration,
    ) -> Result<Answer, String> {
        let within = |phase: &'static str| late(phase, timeout);
        let host = self.host().unwrap_or_default();
        let port = self.url.port_or_known_default().unwrap_or(80);
        let addresses = match host.parse::<IpAddr>() {
            Ok(ip) => vec![SocketAddr::new(ip, port)],
            Err(_) => {
                let started = Instant::now();
                let found = tokio::time::timeout_at(deadline, resolve(&host, port))
                    .await
                    .map_err(within("DNS"))??;
                timings.dns_ms = Some(millis_since(started));
                found
            }
        };
        let started = Instant::now();
        let stream = tokio::time::timeout_at(deadline, connect(&addresses))
            .await
            .map_err(within("connect"))??;
        timings.connect_ms = Some(millis_since(started));
        if self.url.scheme() != "https" {
            return self.speak(stream, None, timings, deadline, timeout).await;
        }
        let name = ServerName::try_from(host.clone())
            .map_err(|_| format!("TLS: \"{host}\" is not a valid server name"))?;
        let started = Instant::now();
        let tls = tokio::time::timeout_at(deadline, self.tls.connect(name, stream))
            .await
            .map_err(within("TLS"))?
            .map_err(|err| tls_failure(&err, &host))?;
        timings.tls_ms = Some(millis_since(started));
        let expires_at = tls
            .get_ref()
            .1
            .peer_certificates()
            .and_then(|chain| chain.first())
            .and_then(not_after);
        self.speak(tls, expires_at, timings, deadline, timeout)
            .await
    }

    /// One HTTP/1.1 request over the open connection, and its answer.
    async fn speak<S>(
        &self,
        stream: S,
        cert_expires_at: Option<Millis>,
        timings: &mut ProbeTimings,
        deadline: tokio::time::Instant,
        timeout: Duration,
    ) -> Result<Answer, String>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let started = Instant::now();
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|err| format!("HTTP: {err}"))?;
        // The connection is driven beside the request and dropped with the run,
        // whether it ended, failed or timed out.
        let driver = AbortOnDrop(tokio::spawn(connection));
        let response = tokio::time::timeout_at(deadline, sender.send_request(self.request()?))
            .await
            .map_err(late("HTTP", timeout))?
            .map_err(|err| format!("HTTP: {}", error_chain(&err)))?;
        timings.first_byte_ms = Some(millis_since(started));
        let status = response.status().as_u16();
        let (body, truncated) =
            tokio::time::timeout_at(deadline, read_capped(response.into_body()))
                .await
                .map_err(|_| {
                    format!(
                        "HTTP {status}: body not complete within {}",
                        seconds(timeout)
                    )
                })??;
        drop(driver);
        Ok(Answer {
            status,
            body,
            truncated,
            cert_expires_at,
        })
    }

    fn request(&self) -> Result<Request<Empty<Bytes>>, String> {
        let target = match self.url.query() {
            Some(query) => format!("{}?{query}", self.url.path()),
            None => self.url.path().to_string(),
        };
        let host = match (self.url.host_str(), self.url.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_string(),
            (None, _) => String::new(),
        };
        let mut request = Request::builder()
            .method(self.method.clone())
            .uri(target)
            .header(HOST, host)
            .header(
                USER_AGENT,
                concat!("noc-console-probe/", env!("CARGO_PKG_VERSION")),
            )
            .header(ACCEPT, "*/*");
        if let Some(authorization) = &self.authorization {
            request = request.header(AUTHORIZATION, authorization.clone());
        }
        request
            .body(Empty::new())
            .map_err(|err| format!("HTTP: cannot build the request: {err}"))
    }

    fn judge(&self, answer: Answer, timings: ProbeTimings) -> Reading {
        let accepted = if self.expect_status.is_empty() {
            (200..400).contains(&answer.status)
        } else {
            self.expect_status.contains(&answer.status)
        };
        let verdict = if accepted {
            self.assertions.verdict(&answer.body).map_err(|why| {
                if answer.truncated {
                    format!("{why} (only the first {} MB read)", MAX_BODY_BYTES >> 20)
                } else {
                    why
                }
            })
        } else {
            Err(format!("HTTP {}", answer.status))
        };
        let detail = match &verdict {
            Ok(()) => format!("HTTP {} in {}", answer.status, phases(&timings)),
            Err(why) => why.clone(),
        };
        Reading {
            vantage: String::new(),
            ok: verdict.is_ok(),
            timings,
            status_code: Some(answer.status),
            detail,
            cert_expires_at: answer.cert_expires_at,
        }
    }
}

/// How a phase that ran out of time is reported.
fn late(phase: &'static str, timeout: Duration) -> impl Fn(tokio::time::error::Elapsed) -> String {
    move |_| format!("{phase}: no answer within {}", seconds(timeout))
}

/// "84 ms (dns 1, connect 2, tls 10, first byte 60)".
fn phases(timings: &ProbeTimings) -> String {
    let parts: Vec<String> = [
        ("dns", timings.dns_ms),
        ("connect", timings.connect_ms),
        ("tls", timings.tls_ms),
        ("first byte", timings.first_byte_ms),
    ]
    .into_iter()
    .filter_map(|(phase, ms)| ms.map(|ms| format!("{phase} {ms:.0}")))
    .collect();
    format!(
        "{:.0} ms ({})",
        timings.total_ms.unwrap_or_default(),
        parts.join(", ")
    )
}

/// The same header the polled sources send (basic with a user, else bearer).
fn authorization(user: Option<&str>, secret: &Secret) -> Result<HeaderValue, SourceError> {
    let credentials = Credentials {
        user: user.filter(|u| !u.is_empty()).map(str::to_string),
        secret: secret.clone(),
    };
    credentials
        .header()
        .map_err(|_| SourceError::Invalid("the secret cannot be sent in an HTTP header".into()))
}

/// The host's addresses, as the operating system resolves them (hosts file included).
pub(super) async fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, String> {
    match tokio::net::lookup_host((host, port)).await {
        Ok(found) => {
            let found: Vec<SocketAddr> = found.collect();
            if found.is_empty() {
                Err(format!("DNS: no address for {host}"))
            } else {
                Ok(found)
            }
        }
        Err(err) => Err(dns_failure(host, &err)),
    }
}

/// The resolver library's words for "this name does not exist" vary by system;
/// the operator needs to know that it does not, rather than how it was said.
fn dns_failure(host: &str, err: &io::Error) -> String {
    let text = err.to_string();
    let no_such_host = [
        "Name or service not known",
        "No address associated with hostname",
        "nodename nor servname provided",
    ]
    .iter()
    .any(|phrase| text.contains(phrase));
    if no_such_host {
        format!("DNS: no such host {host}")
    } else {
        format!("DNS: cannot resolve {host} ({text})")
    }
}

/// Tries each address in turn, as a browser does; the last refusal is reported.
pub(super) async fn connect(addresses: &[SocketAddr]) -> Result<TcpStream, String> {
    let mut last = String::from("connect: no address to connect to");
    for address in addresses {
        match TcpStream::connect(address).await {
            Ok(stream) => {
                // Small requests would otherwise wait for Nagle's delay.
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Err(err) => last = connect_failure(&err),
        }
    }
    Err(last)
}

fn connect_failure(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::ConnectionRefused => "connect: connection refused".into(),
        io::ErrorKind::TimedOut => "connect: timed out".into(),
        _ => format!("connect: {err}"),
    }
}

fn tls_failure(err: &io::Error, host: &str) -> String {
    let rustls_error = err
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>());
    match rustls_error {
        Some(rustls::Error::InvalidCertificate(problem)) => match problem {
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                "TLS: certificate expired".into()
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                "TLS: certificate not valid yet".into()
            }
            CertificateError::UnknownIssuer => {
                "TLS: certificate not trusted (unknown issuer)".into()
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                format!("TLS: certificate not valid for {host}")
            }
            CertificateError::Revoked => "TLS: certificate revoked".into(),
            other => format!("TLS: bad certificate ({other:?})"),
        },
        Some(other) => format!("TLS: {other}"),
        None => format!("TLS: {err}"),
    }
}

/// When the peer's own certificate stops being valid, from its `notAfter`.
fn not_after(der: &CertificateDer<'_>) -> Option<Millis> {
    let (_, certificate) = x509_parser::parse_x509_certificate(der.as_ref()).ok()?;
    Some(certificate.validity().not_after.timestamp() * 1000)
}

/// Reads the body up to [`MAX_BODY_BYTES`]; a longer one is cut there, since the
/// assertions only need the start and a huge download must not fill the hub.
async fn read_capped(mut body: hyper::body::Incoming) -> Result<(Vec<u8>, bool), String> {
    let mut read = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|err| format!("HTTP: body broken off: {err}"))?;
        let Some(data) = frame.data_ref() else {
            continue;
        };
        let room = MAX_BODY_BYTES - read.len();
        if data.len() > room {
            read.extend_from_slice(&data[..room]);
            return Ok((read, true));
        }
        read.extend_from_slice(data);
    }
    Ok((read, false))
}

/// hyper's top-level message ("connection closed before message completed") is
/// clearer with its cause.
fn error_chain(err: &hyper::Error) -> String {
    let mut text = err.to_string();
    let mut cause = std::error::Error::source(err);
    while let Some(inner) = cause {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    text
}

struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_are_listed_in_the_order_they_happen() {
        let timings = ProbeTimings {
            dns_ms: Some(1.2),
            connect_ms: Some(2.0),
            tls_ms: Some(10.4),
            first_byte_ms: Some(60.0),
            total_ms: Some(84.0),
        };
        assert_eq!(
            phases(&timings),
            "84 ms (dns 1, connect 2, tls 10, first byte 60)"
        );
        let plain = ProbeTimings {
            connect_ms: Some(0.4),
            first_byte_ms: Some(3.0),
            total_ms: Some(4.0),
            ..ProbeTimings::default()
        };
        assert_eq!(phases(&plain), "4 ms (connect 0, first byte 3)");
    }

    #[test]
    fn basic_authentication_with_a_user_else_a_bearer_token() {
        let secret = Secret::new("s3cret");
        let basic = authorization(Some("ops"), &secret).unwrap();
        assert_eq!(basic.to_str().unwrap(), "Basic b3BzOnMzY3JldA==");
        assert!(basic.is_sensitive());
        let bearer = authorization(None, &secret).unwrap();
        assert_eq!(bearer.to_str().unwrap(), "Bearer s3cret");
    }

    #[test]
    fn an_unknown_host_is_said_plainly() {
        let err =
            io::Error::other("failed to lookup address information: Name or service not known");
        assert_eq!(
            dns_failure("nowhere.invalid", &err),
            "DNS: no such host nowhere.invalid"
        );
    }
}
