//! A hub for a team on the LAN: HTTPS only, a certificate whose fingerprint operators
//! can compare and that survives restarts, and requests that must name the hub itself.

use std::path::Path;

use futures_util::StreamExt;
use noc_server::{HubOptions, RunningHub, TlsSettings};
use reqwest::StatusCode;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const TOKEN: &str = "0123456789abcdef0123456789abcdef-lan";

fn options(dir: &Path, bind: [u8; 4], tls: Option<TlsSettings>) -> HubOptions {
    HubOptions {
        bind: bind.into(),
        port: 0,
        data_dir: dir.join("data"),
        config: None,
        demo: None,
        token: Some(TOKEN.into()),
        tls,
    }
}

async fn tls_hub(dir: &Path, tls: TlsSettings) -> RunningHub {
    noc_server::start(options(dir, [127, 0, 0, 1], Some(tls)))
        .await
        .expect("the TLS hub starts")
}

/// A client that accepts any certificate and reports the one it was shown, as a
/// browser does when the operator compares the fingerprint by hand.
fn inspecting_client() -> reqwest::Client {
    reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .tls_info(true)
        .build()
        .unwrap()
}

async fn presented_fingerprint(hub: &RunningHub) -> String {
    let response = inspecting_client()
        .get(format!("{}healthz", hub.url))
        .send()
        .await
        .expect("the hub answers over TLS");
    let info = response
        .extensions()
        .get::<reqwest::tls::TlsInfo>()
        .expect("TLS details");
    let der = info.peer_certificate().expect("a certificate").to_vec();
    noc_server::fingerprint(&der.into())
}

#[tokio::test]
async fn a_plain_http_lan_bind_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = noc_server::start(options(dir.path(), [0, 0, 0, 0], None))
        .await
        .err()
        .expect("no plain-HTTP hub beyond loopback");
    let message = format!("{err:#}");
    assert!(
        message.contains("plain HTTP") && message.contains("TLS"),
        "{message}"
    );
}

#[tokio::test]
async fn a_lan_hub_serves_https_with_a_certificate_kept_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let hub = noc_server::start(options(
        dir.path(),
        [0, 0, 0, 0],
        Some(TlsSettings::default()),
    ))
    .await
    .expect("the LAN hub starts with a generated certificate");
    assert!(hub.url.starts_with("https://127.0.0.1:"), "{}", hub.url);
    let fingerprint = hub.tls_fingerprint.clone().expect("a fingerprint");
    assert_eq!(presented_fingerprint(&hub).await, fingerprint);
    let info: serde_json::Value = inspecting_client()
        .get(format!("{}api/info", hub.url))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["tls_fingerprint"], fingerprint.as_str());
    let plain = reqwest::get(format!("http://127.0.0.1:{}/healthz", hub.addr.port())).await;
    assert!(
        plain.is_err(),
        "plain HTTP must not be answered on the TLS port"
    );
    hub.shutdown().await;

    let again = noc_server::start(options(
        dir.path(),
        [0, 0, 0, 0],
        Some(TlsSettings::default()),
    ))
    .await
    .expect("the hub starts again");
    assert_eq!(again.tls_fingerprint.as_deref(), Some(fingerprint.as_str()));
    again.shutdown().await;
}

#[tokio::test]
async fn a_configured_certificate_is_served() {
    let dir = tempfile::tempdir().unwrap();
    let generated = rcgen::generate_simple_self_signed(vec!["noc.bank.example".into()]).unwrap();
    let (cert, key) = (dir.path().join("noc.pem"), dir.path().join("noc.key"));
    std::fs::write(&cert, generated.cert.pem()).unwrap();
    std::fs::write(&key, generated.signing_key.serialize_pem()).unwrap();
    let expected = noc_server::fingerprint(generated.cert.der());
    let hub = tls_hub(
        dir.path(),
        TlsSettings {
            cert: Some(cert),
            key: Some(key),
            names: vec!["noc.bank.example".into()],
        },
    )
    .await;
    assert_eq!(hub.tls_fingerprint.as_deref(), Some(expected.as_str()));
    assert_eq!(presented_fingerprint(&hub).await, expected);
    hub.shutdown().await;
}

#[tokio::test]
async fn requests_must_be_addressed_to_the_hub_itself() {
    let dir = tempfile::tempdir().unwrap();
    let hub = tls_hub(
        dir.path(),
        TlsSettings {
            names: vec!["noc.bank.example".into()],
            ..TlsSettings::default()
        },
    )
    .await;
    let client = inspecting_client();
    let port = hub.addr.port();
    let call = |host: String, origin: Option<String>| {
        let mut request = client
            .get(format!("{}api/info", hub.url))
            .bearer_auth(TOKEN)
            .header("host", host);
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        request.send()
    };
    let own = call(
        format!("noc.bank.example:{port}"),
        Some(format!("https://noc.bank.example:{port}")),
    );
    assert_eq!(own.await.unwrap().status(), StatusCode::OK);
    let rebound = call(format!("attacker.example:{port}"), None)
        .await
        .unwrap();
    assert_eq!(rebound.status(), StatusCode::FORBIDDEN);
    let body: serde_json::Value = rebound.json().await.unwrap();
    assert_eq!(body["code"], "host_refused");
    let foreign = call(
        format!("127.0.0.1:{port}"),
        Some("https://evil.example".into()),
    );
    let body: serde_json::Value = foreign.await.unwrap().json().await.unwrap();
    assert_eq!(body["code"], "origin_refused");
    hub.shutdown().await;
}

#[tokio::test]
async fn the_event_stream_refuses_a_foreign_page_and_serves_the_hubs_own() {
    let dir = tempfile::tempdir().unwrap();
    let hub = noc_server::start(options(dir.path(), [127, 0, 0, 1], None))
        .await
        .unwrap();
    let url = format!("ws://{}/api/stream?token={TOKEN}", hub.addr);
    let with_origin = |origin: String| {
        let mut request = url.as_str().into_client_request().unwrap();
        request
            .headers_mut()
            .insert("origin", origin.parse().unwrap());
        request
    };
    let foreign = tokio_tungstenite::connect_async(with_origin("http://evil.example".into())).await;
    assert!(foreign.is_err(), "a foreign page must not open the stream");
    let (mut own, _) =
        tokio_tungstenite::connect_async(with_origin(format!("http://{}", hub.addr)))
            .await
            .expect("the hub's own page opens the stream");
    let first = own.next().await.expect("a message").expect("no error");
    assert!(first.to_text().unwrap().contains("\"snapshot\""));
    hub.shutdown().await;
}
