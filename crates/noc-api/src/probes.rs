//! Synthetic probes (拨测): the writer that keeps their results in the probe history,
//! and the probe list and history charts read from it.

use std::sync::Arc;
use std::time::Duration;

use noc_model::{Clock, Millis, ProbeResult, SourceDefinition, SourceHealth, SourceSettings};
use noc_store::probe_history::{FailureNote, History, Uptime};
use noc_store::ProbeHistory;
use serde::Serialize;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::{ApiError, Console};

/// Results are written together once a second, or sooner when this many wait:
/// 1,000 probes every 30 s make about 35 a second, so a second costs one transaction.
const MAX_BATCH: usize = 1_000;
const FLUSH_EVERY: Duration = Duration::from_secs(1);
/// Results kept for a retry while the file cannot be written; older ones are dropped
/// (the history is a convenience, the probes' health already reached the board).
const MAX_PENDING: usize = 50_000;
const PRUNE_EVERY: Millis = 60_000;
const DAY: Millis = 86_400_000;
/// The widest window a history request may ask for: what the day level keeps.
const MAX_WINDOW: Millis = 2 * 366 * DAY;

/// One probe as the probe list shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProbeView {
    pub name: String,
    /// `http_probe`, `tcp_probe`, `dns_probe`, `icmp_probe` or `blackbox_probe`.
    pub kind: String,
    /// What is probed, in words (URL, host:port, name @ resolvers…).
    pub target: String,
    pub enabled: bool,
    pub interval_secs: Option<u32>,
    pub health: Option<SourceHealth>,
    /// The newest result of each vantage (resolver, exporter), ordered by vantage.
    pub latest: Vec<ProbeResult>,
    pub last_failure: Option<FailureNote>,
    pub uptime_24h: Uptime,
    pub uptime_7d: Uptime,
    pub uptime_30d: Uptime,
}

/// The probe use cases: the console for the definitions and health, the history
/// for everything measured.
#[derive(Clone)]
pub struct Probes {
    console: Console,
    history: ProbeHistory,
    clock: Arc<dyn Clock>,
}

impl Probes {
    /// Starts writing the console's probe results into `history` (until the console
    /// shuts down, when the history is closed) and serves the probe queries.
    pub fn start(console: &Console, history: ProbeHistory, clock: Arc<dyn Clock>) -> Probes {
        match console.take_probe_results() {
            Some(results) => {
                let writer = HistoryWriter {
                    history: history.clone(),
                    clock: clock.clone(),
                    pending: Vec::new(),
                    last_prune: Millis::MIN,
                };
                tokio::spawn(writer.run(results, console.shutdown_token()));
            }
            None => tracing::error!("probe results are already taken: no history is written"),
        }
        Probes {
            console: console.clone(),
            history,
            clock,
        }
    }

    /// Every probe source, with its latest results and uptimes.
    pub async fn list(&self) -> Result<Vec<ProbeView>, ApiError> {
        let now = self.clock.now();
        let mut summaries = self.history.summaries(now).await?;
        let mut views = Vec::new();
        for source in self.console.sources().await {
            let definition = source.definition;
            if !definition.settings.is_probe() {
                continue;
            }
            let summary = summaries
                .iter()
                .position(|s| s.probe == definition.name)
                .map(|i| summaries.swap_remove(i));
            let (latest, last_failure, up) = match summary {
                Some(s) => (
                    s.latest,
                    s.last_failure,
                    [s.uptime_24h, s.uptime_7d, s.uptime_30d],
                ),
                None => (Vec::new(), None, [Uptime::default(); 3]),
            };
            views.push(ProbeView {
                kind: definition.settings.kind().to_string(),
                target: target(&definition),
                name: definition.name,
                enabled: definition.enabled,
                interval_secs: definition.interval_secs,
                health: source.health,
                latest,
                last_failure,
                uptime_24h: up[0],
                uptime_7d: up[1],
                uptime_30d: up[2],
            });
        }
        Ok(views)
    }

    /// The history of one probe in `[from, to)` (default: the last 24 hours), for one
    /// vantage or all of them.
    pub async fn history(
        &self,
        name: &str,
        vantage: Option<&str>,
        from: Option<Millis>,
        to: Option<Millis>,
    ) -> Result<History, ApiError> {
        let now = self.clock.now();
        let to = to.unwrap_or(now);
        let from = from.unwrap_or(to - DAY);
        if from >= to || to - from > MAX_WINDOW {
            return Err(ApiError::invalid(format!(
                "a history window needs from < to and at most {} days",
                MAX_WINDOW / DAY
            )));
        }
        let known = self
            .console
            .sources()
            .await
            .iter()
            .any(|s| s.definition.name == name && s.definition.settings.is_probe());
        if !known {
            return Err(ApiError::not_found(
                "no_such_probe",
                format!("there is no probe named \"{name}\""),
            ));
        }
        Ok(self.history.series(name, vantage, from, to, now).await?)
    }
}

/// What a probe checks, as one line for the list.
fn target(definition: &SourceDefinition) -> String {
    match &definition.settings {
        SourceSettings::HttpProbe(p) => {
            format!("{} {}", p.method.as_deref().unwrap_or("GET"), p.url)
        }
        SourceSettings::TcpProbe(p) => format!("{}:{}", p.host, p.port),
        SourceSettings::DnsProbe(p) => {
            let question = format!("{} {}", p.name, p.record_type.as_deref().unwrap_or("A"));
            if p.resolvers.is_empty() {
                question
            } else {
                format!("{question} @ {}", p.resolvers.join(", "))
            }
        }
        SourceSettings::IcmpProbe(p) => p.host.clone(),
        SourceSettings::BlackboxProbe(p) => {
            format!("{} ({}) via {}", p.target, p.module, p.exporter_url)
        }
        other => other.kind().to_string(),
    }
}

struct HistoryWriter {
    history: ProbeHistory,
    clock: Arc<dyn Clock>,
    pending: Vec<ProbeResult>,
    last_prune: Millis,
}

impl HistoryWriter {
    async fn run(mut self, mut results: mpsc::Receiver<ProbeResult>, stop: CancellationToken) {
        let mut tick = tokio::time::interval(FLUSH_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = stop.cancelled() => break,
                got = results.recv_many(&mut self.pending, MAX_BATCH) => {
                    if got == 0 {
                        break;
                    }
                    if self.pending.len() >= MAX_BATCH {
                        self.flush().await;
                    }
                }
                _ = tick.tick() => {
                    self.flush().await;
                    self.prune_now_and_then().await;
                }
            }
        }
        while let Ok(result) = results.try_recv() {
            self.pending.push(result);
        }
        self.flush().await;
        self.history.close().await;
    }

    async fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        match self.history.record(&self.pending).await {
            Ok(()) => self.pending.clear(),
            Err(err) => {
                tracing::warn!(%err, pending = self.pending.len(), "cannot write probe history");
                if self.pending.len() > MAX_PENDING {
                    let excess = self.pending.len() - MAX_PENDING;
                    self.pending.drain(..excess);
                }
            }
        }
    }

    async fn prune_now_and_then(&mut self) {
        let now = self.clock.now();
        if now.saturating_sub(self.last_prune) < PRUNE_EVERY {
            return;
        }
        self.last_prune = now;
        if let Err(err) = self.history.prune(now).await {
            tracing::warn!(%err, "cannot prune probe history");
        }
    }
}
