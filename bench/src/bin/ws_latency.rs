//! Load generator: event → client latency over the hub's WebSocket stream on loopback.
//!
//! Starts a hub in-process (no demo), connects `--clients` stream clients, injects
//! `--rate` alarm signals per second for `--seconds`, and measures, per client, the time
//! from injecting a signal to receiving the batch that carries its `alarm_raised` event
//! (through engine, store commit, fan-out and JSON over TCP). Prints p50/p99/max.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Parser;
use futures_util::StreamExt;
use noc_model::{AlarmSignal, Severity, Signal};
use noc_server::HubOptions;
use tokio_tungstenite::tungstenite::Message;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 10)]
    clients: usize,
    #[arg(long, default_value_t = 1000)]
    rate: u64,
    #[arg(long, default_value_t = 10)]
    seconds: u64,
}

type Sent = Arc<Mutex<HashMap<String, Instant>>>;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let dir = tempfile::tempdir()?;
    let mut options = HubOptions::loopback(dir.path().into());
    options.demo = None;
    let hub = noc_server::start(options).await?;
    let sent: Sent = Arc::default();
    let url = format!("ws://{}/api/stream?token={}", hub.addr, hub.token);
    let mut clients = Vec::new();
    for _ in 0..args.clients {
        let (socket, _) = tokio_tungstenite::connect_async(&url).await?;
        clients.push(tokio::spawn(measure(socket, sent.clone())));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    inject(&hub, &sent, args.rate, args.seconds).await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    hub.shutdown().await;
    let mut latencies: Vec<Duration> = Vec::new();
    for client in clients {
        latencies.extend(client.await?);
    }
    report(&args, latencies);
    Ok(())
}

async fn inject(
    hub: &noc_server::RunningHub,
    sent: &Sent,
    rate: u64,
    seconds: u64,
) -> anyhow::Result<()> {
    let sink = hub.console.signal_sink();
    let mut tick = tokio::time::interval(Duration::from_millis(10));
    let per_tick = (rate / 100).max(1);
    let mut n = 0u64;
    let end = Instant::now() + Duration::from_secs(seconds);
    while Instant::now() < end {
        tick.tick().await;
        for _ in 0..per_tick {
            n += 1;
            let key = format!("load-{n}");
            sent.lock()
                .unwrap()
                .insert(format!("bench/{key}"), Instant::now());
            sink.send(signal(key)).await?;
        }
    }
    Ok(())
}

fn signal(key: String) -> Signal {
    Signal::Alarm(AlarmSignal {
        source: "bench".into(),
        title: format!("{key} down"),
        key,
        node: None,
        severity: Severity::Major,
        text: String::new(),
        labels: Default::default(),
        at: 0,
        firing: true,
    })
}

async fn measure(
    mut socket: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    sent: Sent,
) -> Vec<Duration> {
    let mut latencies = Vec::new();
    while let Ok(Some(Ok(msg))) = tokio::time::timeout(Duration::from_secs(3), socket.next()).await
    {
        let Message::Text(text) = msg else { continue };
        let received = Instant::now();
        let value: serde_json::Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(_) => continue,
        };
        let Some(events) = value["batch"]["events"].as_array() else {
            continue;
        };
        let sent = sent.lock().unwrap();
        for event in events {
            if let Some(fp) = event["body"]["alarm"]["fingerprint"].as_str() {
                if let Some(at) = sent.get(fp) {
                    latencies.push(received - *at);
                }
            }
        }
    }
    latencies
}

fn report(args: &Args, mut latencies: Vec<Duration>) {
    latencies.sort();
    let pct = |p: f64| {
        let i = ((latencies.len() as f64 - 1.0) * p).round() as usize;
        latencies
            .get(i)
            .map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
    };
    println!(
        "clients={} rate={}/s seconds={} deliveries={} p50={:.2}ms p99={:.2}ms max={:.2}ms",
        args.clients,
        args.rate,
        args.seconds,
        latencies.len(),
        pct(0.50),
        pct(0.99),
        pct(1.0)
    );
}
