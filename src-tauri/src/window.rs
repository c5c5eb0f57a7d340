//! The console window: the hub's web UI, loaded over HTTP like in any browser.

use tauri::{AppHandle, Manager, Url, WebviewUrl, WebviewWindow, WebviewWindowBuilder};

pub const CONSOLE: &str = "console";

/// Opens the console on the hub's page. The window may only navigate within the
/// hub's origin: a link in untrusted alarm text must not turn it into a browser.
pub fn open_console(app: &AppHandle, page: Url, title: &str) -> tauri::Result<WebviewWindow> {
    let origin = page.origin();
    WebviewWindowBuilder::new(app, CONSOLE, WebviewUrl::External(page))
        .title(title)
        .inner_size(1440.0, 900.0)
        .min_inner_size(960.0, 600.0)
        .on_navigation(move |target| {
            let allowed = target.origin() == origin;
            if !allowed {
                tracing::warn!(%target, "navigation away from the hub refused");
            }
            allowed
        })
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
