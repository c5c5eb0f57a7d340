//! The history of synthetic probe results, in a SQLite file of its own (`probes.db`).
//!
//! Thousands of probes every 30 s would swamp the event log, and none of it needs
//! replaying, so results live apart: every result for a day, then per-minute,
//! per-hour and per-day roll-ups, each pruned after its [`Retention`]. Roll-ups are
//! added to as results are recorded, so every level is complete up to the newest
//! result; pruning and the choice of level go by a `now` the caller passes in.

mod bucket;
mod level;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Duration;

use noc_model::{Millis, ProbeResult, ProbeTimings};
use serde::Serialize;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteRow, SqliteSynchronous,
};
use sqlx::{ConnectOptions, Connection, QueryBuilder, Row, Sqlite};
use tokio::sync::Mutex;

use crate::StoreError;
use bucket::{micros, millis, Bucket, BUCKET_COLUMNS};

pub use bucket::HistoryPoint;
pub use level::{Resolution, Retention};

static MIGRATOR: Migrator = sqlx::migrate!("./probe_migrations");

const DAY: Millis = 86_400_000;

/// Results and successes in a window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Uptime {
    pub count: u64,
    pub ok: u64,
}

impl Uptime {
    fn add(&mut self, other: Uptime) {
        self.count += other.count;
        self.ok += other.ok;
    }
}

/// A probe's history drawn at one resolution.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct History {
    pub resolution: Resolution,
    pub bucket_ms: Millis,
    /// Ordered by vantage, then time.
    pub points: Vec<HistoryPoint>,
}

/// A failure remembered for the probe list.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FailureNote {
    pub vantage: String,
    pub at: Millis,
    /// Untrusted text from the probe.
    pub detail: String,
}

/// What the probe list shows of one probe's history.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeSummary {
    pub probe: String,
    /// The newest result of each vantage, ordered by vantage.
    pub latest: Vec<ProbeResult>,
    pub last_failure: Option<FailureNote>,
    pub uptime_24h: Uptime,
    pub uptime_7d: Uptime,
    pub uptime_30d: Uptime,
}

/// A handle on `probes.db`. Cheap to clone; all clones share one write connection.
#[derive(Clone)]
pub struct ProbeHistory {
    inner: std::sync::Arc<Inner>,
}

struct Inner {
    writer: Mutex<Writer>,
    reads: SqlitePool,
    retention: Retention,
}

struct Writer {
    conn: Option<SqliteConnection>,
    series: HashMap<(String, String), i64>,
}

impl std::fmt::Debug for ProbeHistory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProbeHistory")
            .field("retention", &self.inner.retention)
            .finish_non_exhaustive()
    }
}

impl ProbeHistory {
    /// Opens (creating if missing) the history at `path`, with the default retention.
    pub async fn open(path: &Path) -> Result<ProbeHistory, StoreError> {
        ProbeHistory::open_with(path, Retention::default()).await
    }

    pub async fn open_with(path: &Path, retention: Retention) -> Result<ProbeHistory, StoreError> {
        let base = SqliteConnectOptions::new()
            .filename(path)
            .busy_timeout(Duration::from_secs(5));
        let mut conn = base
            .clone()
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .connect()
            .await
            .map_err(|e| StoreError::opening(path, e))?;
        MIGRATOR.run(&mut conn).await?;
        let series = sqlx::query("SELECT id, probe, vantage FROM series")
            .fetch_all(&mut conn)
            .await?
            .into_iter()
            .map(|row| Ok(((row.try_get(1)?, row.try_get(2)?), row.try_get(0)?)))
            .collect::<Result<HashMap<_, _>, sqlx::Error>>()?;
        let reads = SqlitePoolOptions::new()
            .max_connections(2)
            .connect_with(base.read_only(true))
            .await
            .map_err(|e| StoreError::opening(path, e))?;
        Ok(ProbeHistory {
            inner: std::sync::Arc::new(Inner {
                writer: Mutex::new(Writer {
                    conn: Some(conn),
                    series,
                }),
                reads,
                retention,
            }),
        })
    }

    pub fn retention(&self) -> Retention {
        self.inner.retention
    }

    /// Stores `results` and adds them to every roll-up, in one transaction. A result
    /// already stored (same probe, vantage and time) is ignored, so a batch can be
    /// retried after an error.
    pub async fn record(&self, results: &[ProbeResult]) -> Result<(), StoreError> {
        if results.is_empty() {
            return Ok(());
        }
        let mut writer = self.inner.writer.lock().await;
        let Writer { conn, series } = &mut *writer;
        let conn = conn.as_mut().ok_or(StoreError::Closed)?;
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
        let mut ids = Vec::with_capacity(results.len());
        for result in results {
            ids.push(series_id(&mut tx, series, &result.probe, &result.vantage).await?);
        }
        let rows: Vec<(i64, &ProbeResult)> = ids.into_iter().zip(results).collect();
        let mut inserted = insert_raw(&mut tx, &rows).await?;
        let mut buckets: HashMap<(Resolution, i64, Millis), Bucket> = HashMap::new();
        let mut newest: HashMap<i64, &ProbeResult> = HashMap::new();
        let mut failures: HashMap<i64, &ProbeResult> = HashMap::new();
        for &(id, result) in &rows {
            // Taken out so that a result repeated within the batch counts once.
            if !inserted.remove(&(id, result.at)) {
                continue;
            }
            for level in Resolution::ROLLUPS {
                let start = result.at.div_euclid(level.bucket_ms()) * level.bucket_ms();
                buckets.entry((level, id, start)).or_default().add(result);
            }
            let newer = |seen: &&ProbeResult| seen.at <= result.at;
            if newest.get(&id).is_none_or(newer) {
                newest.insert(id, result);
            }
            if !result.ok && failures.get(&id).is_none_or(newer) {
                failures.insert(id, result);
            }
        }
        for level in Resolution::ROLLUPS {
            let of_level: Vec<_> = buckets
                .iter()
                .filter(|((l, _, _), _)| *l == level)
                .map(|((_, id, start), bucket)| (*id, start / 1000, bucket))
                .collect();
            upsert_buckets(&mut tx, level, &of_level).await?;
        }
        let newest: Vec<_> = newest.into_iter().collect();
        upsert_latest(&mut tx, &newest).await?;
        for (id, result) in failures {
            sqlx::query(
                "UPDATE latest SET failure = ?2, failure_at = ?3 \
                 WHERE series = ?1 AND coalesce(failure_at, ?3) <= ?3",
            )
            .bind(id)
            .bind(&result.detail)
            .bind(result.at)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Deletes what is older than each level's retention at `now`.
    pub async fn prune(&self, now: Millis) -> Result<(), StoreError> {
        let mut writer = self.inner.writer.lock().await;
        let conn = writer.conn.as_mut().ok_or(StoreError::Closed)?;
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
        for level in [Resolution::Raw].into_iter().chain(Resolution::ROLLUPS) {
            let cutoff = now.saturating_sub(self.inner.retention.of(level));
            let (column, bound) = match level {
                Resolution::Raw => ("at", cutoff),
                _ => ("bucket", cutoff.div_euclid(1000)),
            };
            // Leading with the series lets each deletion be a range of the primary key
            // instead of a scan of the whole table.
            let sql = format!(
                "DELETE FROM {} WHERE series IN (SELECT id FROM series) AND {column} < ?",
                level.table()
            );
            sqlx::query(&sql).bind(bound).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The newest result of each vantage of `probe`, ordered by vantage.
    pub async fn latest(&self, probe: &str) -> Result<Vec<ProbeResult>, StoreError> {
        let mut conn = self.inner.reads.acquire().await?;
        let rows = sqlx::query(&format!(
            "{LATEST_SELECT} WHERE s.probe = ? ORDER BY s.vantage"
        ))
        .bind(probe)
        .fetch_all(&mut *conn)
        .await?;
        Ok(rows
            .iter()
            .map(latest_of)
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .map(|(result, _)| result)
            .collect())
    }

    /// The history of `probe` (one vantage, or all) in `[from, to)`, at the finest
    /// resolution that is still kept for the window and draws it in a few thousand
    /// points at most.
    pub async fn series(
        &self,
        probe: &str,
        vantage: Option<&str>,
        from: Millis,
        to: Millis,
        now: Millis,
    ) -> Result<History, StoreError> {
        let resolution = self.inner.retention.chart_resolution(from, to, now);
        let mut conn = self.inner.reads.acquire().await?;
        let points = if resolution == Resolution::Raw {
            sqlx::query(
                "SELECT s.vantage, r.at, r.ok, r.total_us, r.dns_us, r.connect_us, r.tls_us, \
                 r.first_byte_us, r.failure FROM series s JOIN raw r ON r.series = s.id \
                 WHERE s.probe = ?1 AND (?2 IS NULL OR s.vantage = ?2) \
                 AND r.at >= ?3 AND r.at < ?4 ORDER BY s.vantage, r.at",
            )
            .bind(probe)
            .bind(vantage)
            .bind(from)
            .bind(to)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(raw_point)
            .collect::<Result<Vec<_>, _>>()?
        } else {
            let size = resolution.bucket_ms();
            let sql = format!(
                "SELECT s.vantage, t.bucket, {BUCKET_COLUMNS} FROM series s \
                 JOIN {} t ON t.series = s.id \
                 WHERE s.probe = ?1 AND (?2 IS NULL OR s.vantage = ?2) \
                 AND t.bucket >= ?3 AND t.bucket < ?4 ORDER BY s.vantage, t.bucket",
                resolution.table()
            );
            sqlx::query(&sql)
                .bind(probe)
                .bind(vantage)
                .bind(from.div_euclid(size) * size / 1000)
                .bind(to.div_euclid(1000) + i64::from(to.rem_euclid(1000) != 0))
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(|row| {
                    let bucket = Bucket::from_row(row, 2)?;
                    let at: i64 = row.try_get(1)?;
                    Ok(bucket.point(row.try_get(0)?, at * 1000))
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()?
        };
        Ok(History {
            resolution,
            bucket_ms: resolution.bucket_ms(),
            points,
        })
    }

    /// Results and successes of `probe` (all vantages) in `[from, to)`, read from the
    /// coarsest level that has whole buckets there and finer levels at the edges.
    pub async fn uptime(
        &self,
        probe: &str,
        from: Millis,
        to: Millis,
        now: Millis,
    ) -> Result<Uptime, StoreError> {
        let mut conn = self.inner.reads.acquire().await?;
        let by_series = self.uptimes(&mut conn, Some(probe), from, to, now).await?;
        let mut total = Uptime::default();
        for uptime in by_series.values() {
            total.add(*uptime);
        }
        Ok(total)
    }

    /// Every probe with a recorded result: its newest results, last failure and
    /// uptime over the last 24 hours, 7 days and 30 days before `now`.
    pub async fn summaries(&self, now: Millis) -> Result<Vec<ProbeSummary>, StoreError> {
        let mut conn = self.inner.reads.acquire().await?;
        let rows = sqlx::query(&format!("{LATEST_SELECT} ORDER BY s.probe, s.vantage"))
            .fetch_all(&mut *conn)
            .await?;
        let mut windows = Vec::new();
        for days in [1, 7, 30] {
            windows.push(
                self.uptimes(&mut conn, None, now - days * DAY, now, now)
                    .await?,
            );
        }
        let mut out: Vec<ProbeSummary> = Vec::new();
        for row in &rows {
            let (result, failure) = latest_of(row)?;
            let id: i64 = row.try_get("series")?;
            let up = |w: usize| windows[w].get(&id).copied().unwrap_or_default();
            let summary = match out.last_mut() {
                Some(last) if last.probe == result.probe => last,
                _ => {
                    out.push(ProbeSummary {
                        probe: result.probe.clone(),
                        latest: Vec::new(),
                        last_failure: None,
                        uptime_24h: Uptime::default(),
                        uptime_7d: Uptime::default(),
                        uptime_30d: Uptime::default(),
                    });
                    out.last_mut().expect("just pushed")
                }
            };
            summary.uptime_24h.add(up(0));
            summary.uptime_7d.add(up(1));
            summary.uptime_30d.add(up(2));
            if let Some(note) = failure {
                if summary.last_failure.as_ref().is_none_or(|f| f.at < note.at) {
                    summary.last_failure = Some(note);
                }
            }
            summary.latest.push(result);
        }
        Ok(out)
    }

    async fn uptimes(
        &self,
        conn: &mut SqliteConnection,
        probe: Option<&str>,
        from: Millis,
        to: Millis,
        now: Millis,
    ) -> Result<HashMap<i64, Uptime>, StoreError> {
        let mut by_series: HashMap<i64, Uptime> = HashMap::new();
        for piece in self.inner.retention.cover(from, to, now) {
            let (counted, column, scale) = match piece.level {
                Resolution::Raw => ("count(*), sum(t.ok)", "at", 1),
                _ => ("sum(t.n), sum(t.ok)", "bucket", 1000),
            };
            // CROSS JOIN keeps the series as the outer loop: one primary-key range per
            // series rather than a scan of the whole level.
            let sql = format!(
                "SELECT t.series, {counted} FROM series s CROSS JOIN {} t ON t.series = s.id \
                 WHERE (?1 IS NULL OR s.probe = ?1) AND t.{column} >= ?2 AND t.{column} < ?3 \
                 GROUP BY t.series",
                piece.level.table()
            );
            let rows = sqlx::query(&sql)
                .bind(probe)
                .bind(piece.from / scale)
                .bind(piece.to / scale)
                .fetch_all(&mut *conn)
                .await?;
            for row in rows {
                let count: i64 = row.try_get(1)?;
                let ok: i64 = row.try_get(2)?;
                by_series.entry(row.try_get(0)?).or_default().add(Uptime {
                    count: count.max(0) as u64,
                    ok: ok.max(0) as u64,
                });
            }
        }
        Ok(by_series)
    }

    /// Finishes the write in flight, folds the WAL into the file and closes it.
    pub async fn close(self) {
        let mut writer = self.inner.writer.lock().await;
        if let Some(mut conn) = writer.conn.take() {
            if let Err(err) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&mut conn)
                .await
            {
                tracing::warn!(%err, "probe history checkpoint at shutdown failed");
            }
            if let Err(err) = conn.close().await {
                tracing::warn!(%err, "closing the probe history failed");
            }
        }
        self.inner.reads.close().await;
    }
}

async fn series_id(
    conn: &mut SqliteConnection,
    known: &mut HashMap<(String, String), i64>,
    probe: &str,
    vantage: &str,
) -> Result<i64, StoreError> {
    let key = (probe.to_string(), vantage.to_string());
    if let Some(id) = known.get(&key) {
        return Ok(*id);
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO series (probe, vantage) VALUES (?1, ?2) \
         ON CONFLICT (probe, vantage) DO UPDATE SET probe = excluded.probe RETURNING id",
    )
    .bind(probe)
    .bind(vantage)
    .fetch_one(&mut *conn)
    .await?;
    known.insert(key, id);
    Ok(id)
}

/// Rows per multi-row statement: one statement costs far more than one row, and
/// SQLite takes at most 32,766 parameters.
const ROWS_PER_STATEMENT: usize = 500;

/// Stores the results not stored yet; answers which ones those were.
async fn insert_raw(
    conn: &mut SqliteConnection,
    rows: &[(i64, &ProbeResult)],
) -> Result<HashSet<(i64, Millis)>, StoreError> {
    let mut inserted = HashSet::with_capacity(rows.len());
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut sql = QueryBuilder::<Sqlite>::new(
            "INSERT OR IGNORE INTO raw (series, at, ok, total_us, dns_us, connect_us, tls_us, \
             first_byte_us, status, failure) ",
        );
        sql.push_values(chunk, |mut row, (series, result)| {
            let t = &result.timings;
            row.push_bind(*series)
                .push_bind(result.at)
                .push_bind(result.ok)
                .push_bind(micros(t.total_ms))
                .push_bind(micros(t.dns_ms))
                .push_bind(micros(t.connect_ms))
                .push_bind(micros(t.tls_ms))
                .push_bind(micros(t.first_byte_ms))
                .push_bind(result.status_code)
                .push_bind((!result.ok).then(|| result.detail.clone()));
        });
        // Ignored rows are not returned: what comes back is what was new.
        sql.push(" RETURNING series, at");
        for row in sql.build().fetch_all(&mut *conn).await? {
            inserted.insert((row.try_get(0)?, row.try_get(1)?));
        }
    }
    Ok(inserted)
}

async fn upsert_buckets(
    conn: &mut SqliteConnection,
    level: Resolution,
    buckets: &[(i64, i64, &Bucket)],
) -> Result<(), StoreError> {
    for chunk in buckets.chunks(ROWS_PER_STATEMENT) {
        let mut sql = QueryBuilder::<Sqlite>::new(format!(
            "INSERT INTO {} (series, bucket, {BUCKET_COLUMNS}) ",
            level.table()
        ));
        sql.push_values(chunk, |mut row, (series, bucket, b)| {
            row.push_bind(*series)
                .push_bind(*bucket)
                .push_bind(b.n)
                .push_bind(b.ok)
                .push_bind(b.total.n)
                .push_bind(b.total.sum)
                .push_bind(b.total_min)
                .push_bind(b.total_max)
                .push_bind(b.dns.n)
                .push_bind(b.dns.sum)
                .push_bind(b.connect.n)
                .push_bind(b.connect.sum)
                .push_bind(b.tls.n)
                .push_bind(b.tls.sum)
                .push_bind(b.first_byte.n)
                .push_bind(b.first_byte.sum)
                .push_bind(b.failure.as_ref().map(|(_, text)| text.clone()))
                .push_bind(b.failure.as_ref().map(|(at, _)| *at));
        });
        sql.push(
            " ON CONFLICT (series, bucket) DO UPDATE SET \
             n = n + excluded.n, ok = ok + excluded.ok, timed = timed + excluded.timed, \
             total_sum = total_sum + excluded.total_sum, \
             total_min = min(coalesce(total_min, excluded.total_min), \
                             coalesce(excluded.total_min, total_min)), \
             total_max = max(coalesce(total_max, excluded.total_max), \
                             coalesce(excluded.total_max, total_max)), \
             dns_n = dns_n + excluded.dns_n, dns_sum = dns_sum + excluded.dns_sum, \
             connect_n = connect_n + excluded.connect_n, \
             connect_sum = connect_sum + excluded.connect_sum, \
             tls_n = tls_n + excluded.tls_n, tls_sum = tls_sum + excluded.tls_sum, \
             first_byte_n = first_byte_n + excluded.first_byte_n, \
             first_byte_sum = first_byte_sum + excluded.first_byte_sum, \
             failure = CASE WHEN excluded.failure_at >= coalesce(failure_at, excluded.failure_at) \
                       THEN excluded.failure ELSE failure END, \
             failure_at = max(coalesce(failure_at, excluded.failure_at), \
                              coalesce(excluded.failure_at, failure_at))",
        );
        sql.build().execute(&mut *conn).await?;
    }
    Ok(())
}

async fn upsert_latest(
    conn: &mut SqliteConnection,
    newest: &[(i64, &ProbeResult)],
) -> Result<(), StoreError> {
    for chunk in newest.chunks(ROWS_PER_STATEMENT) {
        let mut sql = QueryBuilder::<Sqlite>::new(
            "INSERT INTO latest (series, at, ok, total_us, dns_us, connect_us, tls_us, \
             first_byte_us, status, detail, cert_expires_at) ",
        );
        sql.push_values(chunk, |mut row, (series, result)| {
            let t = &result.timings;
            row.push_bind(*series)
                .push_bind(result.at)
                .push_bind(result.ok)
                .push_bind(micros(t.total_ms))
                .push_bind(micros(t.dns_ms))
                .push_bind(micros(t.connect_ms))
                .push_bind(micros(t.tls_ms))
                .push_bind(micros(t.first_byte_ms))
                .push_bind(result.status_code)
                .push_bind(result.detail.clone())
                .push_bind(result.cert_expires_at);
        });
        sql.push(
            " ON CONFLICT (series) DO UPDATE SET at = excluded.at, ok = excluded.ok, \
             total_us = excluded.total_us, dns_us = excluded.dns_us, \
             connect_us = excluded.connect_us, tls_us = excluded.tls_us, \
             first_byte_us = excluded.first_byte_us, status = excluded.status, \
             detail = excluded.detail, cert_expires_at = excluded.cert_expires_at \
             WHERE excluded.at >= latest.at",
        );
        sql.build().execute(&mut *conn).await?;
    }
    Ok(())
}

const LATEST_SELECT: &str = "SELECT l.series, s.probe, s.vantage, l.at, l.ok, l.total_us, \
     l.dns_us, l.connect_us, l.tls_us, l.first_byte_us, l.status, l.detail, \
     l.cert_expires_at, l.failure, l.failure_at FROM series s JOIN latest l ON l.series = s.id";

fn latest_of(row: &SqliteRow) -> Result<(ProbeResult, Option<FailureNote>), sqlx::Error> {
    let vantage: String = row.try_get("vantage")?;
    let failure: Option<String> = row.try_get("failure")?;
    let failure_at: Option<Millis> = row.try_get("failure_at")?;
    let note = failure_at.zip(failure).map(|(at, detail)| FailureNote {
        vantage: vantage.clone(),
        at,
        detail,
    });
    let status: Option<i64> = row.try_get("status")?;
    let result = ProbeResult {
        probe: row.try_get("probe")?,
        vantage,
        at: row.try_get("at")?,
        ok: row.try_get("ok")?,
        timings: ProbeTimings {
            dns_ms: millis(row.try_get("dns_us")?),
            connect_ms: millis(row.try_get("connect_us")?),
            tls_ms: millis(row.try_get("tls_us")?),
            first_byte_ms: millis(row.try_get("first_byte_us")?),
            total_ms: millis(row.try_get("total_us")?),
        },
        status_code: status.and_then(|s| u16::try_from(s).ok()),
        detail: row.try_get("detail")?,
        cert_expires_at: row.try_get("cert_expires_at")?,
    };
    Ok((result, note))
}

fn raw_point(row: &SqliteRow) -> Result<HistoryPoint, sqlx::Error> {
    let ok: bool = row.try_get(2)?;
    let total: Option<i64> = row.try_get(3)?;
    Ok(HistoryPoint {
        vantage: row.try_get(0)?,
        at: row.try_get(1)?,
        count: 1,
        ok: u32::from(ok),
        avg_ms: millis(total),
        min_ms: millis(total),
        max_ms: millis(total),
        dns_ms: millis(row.try_get(4)?),
        connect_ms: millis(row.try_get(5)?),
        tls_ms: millis(row.try_get(6)?),
        first_byte_ms: millis(row.try_get(7)?),
        failure: row.try_get(8)?,
    })
}

#[cfg(test)]
mod tests;
