//! A probe run by a Prometheus blackbox exporter, typically one in another data
//! centre: `GET {exporter}/probe?module=..&target=..` and its metrics read back as
//! a result seen from the exporter. An exporter that does not answer is the
//! source's health; only what the exporter reports is about the target.

use std::collections::BTreeMap;
use std::time::Duration;

use noc_model::{BlackboxProbe, HealthStatus, ProbeTimings};
use url::Url;

use super::exposition::{self, Sample};
use super::{CannotRun, Reading};
use crate::polling::{fetch_body, strip_port, FetchError};
use crate::source::SourceError;

const PRODUCT: &str = "blackbox exporter";

/// The exporter gets this much longer than the probe's own timeout to answer,
/// so that a target timing out is reported by the exporter, not mistaken for it.
const EXPORTER_GRACE: Duration = Duration::from_secs(2);

pub(super) struct BlackboxProber {
    probe_url: String,
    module: String,
    target: String,
    /// `host:port` of the exporter, the vantage of every result.
    vantage: String,
    client: reqwest::Client,
}

impl BlackboxProber {
    pub fn new(probe: &BlackboxProbe, timeout: Duration) -> Result<Self, SourceError> {
        let invalid = |why: String| {
            SourceError::Invalid(format!("exporter URL \"{}\": {why}", probe.exporter_url))
        };
        let mut url = Url::parse(probe.exporter_url.trim_end_matches('/'))
            .map_err(|err| invalid(err.to_string()))?;
        let vantage = match (url.host_str(), url.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_string(),
            (None, _) => return Err(invalid("no host".into())),
        };
        url.path_segments_mut()
            .map_err(|_| invalid("cannot hold a path".into()))?
            .pop_if_empty()
            .push("probe");
        url.query_pairs_mut()
            .append_pair("module", &probe.module)
            .append_pair("target", &probe.target);
        // The exporter bounds its own probe by the scrape timeout it is told, as
        // Prometheus tells it; without one it would wait up to two minutes.
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            "X-Prometheus-Scrape-Timeout-Seconds",
            reqwest::header::HeaderValue::from_str(&timeout.as_secs_f64().to_string())
                .map_err(|err| invalid(err.to_string()))?,
        );
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .timeout(timeout + EXPORTER_GRACE)
            .build()
            .map_err(|err| invalid(format!("cannot create HTTP client: {err}")))?;
        Ok(Self {
            probe_url: url.to_string(),
            module: probe.module.clone(),
            target: probe.target.clone(),
            vantage,
            client,
        })
    }

    /// The target's host, whether it is written as a URL or as `host:port`.
    pub fn target_host(&self) -> String {
        match Url::parse(&self.target) {
            Ok(url) if url.host_str().is_some() => url
                .host_str()
                .unwrap_or_default()
                .trim_matches(['[', ']'])
                .to_string(),
            _ => strip_port(&self.target).to_string(),
        }
    }

    pub async fn run(&self) -> Result<Reading, CannotRun> {
        let (status, body) = fetch_body(&self.client, &self.probe_url, PRODUCT)
            .await
            .map_err(|err| exporter_failure(&err))?;
        let text = String::from_utf8_lossy(&body);
        if !status.is_success() {
            // The exporter explains a refused probe (unknown module) in its body.
            return Err(CannotRun {
                status: HealthStatus::BadPayload,
                detail: format!(
                    "{PRODUCT} answered HTTP {}: {}",
                    status.as_u16(),
                    text.trim()
                ),
            });
        }
        let samples = exposition::parse(&text).map_err(|why| CannotRun {
            status: HealthStatus::BadPayload,
            detail: format!("{PRODUCT} answer: {why}"),
        })?;
        self.reading(&Metrics::new(&samples))
    }

    fn reading(&self, metrics: &Metrics) -> Result<Reading, CannotRun> {
        let success = metrics.value("probe_success").ok_or_else(|| CannotRun {
            status: HealthStatus::BadPayload,
            detail: format!("{PRODUCT} answer has no probe_success"),
        })?;
        let ms = |seconds: f64| seconds * 1000.0;
        let phase = |name: &str| {
            metrics
                .labelled("probe_http_duration_seconds", "phase", name)
                .map(ms)
        };
        let timings = ProbeTimings {
            dns_ms: phase("resolve").or(metrics.value("probe_dns_lookup_time_seconds").map(ms)),
            connect_ms: phase("connect"),
            tls_ms: phase("tls").filter(|tls| *tls > 0.0),
            first_byte_ms: phase("processing"),
            total_ms: metrics.value("probe_duration_seconds").map(ms),
        };
        let status_code = metrics
            .value("probe_http_status_code")
            .filter(|code| *code > 0.0 && *code < 1000.0)
            .map(|code| code as u16);
        let ok = success == 1.0;
        let total = timings.total_ms.unwrap_or_default();
        let detail = match (ok, status_code) {
            (true, Some(code)) => format!("HTTP {code} in {total:.0} ms (module {})", self.module),
            (true, None) => format!("succeeded in {total:.0} ms (module {})", self.module),
            (false, Some(code)) => format!("HTTP {code}: module {} reports failure", self.module),
            (false, None) => format!("module {} reports failure for {}", self.module, self.target),
        };
        Ok(Reading {
            vantage: self.vantage.clone(),
            ok,
            timings,
            status_code,
            detail,
            cert_expires_at: metrics
                .value("probe_ssl_earliest_cert_expiry")
                .filter(|secs| *secs > 0.0)
                .map(|secs| (secs * 1000.0) as i64),
        })
    }
}

fn exporter_failure(err: &FetchError) -> CannotRun {
    CannotRun {
        status: err.status(),
        detail: err.to_string(),
    }
}

/// The samples of one answer, by name.
struct Metrics<'a> {
    by_name: BTreeMap<&'a str, Vec<&'a Sample>>,
}

impl<'a> Metrics<'a> {
    fn new(samples: &'a [Sample]) -> Self {
        let mut by_name = BTreeMap::<&str, Vec<&Sample>>::new();
        for sample in samples {
            by_name
                .entry(sample.name.as_str())
                .or_default()
                .push(sample);
        }
        Self { by_name }
    }

    fn value(&self, name: &str) -> Option<f64> {
        self.by_name.get(name)?.first().map(|s| s.value)
    }

    /// The sum over samples whose `label` is `value` (one per redirect followed).
    fn labelled(&self, name: &str, label: &str, value: &str) -> Option<f64> {
        let matching: Vec<f64> = self
            .by_name
            .get(name)?
            .iter()
            .filter(|s| s.labels.get(label).map(String::as_str) == Some(value))
            .map(|s| s.value)
            .collect();
        (!matching.is_empty()).then(|| matching.iter().sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANSWER: &str = "\
# HELP probe_dns_lookup_time_seconds Returns the time taken for probe dns lookup in seconds
probe_dns_lookup_time_seconds 0.000112
probe_duration_seconds 0.0123
probe_http_duration_seconds{phase=\"connect\"} 0.0004
probe_http_duration_seconds{phase=\"processing\"} 0.009
probe_http_duration_seconds{phase=\"resolve\"} 0.0001
probe_http_duration_seconds{phase=\"tls\"} 0
probe_http_duration_seconds{phase=\"transfer\"} 0.0001
probe_http_status_code 503
probe_ssl_earliest_cert_expiry 1.7960832e+09
probe_success 0
";

    fn prober() -> BlackboxProber {
        BlackboxProber::new(
            &BlackboxProbe {
                exporter_url: "http://probe-dc2:9115/".into(),
                module: "http_2xx".into(),
                target: "https://shop.example:8443/health".into(),
            },
            Duration::from_secs(5),
        )
        .unwrap()
    }

    #[test]
    fn the_probe_url_names_module_and_target() {
        let prober = prober();
        assert_eq!(
            prober.probe_url,
            "http://probe-dc2:9115/probe?module=http_2xx&target=https%3A%2F%2Fshop.example%3A8443%2Fhealth"
        );
        assert_eq!(prober.vantage, "probe-dc2:9115");
        assert_eq!(prober.target_host(), "shop.example");
    }

    #[test]
    fn metrics_become_a_result_seen_from_the_exporter() {
        let samples = exposition::parse(ANSWER).unwrap();
        let reading = prober().reading(&Metrics::new(&samples)).unwrap();
        assert!(!reading.ok);
        assert_eq!(reading.vantage, "probe-dc2:9115");
        assert_eq!(reading.status_code, Some(503));
        assert_eq!(reading.detail, "HTTP 503: module http_2xx reports failure");
        assert_eq!(reading.timings.connect_ms, Some(0.4));
        assert_eq!(reading.timings.dns_ms, Some(0.1));
        assert_eq!(reading.timings.first_byte_ms, Some(9.0));
        assert_eq!(reading.timings.tls_ms, None);
        assert_eq!(reading.timings.total_ms, Some(12.3));
        assert_eq!(reading.cert_expires_at, Some(1_796_083_200_000));
    }

    #[test]
    fn an_answer_without_probe_success_is_a_bad_payload() {
        let samples = exposition::parse("up 1\n").unwrap();
        let cannot = prober().reading(&Metrics::new(&samples)).unwrap_err();
        assert_eq!(cannot.status, HealthStatus::BadPayload);
    }

    #[test]
    fn a_host_port_target_names_its_host() {
        let prober = BlackboxProber::new(
            &BlackboxProbe {
                exporter_url: "http://10.1.0.9:9115".into(),
                module: "tcp_connect".into(),
                target: "db-1:5432".into(),
            },
            Duration::from_secs(5),
        )
        .unwrap();
        assert_eq!(prober.target_host(), "db-1");
    }
}
