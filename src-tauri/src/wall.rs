//! The NOC wall (大屏): the hub's `/wall` page in a window of its own, full screen and
//! without decorations on a chosen monitor, until it is closed.

use std::str::FromStr;

use tauri::{AppHandle, Manager, Monitor, WebviewUrl, WebviewWindow, WebviewWindowBuilder};

use crate::remote::{redacted, Station};

const LABEL_PREFIX: &str = "wall-";

/// A monitor as `--wall` names it: its number from 0 in the system's order, or its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WallScreen {
    Index(usize),
    Name(String),
}

impl FromStr for WallScreen {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if text.is_empty() {
            return Err("name a monitor by its number (0, 1, …) or its name".to_owned());
        }
        Ok(text
            .parse()
            .map_or_else(|_| WallScreen::Name(text.to_owned()), WallScreen::Index))
    }
}

/// What the tray and error messages call a monitor.
pub fn monitor_name(index: usize, monitor: &Monitor) -> String {
    monitor
        .name()
        .cloned()
        .unwrap_or_else(|| format!("#{index}"))
}

/// Which of the monitors (by name, in the system's order) the wall goes to.
fn choose(names: &[String], screen: &WallScreen) -> Result<usize, String> {
    let found = match screen {
        WallScreen::Index(index) => (*index < names.len()).then_some(*index),
        WallScreen::Name(name) => names.iter().position(|n| n.eq_ignore_ascii_case(name)),
    };
    found.ok_or_else(|| {
        let listed = names
            .iter()
            .enumerate()
            .map(|(i, n)| format!("{i}: {n}"))
            .collect::<Vec<_>>()
            .join(", ");
        format!("no monitor {screen:?}; this computer has {listed}")
    })
}

/// Opens the wall on the monitor, or brings forward the wall already there.
pub fn open(app: &AppHandle, screen: &WallScreen) -> anyhow::Result<WebviewWindow> {
    let monitors = app.available_monitors()?;
    let names: Vec<String> = monitors
        .iter()
        .enumerate()
        .map(|(i, m)| monitor_name(i, m))
        .collect();
    let index = choose(&names, screen).map_err(anyhow::Error::msg)?;
    let label = format!("{LABEL_PREFIX}{index}");
    if let Some(existing) = app.get_webview_window(&label) {
        existing.set_focus()?;
        return Ok(existing);
    }
    let station = app.state::<Station>();
    let url = station
        .wall_url(app)
        .ok_or_else(|| anyhow::anyhow!("no hub is connected yet"))?;
    let monitor = &monitors[index];
    let scale = monitor.scale_factor();
    let position = monitor.position().to_logical::<f64>(scale);
    let size = monitor.size().to_logical::<f64>(scale);
    let guard = app.clone();
    let window = WebviewWindowBuilder::new(app, &label, WebviewUrl::External(url))
        .title(station.locale().wall_title())
        .decorations(false)
        // Placed on the monitor first: full screen then covers the monitor it is on.
        .position(position.x, position.y)
        .inner_size(size.width, size.height)
        .fullscreen(true)
        .on_navigation(move |target| {
            let allowed =
                guard.state::<Station>().admits(&guard, target) && target.scheme() != "data";
            if !allowed {
                tracing::warn!(target = %redacted(target), "navigation away from the wall refused");
            }
            allowed
        })
        .build()?;
    tracing::info!(monitor = %names[index], "wall opened");
    Ok(window)
}

/// After the console switched hubs (or the wall token changed), the open walls show
/// the new hub's wall.
pub fn follow_hub(app: &AppHandle) {
    let Some(url) = app.state::<Station>().wall_url(app) else {
        return;
    };
    for (label, window) in app.webview_windows() {
        if label.starts_with(LABEL_PREFIX) {
            if let Err(error) = window.navigate(url.clone()) {
                tracing::warn!(%error, label, "wall not moved to the new hub");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_number_or_a_name() {
        assert_eq!("0".parse::<WallScreen>(), Ok(WallScreen::Index(0)));
        assert_eq!(
            " HDMI-1 ".parse::<WallScreen>(),
            Ok(WallScreen::Name("HDMI-1".to_owned()))
        );
        assert!("".parse::<WallScreen>().is_err());
    }

    #[test]
    fn chooses_the_monitor_by_number_or_name() {
        let names = vec!["eDP-1".to_owned(), "HDMI-1".to_owned()];
        assert_eq!(choose(&names, &WallScreen::Index(1)), Ok(1));
        assert_eq!(
            choose(&names, &WallScreen::Name("hdmi-1".to_owned())),
            Ok(1)
        );
        let error = choose(&names, &WallScreen::Index(2)).unwrap_err();
        assert!(error.contains("0: eDP-1, 1: HDMI-1"), "{error}");
        assert!(choose(&names, &WallScreen::Name("DP-3".to_owned())).is_err());
    }
}
