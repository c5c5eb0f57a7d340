//! Load generator: the acknowledge round trip an operator feels, over HTTP on loopback.
//!
//! Starts a hub in-process (no demo, a fresh data folder), raises `--incidents` alarms
//! on distinct nodes so that as many incidents are open on the board, then acknowledges
//! `--acks` of them with `POST /api/incidents/{id}/acknowledge` from `--concurrency`
//! operators at once, each waiting for its answer before the next. A round trip is the
//! time from sending the request to holding the acknowledged incident: HTTP, the
//! engine's check, the SQLite commit and the answer. Prints p50/p95/p99/max.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Parser;
use noc_model::{AlarmSignal, IncidentId, Severity, Signal};
use noc_server::{HubOptions, RunningHub};

#[derive(Parser)]
struct Args {
    /// Open incidents on the board before the first acknowledgement.
    #[arg(long, default_value_t = 2000)]
    incidents: usize,
    /// Acknowledgements to time (at most one per incident).
    #[arg(long, default_value_t = 1000)]
    acks: usize,
    /// Operators acknowledging at the same time.
    #[arg(long, default_value_t = 1)]
    concurrency: usize,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(
        args.acks <= args.incidents,
        "--acks ({}) cannot exceed --incidents ({}): an incident is acknowledged once",
        args.acks,
        args.incidents
    );
    let dir = tempfile::tempdir()?;
    let mut options = HubOptions::loopback(dir.path().into());
    options.demo = None;
    let hub = noc_server::start(options).await?;
    let started = Instant::now();
    let incidents = open_incidents(&hub, args.incidents).await?;
    println!(
        "{} open incidents on the board after {:.1} s",
        incidents.len(),
        started.elapsed().as_secs_f64()
    );
    let queue = Arc::new(Mutex::new(incidents.into_iter().take(args.acks)));
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;
    let run = Instant::now();
    let mut operators = Vec::new();
    for n in 0..args.concurrency {
        let (client, queue) = (client.clone(), queue.clone());
        let (url, token) = (hub.url.clone(), hub.token.clone());
        operators.push(tokio::spawn(async move {
            acknowledge_all(&client, &url, &token, &format!("bench-{n}"), &queue).await
        }));
    }
    let mut round_trips = Vec::new();
    for operator in operators {
        round_trips.extend(operator.await??);
    }
    let wall = run.elapsed();
    hub.shutdown().await;
    report(&args, round_trips, wall);
    Ok(())
}

/// Raises one alarm per node and waits until each has opened its incident.
async fn open_incidents(hub: &RunningHub, count: usize) -> anyhow::Result<Vec<IncidentId>> {
    let sink = hub.console.signal_sink();
    let at = noc_model::Clock::now(&noc_sources::SystemClock);
    for n in 0..count {
        let signal = Signal::Alarm(AlarmSignal {
            source: "bench".into(),
            key: format!("link-{n}"),
            node: Some(format!("edge-sw{n}")),
            severity: Severity::Major,
            title: format!("edge-sw{n} uplink down"),
            text: String::new(),
            labels: Default::default(),
            at,
            firing: true,
        });
        sink.send(signal).await?;
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let open: Vec<IncidentId> = hub
            .console
            .snapshot()
            .await
            .incidents
            .iter()
            .filter(|i| i.acknowledged.is_none() && !i.status.is_closed())
            .map(|i| i.id)
            .collect();
        if open.len() >= count {
            return Ok(open);
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "only {} of {count} incidents opened within 120 s",
            open.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

type Queue = Mutex<std::iter::Take<std::vec::IntoIter<IncidentId>>>;

/// One operator: takes the next incident, acknowledges it, waits for the answer.
async fn acknowledge_all(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    operator: &str,
    queue: &Queue,
) -> anyhow::Result<Vec<Duration>> {
    let mut round_trips = Vec::new();
    loop {
        let Some(id) = queue.lock().unwrap_or_else(|e| e.into_inner()).next() else {
            return Ok(round_trips);
        };
        let sent = Instant::now();
        let answer = client
            .post(format!("{url}api/incidents/{id}/acknowledge"))
            .bearer_auth(token)
            .header("X-Noc-Operator", operator)
            .json(&serde_json::json!({ "write_back": false }))
            .send()
            .await?;
        let status = answer.status();
        let incident: serde_json::Value = answer.json().await?;
        round_trips.push(sent.elapsed());
        anyhow::ensure!(
            status.is_success() && incident["acknowledged"]["by"] == operator,
            "acknowledging incident {id} answered {status}: {incident}"
        );
    }
}

fn report(args: &Args, mut round_trips: Vec<Duration>, wall: Duration) {
    round_trips.sort();
    let at = |q: f64| {
        let i = ((round_trips.len() as f64 * q).ceil() as usize).clamp(1, round_trips.len());
        round_trips[i - 1].as_secs_f64() * 1000.0
    };
    println!(
        "{} acknowledgements of {} open incidents by {} operator(s) at once, {:.1} s in all ({:.0} acks/s)",
        round_trips.len(),
        args.incidents,
        args.concurrency,
        wall.as_secs_f64(),
        round_trips.len() as f64 / wall.as_secs_f64()
    );
    println!(
        "round trip: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        at(0.50),
        at(0.95),
        at(0.99),
        at(1.0)
    );
}
