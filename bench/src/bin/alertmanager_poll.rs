//! Load generator: one Alertmanager source polling a real Alertmanager that holds
//! `--alerts` active alerts (10,000 by default), into a real console (engine, event
//! log on disk) in this process.
//!
//! Reports the first poll cycle (fetch, parse, diff, and every new alarm committed
//! to the log), the steady cycles that see no change (fetch, parse, diff; nothing
//! to write), and this process' resident memory: the hub's share of the load.
//! Needs `/usr/bin/prometheus-alertmanager` (Debian package `prometheus-alertmanager`).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Parser;
use noc_api::{Console, HubSettings};
use noc_model::{Clock, SourceDefinition, SourceSettings};
use noc_sources::alertmanager::time;
use noc_sources::{SourceContext, SystemClock};
use noc_store::Store;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 10_000)]
    alerts: usize,
    /// Poll cycles measured after the first one.
    #[arg(long, default_value_t = 10)]
    steady_cycles: usize,
    #[arg(long, default_value_t = 5)]
    interval_secs: u32,
    #[arg(long, default_value = "/usr/bin/prometheus-alertmanager")]
    alertmanager: String,
}

/// Alertmanager's process, killed however the run ends.
struct Daemon(Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let dir = tempfile::tempdir()?;
    let http = reqwest::Client::new();
    let (_alertmanager, base) = start_alertmanager(&args.alertmanager, dir.path(), &http).await?;
    post_alerts(&http, &base, args.alerts).await?;
    println!(
        "Alertmanager {base} holds {} alerts",
        count_alerts(&http, &base).await?
    );
    let download = download_time(&http, &base).await?;

    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let shutdown = CancellationToken::new();
    let store = Store::open(&dir.path().join("noc.db")).await?;
    let settings = HubSettings {
        demo: false,
        ..Default::default()
    };
    let console = Console::start(store, clock.clone(), settings, shutdown.clone()).await;
    let rss_before = rss_kib()?;

    // The source sends into this channel; each poll ends with a sign of life, which
    // is timed here on its way to the console.
    let (signals, mut from_source) = mpsc::channel(1024);
    let (alive_tx, mut alive) = mpsc::unbounded_channel::<Instant>();
    let sink = console.signal_sink();
    tokio::spawn(async move {
        while let Some(signal) = from_source.recv().await {
            let is_alive = matches!(signal, noc_model::Signal::Alive { .. });
            if sink.send(signal).await.is_err() {
                break;
            }
            if is_alive {
                let _ = alive_tx.send(Instant::now());
            }
        }
    });
    let (probe_results, _) = mpsc::channel(1);
    let ctx = SourceContext {
        clock,
        signals,
        probe_results,
        shutdown: shutdown.clone(),
        secret: None,
    };
    let interval = Duration::from_secs(u64::from(args.interval_secs));
    let started = Instant::now();
    noc_sources::alertmanager::spawn(&definition(&base, args.interval_secs), ctx)?;

    let first_sent = alive.recv().await.context("the source stopped")? - started;
    let first_persisted = wait_for_alarms(&console, args.alerts).await - started;
    let rss_first = rss_kib()?;
    let seq_after_first = console.events_after(0, Some(1)).await?.last_seq;

    // Ticks come every interval from the start, or right after a cycle that overran.
    let mut cycle_start = started;
    let mut previous_end = started + first_sent;
    let mut steady = Vec::new();
    for _ in 0..args.steady_cycles {
        cycle_start = (cycle_start + interval).max(previous_end);
        let end = alive.recv().await.context("the source stopped")?;
        steady.push(end - cycle_start);
        previous_end = end;
    }
    let seq_after_steady = console.events_after(0, Some(1)).await?.last_seq;
    let rss_steady = rss_kib()?;
    shutdown.cancel();

    steady.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "first cycle: {:.0} ms until the source had sent every alarm, {:.0} ms until {} alarms were committed",
        ms(first_sent),
        ms(first_persisted),
        args.alerts
    );
    println!(
        "steady cycles ({}): median {:.0} ms, min {:.0} ms, max {:.0} ms; events written {}",
        steady.len(),
        ms(steady[steady.len() / 2]),
        ms(steady[0]),
        ms(steady[steady.len() - 1]),
        seq_after_steady - seq_after_first
    );
    println!(
        "Alertmanager alone: {:.0} ms to answer and transfer the alert list (median of 5 plain GETs)",
        ms(download)
    );
    println!(
        "RSS: {} MiB before, {} MiB after the first cycle, {} MiB after the steady cycles (peak {} MiB)",
        rss_before / 1024,
        rss_first / 1024,
        rss_steady / 1024,
        peak_rss_kib()? / 1024
    );
    Ok(())
}

fn definition(base: &str, interval_secs: u32) -> SourceDefinition {
    SourceDefinition {
        name: "bench-am".into(),
        enabled: true,
        interval_secs: Some(interval_secs),
        // Ten thousand alerts are several megabytes of JSON.
        timeout_secs: Some(30),
        node: None,
        settings: SourceSettings::Alertmanager {
            urls: vec![base.to_string()],
            auth: None,
        },
    }
}

async fn start_alertmanager(
    binary: &str,
    dir: &Path,
    http: &reqwest::Client,
) -> anyhow::Result<(Daemon, String)> {
    let config =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/integration/alertmanager.yml");
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let child = Command::new(binary)
        .arg(format!("--config.file={}", config.display()))
        .arg(format!(
            "--storage.path={}",
            dir.join("alertmanager").display()
        ))
        .arg("--cluster.listen-address=")
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("cannot run {binary}; install prometheus-alertmanager"))?;
    let daemon = Daemon(child);
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..300 {
        if let Ok(answer) = http.get(format!("{base}/-/ready")).send().await {
            if answer.status().is_success() {
                return Ok((daemon, base));
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("Alertmanager did not become ready within 30 s")
}

/// Posts `count` distinct alerts in batches, as Prometheus would.
async fn post_alerts(http: &reqwest::Client, base: &str, count: usize) -> anyhow::Result<()> {
    let severities = ["critical", "major", "warning", "info"];
    let ends_at = time::format(SystemClock.now() + 3 * 3_600_000);
    for start in (0..count).step_by(500) {
        let batch: Vec<_> = (start..count.min(start + 500))
            .map(|i| {
                serde_json::json!({
                    "labels": {
                        "alertname": format!("BenchAlert{}", i % 50),
                        "instance": format!("host-{i}:9100"),
                        "job": "node",
                        "severity": severities[i % severities.len()],
                    },
                    "annotations": {
                        "summary": format!("bench alert {i}"),
                        "description": "generated by the alertmanager_poll benchmark",
                    },
                    "endsAt": ends_at,
                    "generatorURL": format!("http://prometheus:9090/graph?g0.expr=bench_{i}"),
                })
            })
            .collect();
        let answer = http
            .post(format!("{base}/api/v2/alerts"))
            .json(&batch)
            .send()
            .await?;
        if !answer.status().is_success() {
            bail!("Alertmanager refused the alerts: HTTP {}", answer.status());
        }
    }
    Ok(())
}

async fn count_alerts(http: &reqwest::Client, base: &str) -> anyhow::Result<usize> {
    let alerts: Vec<serde_json::Value> = http
        .get(format!("{base}/api/v2/alerts"))
        .send()
        .await?
        .json()
        .await?;
    Ok(alerts.len())
}

/// How long Alertmanager takes to produce and send its alert list, without the
/// source: the floor under a poll cycle.
async fn download_time(http: &reqwest::Client, base: &str) -> anyhow::Result<Duration> {
    let mut times = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        http.get(format!(
            "{base}/api/v2/alerts?active=true&silenced=true&inhibited=true"
        ))
        .send()
        .await?
        .bytes()
        .await?;
        times.push(started.elapsed());
    }
    times.sort();
    Ok(times[times.len() / 2])
}

/// When the console shows `count` active alarms of the source.
async fn wait_for_alarms(console: &Console, count: usize) -> Instant {
    loop {
        let snapshot = console.snapshot().await;
        let active = snapshot
            .alarms
            .iter()
            .filter(|a| a.source == "bench-am" && a.status == noc_model::AlarmStatus::Active)
            .count();
        if active >= count {
            return Instant::now();
        }
        // Coarse on purpose: each look copies the whole live state, and looking
        // often would slow down the ingest being measured.
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

fn rss_kib() -> anyhow::Result<u64> {
    status_kib("VmRSS:")
}

fn peak_rss_kib() -> anyhow::Result<u64> {
    status_kib("VmHWM:")
}

fn status_kib(field: &str) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let line = status
        .lines()
        .find(|l| l.starts_with(field))
        .with_context(|| format!("no {field} in /proc/self/status"))?;
    Ok(line
        .split_whitespace()
        .nth(1)
        .context("malformed /proc/self/status")?
        .parse()?)
}
