//! What a roll-up bucket holds, added up in memory from results or read back from a
//! row, and turned into a chart point.

use noc_model::{Millis, ProbeResult};
use serde::Serialize;
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

/// One point of a probe's history: a single result at raw resolution, else the
/// results of one bucket of one vantage. Times are averages over the results that
/// had them.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct HistoryPoint {
    pub vantage: String,
    /// The result's time, or the start of the bucket.
    pub at: Millis,
    pub count: u32,
    pub ok: u32,
    pub avg_ms: Option<f64>,
    pub min_ms: Option<f64>,
    pub max_ms: Option<f64>,
    pub dns_ms: Option<f64>,
    pub connect_ms: Option<f64>,
    pub tls_ms: Option<f64>,
    pub first_byte_ms: Option<f64>,
    /// The newest failure's detail in the bucket (untrusted text).
    pub failure: Option<String>,
}

/// Sum and count of one phase, in microseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Phase {
    pub n: i64,
    pub sum: i64,
}

impl Phase {
    fn add(&mut self, us: Option<i64>) {
        if let Some(us) = us {
            self.n += 1;
            self.sum += us;
        }
    }

    fn avg_ms(self) -> Option<f64> {
        (self.n > 0).then(|| self.sum as f64 / self.n as f64 / 1000.0)
    }
}

/// The columns every roll-up table shares, in the order [`Bucket::from_row`] reads.
pub(crate) const BUCKET_COLUMNS: &str = "n, ok, timed, total_sum, total_min, total_max, \
     dns_n, dns_sum, connect_n, connect_sum, tls_n, tls_sum, first_byte_n, first_byte_sum, \
     failure, failure_at";

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Bucket {
    pub n: i64,
    pub ok: i64,
    pub total: Phase,
    pub total_min: Option<i64>,
    pub total_max: Option<i64>,
    pub dns: Phase,
    pub connect: Phase,
    pub tls: Phase,
    pub first_byte: Phase,
    pub failure: Option<(Millis, String)>,
}

/// Milliseconds as stored: whole microseconds.
pub(crate) fn micros(ms: Option<f64>) -> Option<i64> {
    ms.filter(|v| v.is_finite())
        .map(|v| (v.max(0.0) * 1000.0).round() as i64)
}

pub(crate) fn millis(us: Option<i64>) -> Option<f64> {
    us.map(|v| v as f64 / 1000.0)
}

impl Bucket {
    pub fn add(&mut self, result: &ProbeResult) {
        let t = &result.timings;
        self.n += 1;
        self.ok += i64::from(result.ok);
        let total = micros(t.total_ms);
        self.total.add(total);
        if let Some(us) = total {
            self.total_min = Some(self.total_min.map_or(us, |m| m.min(us)));
            self.total_max = Some(self.total_max.map_or(us, |m| m.max(us)));
        }
        self.dns.add(micros(t.dns_ms));
        self.connect.add(micros(t.connect_ms));
        self.tls.add(micros(t.tls_ms));
        self.first_byte.add(micros(t.first_byte_ms));
        if !result.ok && self.failure.as_ref().is_none_or(|(at, _)| result.at >= *at) {
            self.failure = Some((result.at, result.detail.clone()));
        }
    }

    /// Reads [`BUCKET_COLUMNS`], selected from `first` on.
    pub fn from_row(row: &SqliteRow, first: usize) -> Result<Bucket, sqlx::Error> {
        let get = |i: usize| row.try_get::<Option<i64>, _>(first + i);
        let phase = |i: usize| -> Result<Phase, sqlx::Error> {
            Ok(Phase {
                n: get(i)?.unwrap_or(0),
                sum: get(i + 1)?.unwrap_or(0),
            })
        };
        let failure: Option<String> = row.try_get(first + 14)?;
        Ok(Bucket {
            n: get(0)?.unwrap_or(0),
            ok: get(1)?.unwrap_or(0),
            total: phase(2)?,
            total_min: get(4)?,
            total_max: get(5)?,
            dns: phase(6)?,
            connect: phase(8)?,
            tls: phase(10)?,
            first_byte: phase(12)?,
            failure: get(15)?.zip(failure),
        })
    }

    pub fn point(&self, vantage: String, at: Millis) -> HistoryPoint {
        HistoryPoint {
            vantage,
            at,
            count: u32::try_from(self.n).unwrap_or(u32::MAX),
            ok: u32::try_from(self.ok).unwrap_or(u32::MAX),
            avg_ms: self.total.avg_ms(),
            min_ms: millis(self.total_min),
            max_ms: millis(self.total_max),
            dns_ms: self.dns.avg_ms(),
            connect_ms: self.connect.avg_ms(),
            tls_ms: self.tls.avg_ms(),
            first_byte_ms: self.first_byte.avg_ms(),
            failure: self.failure.as_ref().map(|(_, text)| text.clone()),
        }
    }
}
