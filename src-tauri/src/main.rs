//! The NOC console desktop application: an in-process hub on loopback (or a team hub
//! on the LAN through a loopback relay), the console window on the hub's URL, the NOC
//! wall full screen on a chosen monitor, a tray icon with the open critical incidents,
//! and native notifications.

mod choice;
mod critical;
mod follow;
mod hub;
mod locale;
mod markup;
mod notice;
mod remote;
mod shell_page;
mod tray;
mod wall;
mod window;

use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use tauri::{AppHandle, Manager, RunEvent};
use tracing_subscriber::EnvFilter;

use crate::choice::HubChoice;
use crate::hub::{HubSlot, Placement};
use crate::locale::Locale;
use crate::remote::Station;
use crate::tray::Tray;
use crate::wall::WallScreen;

/// NOC operations console.
#[derive(Debug, Clone, Parser)]
#[command(version, about)]
struct Args {
    /// Show the built-in simulated network (also the default when there is no configuration).
    #[arg(long)]
    demo: bool,
    /// Hub configuration file [default: noc.toml in the platform's config directory, if present].
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Where the hub keeps its database [default: the platform's app data directory].
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    /// Use the team hub at this address (https://host:port) instead of this computer's
    /// own hub; the first time, its certificate fingerprint is shown to compare.
    #[arg(long, value_name = "URL")]
    hub: Option<String>,
    /// Open the NOC wall full screen on this monitor (its number from 0, or its name);
    /// the console window stays hidden until asked for from the tray.
    #[arg(long, value_name = "MONITOR")]
    wall: Option<WallScreen>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let locale = Locale::from_env();

    let app = tauri::Builder::default()
        // Registered first so that a second launch hands over to the running one
        // before it starts a hub of its own.
        .plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| {
            hand_over(app, &argv)
        }))
        .manage(HubSlot::default())
        .manage(notice::Notices::new(locale))
        .invoke_handler(tauri::generate_handler![
            notice::show_notification,
            remote::hub_status,
            remote::hub_probe,
            remote::hub_trust,
            remote::hub_use_own,
            remote::hub_wall_token,
        ])
        .setup(move |app| launch(app.handle(), &args, locale).map_err(Into::into))
        .build(tauri::generate_context!())
        .context("cannot start the desktop application")?;

    app.run(|app, event| {
        if let RunEvent::Exit = event {
            shut_down(app);
        }
    });
    Ok(())
}

fn launch(app: &AppHandle, args: &Args, locale: Locale) -> anyhow::Result<()> {
    let paths = app.path();
    let data_dir = match &args.data {
        Some(dir) => dir.clone(),
        None => paths.app_data_dir()?,
    };
    let config_dir = paths.app_config_dir()?;
    let default_config = config_dir.join(hub::DEFAULT_CONFIG_FILE);
    let placement = Placement::resolve(data_dir, args.config.clone(), &default_config, args.demo)?;
    let choice_file = config_dir.join(choice::CHOICE_FILE);
    let stored = HubChoice::load(&choice_file)?;
    let chosen = match &args.hub {
        Some(url) => stored.for_command_line(url),
        None => stored,
    };
    let station = Station::new(
        choice_file,
        chosen,
        placement.hub_options(),
        locale,
        args.wall.clone(),
    );
    let own = station.uses_own_hub();
    app.manage(station);
    app.manage(Tray::build(app, locale)?);
    let visible = args.wall.is_none();

    if own {
        let page = tauri::async_runtime::block_on(remote::start_own(app))
            .map_err(anyhow::Error::msg)
            .context("the hub did not start")?;
        window::open_console(app, page, locale.app_name(), visible)?;
        remote::open_requested_wall(app);
    } else {
        // Blank until `connect` shows the shell's connecting page.
        window::open_console(app, remote::BLANK.parse()?, locale.app_name(), visible)?;
        let app = app.clone();
        tauri::async_runtime::spawn(async move { remote::connect(&app).await });
    }
    quit_on_signals(app.clone());
    Ok(())
}

/// A second launch hands over to the running one: `--wall` opens that wall here, any
/// other launch brings the console forward.
fn hand_over(app: &AppHandle, argv: &[String]) {
    match Args::try_parse_from(argv) {
        Ok(Args {
            wall: Some(screen), ..
        }) => {
            if let Err(error) = wall::open(app, &screen) {
                tracing::warn!(%error, "wall not opened");
            }
        }
        _ => window::bring_forward(app),
    }
}

/// SIGTERM (a session logging out, a service manager) and Ctrl-C quit like the tray's
/// Quit does, so the hub closes its database cleanly.
fn quit_on_signals(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        termination().await;
        tracing::info!("quitting on signal");
        app.exit(0);
    });
}

#[cfg(unix)]
async fn termination() {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut terminate) => {
            tokio::select! {
                _ = terminate.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
        }
        Err(error) => {
            tracing::warn!(%error, "cannot listen for SIGTERM");
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(not(unix))]
async fn termination() {
    let _ = tokio::signal::ctrl_c().await;
}

fn shut_down(app: &AppHandle) {
    if let Some(hub) = app.state::<HubSlot>().take() {
        tauri::async_runtime::block_on(hub.shutdown());
        tracing::info!("hub stopped");
    }
}
