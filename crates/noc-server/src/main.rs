//! `noc-server`: the headless hub of the NOC console.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use clap::Parser;
use noc_server::config::HubConfig;
use noc_server::HubOptions;
use noc_sources::demo::DemoConfig;

const DEFAULT_PORT: u16 = 7878;
const DEFAULT_CONFIG: &str = "noc.toml";

/// The NOC console hub: serves the console to browsers and desktops.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    /// Show the built-in simulated network (the default when there is no configuration).
    #[arg(long)]
    demo: bool,
    /// Seed of the simulated network: the same seed replays the same faults.
    #[arg(long, default_value_t = 1)]
    demo_seed: u64,
    /// How much faster than real time the simulated network runs.
    #[arg(long, default_value_t = 1.0)]
    demo_speed: f64,
    /// Configuration file (default: ./noc.toml when it exists).
    #[arg(long, env = "NOC_CONFIG")]
    config: Option<PathBuf>,
    /// Address to listen on. Anything but loopback is served over TLS only.
    #[arg(long)]
    bind: Option<IpAddr>,
    /// PEM certificate chain for HTTPS (with --tls-key); without them a hub that
    /// listens beyond loopback generates a self-signed certificate once.
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PEM private key of --tls-cert.
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Port to listen on; 0 picks a free one.
    #[arg(long)]
    port: Option<u16>,
    /// Folder of the event log database.
    #[arg(long)]
    data: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Operator accounts in the hub's database (the same --data/--config as the hub).
    Operator {
        #[command(subcommand)]
        command: noc_server::OperatorCommand,
    },
    /// Writes a report (HTML or PDF) of the event log or of a recording, e.g.
    /// `report --kind weekly --from 2026-11-16 --to 2026-11-23 --format pdf --out week.pdf`.
    Report(noc_server::report_command::ReportArgs),
    /// Replays one recording (.nocrec) on this machine: a hub on loopback with no demo
    /// and no sources, in a fresh folder under the system's temporary directory.
    Review {
        /// The recording file to open.
        file: PathBuf,
        /// Port to listen on; 0 (the default) picks a free one.
        #[arg(long, default_value_t = 0)]
        port: u16,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let mut cli = Cli::parse();
    let command = cli.command.take();
    if let Some(Command::Review { file, port }) = &command {
        return review(file, *port).await;
    }
    let options = options(cli)?;
    if let Some(Command::Report(args)) = command {
        let targets = match &options.config {
            Some(path) => HubConfig::load(path)?.policy.targets,
            None => noc_model::ClockTargets::default(),
        };
        return noc_server::report_command::run(&options.data_dir, targets, args).await;
    }
    if let Some(Command::Operator { command }) = command {
        let now = noc_model::Clock::now(&noc_sources::SystemClock);
        let out = &mut std::io::stdout();
        return noc_server::operator_command::run(&options.data_dir, command, now, out).await;
    }
    let hub = noc_server::start(options).await?;
    // Operators copy this line into a browser; tests read it. The token is in it on
    // purpose (as a notebook server does), and nowhere in the logs.
    if let Some(fingerprint) = &hub.tls_fingerprint {
        // Operators compare this with what their browser or desktop shows before trusting it.
        println!("TLS fingerprint (SHA-256): {fingerprint}");
    }
    println!("NOC console ready: {}", hub.open_url());
    shutdown_signal().await;
    tracing::info!("shutting down");
    hub.shutdown().await;
    Ok(())
}

/// `noc-server review FILE`: the player on one recording, without the team hub.
async fn review(file: &Path, port: u16) -> anyhow::Result<()> {
    let suffix = &noc_server::generate_token()[..12];
    let data = std::env::temp_dir().join(format!("noc-review-{suffix}"));
    let session = match noc_server::start_review(file, data.clone(), port).await {
        Ok(session) => session,
        Err(err) => {
            // Nothing was started; the folder held only the refused upload.
            let _ = std::fs::remove_dir_all(&data);
            return Err(err);
        }
    };
    println!("Reviewing {}", file.display());
    println!("Notes you add are saved in {}", session.copy.display());
    println!("NOC console ready: {}", session.player_url());
    shutdown_signal().await;
    tracing::info!("shutting down");
    session.hub.shutdown().await;
    println!("Notes you added are in {}", session.copy.display());
    Ok(())
}

fn options(cli: Cli) -> anyhow::Result<HubOptions> {
    let config_path = cli.config.clone().or_else(|| {
        Path::new(DEFAULT_CONFIG)
            .exists()
            .then(|| DEFAULT_CONFIG.into())
    });
    let config = match &config_path {
        Some(path) => HubConfig::load(path)?,
        None => HubConfig::default(),
    };
    let demo_wanted = cli.demo || config_path.is_none() || config.demo.enabled;
    let demo = demo_wanted.then(|| DemoConfig {
        seed: if cli.demo {
            cli.demo_seed
        } else {
            config.demo.seed.unwrap_or(cli.demo_seed)
        },
        speed: if cli.demo {
            cli.demo_speed
        } else {
            config.demo.speed.unwrap_or(cli.demo_speed)
        },
    });
    if let Some(demo) = &demo {
        anyhow::ensure!(
            demo.speed.is_finite() && demo.speed > 0.0 && demo.speed <= 1000.0,
            "--demo-speed must be between 0 and 1000"
        );
    }
    let token = std::env::var("NOC_TOKEN").ok().filter(|t| !t.is_empty());
    if let Some(token) = &token {
        anyhow::ensure!(
            token.len() >= 32,
            "NOC_TOKEN must be at least 32 characters"
        );
    }
    let bind = cli
        .bind
        .or(config.hub.bind)
        .unwrap_or(IpAddr::from([127, 0, 0, 1]));
    let tls = tls_settings(&cli, &config, bind);
    Ok(HubOptions {
        bind,
        port: cli.port.or(config.hub.port).unwrap_or(DEFAULT_PORT),
        data_dir: cli
            .data
            .or(config.hub.data)
            .unwrap_or_else(|| "data".into()),
        config: config_path,
        demo,
        token,
        tls,
    })
}

/// HTTPS when asked for, when a certificate is given, and by default beyond loopback
/// (where `tls = false` leaves it off, and the hub then refuses to start).
fn tls_settings(cli: &Cli, config: &HubConfig, bind: IpAddr) -> Option<noc_server::TlsSettings> {
    let hub = &config.hub;
    let cert = cli.tls_cert.clone().or(hub.tls_cert.clone());
    let key = cli.tls_key.clone().or(hub.tls_key.clone());
    let wanted = cert.is_some() || hub.tls.unwrap_or(!bind.is_loopback());
    wanted.then(|| noc_server::TlsSettings {
        cert,
        key,
        names: hub.names.clone(),
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
}
