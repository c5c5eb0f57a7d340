use std::path::Path;

use noc_model::{Millis, ProbeResult, ProbeTimings};
use sqlx::{Connection, SqliteConnection};
use tempfile::TempDir;

use super::{ProbeHistory, Resolution, Uptime};
use crate::StoreError;

const MINUTE: Millis = 60_000;
const HOUR: Millis = 60 * MINUTE;
const DAY: Millis = 24 * HOUR;
/// 2026-11-22 00:00 UTC: whole days, so test windows can be chosen on bucket edges.
const MIDNIGHT: Millis = 1_795_305_600_000;

/// Results of one probe and vantage every `step` in `[from, to)`; every seventh fails,
/// and timings vary so that minima, maxima and sums are exercised.
fn results(probe: &str, vantage: &str, from: Millis, to: Millis, step: Millis) -> Vec<ProbeResult> {
    (0..)
        .map(|i| (i, from + i * step))
        .take_while(|(_, at)| *at < to)
        .map(|(i, at)| {
            let ok = i % 7 != 3;
            // Whole microseconds, as the history keeps them.
            let total_us = 20_125 + (i * 37_011) % 101_000;
            let ms = |us: i64| us as f64 / 1000.0;
            ProbeResult {
                probe: probe.to_string(),
                vantage: vantage.to_string(),
                at,
                ok,
                timings: ProbeTimings {
                    dns_ms: Some(1.5),
                    connect_ms: Some(ms(total_us / 4)),
                    tls_ms: (i % 2 == 0).then_some(ms(total_us / 8)),
                    first_byte_ms: Some(ms(total_us / 2)),
                    total_ms: ok.then_some(ms(total_us)),
                },
                status_code: Some(if ok { 200 } else { 503 }),
                detail: if ok {
                    String::new()
                } else {
                    format!("HTTP 503 at {at}")
                },
                cert_expires_at: None,
            }
        })
        .collect()
}

fn count(results: &[ProbeResult], from: Millis, to: Millis) -> Uptime {
    let inside = results.iter().filter(|r| r.at >= from && r.at < to);
    Uptime {
        count: inside.clone().count() as u64,
        ok: inside.filter(|r| r.ok).count() as u64,
    }
}

async fn record_in_batches(history: &ProbeHistory, results: &[ProbeResult]) {
    for batch in results.chunks(997) {
        history.record(batch).await.expect("record");
    }
}

async fn rows(path: &Path, table: &str) -> i64 {
    let mut conn = SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(&mut conn)
        .await
        .unwrap()
}

fn totals(points: &[super::HistoryPoint]) -> (u64, u64, f64, f64, f64) {
    let count = points.iter().map(|p| u64::from(p.count)).sum();
    let ok = points.iter().map(|p| u64::from(p.ok)).sum();
    let min = points
        .iter()
        .filter_map(|p| p.min_ms)
        .fold(f64::MAX, f64::min);
    let max = points
        .iter()
        .filter_map(|p| p.max_ms)
        .fold(f64::MIN, f64::max);
    // avg × (results with a time) gives the sum back; ok results are the timed ones.
    let sum = points
        .iter()
        .map(|p| p.avg_ms.unwrap_or(0.0) * f64::from(p.ok))
        .sum();
    (count, ok, min, max, sum)
}

#[tokio::test]
async fn probe_rollups_add_up_to_the_raw_results() {
    let dir = TempDir::new().unwrap();
    let history = ProbeHistory::open(&dir.path().join("probes.db"))
        .await
        .unwrap();
    let from = MIDNIGHT + 2 * HOUR;
    let to = from + 5 * HOUR;
    let mut all = results("web", "", from, to, 30_000);
    all.extend(results("dns", "8.8.8.8", from, to, 20_000));
    all.extend(results("dns", "1.1.1.1", from + 5_000, to, 20_000));
    record_in_batches(&history, &all).await;
    let now = to;

    for probe in ["web", "dns"] {
        let raw = history.series(probe, None, from, to, now).await.unwrap();
        assert_eq!(raw.resolution, Resolution::Raw);
        let mut wide = history
            .series(probe, None, from, from + 2 * DAY, now)
            .await
            .unwrap();
        assert_eq!(wide.resolution, Resolution::Minute);
        let (rc, rok, rmin, rmax, rsum) = totals(&raw.points);
        let (mc, mok, mmin, mmax, msum) = totals(&wide.points);
        let mine: Vec<_> = all.iter().filter(|r| r.probe == probe).cloned().collect();
        assert_eq!(
            (rc, rok),
            (count(&mine, from, to).count, count(&mine, from, to).ok)
        );
        assert_eq!((mc, mok), (rc, rok), "{probe}: minutes vs results");
        assert_eq!((mmin, mmax), (rmin, rmax));
        assert!((msum - rsum).abs() < 1e-6, "{probe}: {msum} vs {rsum}");
        wide = history
            .series(probe, None, from - 10 * DAY, to, now)
            .await
            .unwrap();
        assert_eq!(wide.resolution, Resolution::Hour);
        let (hc, hok, _, _, hsum) = totals(&wide.points);
        assert_eq!((hc, hok), (rc, rok), "{probe}: hours vs results");
        assert!((hsum - rsum).abs() < 1e-6);
        wide = history
            .series(probe, None, from - 200 * DAY, to, now)
            .await
            .unwrap();
        assert_eq!(wide.resolution, Resolution::Day);
        assert_eq!(wide.points.len(), if probe == "dns" { 2 } else { 1 });
        assert_eq!((totals(&wide.points).0, totals(&wide.points).1), (rc, rok));
    }

    // One vantage of a multi-resolver probe, and the newest failure of each bucket.
    let one = history
        .series("dns", Some("1.1.1.1"), from, to, now)
        .await
        .unwrap();
    assert!(one.points.iter().all(|p| p.vantage == "1.1.1.1"));
    let hours = history
        .series("web", None, from - 10 * DAY, to, now)
        .await
        .unwrap();
    let first_hour: Vec<_> = all
        .iter()
        .filter(|r| r.probe == "web" && r.at < from + HOUR)
        .collect();
    let newest_failure = first_hour.iter().rfind(|r| !r.ok).map(|r| r.detail.clone());
    assert_eq!(hours.points[0].failure, newest_failure);
    assert_eq!(hours.points[0].dns_ms, Some(1.5));
}

#[tokio::test]
async fn a_probe_result_recorded_twice_counts_once() {
    let dir = TempDir::new().unwrap();
    let history = ProbeHistory::open(&dir.path().join("probes.db"))
        .await
        .unwrap();
    let batch = results("web", "", MIDNIGHT, MIDNIGHT + HOUR, 30_000);
    history.record(&batch).await.unwrap();
    history.record(&batch[..40]).await.unwrap();
    let up = history
        .uptime("web", MIDNIGHT, MIDNIGHT + HOUR, MIDNIGHT + HOUR)
        .await
        .unwrap();
    assert_eq!(up, count(&batch, MIDNIGHT, MIDNIGHT + HOUR));
    let day = history.series(
        "web",
        None,
        MIDNIGHT - 300 * DAY,
        MIDNIGHT + HOUR,
        MIDNIGHT + HOUR,
    );
    assert_eq!(day.await.unwrap().points[0].count, 120);
}

#[tokio::test]
async fn probe_pruning_keeps_each_level_for_its_retention() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("probes.db");
    let history = ProbeHistory::open(&path).await.unwrap();
    let retention = history.retention();
    let start = MIDNIGHT - 100 * DAY;
    let now = MIDNIGHT + 7 * HOUR;
    let all = results("web", "", start, now, 10 * MINUTE);
    record_in_batches(&history, &all).await;
    history.prune(now).await.unwrap();

    let expect = |keep: Millis, size: Millis| {
        let cutoff = (now - keep) / 1000;
        let mut buckets: Vec<Millis> = all.iter().map(|r| r.at / size * size / 1000).collect();
        buckets.dedup();
        buckets.into_iter().filter(|b| *b >= cutoff).count() as i64
    };
    assert_eq!(
        rows(&path, "raw").await,
        count(&all, now - retention.raw, now).count as i64
    );
    assert_eq!(
        rows(&path, "minute").await,
        expect(retention.minute, MINUTE)
    );
    assert_eq!(rows(&path, "hour").await, expect(retention.hour, HOUR));
    assert_eq!(rows(&path, "day").await, 101);
    assert!(rows(&path, "minute").await < all.len() as i64);

    // A later prune removes what has aged since.
    history.prune(now + retention.hour).await.unwrap();
    for table in ["raw", "minute", "hour"] {
        assert_eq!(rows(&path, table).await, 0, "{table}");
    }
    assert_eq!(rows(&path, "day").await, 101);
}

#[tokio::test]
async fn probe_uptime_spans_every_resolution() {
    let dir = TempDir::new().unwrap();
    let history = ProbeHistory::open(&dir.path().join("probes.db"))
        .await
        .unwrap();
    let now = MIDNIGHT + 15 * HOUR + 17 * MINUTE + 3_500;
    let all = results("web", "", MIDNIGHT - 45 * DAY, now, 5 * MINUTE + 7_000);
    record_in_batches(&history, &all).await;
    history.prune(now).await.unwrap();

    // From an hour edge 30 days back to now: days, hours, minutes and results.
    let from = MIDNIGHT - 30 * DAY + 9 * HOUR;
    assert_eq!(
        history.uptime("web", from, now, now).await.unwrap(),
        count(&all, from, now)
    );
    // A past window on day edges, and one within the last day on no edge at all.
    let (a, b) = (MIDNIGHT - 20 * DAY, MIDNIGHT - 12 * DAY);
    assert_eq!(
        history.uptime("web", a, b, now).await.unwrap(),
        count(&all, a, b)
    );
    let (a, b) = (now - 20 * HOUR - 12_345, now - 1_000);
    assert_eq!(
        history.uptime("web", a, b, now).await.unwrap(),
        count(&all, a, b)
    );

    let summaries = history.summaries(now).await.unwrap();
    assert_eq!(summaries.len(), 1);
    let web = &summaries[0];
    assert_eq!(web.uptime_24h, count(&all, now - DAY, now));
    // The oldest partial hour of 7 and 30 days is past the minutes' retention.
    for (got, days) in [(web.uptime_7d, 7), (web.uptime_30d, 30)] {
        let exact = count(&all, now - days * DAY, now);
        let lost = exact.count - got.count;
        assert!(lost <= 12, "{days} d: {got:?} vs {exact:?}");
        assert!(got.ok <= exact.ok && got.ok + lost >= exact.ok);
    }
    assert!(web.uptime_30d.ok < web.uptime_30d.count);
    assert_eq!(
        history.uptime("nothing", from, now, now).await.unwrap(),
        Uptime::default()
    );
}

#[tokio::test]
async fn probe_summary_has_each_vantage_and_the_newest_failure() {
    let dir = TempDir::new().unwrap();
    let history = ProbeHistory::open(&dir.path().join("probes.db"))
        .await
        .unwrap();
    let mut a = results("dns", "10.0.0.1", MIDNIGHT, MIDNIGHT + 10 * MINUTE, MINUTE);
    let b = results("dns", "10.0.0.2", MIDNIGHT, MIDNIGHT + 5 * MINUTE, MINUTE);
    a[9].cert_expires_at = Some(MIDNIGHT + 90 * DAY);
    // Out of order: an older result recorded later must not replace the newest.
    history.record(&a[5..]).await.unwrap();
    history.record(&b).await.unwrap();
    history.record(&a[..5]).await.unwrap();
    let summaries = history.summaries(MIDNIGHT + 10 * MINUTE).await.unwrap();
    let dns = &summaries[0];
    assert_eq!(dns.latest, vec![a[9].clone(), b[4].clone()]);
    let newest_failure = a
        .iter()
        .chain(&b)
        .filter(|r| !r.ok)
        .max_by_key(|r| r.at)
        .unwrap();
    let note = dns.last_failure.as_ref().unwrap();
    assert_eq!(
        (note.at, &note.detail),
        (newest_failure.at, &newest_failure.detail)
    );
    assert_eq!(history.latest("dns").await.unwrap(), dns.latest);
    assert_eq!(dns.uptime_24h.count, 15);
}

#[tokio::test]
async fn probe_history_survives_a_reopen() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("probes.db");
    let first = results("web", "", MIDNIGHT, MIDNIGHT + HOUR, 30_000);
    let history = ProbeHistory::open(&path).await.unwrap();
    history.record(&first).await.unwrap();
    history.close().await;

    let history = ProbeHistory::open(&path).await.unwrap();
    let second = results("tcp", "", MIDNIGHT, MIDNIGHT + HOUR, 30_000);
    history.record(&second).await.unwrap();
    history
        .record(&results(
            "web",
            "",
            MIDNIGHT + HOUR,
            MIDNIGHT + 2 * HOUR,
            30_000,
        ))
        .await
        .unwrap();
    let now = MIDNIGHT + 2 * HOUR;
    assert_eq!(
        history
            .uptime("web", MIDNIGHT, now, now)
            .await
            .unwrap()
            .count,
        240
    );
    assert_eq!(
        history
            .uptime("tcp", MIDNIGHT, now, now)
            .await
            .unwrap()
            .count,
        120
    );
    assert_eq!(
        history.latest("tcp").await.unwrap(),
        vec![second[119].clone()]
    );
}

#[tokio::test]
async fn a_damaged_probe_history_file_is_refused_as_corrupt() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("probes.db");
    std::fs::write(&path, vec![0x5a; 8192]).unwrap();
    let err = ProbeHistory::open(&path).await.unwrap_err();
    assert!(matches!(err, StoreError::Corrupt(_)), "{err:?}");
    assert_eq!(err.code(), "corrupt");
}
