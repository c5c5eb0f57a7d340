//! Load generator: thousands of HTTP probes in one hub, and what they cost it.
//!
//! Starts a local web target in a child process (so its work is not counted), writes
//! a `noc.toml` with `--probes` `[[http_probe]]` blocks at `--interval` seconds
//! against it, and starts a hub in-process on that file, exactly as `noc-server
//! --config` does (each probe a task through `noc_sources::spawn`, alarms and health
//! into the console and its store, results into the probe history). After
//! `--warmup` seconds (the first runs are spread over one interval) it measures the
//! hub's CPU time and resident memory from /proc/self for `--seconds`.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Parser;
use noc_model::{AlarmStatus, HealthStatus};
use noc_server::HubOptions;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 5000)]
    probes: usize,
    #[arg(long, default_value_t = 30)]
    interval: u32,
    #[arg(long, default_value_t = 40)]
    warmup: u64,
    #[arg(long, default_value_t = 120)]
    seconds: u64,
    /// Run as the web target (the child process) instead.
    #[arg(long, hide = true)]
    serve_target: bool,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let runtime = tokio::runtime::Runtime::new()?;
    if args.serve_target {
        return runtime.block_on(serve_target());
    }
    runtime.block_on(measure(&args))
}

/// The child: answers every request with `200 ok` and closes the connection (so
/// each probe run makes a fresh one, as against a real site); prints its port,
/// then the number of requests served each second.
async fn serve_target() -> anyhow::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    println!("port {}", listener.local_addr()?.port());
    let served = Arc::new(AtomicU64::new(0));
    let counter = served.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tick.tick().await;
            println!("served {}", counter.load(Ordering::Relaxed));
        }
    });
    loop {
        let (mut stream, _) = listener.accept().await?;
        let served = served.clone();
        tokio::spawn(async move {
            let mut request = Vec::new();
            let mut buf = [0u8; 2048];
            while !request.ends_with(b"\r\n\r\n") {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let answer = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok";
            if stream.write_all(answer.as_bytes()).await.is_ok() {
                served.fetch_add(1, Ordering::Relaxed);
            }
            let _ = stream.shutdown().await;
        });
    }
}

/// The target process and the latest count it reported.
struct Target {
    child: Child,
    port: u16,
    served: Arc<AtomicU64>,
}

impl Drop for Target {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_target() -> anyhow::Result<Target> {
    let mut child = Command::new(std::env::current_exe()?)
        .arg("--serve-target")
        .stdout(Stdio::piped())
        .spawn()?;
    let mut lines = BufReader::new(child.stdout.take().context("target stdout")?).lines();
    let first = lines.next().context("the target said nothing")??;
    let port: u16 = first
        .strip_prefix("port ")
        .context("the target did not name its port")?
        .parse()?;
    let served = Arc::new(AtomicU64::new(0));
    let latest = served.clone();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            if let Some(Ok(n)) = line.strip_prefix("served ").map(str::parse) {
                latest.store(n, Ordering::Relaxed);
            }
        }
    });
    Ok(Target {
        child,
        port,
        served,
    })
}

fn probe_config(probes: usize, interval: u32, port: u16) -> String {
    let mut config = String::new();
    for i in 0..probes {
        let _ = writeln!(
            config,
            "[[http_probe]]\nname = \"load-{i}\"\nurl = \"http://127.0.0.1:{port}/health?probe={i}\"\n\
             keyword = \"ok\"\ninterval_secs = {interval}\ntimeout_secs = 5\n"
        );
    }
    config
}

/// CPU time (user + system) and resident memory of this process.
struct Usage {
    cpu: Duration,
    rss_kib: u64,
}

fn usage(ticks_per_second: u64) -> anyhow::Result<Usage> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    // Fields after the command name, which may itself contain spaces: state is
    // field 3, utime 14 and stime 15.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .context("/proc/self/stat")?
        .1
        .split_whitespace()
        .collect();
    let ticks: u64 = fields[11].parse::<u64>()? + fields[12].parse::<u64>()?;
    let status = std::fs::read_to_string("/proc/self/status")?;
    let rss_kib = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .context("VmRSS in /proc/self/status")?
        .parse()?;
    Ok(Usage {
        cpu: Duration::from_secs_f64(ticks as f64 / ticks_per_second as f64),
        rss_kib,
    })
}

fn clock_ticks_per_second() -> u64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(100)
}

async fn measure(args: &Args) -> anyhow::Result<()> {
    let ticks = clock_ticks_per_second();
    let target = start_target()?;
    let dir = tempfile::tempdir()?;
    let config = dir.path().join("noc.toml");
    std::fs::write(
        &config,
        probe_config(args.probes, args.interval, target.port),
    )?;
    let mut options = HubOptions::loopback(dir.path().join("data"));
    options.demo = None;
    options.config = Some(config);
    let idle = usage(ticks)?;
    let hub = noc_server::start(options).await?;
    println!(
        "{} probes every {} s; warming up {} s",
        args.probes, args.interval, args.warmup
    );
    tokio::time::sleep(Duration::from_secs(args.warmup)).await;

    let before = usage(ticks)?;
    let served_before = target.served.load(Ordering::Relaxed);
    let started = Instant::now();
    let mut peak_rss = before.rss_kib;
    while started.elapsed() < Duration::from_secs(args.seconds) {
        tokio::time::sleep(Duration::from_secs(5)).await;
        peak_rss = peak_rss.max(usage(ticks)?.rss_kib);
    }
    let after = usage(ticks)?;
    let wall = started.elapsed();
    let served = target.served.load(Ordering::Relaxed) - served_before;

    let snapshot = hub.console.snapshot().await;
    let ok = snapshot
        .sources
        .iter()
        .filter(|s| s.status == HealthStatus::Ok)
        .count();
    let active = snapshot
        .alarms
        .iter()
        .filter(|a| a.status == AlarmStatus::Active)
        .count();
    hub.shutdown().await;

    let cpu = (after.cpu - before.cpu).as_secs_f64() / wall.as_secs_f64() * 100.0;
    let expected = args.probes as f64 * wall.as_secs_f64() / f64::from(args.interval);
    println!("measured over {:.0} s of steady state", wall.as_secs_f64());
    println!("hub CPU: {cpu:.1} % of one core");
    println!(
        "resident memory: {:.0} MiB at the end, {:.0} MiB peak (process before the hub: {:.0} MiB)",
        after.rss_kib as f64 / 1024.0,
        peak_rss as f64 / 1024.0,
        idle.rss_kib as f64 / 1024.0
    );
    println!(
        "probe requests served: {served} ({:.0}/s; {:.0} expected at this interval)",
        served as f64 / wall.as_secs_f64(),
        expected
    );
    println!(
        "sources ok: {ok} of {}; active alarms: {active}",
        args.probes
    );
    if (served as f64) < expected * 0.9 {
        bail!("the probes fell behind their interval");
    }
    Ok(())
}
