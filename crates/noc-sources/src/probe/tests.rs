//! Probes against servers started by the tests: HTTP and HTTPS (a CA made here and
//! trusted only by these tests), a TCP listener, small DNS servers answering
//! differently, a fake blackbox exporter; and the task that turns runs into
//! results, health and alarms.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, StatusCode};
use axum::routing::get;
use axum::Router;
use hickory_proto::op::{Message, MessageType, OpCode, ResponseCode};
use hickory_proto::rr::rdata::A;
use hickory_proto::rr::{RData, Record};
use noc_model::{
    AlarmSignal, BlackboxProbe, DnsProbe, HealthStatus, HttpAuth, HttpProbe, ManualClock,
    ProbeResult, SecretRef, Severity, Signal, SourceDefinition, SourceSettings, TcpProbe,
};
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::RootCertStore;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, UdpSocket};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::*;
use crate::fake_endpoint::{self, Reply};

const TIMEOUT: Duration = Duration::from_secs(5);
const MB: usize = 1024 * 1024;

fn http_probe(url: &str) -> HttpProbe {
    HttpProbe {
        url: url.into(),
        method: None,
        expect_status: Vec::new(),
        keyword: None,
        regex: None,
        json_path: None,
        json_equals: None,
        cert_warn_days: None,
        auth: None,
    }
}

fn http(probe: &HttpProbe) -> http::HttpProber {
    http::HttpProber::new(probe, None, http::default_tls()).unwrap()
}

/// A local web site with the pages the tests need; counts visits to `/landing`.
async fn site() -> (String, Arc<AtomicUsize>) {
    let landings = Arc::new(AtomicUsize::new(0));
    let counted = landings.clone();
    let app = Router::new()
        .route("/ok", get(|| async { "all ok" }))
        .route(
            "/down",
            get(|| async { (StatusCode::SERVICE_UNAVAILABLE, "maintenance") }),
        )
        .route(
            "/status.json",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "application/json")],
                    r#"{"status":"down"}"#,
                )
            }),
        )
        .route(
            "/moved",
            get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/landing")], "") }),
        )
        .route(
            "/landing",
            get(move || {
                counted.fetch_add(1, Ordering::SeqCst);
                async { "landed" }
            }),
        )
        .route(
            "/huge",
            get(|| async {
                let mut body = vec![b'x'; 11 * MB];
                body.extend_from_slice(b"END");
                body
            }),
        )
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(30)).await;
                "late"
            }),
        )
        .route(
            "/whoami",
            get(|headers: axum::http::HeaderMap| async move {
                match headers.get(header::AUTHORIZATION) {
                    Some(value) if value == "Basic b3BzOnMzY3JldA==" => (StatusCode::OK, "ops"),
                    _ => (StatusCode::UNAUTHORIZED, "who?"),
                }
            }),
        );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), landings)
}

/// A loopback port nothing listens on.
async fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test]
async fn a_healthy_page_passes_with_its_phases_timed() {
    let (base, _) = site().await;
    let port = base.rsplit(':').next().unwrap();
    let reading = http(&HttpProbe {
        keyword: Some("ok".into()),
        regex: Some("^all".into()),
        ..http_probe(&format!("http://localhost:{port}/ok"))
    })
    .run(TIMEOUT)
    .await;
    assert!(reading.ok, "{}", reading.detail);
    assert_eq!(reading.status_code, Some(200));
    assert!(
        reading.detail.starts_with("HTTP 200 in "),
        "{}",
        reading.detail
    );
    let t = &reading.timings;
    assert!(t.dns_ms.is_some(), "a name was resolved");
    assert!(t.connect_ms.is_some() && t.first_byte_ms.is_some());
    assert_eq!(t.tls_ms, None, "no TLS over http://");
    let parts = t.dns_ms.unwrap() + t.connect_ms.unwrap() + t.first_byte_ms.unwrap();
    assert!(
        t.total_ms.unwrap() >= parts,
        "the total includes every phase: {t:?}"
    );
}

#[tokio::test]
async fn status_and_body_failures_are_said_plainly() {
    let (base, _) = site().await;
    let down = http(&http_probe(&format!("{base}/down")))
        .run(TIMEOUT)
        .await;
    assert!(!down.ok);
    assert_eq!(down.detail, "HTTP 503");
    assert_eq!(down.status_code, Some(503));

    let expected_down = http(&HttpProbe {
        expect_status: vec![503],
        ..http_probe(&format!("{base}/down"))
    })
    .run(TIMEOUT)
    .await;
    assert!(expected_down.ok, "{}", expected_down.detail);

    let keyword = http(&HttpProbe {
        keyword: Some("healthy".into()),
        ..http_probe(&format!("{base}/ok"))
    })
    .run(TIMEOUT)
    .await;
    assert_eq!(keyword.detail, "body does not contain \"healthy\"");

    let json = http(&HttpProbe {
        json_path: Some("$.status".into()),
        json_equals: Some("up".into()),
        ..http_probe(&format!("{base}/status.json"))
    })
    .run(TIMEOUT)
    .await;
    assert!(!json.ok);
    assert_eq!(json.detail, "$.status is \"down\", expected \"up\"");
}

#[tokio::test]
async fn a_redirect_is_a_status_and_is_not_followed() {
    let (base, landings) = site().await;
    let moved = http(&http_probe(&format!("{base}/moved")))
        .run(TIMEOUT)
        .await;
    assert!(moved.ok, "3xx is accepted by default: {}", moved.detail);
    assert_eq!(moved.status_code, Some(302));
    assert_eq!(
        landings.load(Ordering::SeqCst),
        0,
        "the redirect was followed"
    );

    let strict = http(&HttpProbe {
        expect_status: vec![200],
        ..http_probe(&format!("{base}/moved"))
    })
    .run(TIMEOUT)
    .await;
    assert_eq!(strict.detail, "HTTP 302");
}

#[tokio::test]
async fn only_the_first_ten_megabytes_are_read() {
    let (base, _) = site().await;
    let status_only = http(&http_probe(&format!("{base}/huge")))
        .run(TIMEOUT)
        .await;
    assert!(status_only.ok, "{}", status_only.detail);
    let keyword_at_the_end = http(&HttpProbe {
        keyword: Some("END".into()),
        ..http_probe(&format!("{base}/huge"))
    })
    .run(TIMEOUT)
    .await;
    assert!(!keyword_at_the_end.ok);
    assert_eq!(
        keyword_at_the_end.detail,
        "body does not contain \"END\" (only the first 10 MB read)"
    );
}

#[tokio::test]
async fn a_server_that_does_not_answer_times_out() {
    let (base, _) = site().await;
    let reading = http(&http_probe(&format!("{base}/slow")))
        .run(Duration::from_millis(300))
        .await;
    assert!(!reading.ok);
    assert_eq!(reading.detail, "HTTP: no answer within 0.3 s");
    assert!(reading.timings.connect_ms.is_some());
    assert_eq!(reading.timings.first_byte_ms, None);
}

#[tokio::test]
async fn refused_connections_and_unknown_hosts_are_named() {
    let port = closed_port().await;
    let refused = http(&http_probe(&format!("http://127.0.0.1:{port}/")))
        .run(TIMEOUT)
        .await;
    assert_eq!(refused.detail, "connect: connection refused");
    let unknown = http(&http_probe("http://no-such-host.invalid/"))
        .run(TIMEOUT)
        .await;
    assert!(!unknown.ok);
    assert!(unknown.detail.starts_with("DNS: "), "{}", unknown.detail);
}

#[tokio::test]
async fn credentials_are_sent_as_configured() {
    let (base, _) = site().await;
    let probe = HttpProbe {
        auth: Some(HttpAuth {
            user: Some("ops".into()),
            secret: SecretRef::Env {
                name: "SHOP_PROBE_SECRET".into(),
            },
        }),
        ..http_probe(&format!("{base}/whoami"))
    };
    let secret = Secret::new("s3cret");
    let prober = http::HttpProber::new(&probe, Some(&secret), http::default_tls()).unwrap();
    let reading = prober.run(TIMEOUT).await;
    assert!(reading.ok, "{}", reading.detail);
    let without = http::HttpProber::new(&probe, None, http::default_tls());
    assert!(matches!(without, Err(SourceError::MissingSecret(_))));
}

/// A CA of the test's own, and a server certificate for `localhost` it signed.
struct TestPki {
    ca: CertificateDer<'static>,
    issuer: Issuer<'static, KeyPair>,
}

impl TestPki {
    fn new() -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let key = KeyPair::generate().unwrap();
        let ca = params.self_signed(&key).unwrap().der().clone();
        Self {
            ca,
            issuer: Issuer::new(params, key),
        }
    }

    fn roots(&self) -> RootCertStore {
        let mut roots = RootCertStore::empty();
        roots.add(self.ca.clone()).unwrap();
        roots
    }

    /// A `localhost` certificate valid until `not_after`.
    fn server(&self, not_after: time::OffsetDateTime) -> Arc<rustls::ServerConfig> {
        let mut params = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
        params.not_before = time::OffsetDateTime::now_utc() - time::Duration::days(30);
        params.not_after = not_after;
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap().der().clone();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![cert], PrivateKeyDer::Pkcs8(key.serialize_der().into()))
            .unwrap();
        Arc::new(config)
    }
}

/// Serves `https://localhost:{port}/` with a fixed answer over `server`'s TLS.
async fn https_site(server: Arc<rustls::ServerConfig>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let acceptor = tokio_rustls::TlsAcceptor::from(server);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(stream).await else {
                    return;
                };
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                while !request.ends_with(b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let answer =
                    "HTTP/1.1 200 OK\r\ncontent-length: 6\r\nconnection: close\r\n\r\nsecure";
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    format!("https://localhost:{port}/")
}

fn in_days(days: i64) -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc() + time::Duration::days(days)
}

#[tokio::test]
async fn https_is_timed_and_the_certificate_expiry_read() {
    let pki = TestPki::new();
    let not_after = in_days(90);
    let url = https_site(pki.server(not_after)).await;
    let prober = http::HttpProber::new(
        &HttpProbe {
            keyword: Some("secure".into()),
            ..http_probe(&url)
        },
        None,
        http::tls_config(pki.roots()),
    )
    .unwrap();
    let reading = prober.run(TIMEOUT).await;
    assert!(reading.ok, "{}", reading.detail);
    assert!(reading.timings.tls_ms.is_some());
    assert!(reading.detail.contains(", tls "), "{}", reading.detail);
    assert_eq!(
        reading.cert_expires_at,
        Some(not_after.unix_timestamp() * 1000)
    );
}

#[tokio::test]
async fn untrusted_and_expired_certificates_fail_the_handshake() {
    let pki = TestPki::new();
    let url = https_site(pki.server(in_days(90))).await;
    // The production trust store does not know the test's CA.
    let untrusted = http(&http_probe(&url)).run(TIMEOUT).await;
    assert_eq!(
        untrusted.detail,
        "TLS: certificate not trusted (unknown issuer)"
    );

    let expired_url = https_site(pki.server(in_days(-1))).await;
    let trusted = http::tls_config(pki.roots());
    let expired = http::HttpProber::new(&http_probe(&expired_url), None, trusted)
        .unwrap()
        .run(TIMEOUT)
        .await;
    assert!(!expired.ok);
    assert_eq!(expired.detail, "TLS: certificate expired");
}

#[tokio::test]
async fn tcp_connect_is_timed_and_refusal_named() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let open = tcp::TcpProber::new(&TcpProbe {
        host: "127.0.0.1".into(),
        port,
    })
    .run(TIMEOUT)
    .await;
    assert!(open.ok, "{}", open.detail);
    assert!(open.timings.connect_ms.is_some());
    drop(listener);
    let closed = tcp::TcpProber::new(&TcpProbe {
        host: "127.0.0.1".into(),
        port,
    })
    .run(TIMEOUT)
    .await;
    assert!(!closed.ok);
    assert_eq!(closed.detail, "connect: connection refused");
}

/// A DNS server on loopback that answers every A question with `address`, or
/// NXDOMAIN without one.
async fn dns_server(address: Option<[u8; 4]>) -> SocketAddr {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let local = socket.local_addr().unwrap();
    tokio::spawn(async move {
        let mut buf = [0u8; 512];
        while let Ok((n, peer)) = socket.recv_from(&mut buf).await {
            let Ok(question) = Message::from_vec(&buf[..n]) else {
                continue;
            };
            let mut answer =
                Message::new(question.metadata.id, MessageType::Response, OpCode::Query);
            answer.metadata.recursion_desired = question.metadata.recursion_desired;
            answer.metadata.recursion_available = true;
            answer.add_queries(question.queries.clone());
            match address {
                Some(ip) => {
                    let name = question.queries[0].name().clone();
                    answer.add_answer(Record::from_rdata(
                        name,
                        60,
                        RData::A(A::from(std::net::Ipv4Addr::from(ip))),
                    ));
                }
                None => answer.metadata.response_code = ResponseCode::NXDomain,
            }
            let _ = socket.send_to(&answer.to_vec().unwrap(), peer).await;
        }
    });
    local
}

#[tokio::test]
async fn each_resolver_is_asked_and_judged_on_its_own() {
    let right = dns_server(Some([10, 0, 0, 1])).await;
    let wrong = dns_server(Some([10, 6, 6, 6])).await;
    let prober = dns::DnsProber::new(
        &DnsProbe {
            name: "shop.example".into(),
            record_type: None,
            resolvers: vec![right.to_string(), wrong.to_string()],
            expected: vec!["10.0.0.1".into()],
        },
        TIMEOUT,
    )
    .unwrap();
    let readings = prober.run(TIMEOUT).await;
    assert_eq!(readings.len(), 2);
    assert_eq!(readings[0].vantage, right.to_string());
    assert!(readings[0].ok, "{}", readings[0].detail);
    assert!(
        readings[0].detail.starts_with("10.0.0.1 in "),
        "{}",
        readings[0].detail
    );
    assert!(readings[0].timings.dns_ms.is_some());
    assert_eq!(readings[1].vantage, wrong.to_string());
    assert!(!readings[1].ok);
    assert_eq!(readings[1].detail, "answered 10.6.6.6, expected 10.0.0.1");
}

#[tokio::test]
async fn a_name_the_resolver_does_not_know_fails_that_vantage() {
    let nxdomain = dns_server(None).await;
    let prober = dns::DnsProber::new(
        &DnsProbe {
            name: "gone.example".into(),
            record_type: Some("A".into()),
            resolvers: vec![nxdomain.to_string()],
            expected: Vec::new(),
        },
        TIMEOUT,
    )
    .unwrap();
    let readings = prober.run(TIMEOUT).await;
    assert!(!readings[0].ok);
    assert_eq!(readings[0].detail, "DNS: no such name gone.example");
}

#[tokio::test]
async fn a_silent_resolver_times_out() {
    // Bound but never answering.
    let silent = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let address = silent.local_addr().unwrap();
    let timeout = Duration::from_millis(300);
    let prober = dns::DnsProber::new(
        &DnsProbe {
            name: "shop.example".into(),
            record_type: None,
            resolvers: vec![address.to_string()],
            expected: Vec::new(),
        },
        timeout,
    )
    .unwrap();
    let readings = prober.run(timeout).await;
    assert!(!readings[0].ok);
    assert!(
        readings[0].detail.starts_with("DNS: no answer"),
        "{}",
        readings[0].detail
    );
}

const EXPOSITION: &str = "probe_duration_seconds 0.01\n\
probe_http_duration_seconds{phase=\"connect\"} 0.001\n\
probe_http_status_code 200\n\
probe_success 1\n";

#[tokio::test]
async fn a_blackbox_exporter_answer_is_a_result_from_its_host() {
    let (base, _) = fake_endpoint::serve(
        "/probe",
        Reply {
            status: StatusCode::OK,
            content_type: "text/plain; version=0.0.4",
            body: EXPOSITION.as_bytes().to_vec(),
        },
    )
    .await;
    let prober = blackbox::BlackboxProber::new(
        &BlackboxProbe {
            exporter_url: base.clone(),
            module: "http_2xx".into(),
            target: "http://shop.example/".into(),
        },
        TIMEOUT,
    )
    .unwrap();
    let reading = prober.run().await.unwrap();
    assert!(reading.ok, "{}", reading.detail);
    assert_eq!(reading.vantage, base.trim_start_matches("http://"));
    assert_eq!(reading.status_code, Some(200));
    assert_eq!(reading.timings.connect_ms, Some(1.0));
}

#[tokio::test]
async fn an_unreachable_exporter_is_the_sources_health() {
    let port = closed_port().await;
    let prober = blackbox::BlackboxProber::new(
        &BlackboxProbe {
            exporter_url: format!("http://127.0.0.1:{port}"),
            module: "http_2xx".into(),
            target: "http://shop.example/".into(),
        },
        TIMEOUT,
    )
    .unwrap();
    let cannot = prober.run().await.unwrap_err();
    assert_eq!(cannot.status, HealthStatus::Unreachable);
    assert!(
        cannot.detail.contains("blackbox exporter"),
        "{}",
        cannot.detail
    );
}

/// A probe task on a short interval, and what it sends.
struct Running {
    signals: mpsc::Receiver<Signal>,
    results: mpsc::Receiver<ProbeResult>,
    shutdown: CancellationToken,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

impl Running {
    fn start(definition: &SourceDefinition, prober: Prober) -> Self {
        let mut task = ProbeTask::new(definition, prober);
        task.interval = Duration::from_millis(100);
        task.timeout = Duration::from_secs(2);
        let (signals_tx, signals) = mpsc::channel(1024);
        let (results_tx, results) = mpsc::channel(1024);
        let shutdown = CancellationToken::new();
        let ctx = SourceContext {
            clock: Arc::new(ManualClock::new(1_795_000_000_000)),
            signals: signals_tx,
            probe_results: results_tx,
            shutdown: shutdown.clone(),
            secret: None,
        };
        tokio::spawn(run(task, ctx, Duration::ZERO));
        Self {
            signals,
            results,
            shutdown,
        }
    }

    async fn signal(&mut self) -> Signal {
        tokio::time::timeout(Duration::from_secs(10), self.signals.recv())
            .await
            .expect("the probe sent nothing within 10 s")
            .expect("the probe stopped")
    }

    /// The next alarm signal; every health report on the way must be `Ok`.
    async fn alarm(&mut self) -> AlarmSignal {
        loop {
            match self.signal().await {
                Signal::Alarm(alarm) => return alarm,
                Signal::Health(health) => assert_eq!(health.status, HealthStatus::Ok, "{health:?}"),
                _ => {}
            }
        }
    }

    async fn health(&mut self) -> noc_model::SourceHealth {
        loop {
            if let Signal::Health(health) = self.signal().await {
                return health;
            }
        }
    }

    fn results(&mut self) -> Vec<ProbeResult> {
        std::iter::from_fn(|| self.results.try_recv().ok()).collect()
    }
}

fn definition(name: &str, settings: SourceSettings) -> SourceDefinition {
    SourceDefinition {
        name: name.into(),
        enabled: true,
        interval_secs: None,
        timeout_secs: None,
        node: None,
        settings,
    }
}

#[tokio::test]
async fn two_failed_runs_raise_an_alarm_and_the_first_success_clears_it() {
    let (base, reply) = fake_endpoint::serve("/health", Reply::json(r#"{"status":"up"}"#)).await;
    let probe = HttpProbe {
        json_path: Some("$.status".into()),
        json_equals: Some("up".into()),
        ..http_probe(&format!("{base}/health"))
    };
    let definition = definition("shop", SourceSettings::HttpProbe(probe.clone()));
    let mut running = Running::start(&definition, Prober::Http(Box::new(http(&probe))));
    let health = running.health().await;
    assert_eq!(
        (health.source.as_str(), health.kind.as_str()),
        ("shop", "http_probe")
    );

    reply.lock().unwrap().status = StatusCode::SERVICE_UNAVAILABLE;
    let alarm = running.alarm().await;
    assert!(alarm.firing);
    assert_eq!(alarm.title, "HTTP probe shop failing");
    assert_eq!(alarm.text, "HTTP 503");
    assert_eq!(alarm.severity, Severity::Major);
    assert_eq!(alarm.key, "probe");
    assert_eq!(alarm.node.as_deref(), Some("127.0.0.1"));
    let failed_before = running.results().iter().filter(|r| !r.ok).count();
    assert!(
        failed_before >= 2,
        "fired after {failed_before} failed run(s)"
    );

    *reply.lock().unwrap() = Reply::json(r#"{"status":"up"}"#);
    let cleared = running.alarm().await;
    assert!(!cleared.firing);
    assert_eq!(cleared.key, "probe");
    let results = running.results();
    let last = results.last().expect("results keep coming");
    assert!(last.ok && last.probe == "shop" && last.vantage.is_empty());
}

#[tokio::test]
async fn each_run_says_the_task_is_alive() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let settings = TcpProbe {
        host: "127.0.0.1".into(),
        port,
    };
    let definition = definition("db-port", SourceSettings::TcpProbe(settings.clone()));
    let mut running = Running::start(&definition, Prober::Tcp(tcp::TcpProber::new(&settings)));
    let mut alive = 0;
    while alive < 3 {
        if let Signal::Alive { source } = running.signal().await {
            assert_eq!(source, "db-port");
            alive += 1;
        }
    }
    assert!(running.results().len() >= 3);
}

#[tokio::test]
async fn a_certificate_close_to_expiry_raises_a_warning() {
    let pki = TestPki::new();
    let not_after = in_days(5);
    let url = https_site(pki.server(not_after)).await;
    let probe = HttpProbe {
        cert_warn_days: Some(14),
        ..http_probe(&url)
    };
    let definition = SourceDefinition {
        node: Some("shop-web".into()),
        ..definition("shop-tls", SourceSettings::HttpProbe(probe.clone()))
    };
    let prober = http::HttpProber::new(&probe, None, http::tls_config(pki.roots())).unwrap();
    let mut running = Running::start(&definition, Prober::Http(Box::new(prober)));
    let warning = running.alarm().await;
    assert_eq!(warning.key, "certificate");
    assert_eq!(warning.severity, Severity::Warning);
    assert_eq!(warning.node.as_deref(), Some("shop-web"));
    let day = not_after.date().to_string();
    assert!(warning.title.contains(&day), "{}", warning.title);
}

#[tokio::test]
async fn an_unreachable_exporter_turns_the_source_unreachable_without_an_alarm() {
    let port = closed_port().await;
    let settings = BlackboxProbe {
        exporter_url: format!("http://127.0.0.1:{port}"),
        module: "http_2xx".into(),
        target: "http://shop.example/".into(),
    };
    let definition = definition("dc2-shop", SourceSettings::BlackboxProbe(settings.clone()));
    let prober = blackbox::BlackboxProber::new(&settings, TIMEOUT).unwrap();
    let mut running = Running::start(&definition, Prober::Blackbox(prober));
    let health = running.health().await;
    assert_eq!(health.status, HealthStatus::Unreachable);
    // Several runs later: still no alarm and no result about the target.
    let mut alive = 0;
    while alive < 3 {
        match running.signal().await {
            Signal::Alive { .. } => alive += 1,
            Signal::Alarm(alarm) => panic!("an absent exporter raised {alarm:?}"),
            _ => {}
        }
    }
    assert!(running.results().is_empty());
}

#[tokio::test]
async fn check_reports_one_run() {
    let (base, _) = site().await;
    let ok = check(
        &definition(
            "shop",
            SourceSettings::HttpProbe(http_probe(&format!("{base}/ok"))),
        ),
        None,
    )
    .await
    .unwrap();
    assert!(ok.0.starts_with("HTTP 200 in "), "{}", ok.0);
    assert!(ok.0.contains("(connect "), "{}", ok.0);
    let down = check(
        &definition(
            "shop",
            SourceSettings::HttpProbe(http_probe(&format!("{base}/down"))),
        ),
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(down, (HealthStatus::Unreachable, "HTTP 503".to_string()));
}

#[tokio::test]
async fn spawn_refuses_a_probe_it_cannot_run() {
    let (signals, _signals_rx) = mpsc::channel(1);
    let (probe_results, _results_rx) = mpsc::channel(1);
    let ctx = SourceContext {
        clock: Arc::new(ManualClock::new(0)),
        signals,
        probe_results,
        shutdown: CancellationToken::new(),
        secret: None,
    };
    let bad_regex = HttpProbe {
        regex: Some("(".into()),
        ..http_probe("http://127.0.0.1/")
    };
    let refused = spawn(
        &definition("shop", SourceSettings::HttpProbe(bad_regex)),
        ctx.clone(),
    );
    assert!(matches!(refused, Err(SourceError::Invalid(_))));
    let bad_resolver = DnsProbe {
        name: "shop.example".into(),
        record_type: None,
        resolvers: vec!["dns.example".into()],
        expected: Vec::new(),
    };
    let refused = spawn(
        &definition("shop-dns", SourceSettings::DnsProbe(bad_resolver)),
        ctx,
    );
    assert!(matches!(refused, Err(SourceError::Invalid(_))));
}
