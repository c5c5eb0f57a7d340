//! How the relay decides that it talks to the right hub: by the fingerprint the
//! operator compared and trusted (a hub's self-signed certificate), or by the usual
//! certificate authorities (a hub with a certificate from a real CA).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

use crate::{Fingerprint, HubAddress, RelayError};

/// A hub on the LAN answers well within this; beyond it the hub is taken as unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    /// Only the certificate with this fingerprint, whoever issued it.
    Pinned(Fingerprint),
    /// A certificate for the hub's name from an authority this computer trusts.
    Authorities,
}

/// What a hub presented on first contact, for the operator to judge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Probe {
    pub fingerprint: Fingerprint,
    /// The certificate is valid for the hub's name and issued by a trusted authority,
    /// so it can be trusted without pinning (and survive the authority's renewals).
    pub certified: bool,
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn algorithms() -> WebPkiSupportedAlgorithms {
    rustls::crypto::ring::default_provider().signature_verification_algorithms
}

/// The authorities of the bundled Mozilla list and of this computer's own store
/// (where a company's internal CA is installed).
fn authorities() -> Arc<RootCertStore> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let native = rustls_native_certs::load_native_certs();
    for error in &native.errors {
        tracing::debug!(%error, "a certificate of the system store was not read");
    }
    let (added, ignored) = roots.add_parsable_certificates(native.certs);
    tracing::debug!(added, ignored, "system certificate authorities loaded");
    Arc::new(roots)
}

fn authority_verifier() -> Result<Arc<WebPkiServerVerifier>, RelayError> {
    WebPkiServerVerifier::builder_with_provider(authorities(), provider())
        .build()
        .map_err(|e| RelayError::Tls(e.to_string()))
}

/// Accepts the one certificate whose fingerprint was trusted, and remembers any other
/// one presented so that the refusal can name it.
#[derive(Debug)]
pub(crate) struct PinnedVerifier {
    expected: Fingerprint,
    presented: Mutex<Option<Fingerprint>>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl PinnedVerifier {
    fn new(expected: Fingerprint) -> Self {
        Self {
            expected,
            presented: Mutex::new(None),
            algorithms: algorithms(),
        }
    }

    fn mismatch(&self) -> Option<RelayError> {
        let presented = *self.presented.lock().unwrap_or_else(|e| e.into_inner());
        presented.map(|got| RelayError::CertificateChanged {
            expected: self.expected,
            got,
        })
    }
}

impl ServerCertVerifier for PinnedVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        // The pin replaces name and date checks: the operator trusted this exact
        // certificate, which a self-signed hub certificate could not pass otherwise.
        let presented = Fingerprint::of_certificate(end_entity);
        if presented == self.expected {
            return Ok(ServerCertVerified::assertion());
        }
        *self.presented.lock().unwrap_or_else(|e| e.into_inner()) = Some(presented);
        Err(rustls::Error::InvalidCertificate(
            CertificateError::ApplicationVerificationFailure,
        ))
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// First contact: takes whatever certificate the hub presents (the operator decides
/// whether to trust it) and notes whether an authority vouches for it. The handshake
/// signature is still checked, so the hub must hold the certificate's private key.
#[derive(Debug)]
struct ProbeVerifier {
    authorities: Arc<WebPkiServerVerifier>,
    certified: Mutex<bool>,
}

impl ServerCertVerifier for ProbeVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let certified = self
            .authorities
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
            .is_ok();
        *self.certified.lock().unwrap_or_else(|e| e.into_inner()) = certified;
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.authorities.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.authorities.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.authorities.supported_verify_schemes()
    }
}

fn client_config(verifier: Arc<dyn ServerCertVerifier>) -> Result<ClientConfig, RelayError> {
    let mut config = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| RelayError::Tls(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    // The relay speaks HTTP/1.1 to the hub: WebSocket upgrades need it.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// The TLS side of the relay: one configuration for every connection to the hub.
#[derive(Debug, Clone)]
pub(crate) struct HubTls {
    pub(crate) hub: HubAddress,
    pub(crate) config: Arc<ClientConfig>,
    pin: Option<Arc<PinnedVerifier>>,
}

impl HubTls {
    pub(crate) fn new(hub: HubAddress, trust: Trust) -> Result<Self, RelayError> {
        let (verifier, pin): (Arc<dyn ServerCertVerifier>, _) = match trust {
            Trust::Pinned(expected) => {
                let pin = Arc::new(PinnedVerifier::new(expected));
                (pin.clone(), Some(pin))
            }
            Trust::Authorities => (authority_verifier()?, None),
        };
        Ok(Self {
            hub,
            config: Arc::new(client_config(verifier)?),
            pin,
        })
    }

    pub(crate) async fn connect(&self) -> Result<TlsStream<TcpStream>, RelayError> {
        let tcp = connect_tcp(&self.hub).await?;
        TlsConnector::from(self.config.clone())
            .connect(self.hub.server_name()?, tcp)
            .await
            .map_err(|error| self.explain(&error))
    }

    /// A refused certificate says which one it was; anything else is the network.
    pub(crate) fn explain(&self, error: &(dyn std::error::Error + 'static)) -> RelayError {
        if let Some(mismatch) = self.pin.as_ref().and_then(|pin| pin.mismatch()) {
            return mismatch;
        }
        let reason = error_chain(error);
        if reason.contains("certificate") {
            RelayError::Untrusted {
                hub: self.hub.to_string(),
                reason,
            }
        } else {
            RelayError::Unreachable {
                hub: self.hub.to_string(),
                reason,
            }
        }
    }
}

async fn connect_tcp(hub: &HubAddress) -> Result<TcpStream, RelayError> {
    let unreachable = |reason: String| RelayError::Unreachable {
        hub: hub.to_string(),
        reason,
    };
    let tcp = tokio::time::timeout(
        CONNECT_TIMEOUT,
        TcpStream::connect((hub.host(), hub.port())),
    )
    .await
    .map_err(|_| unreachable(format!("no answer within {}s", CONNECT_TIMEOUT.as_secs())))?
    .map_err(|e| unreachable(e.to_string()))?;
    // Interactive traffic: small requests must not wait for Nagle.
    let _ = tcp.set_nodelay(true);
    Ok(tcp)
}

/// Every cause of an error on one line: an HTTP client's outer message alone rarely
/// says what went wrong.
pub(crate) fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut words = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !words.contains(&text) {
            words.push_str(": ");
            words.push_str(&text);
        }
        source = cause.source();
    }
    words
}

/// Connects once and answers the fingerprint of the certificate the hub presents, for
/// the operator to compare with the one the hub printed before trusting it.
pub async fn probe(hub: &HubAddress) -> Result<Probe, RelayError> {
    let verifier = Arc::new(ProbeVerifier {
        authorities: authority_verifier()?,
        certified: Mutex::new(false),
    });
    let config = client_config(verifier.clone())?;
    let tcp = connect_tcp(hub).await?;
    let tls = TlsConnector::from(Arc::new(config))
        .connect(hub.server_name()?, tcp)
        .await
        .map_err(|e| RelayError::Unreachable {
            hub: hub.to_string(),
            reason: error_chain(&e),
        })?;
    let (_, session) = tls.get_ref();
    let end_entity = session
        .peer_certificates()
        .and_then(|chain| chain.first())
        .ok_or_else(|| RelayError::Untrusted {
            hub: hub.to_string(),
            reason: "the hub presented no certificate".to_owned(),
        })?;
    let certified = *verifier.certified.lock().unwrap_or_else(|e| e.into_inner());
    Ok(Probe {
        fingerprint: Fingerprint::of_certificate(end_entity),
        certified,
    })
}
