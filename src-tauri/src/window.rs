//! The console window: the hub's web UI, loaded over HTTP like in any browser (from
//! the own hub, or from the relay to a team hub; see `remote`).

use tauri::{AppHandle, Manager, Url, WebviewUrl, WebviewWindow, WebviewWindowBuilder};

pub const CONSOLE: &str = "console";

/// Opens the console on `page`. Where it may navigate is decided by
/// [`crate::remote::guard_console`]. A wall computer (`--wall`) starts with it hidden.
pub fn open_console(
    app: &AppHandle,
    page: Url,
    title: &str,
    visible: bool,
) -> tauri::Result<WebviewWindow> {
    let guard = app.clone();
    WebviewWindowBuilder::new(app, CONSOLE, WebviewUrl::External(page))
        .title(title)
        .inner_size(1440.0, 900.0)
        .min_inner_size(960.0, 600.0)
        .visible(visible)
        .on_navigation(move |target| crate::remote::guard_console(&guard, target))
        .build()
}

pub fn bring_forward(app: &AppHandle) {
    let Some(window) = app.get_webview_window(CONSOLE) else {
        return;
    };
    let shown = window
        .unminimize()
        .and_then(|()| window.show())
        .and_then(|()| window.set_focus());
    if let Err(error) = shown {
        tracing::warn!(%error, "could not bring the console window forward");
    }
}
