//! The NOC console desktop application: an in-process hub on loopback, the console
//! window on the hub's URL, a tray icon with the open critical incidents, and native
//! notifications.

mod critical;
mod follow;
mod hub;
mod locale;
mod notice;
mod tray;
mod window;

use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use tauri::{AppHandle, Manager, RunEvent};
use tracing_subscriber::EnvFilter;

use crate::hub::{HubSlot, Placement};
use crate::locale::Locale;
use crate::tray::Tray;

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
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            window::bring_forward(app)
        }))
        .manage(HubSlot::default())
        .manage(notice::Notices::new(locale))
        .invoke_handler(tauri::generate_handler![notice::show_notification])
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
    let default_config = paths.app_config_dir()?.join(hub::DEFAULT_CONFIG_FILE);
    let placement = Placement::resolve(data_dir, args.config.clone(), &default_config, args.demo)?;

    let running = tauri::async_runtime::block_on(noc_server::start(placement.hub_options()))
        .context("the hub did not start")?;
    let page = running.open_url();
    println!("NOC console ready: {page}");

    window::open_console(app, page.parse()?, locale.app_name())?;
    let tray = Tray::build(app, locale)?;
    tauri::async_runtime::spawn(follow::follow(running.console.clone(), tray));
    app.state::<HubSlot>().put(running);
    quit_on_signals(app.clone());
    Ok(())
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
