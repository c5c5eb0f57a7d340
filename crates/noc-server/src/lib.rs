//! The hub: serves the console's API and UI over HTTP + WebSocket.
//!
//! Used by the headless `noc-server` binary and, in-process, by the desktop shell.

mod access;
mod accounts;
mod assets;
pub mod config;
mod drill;
mod duty;
mod http;
mod notices;
mod notify;
mod openapi;
mod origin;
mod probes;
pub mod report_command;
mod reports;
mod review;
mod secrets;
mod shift;
mod silences;
mod source_ack;
mod sources;
mod stats;
mod stream;
mod tls;
mod topology;
mod webhook;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use noc_api::{Console, Drills, HubSettings, Probes};
use noc_engine::EngineConfig;
use noc_model::Clock;
use noc_sources::demo::DemoConfig;
use noc_sources::SystemClock;
use noc_store::{ProbeHistory, Store};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// The role table and the public routes, for the test that walks every endpoint.
#[doc(hidden)]
pub use access::{action_of, PUBLIC_ROUTES};
pub use accounts::command_line::{self as operator_command, OperatorCommand};
pub use http::{router, AppState};
pub use review::{start_review, ReviewSession};
pub use tls::{fingerprint, TlsSettings};
pub use webhook::WebhookEndpoint;

/// How to start a hub.
#[derive(Debug, Clone)]
pub struct HubOptions {
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub data_dir: PathBuf,
    pub config: Option<PathBuf>,
    pub demo: Option<DemoConfig>,
    /// `None` generates a fresh secret for this launch.
    pub token: Option<String>,
    /// Serve HTTPS; required to listen anywhere but loopback.
    pub tls: Option<TlsSettings>,
}

impl HubOptions {
    /// A hub for one workstation: loopback, a free port, the demo unless a config exists.
    pub fn loopback(data_dir: PathBuf) -> Self {
        Self {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            data_dir,
            config: None,
            demo: Some(DemoConfig::default()),
            token: None,
            tls: None,
        }
    }
}

/// A started hub. Dropping it does not stop it; call [`RunningHub::shutdown`].
pub struct RunningHub {
    /// `http://127.0.0.1:PORT/`
    pub url: String,
    pub addr: SocketAddr,
    pub token: String,
    /// SHA-256 of the certificate when the hub serves TLS.
    pub tls_fingerprint: Option<String>,
    pub console: Console,
    drills: Drills,
    shutdown: CancellationToken,
    server: JoinHandle<std::io::Result<()>>,
}

impl RunningHub {
    /// The URL that opens the console with this hub's token, as printed for operators.
    pub fn open_url(&self) -> String {
        format!("{}?token={}", self.url, self.token)
    }

    pub async fn shutdown(self) {
        // While the hub still runs, so the drill's end is in its log and its
        // recording is kept.
        self.drills.end_for_shutdown().await;
        self.shutdown.cancel();
        if let Err(err) = self.server.await {
            tracing::warn!(error = %err, "hub server task ended abnormally");
        }
    }
}

pub async fn start(opts: HubOptions) -> anyhow::Result<RunningHub> {
    if !opts.bind.is_loopback() && opts.tls.is_none() {
        anyhow::bail!(
            "refusing to listen on {} over plain HTTP: other machines may reach the hub only \
             over TLS (remove `tls = false`, or set tls_cert and tls_key in [hub]), or bind to \
             127.0.0.1",
            opts.bind
        );
    }
    // Before anything starts: a certificate that cannot be read stops the hub.
    let certificate = opts
        .tls
        .as_ref()
        .map(|tls| tls::HubCertificate::obtain(tls, &opts.data_dir))
        .transpose()?;
    let settings = match &opts.config {
        Some(path) => config::HubConfig::load(path)?,
        None => config::HubConfig::default(),
    };
    // Before anything starts: a replay whose files cannot be read stops the hub, with
    // the file and line named, rather than running without its data.
    let replays = settings
        .replays
        .iter()
        .map(|r| noc_sources::replay::ReplaySource::load(r.clone()))
        .collect::<Result<Vec<_>, _>>()?;
    // Before anything starts: a hook without its secret must stop the hub, not run open.
    let webhooks = settings
        .webhook
        .iter()
        .map(config::WebhookSection::endpoint)
        .collect::<Result<Vec<_>, _>>()
        .map_err(anyhow::Error::msg)?;
    // Likewise a notify channel without its URL: the duty team must not go untold.
    let channels = settings
        .notify
        .iter()
        .map(config::NotifySection::channel)
        .collect::<Result<Vec<_>, _>>()
        .map_err(anyhow::Error::msg)?;
    std::fs::create_dir_all(&opts.data_dir)
        .with_context(|| format!("cannot create data folder {}", opts.data_dir.display()))?;
    let db = opts.data_dir.join("noc.db");
    let store = Store::open(&db)
        .await
        .with_context(|| format!("cannot open the event log {}", db.display()))?;
    let probes_db = opts.data_dir.join("probes.db");
    let probe_history = ProbeHistory::open(&probes_db)
        .await
        .with_context(|| format!("cannot open the probe history {}", probes_db.display()))?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let shutdown = CancellationToken::new();
    let hub_settings = HubSettings {
        engine: engine_config(&settings),
        demo: opts.demo.is_some(),
        write_back: settings.write_back,
    };
    let console =
        Console::start(store, clock.clone(), hub_settings.clone(), shutdown.clone()).await;
    let drills = Drills::new(
        opts.data_dir.clone(),
        console.clone(),
        clock.clone(),
        hub_settings,
    );
    // Before any source runs, so the first incidents are told.
    let notifier = noc_notify::Notifier::new(channels, clock.clone())?;
    if !notifier.is_empty() {
        notify::spawn(console.clone(), notifier.clone());
    }
    let probes = Probes::start(&console, probe_history, clock.clone());
    if let Some(demo) = opts.demo {
        // A first launch shows who is on duty; a roster an operator defined stays.
        let roster = noc_sources::demo::demo_roster(clock.now());
        if let Err(err) = console.seed_roster(roster, "demo").await {
            tracing::warn!(error = %err, "the demo roster was not recorded");
        }
        noc_sources::demo::spawn(demo, clock.clone(), console.signal_sink(), shutdown.clone());
    }
    for replay in replays {
        noc_sources::replay::spawn(
            replay,
            clock.clone(),
            console.signal_sink(),
            shutdown.clone(),
        );
    }
    console
        .start_sources(
            settings.sources.clone(),
            Arc::new(secrets::HubSecrets::new()),
        )
        .await;
    for hook in &settings.webhook {
        if let Some(secs) = &hook.stale_after_secs {
            let within = std::time::Duration::from_secs(u64::from(*secs.get_ref()));
            console.expect_deliveries(hook.name.get_ref().trim(), "webhook", within);
        }
    }
    let token = opts.token.unwrap_or_else(generate_token);
    let listener = tokio::net::TcpListener::bind((opts.bind, opts.port))
        .await
        .with_context(|| format!("cannot listen on {}:{}", opts.bind, opts.port))?;
    let addr = listener.local_addr()?;
    let tls_fingerprint = certificate.as_ref().map(|c| c.fingerprint.clone());
    let names = opts
        .tls
        .as_ref()
        .map(|t| t.names.clone())
        .unwrap_or_default();
    let mut state = AppState::new(console.clone(), token.clone(), clock);
    let recordings = opts.data_dir.join("recordings");
    let library = noc_api::Library::new(recordings, state.clock.clone());
    state = state.with_library(library);
    if let Some(hours) = settings.hub.session_hours {
        state = state.with_session_hours(hours);
    }
    if let Err(err) = state.accounts.prune().await {
        tracing::warn!(error = %err, "ended sessions and old audit entries were not pruned");
    }
    let app = router(
        state
            .with_webhooks(webhooks)
            .with_probes(probes)
            .with_notifier(notifier)
            .with_addressing(&names, tls_fingerprint.clone())
            .with_drills(drills.clone()),
    );
    let stop = shutdown.clone();
    let scheme = if certificate.is_some() {
        "https"
    } else {
        "http"
    };
    let server = match certificate {
        Some(certificate) => {
            let acceptor = certificate.acceptor()?;
            tokio::spawn(tls::serve(listener, acceptor, app, stop))
        }
        None => tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(stop.cancelled_owned())
            .await
        }),
    };
    Ok(RunningHub {
        url: format!("{scheme}://{}/", reachable(addr)),
        addr,
        token,
        tls_fingerprint,
        console,
        drills,
        shutdown,
        server,
    })
}

/// The address to print for this machine: a hub listening on every interface is
/// reachable here on loopback.
fn reachable(addr: SocketAddr) -> SocketAddr {
    if addr.ip().is_unspecified() {
        let loopback = match addr {
            SocketAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
            SocketAddr::V6(_) => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        };
        return SocketAddr::new(loopback, addr.port());
    }
    addr
}

fn engine_config(settings: &config::HubConfig) -> EngineConfig {
    let mut engine = EngineConfig {
        policy: settings.policy.clone(),
        ..EngineConfig::default()
    };
    if let Some(secs) = settings.engine.correlation_window_secs {
        engine.correlation_window_ms = secs as i64 * 1000;
    }
    if let Some(secs) = settings.engine.resolve_hold_secs {
        engine.resolve_hold_ms = secs as i64 * 1000;
    }
    engine
}

/// A fresh 256-bit secret, hex encoded.
pub fn generate_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source is unavailable");
    hex::encode(bytes)
}
