//! Prometheus Alertmanager as a source: polls its v2 alert list and reports each
//! alert as an alarm, and an alert that disappeared as resolved.

mod payload;
mod poll;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use noc_model::{AlarmSignal, Clock, HealthStatus, Millis, Severity, Signal, SourceHealth};
use tokio::sync::mpsc::Sender;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub use poll::MAX_BODY_BYTES;

/// Webhook notifications name nodes the same way as the polled alert list.
pub(crate) use payload::strip_port;

/// The `kind` of this source's health reports.
pub const KIND: &str = "alertmanager";

#[derive(Debug, Clone, PartialEq)]
pub struct AlertmanagerConfig {
    /// The source name shown on the board; part of every alarm's fingerprint.
    pub name: String,
    /// Base URL, e.g. `http://alertmanager:9093`.
    pub url: String,
    pub interval: Duration,
    pub timeout: Duration,
}

impl AlertmanagerConfig {
    pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(15);
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

    pub fn new(name: impl Into<String>, url: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            url: url.into(),
            interval: Self::DEFAULT_INTERVAL,
            timeout: Self::DEFAULT_TIMEOUT,
        }
    }
}

/// Polls Alertmanager every `interval` until `shutdown` or until nobody listens.
pub fn spawn(
    config: AlertmanagerConfig,
    clock: Arc<dyn Clock>,
    out: Sender<Signal>,
    shutdown: CancellationToken,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let client = match reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .build()
        {
            Ok(client) => client,
            Err(err) => {
                // Only a broken TLS setup of the machine gets here; say so on the board.
                let mut tracker = HealthTracker::default();
                let health = tracker.update(
                    &config.name,
                    HealthStatus::Unreachable,
                    format!("cannot create HTTP client: {err}"),
                    clock.now(),
                );
                if let Some(health) = health {
                    send(&out, &shutdown, Signal::Health(health)).await;
                }
                return;
            }
        };
        let url = poll::alerts_url(&config.url);
        // What the last successful poll listed, to tell resolved alerts by their absence.
        let mut firing = BTreeMap::<String, AlarmSignal>::new();
        let mut tracker = HealthTracker::default();
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
                result = poll::fetch(&client, &url) => result,
            };
            let took = started.elapsed();
            let now = clock.now();
            let (signals, status, detail) = match result {
                Ok(alerts) => {
                    let mut signals = Vec::new();
                    let mut seen = BTreeMap::new();
                    let mut unmapped = BTreeSet::new();
                    for alert in &alerts {
                        let signal = alert.to_signal(&config.name, now);
                        if signal.severity == Severity::Unknown {
                            // An alert without a severity label is common (Watchdog);
                            // only a word we cannot place is worth a warning.
                            if let Some(word) = alert.severity_word() {
                                unmapped.insert(word.to_string());
                            }
                        }
                        // A poll that sees an alert again is not a new occurrence: only
                        // what is new or changed becomes a signal, or every poll would
                        // write an event per alert into the log.
                        let unchanged = firing
                            .get(&signal.key)
                            .is_some_and(|last| same_observation(last, &signal));
                        seen.insert(signal.key.clone(), signal.clone());
                        if !unchanged {
                            signals.push(Signal::Alarm(signal));
                        }
                    }
                    for (key, last) in &firing {
                        if !seen.contains_key(key) {
                            signals.push(Signal::Alarm(AlarmSignal {
                                at: now,
                                firing: false,
                                ..last.clone()
                            }));
                        }
                    }
                    firing = seen;
                    let (status, detail) = if !unmapped.is_empty() {
                        let words: Vec<_> = unmapped.into_iter().collect();
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
            for signal in signals {
                if !send(&out, &shutdown, signal).await {
                    return;
                }
            }
        }
    })
}

/// Remembers what the board was last told, so health is sent only when it changes.
#[derive(Debug, Default)]
struct HealthTracker {
    current: Option<(HealthStatus, String)>,
    since: Millis,
    last_ok: Option<Millis>,
}

impl HealthTracker {
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
            kind: KIND.to_string(),
            status,
            detail,
            since: self.since,
            last_ok: self.last_ok,
            demo: false,
        })
    }
}

/// False once the hub stopped or stopped listening.
/// The same alert with the same content, whenever it was seen.
fn same_observation(last: &AlarmSignal, now: &AlarmSignal) -> bool {
    AlarmSignal {
        at: now.at,
        ..last.clone()
    } == *now
}

async fn send(out: &Sender<Signal>, shutdown: &CancellationToken, signal: Signal) -> bool {
    tokio::select! {
        _ = shutdown.cancelled() => false,
        sent = out.send(signal) => sent.is_ok(),
    }
}
