//! The relay against a real TLS hub (noc-server with its generated self-signed
//! certificate): the fingerprint the hub prints is the one probe sees, and the API and
//! the event stream work through the relay with the hub's Origin and Host checks on.

use futures_util::StreamExt;
use hyper::header::{self, HeaderValue};
use hyper::StatusCode;
use noc_relay::{probe, Fingerprint, HubAddress, Relay, RelayError, Trust};
use noc_server::{HubOptions, RunningHub, TlsSettings};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

async fn tls_hub(dir: &std::path::Path) -> (RunningHub, HubAddress, Fingerprint) {
    let mut options = HubOptions::loopback(dir.to_path_buf());
    options.tls = Some(TlsSettings::default());
    let hub = noc_server::start(options).await.unwrap();
    let printed = hub
        .tls_fingerprint
        .clone()
        .expect("a TLS hub has a fingerprint");
    let address = HubAddress::parse(&format!("https://127.0.0.1:{}", hub.addr.port())).unwrap();
    (hub, address, printed.parse().unwrap())
}

#[tokio::test]
async fn probe_sees_the_fingerprint_the_hub_prints() {
    let dir = tempfile::tempdir().unwrap();
    let (hub, address, printed) = tls_hub(dir.path()).await;
    let probed = probe(&address).await.unwrap();
    assert_eq!(probed.fingerprint, printed);
    assert_eq!(
        probed.fingerprint.to_string(),
        hub.tls_fingerprint.clone().unwrap()
    );
    hub.shutdown().await;
}

#[tokio::test]
async fn the_console_works_through_the_relay() {
    let dir = tempfile::tempdir().unwrap();
    let (hub, address, printed) = tls_hub(dir.path()).await;
    let relay = Relay::start(address, Trust::Pinned(printed)).await.unwrap();
    let page_origin = format!("http://{}", relay.addr());

    // What the console page sends: its own (loopback) origin, the operator's token.
    let info = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("{}api/info", relay.url()))
        .header(header::ORIGIN, &page_origin)
        .bearer_auth(&hub.token)
        .send()
        .await
        .unwrap();
    assert_eq!(info.status(), StatusCode::OK);
    let info: serde_json::Value = info.json().await.unwrap();
    assert_eq!(info["tls_fingerprint"], printed.to_string());

    // The same request straight to the hub is refused: the relay's rewrite is what
    // lets the loopback page through the hub's Origin check.
    let direct = reqwest::Client::builder()
        .no_proxy()
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap()
        .get(format!("https://127.0.0.1:{}/api/info", hub.addr.port()))
        .header(header::ORIGIN, &page_origin)
        .bearer_auth(&hub.token)
        .send()
        .await
        .unwrap();
    assert_eq!(direct.status(), StatusCode::FORBIDDEN);

    let mut request = format!("ws://{}/api/stream?token={}", relay.addr(), hub.token)
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert(header::ORIGIN, HeaderValue::from_str(&page_origin).unwrap());
    let (mut stream, answer) = tokio_tungstenite::connect_async(request).await.unwrap();
    assert_eq!(answer.status(), StatusCode::SWITCHING_PROTOCOLS);
    let first = stream.next().await.unwrap().unwrap();
    assert!(
        first.is_text(),
        "the stream opens with the hub's state: {first:?}"
    );

    drop(stream);
    relay.stop().await;
    hub.shutdown().await;
}

#[tokio::test]
async fn a_hub_whose_certificate_was_replaced_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (hub, address, printed) = tls_hub(dir.path()).await;
    hub.shutdown().await;
    // A new data folder: the hub generates another certificate, as a reinstalled hub would.
    let elsewhere = tempfile::tempdir().unwrap();
    let mut options = HubOptions::loopback(elsewhere.path().to_path_buf());
    options.tls = Some(TlsSettings::default());
    options.port = address.port();
    let replaced = noc_server::start(options).await.unwrap();
    let error = Relay::start(address, Trust::Pinned(printed))
        .await
        .err()
        .expect("the old pin must not accept the new certificate");
    assert!(
        matches!(error, RelayError::CertificateChanged { expected, .. } if expected == printed),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .contains(replaced.tls_fingerprint.as_deref().unwrap()),
        "{error}"
    );
    replaced.shutdown().await;
}
