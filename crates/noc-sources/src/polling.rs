//! What the polled alert sources (Alertmanager, Prometheus) have in common: the
//! bounded HTTP read and how it fails, the poll loop that signals only what is new,
//! changed or gone, and the health reports sent only when they change.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use noc_model::{
    AlarmSignal, Clock, HealthStatus, HttpAuth, KpiReading, Labels, Millis, Signal, SourceHealth,
    Topology,
};
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};
use thiserror::Error;
use tokio::sync::mpsc::Sender;
use tokio_util::sync::CancellationToken;

use crate::source::Secret;

/// A polled source: its name on the board (part of every alarm's fingerprint), the
/// base URL of the system it reads, and how often and how patiently it asks.
#[derive(Debug, Clone, PartialEq)]
pub struct PollConfig {
    pub name: String,
    pub url: String,
    pub interval: Duration,
    pub timeout: Duration,
    pub credentials: Option<Credentials>,
}

/// What a source presents on every request: basic authentication with `user`,
/// else the secret as a bearer token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub user: Option<String>,
    pub secret: Secret,
}

impl Credentials {
    /// The definition's credentials with the secret the hub resolved for them.
    pub fn from_auth(auth: Option<&HttpAuth>, secret: Option<&Secret>) -> Option<Credentials> {
        let (auth, secret) = (auth?, secret?);
        Some(Credentials {
            user: auth.user.clone().filter(|u| !u.is_empty()),
            secret: secret.clone(),
        })
    }

    pub(crate) fn header(&self) -> Result<HeaderValue, reqwest::header::InvalidHeaderValue> {
        let text = match &self.user {
            Some(user) => format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD
                    .encode(format!("{user}:{}", self.secret.expose()))
            ),
            None => format!("Bearer {}", self.secret.expose()),
        };
        let mut value = HeaderValue::from_str(&text)?;
        // Keeps the value out of reqwest's and hyper's Debug output.
        value.set_sensitive(true);
        Ok(value)
    }
}

/// The HTTP client of a polled source: its timeouts, and its credentials on every
/// request.
pub fn http_client(
    timeout: Duration,
    credentials: Option<&Credentials>,
) -> Result<reqwest::Client, String> {
    let mut headers = HeaderMap::new();
    if let Some(credentials) = credentials {
        let value = credentials
            .header()
            .map_err(|_| "the user name or secret contains characters HTTP cannot carry")?;
        headers.insert(AUTHORIZATION, value);
    }
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .default_headers(headers)
        .build()
        .map_err(|e| format!("cannot create HTTP client: {e}"))
}

impl PollConfig {
    pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(15);
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

    pub fn new(name: impl Into<String>, url: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            url: url.into(),
            interval: Self::DEFAULT_INTERVAL,
            timeout: Self::DEFAULT_TIMEOUT,
            credentials: None,
        }
    }
}

/// A larger answer is not an alert list we can show; stop reading rather than
/// let a misbehaving endpoint fill the hub's memory.
pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

/// Why one poll failed, sorted into the health status the operator sees.
/// `product` names the software that was asked ("Alertmanager", "Prometheus").
#[derive(Debug, Error)]
pub enum FetchError {
    #[error("cannot reach {product}: {cause}")]
    Unreachable {
        product: &'static str,
        cause: String,
    },
    #[error("{product} refused access (HTTP {code})")]
    AuthFailed { product: &'static str, code: u16 },
    /// Refused credentials, in the source's own words (Zabbix answers HTTP 200 with
    /// an error object, so there is no status code to show).
    #[error("{product} refused the credentials: {message}")]
    CredentialsRefused {
        product: &'static str,
        message: String,
    },
    #[error("{product} answered HTTP {code}")]
    HttpStatus { product: &'static str, code: u16 },
    #[error("answer larger than {} MB", MAX_BODY_BYTES / (1024 * 1024))]
    TooLarge,
    /// The answer arrived but is not what the source expects; the text says how.
    #[error("{0}")]
    BadPayload(String),
    /// Every member of a cluster failed; the detail names each and why.
    #[error("{detail}")]
    Members {
        status: HealthStatus,
        detail: String,
    },
}

impl FetchError {
    pub fn status(&self) -> HealthStatus {
        match self {
            FetchError::Unreachable { .. } => HealthStatus::Unreachable,
            FetchError::AuthFailed { .. } | FetchError::CredentialsRefused { .. } => {
                HealthStatus::AuthFailed
            }
            FetchError::HttpStatus { .. } | FetchError::TooLarge | FetchError::BadPayload(_) => {
                HealthStatus::BadPayload
            }
            FetchError::Members { status, .. } => *status,
        }
    }
}

/// `GET url` and read the answer, at most [`MAX_BODY_BYTES`]. Refused credentials
/// are an error; any other status is returned with its body, because some APIs
/// (Prometheus) explain their errors in it.
pub async fn fetch_body(
    client: &reqwest::Client,
    url: &str,
    product: &'static str,
) -> Result<(reqwest::StatusCode, Vec<u8>), FetchError> {
    let request = client
        .get(url)
        .header(reqwest::header::ACCEPT, "application/json");
    send_bounded(request, product).await
}

/// Sends `request` and reads the answer as [`fetch_body`] does, for sources that
/// need another method or headers (Zabbix' JSON-RPC is a POST).
pub async fn send_bounded(
    request: reqwest::RequestBuilder,
    product: &'static str,
) -> Result<(reqwest::StatusCode, Vec<u8>), FetchError> {
    let unreachable = |e: reqwest::Error| FetchError::Unreachable {
        product,
        cause: error_chain(&e),
    };
    let mut response = request.send().await.map_err(unreachable)?;
    let status = response.status();
    if status == reqwest::StatusCode::UNAUTHORIZED || status == reqwest::StatusCode::FORBIDDEN {
        return Err(FetchError::AuthFailed {
            product,
            code: status.as_u16(),
        });
    }
    if response
        .content_length()
        .is_some_and(|len| len > MAX_BODY_BYTES as u64)
    {
        return Err(FetchError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(unreachable)? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(FetchError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok((status, body))
}

/// reqwest's top-level message ("error sending request") hides the cause the
/// operator needs (connection refused, timed out), so the whole chain is shown.
fn error_chain(err: &reqwest::Error) -> String {
    let mut text = err.to_string();
    let mut cause = std::error::Error::source(err);
    while let Some(inner) = cause {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    text
}

/// What one successful poll saw.
#[derive(Debug, Default)]
pub struct Observed {
    /// Every alert the source lists now, as firing alarms.
    pub alarms: Vec<AlarmSignal>,
    /// Severity words that mapped to nothing.
    pub unmapped: BTreeSet<String>,
    /// Parts of the source that failed while the rest answered (a member of an HA
    /// cluster), each with why.
    pub failed_members: Vec<String>,
    /// Values sent after every poll, changed or not.
    pub readings: Vec<KpiReading>,
    /// The source's view of the topology, on the polls that discovered it.
    pub topology: Option<Topology>,
}

impl Observed {
    /// Adds an alert as the source words it. An alert without a severity is common
    /// (a watchdog); only a severity word we cannot place is worth a health warning.
    pub fn record(&mut self, alarm: AlarmSignal, severity_word: Option<&str>) {
        if alarm.severity == noc_model::Severity::Unknown {
            if let Some(word) = severity_word {
                self.unmapped.insert(word.to_string());
            }
        }
        self.alarms.push(alarm);
    }
}

/// Calls `poll` every interval until `shutdown` or until nobody listens, and
/// turns what it returns into alarm and health signals; `kind` names the source kind
/// in its health reports.
pub async fn run<F, Fut>(
    config: PollConfig,
    kind: &'static str,
    clock: Arc<dyn Clock>,
    out: Sender<Signal>,
    shutdown: CancellationToken,
    mut poll: F,
) where
    F: FnMut(reqwest::Client, Millis) -> Fut,
    Fut: Future<Output = Result<Observed, FetchError>>,
{
    let mut tracker = HealthTracker::new(kind);
    let client = match http_client(config.timeout, config.credentials.as_ref()) {
        Ok(client) => client,
        Err(err) => {
            // A broken TLS setup of the machine or unusable credentials; say so on the board.
            let status = if config.credentials.is_some() {
                HealthStatus::AuthFailed
            } else {
                HealthStatus::Unreachable
            };
            let health = tracker.update(&config.name, status, err, clock.now());
            if let Some(health) = health {
                send(&out, &shutdown, Signal::Health(health)).await;
            }
            return;
        }
    };
    // What the last successful poll listed, to tell resolved alerts by their absence.
    let mut firing = BTreeMap::<String, AlarmSignal>::new();
    let mut ticks = tokio::time::interval(config.interval.max(Duration::from_millis(10)));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = ticks.tick() => {}
        }
        let started = Instant::now();
        let result = tokio::select! {
            _ = shutdown.cancelled() => return,
            result = poll(client.clone(), clock.now()) => result,
        };
        let took = started.elapsed();
        let now = clock.now();
        let (signals, status, detail) = match result {
            Ok(observed) => {
                // The topology first, so that this poll's alarms land on the nodes it found.
                let mut signals: Vec<Signal> = observed
                    .topology
                    .map(|topology| Signal::Topology {
                        origin: crate::discovery::origin(&config.name),
                        topology,
                    })
                    .into_iter()
                    .collect();
                signals.extend(changes(&mut firing, observed.alarms, now));
                signals.extend(observed.readings.into_iter().map(Signal::Kpi));
                let (status, detail) = if !observed.failed_members.is_empty() {
                    (HealthStatus::Degraded, observed.failed_members.join("; "))
                } else if !observed.unmapped.is_empty() {
                    let words: Vec<_> = observed.unmapped.into_iter().collect();
                    (
                        HealthStatus::UnmappedSeverity,
                        format!("unknown severity word(s): {}", words.join(", ")),
                    )
                } else if took > config.interval / 2 {
                    (
                        HealthStatus::Slow,
                        format!(
                            "a poll took longer than half the {} s interval",
                            config.interval.as_secs_f64()
                        ),
                    )
                } else {
                    (HealthStatus::Ok, String::new())
                };
                tracker.last_ok = Some(now);
                (signals, status, detail)
            }
            // The last known alarms stay as they are: a failed poll says nothing
            // about the network, and the health report tells the board the data is old.
            Err(err) => (Vec::new(), err.status(), err.to_string()),
        };
        if let Some(health) = tracker.update(&config.name, status, detail, now) {
            if !send(&out, &shutdown, Signal::Health(health)).await {
                return;
            }
        }
        let alive = Signal::Alive {
            source: config.name.clone(),
        };
        for signal in signals.into_iter().chain([alive]) {
            if !send(&out, &shutdown, signal).await {
                return;
            }
        }
    }
}

/// The signals for one poll's alert list against the previous one. A poll that
/// sees an alert again is not a new occurrence: only what is new or changed
/// becomes a signal, or every poll would write an event per alert into the log;
/// an alert no longer listed is resolved.
fn changes(
    firing: &mut BTreeMap<String, AlarmSignal>,
    alarms: Vec<AlarmSignal>,
    now: Millis,
) -> Vec<Signal> {
    let mut signals = Vec::new();
    let mut seen = BTreeMap::new();
    for signal in alarms {
        let unchanged = firing
            .get(&signal.key)
            .is_some_and(|last| same_observation(last, &signal));
        seen.insert(signal.key.clone(), signal.clone());
        if !unchanged {
            signals.push(Signal::Alarm(signal));
        }
    }
    for (key, last) in firing.iter() {
        if !seen.contains_key(key) {
            signals.push(Signal::Alarm(AlarmSignal {
                at: now,
                firing: false,
                ..last.clone()
            }));
        }
    }
    *firing = seen;
    signals
}

/// The same alert with the same content, whenever it was seen.
fn same_observation(last: &AlarmSignal, now: &AlarmSignal) -> bool {
    AlarmSignal {
        at: now.at,
        ..last.clone()
    } == *now
}

/// Remembers what the board was last told, so health is sent only when it changes.
#[derive(Debug)]
struct HealthTracker {
    kind: &'static str,
    current: Option<(HealthStatus, String)>,
    since: Millis,
    last_ok: Option<Millis>,
}

impl HealthTracker {
    fn new(kind: &'static str) -> Self {
        Self {
            kind,
            current: None,
            since: 0,
            last_ok: None,
        }
    }

    fn update(
        &mut self,
        source: &str,
        status: HealthStatus,
        detail: String,
        now: Millis,
    ) -> Option<SourceHealth> {
        if self.current.as_ref() == Some(&(status, detail.clone())) {
            return None;
        }
        if self.current.as_ref().map(|(s, _)| *s) != Some(status) {
            self.since = now;
        }
        self.current = Some((status, detail.clone()));
        Some(SourceHealth {
            source: source.to_string(),
            kind: self.kind.to_string(),
            status,
            detail,
            since: self.since,
            last_ok: self.last_ok,
            demo: false,
        })
    }
}

/// False once the hub stopped or stopped listening.
async fn send(out: &Sender<Signal>, shutdown: &CancellationToken, signal: Signal) -> bool {
    tokio::select! {
        _ = shutdown.cancelled() => false,
        sent = out.send(signal) => sent.is_ok(),
    }
}

/// An alert of the Prometheus family (Prometheus, Alertmanager, their webhooks) as a
/// firing alarm: `alertname` and the `summary` annotation make the title, the
/// `description` annotation the text, the `severity` label the severity, and
/// `instance`/`host`/`node` the node. Callers add their own labels afterwards.
pub fn labelled_alarm(
    source: &str,
    key: String,
    labels: &Labels,
    annotations: &Labels,
    at: Millis,
) -> AlarmSignal {
    let non_empty = |map: &Labels, name: &str| map.get(name).filter(|s| !s.is_empty()).cloned();
    let alertname = non_empty(labels, "alertname").unwrap_or_else(|| format!("alert {key}"));
    let title = match non_empty(annotations, "summary") {
        Some(summary) => format!("{alertname}: {summary}"),
        None => alertname,
    };
    AlarmSignal {
        source: source.to_string(),
        node: node_from_labels(labels),
        severity: noc_model::Severity::from_source_word(severity_word(labels).unwrap_or("")),
        title,
        text: non_empty(annotations, "description").unwrap_or_default(),
        labels: labels.clone(),
        at,
        firing: true,
        key,
    }
}

/// The topology node of a Prometheus-style label set: `instance` (without its
/// port), else `host`, else `node`.
pub fn node_from_labels(labels: &Labels) -> Option<String> {
    if let Some(instance) = labels.get("instance").filter(|s| !s.is_empty()) {
        return Some(strip_port(instance).to_string());
    }
    ["host", "node"]
        .iter()
        .find_map(|key| labels.get(*key).filter(|s| !s.is_empty()).cloned())
}

/// `host:9100` → `host`, `[::1]:9100` → `::1`; a bare IPv6 address is left alone.
pub fn strip_port(instance: &str) -> &str {
    let Some((host, port)) = instance.rsplit_once(':') else {
        return instance;
    };
    if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
        return instance;
    }
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return inner;
    }
    if host.contains(':') {
        return instance;
    }
    host
}

/// The severity label as written, when there is one.
pub fn severity_word(labels: &Labels) -> Option<&str> {
    labels
        .get("severity")
        .map(|word| word.trim())
        .filter(|word| !word.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_ports_are_stripped_but_ipv6_survives() {
        assert_eq!(strip_port("core-sw1:9100"), "core-sw1");
        assert_eq!(strip_port("10.0.0.1:9100"), "10.0.0.1");
        assert_eq!(strip_port("[fe80::1]:9100"), "fe80::1");
        assert_eq!(strip_port("fe80::1"), "fe80::1");
        assert_eq!(strip_port("core-sw1"), "core-sw1");
        assert_eq!(strip_port("host:http"), "host:http");
    }

    #[test]
    fn basic_credentials_are_base64_of_user_and_secret() {
        let basic = Credentials {
            user: Some("Aladdin".into()),
            secret: Secret::new("open sesame"),
        };
        assert_eq!(
            basic.header().unwrap(),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        let bearer = Credentials {
            user: None,
            secret: Secret::new("t0ken"),
        };
        assert_eq!(bearer.header().unwrap(), "Bearer t0ken");
        assert!(!format!("{basic:?}{bearer:?}").contains("sesame"));
    }
}
