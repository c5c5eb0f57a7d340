//! The tray icon: the number of open critical incidents at a glance, even while the
//! console window is behind other windows or on another workspace.

use tauri::image::Image;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Wry};

use crate::locale::Locale;
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
        let menu = Menu::with_items(app, &[&count_line, &separator, &show, &quit])?;
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
                _ => {}
            })
            .build(app)?;
        Ok(Self {
            icon,
            count_line,
            locale,
        })
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
