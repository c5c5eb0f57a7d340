//! Synthetic probes (拨测): the hub itself asks a service (HTTP, TCP, DNS, ICMP, or a
//! blackbox exporter in another data centre) whether it answers, every interval.
//! Each run yields one [`ProbeResult`] per vantage point for the probe history; two
//! failed runs in a row raise an alarm, the first success clears it. The source's
//! health only says whether the probe can run at all: a target that is down is an
//! alarm, not a broken source.

mod alarms;
mod assertions;
mod blackbox;
mod dns;
mod exposition;
mod http;
mod icmp;
mod tcp;
#[cfg(test)]
mod tests;

use std::time::{Duration, Instant};

use noc_model::{
    HealthStatus, Millis, ProbeResult, ProbeTimings, Signal, SourceDefinition, SourceHealth,
    SourceSettings,
};
use rand::Rng;
use tokio::sync::mpsc::Sender;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::source::{poll_config, CheckOutcome, Secret, SourceContext, SourceError};
use alarms::Alarms;

/// What one run saw from one vantage point, before it is stamped with the probe's
/// name and the time.
#[derive(Debug, Clone, Default, PartialEq)]
struct Reading {
    vantage: String,
    ok: bool,
    timings: ProbeTimings,
    status_code: Option<u16>,
    detail: String,
    cert_expires_at: Option<Millis>,
}

impl Reading {
    fn failed(vantage: impl Into<String>, timings: ProbeTimings, detail: String) -> Self {
        Self {
            vantage: vantage.into(),
            timings,
            detail,
            ..Self::default()
        }
    }

    fn into_result(self, probe: &str, at: Millis) -> ProbeResult {
        ProbeResult {
            probe: probe.to_string(),
            vantage: self.vantage,
            at,
            ok: self.ok,
            timings: self.timings,
            status_code: self.status_code,
            detail: self.detail,
            cert_expires_at: self.cert_expires_at,
        }
    }
}

/// Why the probe itself cannot run (a permission the hub lacks, an exporter that is
/// gone): the source's health, since nothing was learnt about the target.
#[derive(Debug, Clone, PartialEq)]
struct CannotRun {
    status: HealthStatus,
    detail: String,
}

type RunOutcome = Result<Vec<Reading>, CannotRun>;

/// One probe kind, ready to run.
enum Prober {
    Http(Box<http::HttpProber>),
    Tcp(tcp::TcpProber),
    Dns(dns::DnsProber),
    Icmp(icmp::IcmpProber),
    Blackbox(blackbox::BlackboxProber),
}

impl Prober {
    fn from_settings(
        settings: &SourceSettings,
        secret: Option<&Secret>,
        timeout: Duration,
    ) -> Result<Self, SourceError> {
        Ok(match settings {
            SourceSettings::HttpProbe(probe) => Prober::Http(Box::new(http::HttpProber::new(
                probe,
                secret,
                http::default_tls(),
            )?)),
            SourceSettings::TcpProbe(probe) => Prober::Tcp(tcp::TcpProber::new(probe)),
            SourceSettings::DnsProbe(probe) => Prober::Dns(dns::DnsProber::new(probe, timeout)?),
            SourceSettings::IcmpProbe(probe) => Prober::Icmp(icmp::IcmpProber::new(probe)),
            SourceSettings::BlackboxProbe(probe) => {
                Prober::Blackbox(blackbox::BlackboxProber::new(probe, timeout)?)
            }
            other => {
                return Err(SourceError::Invalid(format!(
                    "{} is not a probe",
                    other.kind()
                )))
            }
        })
    }

    async fn run(&self, timeout: Duration) -> RunOutcome {
        match self {
            Prober::Http(probe) => Ok(vec![probe.run(timeout).await]),
            Prober::Tcp(probe) => Ok(vec![probe.run(timeout).await]),
            Prober::Dns(probe) => Ok(probe.run(timeout).await),
            Prober::Icmp(probe) => probe.run(timeout).await.map(|reading| vec![reading]),
            Prober::Blackbox(probe) => probe.run().await.map(|reading| vec![reading]),
        }
    }

    /// How the alarm title names the kind.
    fn label(&self) -> &'static str {
        match self {
            Prober::Http(_) => "HTTP",
            Prober::Tcp(_) => "TCP",
            Prober::Dns(_) => "DNS",
            Prober::Icmp(_) => "ICMP",
            Prober::Blackbox(_) => "Blackbox",
        }
    }

    /// The node the probe's alarms belong to when the definition names none.
    fn target_host(&self) -> Option<String> {
        match self {
            Prober::Http(probe) => probe.host(),
            Prober::Tcp(probe) => Some(probe.host().to_string()),
            Prober::Dns(probe) => Some(probe.name().to_string()),
            Prober::Icmp(probe) => Some(probe.host().to_string()),
            Prober::Blackbox(probe) => Some(probe.target_host()),
        }
    }

    fn cert_warn_days(&self) -> Option<u32> {
        match self {
            Prober::Http(probe) => probe.cert_warn_days(),
            _ => None,
        }
    }
}

/// A probe source: what to run, how often, and what its alarms are called.
struct ProbeTask {
    name: String,
    kind: &'static str,
    prober: Prober,
    alarms: Alarms,
    interval: Duration,
    timeout: Duration,
}

impl ProbeTask {
    fn new(definition: &SourceDefinition, prober: Prober) -> Self {
        let config = poll_config(definition, "");
        let node = definition
            .node
            .clone()
            .filter(|node| !node.is_empty())
            .or_else(|| prober.target_host());
        let alarms = Alarms::new(
            &definition.name,
            format!("{} probe {} failing", prober.label(), definition.name),
            node,
            prober.cert_warn_days(),
        );
        Self {
            name: definition.name.clone(),
            kind: definition.settings.kind(),
            prober,
            alarms,
            interval: config.interval,
            timeout: config.timeout,
        }
    }
}

/// Starts the probe's task: it runs until `ctx.shutdown`.
pub fn spawn(
    definition: &SourceDefinition,
    ctx: SourceContext,
) -> Result<JoinHandle<()>, SourceError> {
    let timeout = poll_config(definition, "").timeout;
    let prober = Prober::from_settings(&definition.settings, ctx.secret.as_ref(), timeout)?;
    let task = ProbeTask::new(definition, prober);
    // Spread the first runs over one interval, so that thousands of probes
    // configured at once do not fire in the same instant.
    let interval_ms = task.interval.as_millis().max(1) as u64;
    let first_delay = Duration::from_millis(rand::rng().random_range(0..interval_ms));
    Ok(tokio::spawn(run(task, ctx, first_delay)))
}

/// One run, as "test connection" shows it: every vantage's answer, or why it failed.
pub async fn check(definition: &SourceDefinition, secret: Option<Secret>) -> CheckOutcome {
    let timeout = poll_config(definition, "").timeout;
    let prober = Prober::from_settings(&definition.settings, secret.as_ref(), timeout)
        .map_err(|err| (HealthStatus::BadPayload, err.to_string()))?;
    let readings = prober
        .run(timeout)
        .await
        .map_err(|cannot| (cannot.status, cannot.detail))?;
    let summary = readings
        .iter()
        .map(|reading| match reading.vantage.as_str() {
            "" => reading.detail.clone(),
            vantage => format!("{vantage}: {}", reading.detail),
        })
        .collect::<Vec<_>>()
        .join("; ");
    // "Test connection" answers whether the target passes, so a failing target is
    // shown as unreachable even though it would not be the running source's health.
    if readings.iter().all(|reading| reading.ok) {
        Ok((summary, None))
    } else {
        Err((HealthStatus::Unreachable, summary))
    }
}

async fn run(mut task: ProbeTask, ctx: SourceContext, first_delay: Duration) {
    let mut health = HealthReport::new(&task.name, task.kind);
    tokio::select! {
        _ = ctx.shutdown.cancelled() => return,
        _ = tokio::time::sleep(first_delay) => {}
    }
    let mut ticks = tokio::time::interval(task.interval.max(Duration::from_millis(10)));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ctx.shutdown.cancelled() => return,
            _ = ticks.tick() => {}
        }
        let outcome = tokio::select! {
            _ = ctx.shutdown.cancelled() => return,
            outcome = task.prober.run(task.timeout) => outcome,
        };
        if !report(&mut task, &mut health, &ctx, outcome).await {
            return;
        }
    }
}

/// Sends what one run found; false once the hub stopped listening.
async fn report(
    task: &mut ProbeTask,
    health: &mut HealthReport,
    ctx: &SourceContext,
    outcome: RunOutcome,
) -> bool {
    let now = ctx.clock.now();
    let (status, detail, readings) = match outcome {
        Ok(readings) => (HealthStatus::Ok, String::new(), readings),
        Err(cannot) => (cannot.status, cannot.detail, Vec::new()),
    };
    let mut signals = Vec::new();
    if let Some(changed) = health.update(status, detail, now) {
        signals.push(Signal::Health(changed));
    }
    for reading in readings {
        signals.extend(task.alarms.observe(&reading, now).map(Signal::Alarm));
        // A missing probe history loses only the charts; alarms still matter.
        let _ = send(
            &ctx.probe_results,
            &ctx.shutdown,
            reading.into_result(&task.name, now),
        )
        .await;
    }
    signals.push(Signal::Alive {
        source: task.name.clone(),
    });
    for signal in signals {
        if !send(&ctx.signals, &ctx.shutdown, signal).await {
            return false;
        }
    }
    true
}

/// False once the hub stopped or nobody listens.
async fn send<T>(out: &Sender<T>, shutdown: &CancellationToken, item: T) -> bool {
    tokio::select! {
        _ = shutdown.cancelled() => false,
        sent = out.send(item) => sent.is_ok(),
    }
}

/// Remembers what the board was last told, so health is sent only when it changes.
struct HealthReport {
    source: String,
    kind: &'static str,
    current: Option<(HealthStatus, String)>,
    since: Millis,
    last_ok: Option<Millis>,
}

impl HealthReport {
    fn new(source: &str, kind: &'static str) -> Self {
        Self {
            source: source.to_string(),
            kind,
            current: None,
            since: 0,
            last_ok: None,
        }
    }

    fn update(
        &mut self,
        status: HealthStatus,
        detail: String,
        now: Millis,
    ) -> Option<SourceHealth> {
        if status == HealthStatus::Ok {
            self.last_ok = Some(now);
        }
        if self.current.as_ref() == Some(&(status, detail.clone())) {
            return None;
        }
        if self.current.as_ref().map(|(s, _)| *s) != Some(status) {
            self.since = now;
        }
        self.current = Some((status, detail.clone()));
        Some(SourceHealth {
            source: self.source.clone(),
            kind: self.kind.to_string(),
            status,
            detail,
            since: self.since,
            last_ok: self.last_ok,
            demo: false,
        })
    }
}

/// Milliseconds with a fraction, as probe timings are kept.
fn millis(elapsed: Duration) -> f64 {
    elapsed.as_secs_f64() * 1000.0
}

fn millis_since(started: Instant) -> f64 {
    millis(started.elapsed())
}

/// "5 s", "0.5 s": how long a probe waited.
fn seconds(timeout: Duration) -> String {
    format!("{} s", timeout.as_secs_f64())
}
