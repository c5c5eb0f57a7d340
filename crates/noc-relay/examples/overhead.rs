//! What the relay adds to a request: the same `GET /api/info` to a TLS noc-server hub
//! on this machine, straight over a kept-alive TLS connection and through the relay
//! (plain HTTP on loopback, then TLS to the hub). Prints the median and 99th percentile
//! of each and their difference.
//!
//! cargo run -p noc-relay --example overhead [-- REQUESTS]

use std::time::{Duration, Instant};

use noc_relay::{HubAddress, Relay, Trust};
use noc_server::{HubOptions, TlsSettings};

#[tokio::main]
async fn main() {
    let requests: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(2_000);
    let dir = tempfile::tempdir().expect("a temporary data folder");
    let mut options = HubOptions::loopback(dir.path().to_path_buf());
    options.tls = Some(TlsSettings::default());
    options.demo = None;
    let hub = noc_server::start(options).await.expect("the hub starts");
    let pin = hub
        .tls_fingerprint
        .as_deref()
        .expect("a TLS hub")
        .parse()
        .expect("a fingerprint");
    let address =
        HubAddress::parse(&format!("https://127.0.0.1:{}", hub.addr.port())).expect("an address");
    let relay = Relay::start(address, Trust::Pinned(pin))
        .await
        .expect("the relay starts");

    let direct = reqwest::Client::builder()
        .no_proxy()
        .danger_accept_invalid_certs(true)
        .build()
        .expect("a client");
    let relayed = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("a client");
    let direct_url = format!("https://127.0.0.1:{}/api/info", hub.addr.port());
    let relayed_url = format!("{}api/info", relay.url());

    let straight = timings(&direct, &direct_url, &hub.token, requests).await;
    let through = timings(&relayed, &relayed_url, &hub.token, requests).await;
    println!("{requests} × GET /api/info, kept-alive connections");
    report("straight to the hub (TLS)", &straight);
    report("through the relay", &through);
    let added = percentile(&through, 50).saturating_sub(percentile(&straight, 50));
    println!("relay adds {} µs per request (median)", added.as_micros());
    relay.stop().await;
    hub.shutdown().await;
}

async fn timings(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    requests: usize,
) -> Vec<Duration> {
    // The first requests open the connections; they are not what is measured.
    for _ in 0..20 {
        fetch(client, url, token).await;
    }
    let mut taken = Vec::with_capacity(requests);
    for _ in 0..requests {
        let start = Instant::now();
        fetch(client, url, token).await;
        taken.push(start.elapsed());
    }
    taken.sort();
    taken
}

async fn fetch(client: &reqwest::Client, url: &str, token: &str) {
    let answer = client
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .expect("an answer");
    assert!(answer.status().is_success(), "{}", answer.status());
    answer.bytes().await.expect("a body");
}

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    sorted[(sorted.len() - 1) * p / 100]
}

fn report(what: &str, sorted: &[Duration]) {
    println!(
        "{what:>28}: median {} µs, p99 {} µs",
        percentile(sorted, 50).as_micros(),
        percentile(sorted, 99).as_micros()
    );
}
