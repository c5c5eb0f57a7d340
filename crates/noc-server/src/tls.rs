//! TLS for a hub that other machines reach: a certificate from the configuration, or
//! one the hub generates once and keeps in its data folder, so the fingerprint the
//! operators pinned stays the same across restarts.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper_util::rt::TokioIo;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

/// A client that connects and never finishes its handshake must not hold a task.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
const GENERATED_CERT: &str = "hub-cert.pem";
const GENERATED_KEY: &str = "hub-key.pem";

/// Where the hub's certificate comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsSettings {
    /// PEM certificate chain and private key; both or neither.
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    /// Host names written into a generated certificate (besides localhost).
    pub names: Vec<String>,
}

/// The certificate the hub serves, with its SHA-256 fingerprint as operators compare it.
pub struct HubCertificate {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    pub fingerprint: String,
}

impl HubCertificate {
    /// The configured certificate, else the one generated earlier in `data_dir`,
    /// else a new self-signed one written there.
    pub fn obtain(settings: &TlsSettings, data_dir: &Path) -> anyhow::Result<Self> {
        match (&settings.cert, &settings.key) {
            (Some(cert), Some(key)) => Self::read(cert, key),
            (None, None) => {
                let dir = data_dir.join("tls");
                let (cert, key) = (dir.join(GENERATED_CERT), dir.join(GENERATED_KEY));
                if !cert.exists() {
                    generate(&settings.names, &dir)?;
                }
                Self::read(&cert, &key)
            }
            _ => anyhow::bail!("tls_cert and tls_key go together: set both, or neither to let the hub generate a certificate"),
        }
    }

    fn read(cert: &Path, key: &Path) -> anyhow::Result<Self> {
        let chain = CertificateDer::pem_file_iter(cert)
            .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
            .with_context(|| format!("cannot read the certificate {}", cert.display()))?;
        let leaf = chain
            .first()
            .with_context(|| format!("{} holds no certificate", cert.display()))?;
        let fingerprint = fingerprint(leaf);
        let key = PrivateKeyDer::from_pem_file(key)
            .with_context(|| format!("cannot read the private key {}", key.display()))?;
        Ok(Self {
            chain,
            key,
            fingerprint,
        })
    }

    pub fn acceptor(self) -> anyhow::Result<TlsAcceptor> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(self.chain, self.key)
            .context("the certificate and private key do not belong together")?;
        // HTTP/1.1 only: the event stream is a WebSocket upgrade.
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(TlsAcceptor::from(Arc::new(config)))
    }
}

/// Uppercase hex pairs joined by colons, as browsers and `openssl x509 -fingerprint` show it.
pub fn fingerprint(cert: &CertificateDer<'_>) -> String {
    Sha256::digest(cert.as_ref())
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

fn generate(names: &[String], dir: &Path) -> anyhow::Result<()> {
    let mut subject_names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
    subject_names.extend(names.iter().cloned());
    let generated = rcgen::generate_simple_self_signed(subject_names)
        .context("cannot generate a certificate for the hub")?;
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the folder {}", dir.display()))?;
    write_private(
        &dir.join(GENERATED_KEY),
        &generated.signing_key.serialize_pem(),
    )?;
    std::fs::write(dir.join(GENERATED_CERT), generated.cert.pem())
        .with_context(|| format!("cannot write {}", dir.join(GENERATED_CERT).display()))?;
    tracing::info!(folder = %dir.display(), "generated a self-signed certificate for the hub");
    Ok(())
}

/// The key file is readable by the hub's user only.
fn write_private(path: &Path, pem: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(pem.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Serves `app` over TLS until `stop`; each connection knows its peer address.
pub async fn serve(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    app: Router,
    stop: CancellationToken,
) -> std::io::Result<()> {
    loop {
        let (tcp, peer) = tokio::select! {
            _ = stop.cancelled() => return Ok(()),
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(err) => {
                    // Out of file descriptors and the like: keep serving the others.
                    tracing::warn!(error = %err, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        tokio::spawn(connection(
            tcp,
            peer,
            acceptor.clone(),
            app.clone(),
            stop.clone(),
        ));
    }
}

async fn connection(
    tcp: tokio::net::TcpStream,
    peer: SocketAddr,
    acceptor: TlsAcceptor,
    app: Router,
    stop: CancellationToken,
) {
    let stream = match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
        Ok(Ok(stream)) => stream,
        // A plain-HTTP request or a client refusing the certificate ends here, quietly:
        // browsers probe and retry.
        Ok(Err(err)) => return tracing::debug!(%peer, error = %err, "TLS handshake failed"),
        Err(_) => return tracing::debug!(%peer, "TLS handshake timed out"),
    };
    let service = hyper::service::service_fn(move |mut req: hyper::Request<_>| {
        req.extensions_mut().insert(ConnectInfo(peer));
        let app = app.clone();
        async move { Ok::<_, Infallible>(app.oneshot(req).await.unwrap_or_else(|e| match e {})) }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades();
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = stop.cancelled() => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_certificate_is_kept_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let settings = TlsSettings::default();
        let first = HubCertificate::obtain(&settings, dir.path()).unwrap();
        let again = HubCertificate::obtain(&settings, dir.path()).unwrap();
        assert_eq!(first.fingerprint, again.fingerprint);
        assert_eq!(first.fingerprint.len(), 32 * 3 - 1);
    }

    #[test]
    fn half_a_configured_pair_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let settings = TlsSettings {
            cert: Some(dir.path().join("cert.pem")),
            ..TlsSettings::default()
        };
        let err = HubCertificate::obtain(&settings, dir.path()).err().unwrap();
        assert!(err.to_string().contains("go together"), "{err}");
    }

    #[test]
    fn an_unreadable_certificate_names_its_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("cert.pem"), "not a certificate").unwrap();
        std::fs::write(dir.path().join("key.pem"), "not a key").unwrap();
        let settings = TlsSettings {
            cert: Some(dir.path().join("cert.pem")),
            key: Some(dir.path().join("key.pem")),
            names: vec![],
        };
        let err = HubCertificate::obtain(&settings, dir.path()).err().unwrap();
        assert!(format!("{err:#}").contains("cert.pem"), "{err:#}");
    }
}
