//! Synthetic probes (拨测): what each kind checks, and one result of running it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{HttpAuth, Millis};

/// HTTP(S) request with assertions on the answer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct HttpProbe {
    pub url: String,
    /// `GET` unless set.
    #[serde(default)]
    pub method: Option<String>,
    /// Accepted status codes; empty means 200–399.
    #[serde(default)]
    pub expect_status: Vec<u16>,
    /// The body must contain this text.
    #[serde(default)]
    pub keyword: Option<String>,
    /// The body must match this regular expression.
    #[serde(default)]
    pub regex: Option<String>,
    /// A JSONPath into the body (e.g. `$.status`) and the value it must have.
    #[serde(default)]
    pub json_path: Option<String>,
    #[serde(default)]
    pub json_equals: Option<String>,
    /// Warn when the TLS certificate expires within this many days.
    #[serde(default)]
    pub cert_warn_days: Option<u32>,
    #[serde(default)]
    pub auth: Option<HttpAuth>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct TcpProbe {
    pub host: String,
    pub port: u16,
}

/// A DNS question asked of several resolvers, as a smart DNS checks its data centres.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct DnsProbe {
    pub name: String,
    /// `A` unless set (A, AAAA, CNAME, MX, TXT, NS).
    #[serde(default)]
    pub record_type: Option<String>,
    /// `ip` or `ip:port`; empty means the system resolver.
    #[serde(default)]
    pub resolvers: Vec<String>,
    /// Every answer must be one of these (empty: any answer is fine).
    #[serde(default)]
    pub expected: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct IcmpProbe {
    pub host: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct BlackboxProbe {
    /// The exporter's base URL, e.g. `http://probe-dc2:9115`.
    pub exporter_url: String,
    pub module: String,
    pub target: String,
}

/// Milliseconds spent in each phase of one probe run (absent: phase not applicable).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct ProbeTimings {
    pub dns_ms: Option<f64>,
    pub connect_ms: Option<f64>,
    pub tls_ms: Option<f64>,
    pub first_byte_ms: Option<f64>,
    pub total_ms: Option<f64>,
}

/// One run of a probe from one vantage point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct ProbeResult {
    /// The probe's source name.
    pub probe: String,
    /// Which resolver / exporter answered, when a probe asks several; else empty.
    pub vantage: String,
    #[ts(type = "number")]
    pub at: Millis,
    pub ok: bool,
    pub timings: ProbeTimings,
    pub status_code: Option<u16>,
    /// Why it failed, or a remark (untrusted text).
    pub detail: String,
    #[ts(type = "number | null")]
    pub cert_expires_at: Option<Millis>,
}
