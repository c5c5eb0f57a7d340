//! Desktop notifications through the operating system's notification service
//! (freedesktop D-Bus on Linux, Notification Center, Windows toasts), for the
//! desktop shell: `cargo` feature `desktop`.

use crate::{Language, Notice, NotifyError};

/// Shows `notice` as a desktop notification: its headline as the summary, the
/// rest of the message as the body.
pub fn show(notice: &Notice, lang: Language) -> Result<(), NotifyError> {
    let text = notice.text(lang);
    let body = text.split_once('\n').map(|(_, rest)| rest).unwrap_or("");
    notify_rust::Notification::new()
        .appname("NOC console")
        .summary(&notice.headline(lang))
        .body(body)
        .show()
        .map(|_| ())
        .map_err(|e| NotifyError::Desktop(e.to_string()))
}
