//! Which hub the console window shows: this computer's own in-process hub, or a team
//! hub on the LAN reached through the loopback relay (noc-relay). Switching, the
//! first-use fingerprint check and the page shown when the team hub cannot be used
//! all go through here; the window itself only ever loads loopback pages.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use noc_relay::{probe, Fingerprint, HubAddress, Probe, Relay, Trust};
use noc_server::HubOptions;
use serde::Serialize;
use tauri::{AppHandle, Manager, Url};

use crate::choice::{same_hub, HubChoice};
use crate::hub::HubSlot;
use crate::locale::Locale;
use crate::shell_page::{Action, ShellPage};
use crate::tray::Tray;
use crate::wall::{self, WallScreen};
use crate::window;

pub const BLANK: &str = "about:blank";

/// Where the console is connected, and how to connect it again.
pub struct Station {
    choice_file: PathBuf,
    own_options: HubOptions,
    locale: Locale,
    state: Mutex<Connection>,
}

struct Connection {
    choice: HubChoice,
    relay: Option<Relay>,
    /// The certificate last shown to the operator, for the trust page's button.
    probed: Option<(HubAddress, Probe)>,
    /// The window shows one of the shell's own pages (a `data:` URL).
    shell_page: bool,
    /// `--wall`: opened once the hub is connected.
    wall_request: Option<WallScreen>,
}

impl Station {
    pub fn new(
        choice_file: PathBuf,
        choice: HubChoice,
        own_options: HubOptions,
        locale: Locale,
        wall_request: Option<WallScreen>,
    ) -> Self {
        Self {
            choice_file,
            own_options,
            locale,
            state: Mutex::new(Connection {
                choice,
                relay: None,
                probed: None,
                shell_page: false,
                wall_request,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn locale(&self) -> Locale {
        self.locale
    }

    pub fn uses_own_hub(&self) -> bool {
        self.lock().choice == HubChoice::Own
    }

    fn relay_url(&self) -> Option<Url> {
        self.lock()
            .relay
            .as_ref()
            .and_then(|r| r.url().parse().ok())
    }

    /// The wall page of the connected hub, with the credential it takes: the launch
    /// token of the own hub, or the wall-screen token an admin registered on the team hub.
    pub fn wall_url(&self, app: &AppHandle) -> Option<Url> {
        let (base, token) = match self.relay_url() {
            Some(relay) => (relay, self.lock().choice.wall_token().map(str::to_owned)),
            None => {
                let (url, token) = app.state::<HubSlot>().page()?;
                (url.parse().ok()?, Some(token))
            }
        };
        let mut url = base.join("wall").ok()?;
        if let Some(token) = token {
            url.query_pairs_mut().append_pair("token", &token);
        }
        Some(url)
    }

    /// The connected hub's pages: the own hub's, the relay's, or (only while showing
    /// one) a page of the shell's own.
    pub fn admits(&self, app: &AppHandle, target: &Url) -> bool {
        // Where a window starts before its first page (Tauri opens no `data:` URL).
        if target.as_str() == BLANK {
            return true;
        }
        if target.scheme() == "data" {
            return self.lock().shell_page;
        }
        let own = app
            .state::<HubSlot>()
            .page()
            .and_then(|(url, _)| url.parse::<Url>().ok());
        [own, self.relay_url()]
            .into_iter()
            .flatten()
            .any(|hub| hub.origin() == target.origin())
    }

    fn save(&self, choice: HubChoice) -> Result<(), String> {
        choice
            .save(&self.choice_file)
            .map_err(|error| format!("{error:#}"))?;
        self.lock().choice = choice;
        Ok(())
    }
}

/// The console window's navigation guard: a shell page's button runs its action, and
/// nothing may take the window away from the hub (a link in untrusted alarm text must
/// not turn it into a browser).
pub fn guard_console(app: &AppHandle, target: &Url) -> bool {
    if let Some(action) = Action::of(target) {
        // Only the shell's own pages have these buttons; a hub page cannot press them.
        if app.state::<Station>().lock().shell_page {
            let app = app.clone();
            tauri::async_runtime::spawn(async move { perform(&app, action).await });
        }
        return false;
    }
    let allowed = app.state::<Station>().admits(app, target);
    if !allowed {
        tracing::warn!(target = %redacted(target), "navigation away from the hub refused");
    }
    allowed
}

/// An address without its query, where a token may be.
pub fn redacted(url: &Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    shown.to_string()
}

async fn perform(app: &AppHandle, action: Action) {
    match action {
        Action::Retry => connect(app).await,
        Action::UseOwnHub => {
            if let Err(reason) = use_own(app).await {
                show_problem(app, "", &reason);
            }
        }
        Action::Trust => {
            let probed = app.state::<Station>().lock().probed.take();
            let Some((hub, probe)) = probed else {
                return connect(app).await;
            };
            if let Err(reason) = trust(app, hub.clone(), probe.fingerprint, probe.certified).await {
                show_problem(app, &hub.to_string(), &reason);
            }
        }
    }
}

/// Connects the console to the chosen hub: used at launch and by "retry".
pub async fn connect(app: &AppHandle) {
    let choice = app.state::<Station>().lock().choice.clone();
    let HubChoice::Remote {
        url,
        fingerprint,
        certified,
        relay_port,
        ..
    } = choice
    else {
        if let Err(reason) = show_own(app).await {
            show_problem(app, "", &reason);
        }
        return;
    };
    let hub = match HubAddress::parse(&url) {
        Ok(hub) => hub,
        Err(error) => return show_problem(app, &url, &error.to_string()),
    };
    show_shell(
        app,
        &ShellPage::Connecting {
            hub: &hub.to_string(),
        },
    );
    let trust = match fingerprint.as_deref().map(str::parse::<Fingerprint>) {
        Some(Ok(pin)) => Trust::Pinned(pin),
        Some(Err(error)) => return show_problem(app, &url, &error.to_string()),
        None if certified => Trust::Authorities,
        // First use: the operator compares the fingerprint before anything is sent.
        None => return offer_trust(app, hub).await,
    };
    match Relay::start_at(hub.clone(), trust, relay_port.unwrap_or(0)).await {
        Ok(relay) => install_relay(app, relay),
        Err(error) => show_problem(app, &hub.to_string(), &error.to_string()),
    }
}

async fn offer_trust(app: &AppHandle, hub: HubAddress) {
    match probe(&hub).await {
        Ok(probed) => {
            tracing::info!(
                %hub,
                fingerprint = %probed.fingerprint,
                certified = probed.certified,
                "asking the operator to compare the hub's certificate"
            );
            app.state::<Station>().lock().probed = Some((hub.clone(), probed));
            show_shell(
                app,
                &ShellPage::Trust {
                    hub: &hub.to_string(),
                    fingerprint: &probed.fingerprint.to_string(),
                    certified: probed.certified,
                },
            );
        }
        Err(error) => show_problem(app, &hub.to_string(), &error.to_string()),
    }
}

/// Trusts the certificate the operator compared: pinned by its fingerprint, or, when
/// an authority issued it, by the authorities (so that its renewals pass). The relay
/// connects with that trust before anything is saved, so a certificate that changed
/// since the operator looked is refused, naming both fingerprints.
pub async fn trust(
    app: &AppHandle,
    hub: HubAddress,
    fingerprint: Fingerprint,
    certified: bool,
) -> Result<(), String> {
    let station = app.state::<Station>();
    let previous = station.lock().choice.clone();
    let (wall_token, relay_port) = match previous {
        HubChoice::Remote {
            url,
            wall_token,
            relay_port,
            ..
        } if same_hub(&url, &hub.to_string()) => (wall_token, relay_port),
        _ => (None, None),
    };
    let trust = if certified {
        Trust::Authorities
    } else {
        Trust::Pinned(fingerprint)
    };
    let relay = Relay::start_at(hub.clone(), trust, relay_port.unwrap_or(0))
        .await
        .map_err(|error| error.to_string())?;
    station.save(HubChoice::Remote {
        url: hub.to_string(),
        fingerprint: (!certified).then(|| fingerprint.to_string()),
        certified,
        wall_token,
        relay_port,
    })?;
    install_relay(app, relay);
    Ok(())
}

/// Switches back to this computer's own hub, and remembers that choice.
pub async fn use_own(app: &AppHandle) -> Result<(), String> {
    let station = app.state::<Station>();
    station.save(HubChoice::Own)?;
    let relay = station.lock().relay.take();
    if let Some(relay) = relay {
        relay.stop().await;
    }
    show_own(app).await
}

async fn show_own(app: &AppHandle) -> Result<(), String> {
    let page = start_own(app).await?;
    navigate(app, page, false);
    open_requested_wall(app);
    wall::follow_hub(app);
    Ok(())
}

/// Starts the own hub unless it runs already; answers its page with the launch token.
pub async fn start_own(app: &AppHandle) -> Result<Url, String> {
    let slot = app.state::<HubSlot>();
    if let Some((url, token)) = slot.page() {
        return open_url(&url, &token);
    }
    let options = app.state::<Station>().own_options.clone();
    // The compiler cannot prove the hub's start-up future Send (its borrows inside
    // are higher-ranked), so it runs to completion on a blocking thread of its own.
    let running = tauri::async_runtime::spawn_blocking(move || {
        tauri::async_runtime::block_on(noc_server::start(options))
    })
    .await
    .map_err(|error| format!("the hub did not start: {error}"))?
    .map_err(|error| format!("the hub did not start: {error:#}"))?;
    let page = running.open_url();
    println!("NOC console ready: {page}");
    tauri::async_runtime::spawn(crate::follow::follow(running.console.clone(), app.clone()));
    slot.put(running);
    page.parse().map_err(|error| format!("{error}"))
}

fn open_url(url: &str, token: &str) -> Result<Url, String> {
    let mut page: Url = url.parse().map_err(|error| format!("{error}"))?;
    page.query_pairs_mut().append_pair("token", token);
    Ok(page)
}

fn install_relay(app: &AppHandle, relay: Relay) {
    let page: Url = match relay.url().parse() {
        Ok(page) => page,
        Err(error) => return show_problem(app, &relay.hub().to_string(), &error.to_string()),
    };
    let hub = relay.hub().to_string();
    remember_relay_port(app, relay.addr().port());
    println!("NOC console ready: {page}");
    let previous = app.state::<Station>().lock().relay.replace(relay);
    drop(previous);
    // The own hub's data must not show as if it were the team's.
    if let Some(own) = app.state::<HubSlot>().take() {
        tauri::async_runtime::spawn(async move { own.shutdown().await });
    }
    if let Err(error) = app.state::<Tray>().show_hub(&hub) {
        tracing::warn!(%error, "tray not updated");
    }
    navigate(app, page, false);
    open_requested_wall(app);
    wall::follow_hub(app);
}

/// Keeps the relay's port for the next launch (see `HubChoice::Remote::relay_port`).
fn remember_relay_port(app: &AppHandle, port: u16) {
    let station = app.state::<Station>();
    let choice = station.lock().choice.clone();
    if let HubChoice::Remote {
        url,
        fingerprint,
        certified,
        wall_token,
        relay_port,
    } = choice
    {
        if relay_port == Some(port) {
            return;
        }
        let kept = HubChoice::Remote {
            url,
            fingerprint,
            certified,
            wall_token,
            relay_port: Some(port),
        };
        if let Err(error) = station.save(kept) {
            tracing::warn!(%error, "the relay's port is not kept for the next launch");
        }
    }
}

pub fn open_requested_wall(app: &AppHandle) {
    let request = app.state::<Station>().lock().wall_request.take();
    if let Some(screen) = request {
        if let Err(error) = wall::open(app, &screen) {
            tracing::warn!(%error, "wall not opened");
        }
    }
}

fn show_problem(app: &AppHandle, hub: &str, reason: &str) {
    tracing::warn!(hub, reason, "the console cannot use the hub");
    show_shell(app, &ShellPage::Problem { hub, reason });
}

fn show_shell(app: &AppHandle, page: &ShellPage<'_>) {
    let url = page.url(app.state::<Station>().locale());
    navigate(app, url, true);
    // A wall computer started with the console hidden: a question or a problem
    // must still be seen.
    window::bring_forward(app);
}

fn navigate(app: &AppHandle, url: Url, shell_page: bool) {
    app.state::<Station>().lock().shell_page = shell_page;
    let Some(console) = app.get_webview_window(window::CONSOLE) else {
        return;
    };
    if let Err(error) = console.navigate(url) {
        tracing::warn!(%error, "console window not navigated");
    }
}

// --- commands for the console page's Hub section (ui/src/desktop/HubChoice.svelte) ---

#[derive(Debug, Serialize)]
pub struct HubStatus {
    mode: &'static str,
    url: Option<String>,
    fingerprint: Option<String>,
    certified: bool,
    /// Whether a wall-screen token is stored; the token itself never leaves the shell.
    wall_token_set: bool,
}

#[derive(Debug, Serialize)]
pub struct ProbeAnswer {
    url: String,
    fingerprint: String,
    certified: bool,
}

#[tauri::command]
pub fn hub_status(app: AppHandle) -> HubStatus {
    let choice = app.state::<Station>().lock().choice.clone();
    match choice {
        HubChoice::Own => HubStatus {
            mode: "own",
            url: None,
            fingerprint: None,
            certified: false,
            wall_token_set: false,
        },
        HubChoice::Remote {
            url,
            fingerprint,
            certified,
            wall_token,
            ..
        } => HubStatus {
            mode: "remote",
            url: Some(url),
            fingerprint,
            certified,
            wall_token_set: wall_token.is_some(),
        },
    }
}

#[tauri::command]
pub async fn hub_probe(app: AppHandle, url: String) -> Result<ProbeAnswer, String> {
    let hub = HubAddress::parse(&url).map_err(|error| error.to_string())?;
    let probed = probe(&hub).await.map_err(|error| error.to_string())?;
    app.state::<Station>().lock().probed = Some((hub.clone(), probed));
    Ok(ProbeAnswer {
        url: hub.to_string(),
        fingerprint: probed.fingerprint.to_string(),
        certified: probed.certified,
    })
}

#[tauri::command]
pub async fn hub_trust(
    app: AppHandle,
    url: String,
    fingerprint: String,
    certified: bool,
) -> Result<(), String> {
    let hub = HubAddress::parse(&url).map_err(|error| error.to_string())?;
    let fingerprint = fingerprint
        .parse::<Fingerprint>()
        .map_err(|error| error.to_string())?;
    trust(&app, hub, fingerprint, certified).await
}

#[tauri::command]
pub async fn hub_use_own(app: AppHandle) -> Result<(), String> {
    use_own(&app).await
}

/// Stores (or, empty, forgets) the wall-screen token of the team hub.
#[tauri::command]
pub fn hub_wall_token(app: AppHandle, token: String) -> Result<(), String> {
    let station = app.state::<Station>();
    let choice = station.lock().choice.clone();
    let HubChoice::Remote {
        url,
        fingerprint,
        certified,
        relay_port,
        ..
    } = choice
    else {
        return Err("this computer's own hub opens the wall with its own token".to_owned());
    };
    let token = token.trim();
    station.save(HubChoice::Remote {
        url,
        fingerprint,
        certified,
        wall_token: (!token.is_empty()).then(|| token.to_owned()),
        relay_port,
    })?;
    wall::follow_hub(app.app_handle());
    Ok(())
}
