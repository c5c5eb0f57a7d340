//! The tray icon: the number of open critical incidents at a glance, even while the
//! console window is behind other windows or on another workspace.

use tauri::image::Image;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Wry};

use crate::locale::Locale;
use crate::wall::{self, WallScreen};
use crate::window;

const CALM: &[u8] = include_bytes!("../../icons/tray.png");
const ALERT: &[u8] = include_bytes!("../../icons/tray-alert.png");

pub struct Tray {
    icon: TrayIcon,
    // Linux tray hosts show neither tooltips nor always a label, so the count is
    // also the first (inert) line of the menu.
    count_line: MenuItem<Wry>,
    locale: Locale,
}

impl Tray {
    pub fn build(app: &AppHandle, locale: Locale) -> tauri::Result<Self> {
        let count_line =
            MenuItem::with_id(app, "count", locale.critical_open(0), false, None::<&str>)?;
        let show = MenuItem::with_id(app, "show", locale.show_console(), true, None::<&str>)?;
        let quit = MenuItem::with_id(app, "quit", locale.quit(), true, None::<&str>)?;
        let separator = PredefinedMenuItem::separator(app)?;
        let menu = Menu::with_items(app, &[&count_line, &separator, &show])?;
        // The monitors present at launch; a wall computer's screens rarely change.
        for (index, monitor) in app.available_monitors()?.iter().enumerate() {
            let words = locale.open_wall_on(&wall::monitor_name(index, monitor));
            let item = MenuItem::with_id(app, format!("wall:{index}"), words, true, None::<&str>)?;
            menu.append(&item)?;
        }
        menu.append(&PredefinedMenuItem::separator(app)?)?;
        menu.append(&quit)?;
        let icon = TrayIconBuilder::with_id("critical")
            .icon(Image::from_bytes(CALM)?)
            .tooltip(format!(
                "{} — {}",
                locale.app_name(),
                locale.critical_open(0)
            ))
            .menu(&menu)
            .show_menu_on_left_click(true)
            .on_menu_event(|app, event| match event.id().as_ref() {
                "show" => window::bring_forward(app),
                "quit" => app.exit(0),
                other => {
                    let screen = other.strip_prefix("wall:").and_then(|i| i.parse().ok());
                    if let Some(index) = screen {
                        if let Err(error) = wall::open(app, &WallScreen::Index(index)) {
                            tracing::warn!(%error, "wall not opened");
                        }
                    }
                }
            })
            .build(app)?;
        Ok(Self {
            icon,
            count_line,
            locale,
        })
    }

    /// With a team hub the count stays in the console window (see docs/desktop.md);
    /// the tray says which hub the console follows.
    pub fn show_hub(&self, hub: &str) -> tauri::Result<()> {
        let words = self.locale.team_hub(hub);
        self.count_line.set_text(&words)?;
        self.icon
            .set_tooltip(Some(format!("{} — {words}", self.locale.app_name())))?;
        self.icon.set_title(None::<&str>)?;
        self.icon.set_icon(Some(Image::from_bytes(CALM)?))
    }

    pub fn show_count(&self, count: usize) -> tauri::Result<()> {
        let words = self.locale.critical_open(count);
        self.count_line.set_text(&words)?;
        self.icon
            .set_tooltip(Some(format!("{} — {words}", self.locale.app_name())))?;
        self.icon
            .set_title((count > 0).then(|| count.to_string()))?;
        let art = if count > 0 { ALERT } else { CALM };
        self.icon.set_icon(Some(Image::from_bytes(art)?))
    }
}
