//! Load generator: fan-out of the event stream to many WebSocket clients.
//!
//! Starts a hub in-process (no demo, a temporary data folder) or follows one given by
//! `--url`, opens `--clients` stream clients, drives `--rate` alarm signals per second
//! (raised, then cleared a second later) for `--seconds`, and measures per client the
//! delivery latency of every event: from the commit time the event carries (`at`, the
//! hub's clock; same machine, same clock) to its receipt by the client. Checks every
//! client received every seq exactly once and in order, and reports p50/p95/p99/max
//! plus lost and duplicated events.

use std::collections::VecDeque;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::Parser;
use futures_util::StreamExt;
use noc_model::{AlarmSignal, Severity, Signal};
use noc_server::HubOptions;
use serde::Deserialize;
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 100)]
    clients: usize,
    /// Alarm signals per second (half raise a new alarm, half clear an earlier one).
    #[arg(long, default_value_t = 1000)]
    rate: u64,
    #[arg(long, default_value_t = 30)]
    seconds: u64,
    /// A running hub to follow instead of an in-process one: its address with the
    /// access token, as it printed it (`http://HOST:PORT/?token=…`).
    #[arg(long, requires = "hook")]
    url: Option<String>,
    /// With `--url`: a `generic` webhook of that hub to drive, with its secret
    /// (`http://HOST:PORT/hooks/NAME?token=…`).
    #[arg(long)]
    hook: Option<String>,
}

/// Where the load goes.
enum Driver {
    Sink(mpsc::Sender<Signal>),
    Hook(reqwest::Client, String),
}

#[derive(Deserialize)]
struct Wire {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    batch: Option<WireBatch>,
    #[serde(default)]
    snapshot: Option<WireSnapshot>,
}

#[derive(Deserialize)]
struct WireBatch {
    first_seq: i64,
    last_seq: i64,
    events: Vec<WireEvent>,
}

#[derive(Deserialize)]
struct WireEvent {
    seq: i64,
    at: i64,
}

#[derive(Deserialize)]
struct WireSnapshot {
    seq: i64,
}

/// What one client saw.
#[derive(Default)]
struct Tally {
    /// Microseconds from commit to receipt, one per event.
    latencies_us: Vec<i64>,
    lost: i64,
    duplicated: i64,
    out_of_order: i64,
    snapshots: u32,
    last_seq: i64,
    batches: u64,
    bytes: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let dir = tempfile::tempdir()?;
    let (hub, base, token, driver) = match (&args.url, &args.hook) {
        (Some(url), Some(hook)) => {
            let (base, token) = split_token(url)?;
            (
                None,
                base,
                token,
                Driver::Hook(reqwest::Client::new(), hook.clone()),
            )
        }
        _ => {
            let mut options = HubOptions::loopback(dir.path().into());
            options.demo = None;
            let hub = noc_server::start(options).await?;
            let driver = Driver::Sink(hub.console.signal_sink());
            let (base, token) = (hub.url.trim_end_matches('/').to_string(), hub.token.clone());
            (Some(hub), base, token, driver)
        }
    };
    let ws = format!(
        "{}/api/stream?token={token}",
        base.replacen("http", "ws", 1)
    );
    let (done_tx, done) = watch::channel(i64::MAX);
    let mut clients = Vec::new();
    for _ in 0..args.clients {
        let (socket, _) = tokio_tungstenite::connect_async(&ws).await?;
        clients.push(tokio::spawn(follow(socket, done.clone())));
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let first_seq = last_seq(&base, &token).await?;
    drive(&driver, args.rate, args.seconds).await?;
    let final_seq = last_seq(&base, &token).await?;
    done_tx.send_replace(final_seq);
    let mut tallies = Vec::new();
    for client in clients {
        tallies.push(client.await?);
    }
    if let Some(hub) = hub {
        hub.shutdown().await;
    }
    report(&args, &tallies, final_seq - first_seq, final_seq);
    Ok(())
}

fn split_token(url: &str) -> anyhow::Result<(String, String)> {
    let (base, query) = url
        .split_once('?')
        .ok_or_else(|| anyhow::anyhow!("--url needs the ?token= the hub printed"))?;
    let token = query
        .split('&')
        .find_map(|p| p.strip_prefix("token="))
        .ok_or_else(|| anyhow::anyhow!("--url needs the ?token= the hub printed"))?;
    Ok((base.trim_end_matches('/').to_string(), token.to_string()))
}

async fn last_seq(base: &str, token: &str) -> anyhow::Result<i64> {
    let page: serde_json::Value = reqwest::Client::new()
        .get(format!("{base}/api/events?after=0&limit=1"))
        .bearer_auth(token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    page["last_seq"]
        .as_i64()
        .ok_or_else(|| anyhow::anyhow!("no last_seq in /api/events"))
}

/// Every 10 ms a slice of the second's signals: raise new alarms, clear those raised
/// about a second earlier.
async fn drive(driver: &Driver, rate: u64, seconds: u64) -> anyhow::Result<()> {
    let mut tick = tokio::time::interval(Duration::from_millis(10));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let per_tick = (rate / 100).max(1);
    let mut raised: VecDeque<u64> = VecDeque::new();
    let mut next_key = 0u64;
    for step in 0..seconds * 100 {
        tick.tick().await;
        let mut slice = Vec::with_capacity(per_tick as usize);
        for i in 0..per_tick {
            let clear = (step * per_tick + i) % 2 == 1 && raised.len() as u64 >= rate / 2;
            match clear.then(|| raised.pop_front()).flatten() {
                Some(key) => slice.push((key, false)),
                None => {
                    next_key += 1;
                    raised.push_back(next_key);
                    slice.push((next_key, true));
                }
            }
        }
        send(driver, slice).await?;
    }
    Ok(())
}

async fn send(driver: &Driver, slice: Vec<(u64, bool)>) -> anyhow::Result<()> {
    match driver {
        Driver::Sink(sink) => {
            for (key, firing) in slice {
                sink.send(signal(key, firing)).await?;
            }
        }
        Driver::Hook(client, hook) => {
            let alerts: Vec<serde_json::Value> = slice
                .into_iter()
                .map(|(key, firing)| {
                    serde_json::json!({
                        "key": format!("fanout-{key}"),
                        "status": if firing { "firing" } else { "resolved" },
                        "severity": "major",
                        "title": format!("fanout-{key} down"),
                    })
                })
                .collect();
            client
                .post(hook)
                .json(&serde_json::json!({ "alerts": alerts }))
                .send()
                .await?
                .error_for_status()?;
        }
    }
    Ok(())
}

fn signal(key: u64, firing: bool) -> Signal {
    Signal::Alarm(AlarmSignal {
        source: "fanout".into(),
        title: format!("fanout-{key} down"),
        key: format!("fanout-{key}"),
        node: None,
        severity: Severity::Major,
        text: String::new(),
        labels: Default::default(),
        at: 0,
        firing,
    })
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Reads until the client has the hub's final seq (or the hub goes quiet for long).
async fn follow(mut socket: Socket, done: watch::Receiver<i64>) -> Tally {
    let mut tally = Tally::default();
    let mut started = false;
    loop {
        if started && tally.last_seq >= *done.borrow() {
            break;
        }
        let msg = match tokio::time::timeout(Duration::from_secs(15), socket.next()).await {
            Ok(Some(Ok(msg))) => msg,
            _ => break,
        };
        let Message::Text(text) = msg else { continue };
        let received_us = now_us();
        let Ok(wire) = serde_json::from_str::<Wire>(&without_entities(&text)) else {
            continue;
        };
        match (wire.kind.as_str(), wire.batch, wire.snapshot) {
            ("snapshot", _, Some(snapshot)) => {
                if started {
                    tally.snapshots += 1;
                    tally.lost += (snapshot.seq - tally.last_seq).max(0);
                }
                started = true;
                tally.last_seq = snapshot.seq;
            }
            ("batch", Some(batch), _) => {
                tally.batches += 1;
                tally.bytes += text.len() as u64;
                tally.take(batch, received_us)
            }
            _ => {}
        }
    }
    tally
}

/// A batch up to its events: the entities that follow (`changes`, most of the bytes)
/// are what a screen folds, not what this client measures, so it does not spend the
/// shared CPU scanning them. The hub writes `changes` after `events`, and no event of
/// this load has a key of that name.
fn without_entities(text: &str) -> std::borrow::Cow<'_, str> {
    match text.find(",\"changes\":") {
        Some(at) if text.starts_with("{\"type\":\"batch\"") => {
            format!("{}}}}}", &text[..at]).into()
        }
        _ => text.into(),
    }
}

impl Tally {
    fn take(&mut self, batch: WireBatch, received_us: i64) {
        let expected = self.last_seq + 1;
        if batch.first_seq > expected {
            self.lost += batch.first_seq - expected;
        } else if batch.first_seq < expected {
            self.duplicated += (self.last_seq.min(batch.last_seq) - batch.first_seq + 1).max(0);
        }
        let mut previous = batch.first_seq - 1;
        for event in &batch.events {
            if event.seq != previous + 1 {
                self.out_of_order += 1;
            }
            previous = event.seq;
            if event.seq > self.last_seq {
                self.latencies_us.push(received_us - event.at * 1000);
            }
        }
        self.last_seq = self.last_seq.max(batch.last_seq);
    }
}

fn now_us() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64)
}

fn report(args: &Args, tallies: &[Tally], events: i64, final_seq: i64) {
    let mut all: Vec<i64> = tallies
        .iter()
        .flat_map(|t| t.latencies_us.iter().copied())
        .collect();
    all.sort_unstable();
    let pct = |p: f64| {
        let i = ((all.len() as f64 - 1.0) * p).round() as usize;
        all.get(i).map_or(f64::NAN, |us| *us as f64 / 1000.0)
    };
    let sum = |f: fn(&Tally) -> i64| tallies.iter().map(f).sum::<i64>();
    let behind = tallies.iter().filter(|t| t.last_seq < final_seq).count();
    let batches: u64 = tallies.iter().map(|t| t.batches).sum();
    let bytes: u64 = tallies.iter().map(|t| t.bytes).sum();
    println!(
        "clients={} signals={}/s seconds={} events={} ({:.0}/s) deliveries={} \
         p50={:.1}ms p95={:.1}ms p99={:.1}ms max={:.1}ms lost={} duplicated={} \
         out_of_order={} resyncs={} clients_behind={} batch_bytes_mean={}",
        args.clients,
        args.rate,
        args.seconds,
        events,
        events as f64 / args.seconds as f64,
        all.len(),
        pct(0.50),
        pct(0.95),
        pct(0.99),
        pct(1.0),
        sum(|t| t.lost),
        sum(|t| t.duplicated),
        sum(|t| t.out_of_order),
        tallies.iter().map(|t| i64::from(t.snapshots)).sum::<i64>(),
        behind,
        bytes.checked_div(batches).unwrap_or(0),
    );
}
