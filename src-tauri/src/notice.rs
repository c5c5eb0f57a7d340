//! Native desktop notifications for incidents that need the operator now.

use noc_model::Incident;
use notify_rust::{Notification, Urgency};

use crate::locale::Locale;

/// Shows the notification on a blocking thread (the D-Bus call can take a while when
/// no notification daemon answers). A failure is logged: the board still shows it.
pub fn announce(incident: &Incident, locale: Locale) {
    let summary = locale.critical_incident(incident.id);
    let body = match &incident.system {
        Some(system) => format!("{}\n{system}", incident.title),
        None => incident.title.clone(),
    };
    let app_name = locale.app_name();
    tauri::async_runtime::spawn_blocking(move || {
        let shown = Notification::new()
            .appname(app_name)
            .summary(&summary)
            .body(&body)
            .icon("dialog-warning")
            .urgency(Urgency::Critical)
            .show();
        if let Err(error) = shown {
            tracing::warn!(%error, "desktop notification not shown: {summary}");
        }
    });
}
