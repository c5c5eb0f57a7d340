//! How big `probes.db` grows: `--probes` probes at `--interval-secs` for `--days`,
//! recorded and pruned through `ProbeHistory` with a simulated clock, then the file
//! size after the last prune. Also prints the record throughput.
//!
//! A year at full rate would be a billion results (hours to simulate), so the time
//! before the last `--full-days` is fed one result per probe per hour while hours are
//! still kept at the end, and one per day before that. Those days survive only as
//! hour and day buckets, and a bucket is one row whatever number of results it adds
//! up, so the rows left at the end are the ones a full-rate year leaves; the last
//! `--full-days` run at full rate, so raw results and minutes are at their
//! steady-state size.

use std::path::Path;
use std::time::{Duration, Instant};

use clap::Parser;
use noc_model::{Millis, ProbeResult, ProbeTimings};
use noc_store::ProbeHistory;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 1000)]
    probes: usize,
    #[arg(long, default_value_t = 30)]
    interval_secs: i64,
    #[arg(long, default_value_t = 365)]
    days: i64,
    #[arg(long, default_value_t = 2)]
    full_days: i64,
    /// Results per `record` call. The hub writes up to 1,000 at a time; larger
    /// batches only make the simulation faster (fewer page writes per result).
    #[arg(long, default_value_t = 1000)]
    batch: usize,
}

const MINUTE: Millis = 60_000;
const HOUR: Millis = 60 * MINUTE;
const DAY: Millis = 86_400_000;
/// 2025-11-22 00:00 UTC.
const START: Millis = 1_763_769_600_000;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("probes.db");
    let history = ProbeHistory::open(&path).await?;
    let end = START + args.days * DAY;
    let full_from = end - args.full_days * DAY;
    let hours_from = end - history.retention().hour;
    let step = |at: Millis| {
        if at >= full_from {
            args.interval_secs * 1000
        } else if at >= hours_from {
            HOUR
        } else {
            DAY
        }
    };
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut batch = Vec::with_capacity(args.probes);
    let (mut recorded, mut record_time) = (0usize, Duration::ZERO);
    let mut last_prune = START;
    let mut at = START;
    while at < end {
        let full = at >= full_from;
        // Spread over the interval as the probes' own schedules would.
        let spread = args.interval_secs * 1000 / args.probes as i64;
        for probe in 0..args.probes {
            batch.push(result(&mut rng, probe, at + probe as i64 * spread));
        }
        if batch.len() >= args.batch || at + step(at) >= end {
            let started = Instant::now();
            for chunk in batch.chunks(args.batch) {
                history.record(chunk).await?;
            }
            if full {
                record_time += started.elapsed();
                recorded += batch.len();
            }
            batch.clear();
        }
        // The hub prunes once a minute.
        if at - last_prune >= MINUTE {
            history.prune(at).await?;
            last_prune = at;
        }
        at += step(at);
    }
    history.prune(end).await?;
    let rows = counts(&path).await?;
    history.close().await;
    let bytes = std::fs::metadata(&path)?.len();
    println!(
        "{} probes, {} s interval, {} days ({} at full rate): probes.db {:.1} MB",
        args.probes,
        args.interval_secs,
        args.days,
        args.full_days,
        bytes as f64 / 1e6
    );
    println!("rows at the end: {rows}");
    println!(
        "record: {recorded} results in {:.1} s = {:.0} results/s (batches of {})",
        record_time.as_secs_f64(),
        recorded as f64 / record_time.as_secs_f64(),
        args.batch
    );
    Ok(())
}

fn result(rng: &mut Rng, probe: usize, at: Millis) -> ProbeResult {
    let ok = rng.below(1000) >= 5;
    let dns = 0.5 + rng.below(4000) as f64 / 1000.0;
    let connect = 1.0 + rng.below(30_000) as f64 / 1000.0;
    let tls = 2.0 + rng.below(40_000) as f64 / 1000.0;
    let first_byte = 5.0 + rng.below(300_000) as f64 / 1000.0;
    let total = dns + connect + tls + first_byte;
    ProbeResult {
        probe: format!("probe-{probe:04}"),
        vantage: String::new(),
        at,
        ok,
        timings: ProbeTimings {
            dns_ms: Some(dns),
            connect_ms: Some(connect),
            tls_ms: Some(tls),
            first_byte_ms: ok.then_some(first_byte),
            total_ms: ok.then_some(total),
        },
        status_code: Some(if ok { 200 } else { 503 }),
        detail: if ok {
            String::new()
        } else {
            "HTTP 503 Service Unavailable (expected 200-399)".to_string()
        },
        cert_expires_at: Some(at + 60 * DAY),
    }
}

async fn counts(path: &Path) -> anyhow::Result<String> {
    use sqlx::Connection;
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display())).await?;
    let mut out = Vec::new();
    for table in ["raw", "minute", "hour", "day"] {
        let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(&mut conn)
            .await?;
        out.push(format!("{table} {n}"));
    }
    Ok(out.join(", "))
}

/// xorshift64*: reproducible figures without a dependency.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n
    }
}
