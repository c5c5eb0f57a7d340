//! A loopback relay to a team hub.
//!
//! The console window only ever talks to `http://127.0.0.1:<port>`; the relay carries
//! every request and the event stream's WebSocket to `https://<hub>`, verifying the
//! hub's certificate by the fingerprint the operator trusted on first use (or by the
//! usual certificate authorities), and presents itself to the hub as the hub's own
//! origin so that the hub's Origin and Host checks pass.

mod address;
mod fingerprint;
mod relay;
mod trust;

pub use address::{HubAddress, DEFAULT_PORT};
pub use fingerprint::{Fingerprint, NotAFingerprint};
pub use relay::Relay;
pub use trust::{probe, Probe, Trust};

#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    #[error("{address} is not a hub address: {reason}")]
    Address { address: String, reason: String },
    #[error("cannot reach the hub at {hub}: {reason}")]
    Unreachable { hub: String, reason: String },
    #[error(
        "the hub's certificate changed: expected {expected} got {got}; \
         if it was replaced on purpose, trust the new one"
    )]
    CertificateChanged {
        expected: Fingerprint,
        got: Fingerprint,
    },
    #[error("the hub at {hub} presented a certificate this computer does not trust: {reason}")]
    Untrusted { hub: String, reason: String },
    #[error("TLS setup failed: {0}")]
    Tls(String),
    #[error("cannot listen on loopback: {0}")]
    Listen(#[source] std::io::Error),
}
