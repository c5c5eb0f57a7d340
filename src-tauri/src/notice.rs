//! Native desktop notifications. The console page decides what to announce (its
//! alerting rules, the operator's threshold and mute live on the workstation, in the
//! UI) and asks for it through `show_notification`, the one command its window is
//! granted; this shows it with notify-rust.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use noc_model::Severity;
use notify_rust::{Notification, Urgency};
use tauri::{AppHandle, Manager};

use crate::locale::Locale;
use crate::markup;

/// Longer text comes from a page that was tampered with or an absurd alarm title; a
/// notification is not the place to read it.
const MAX_TITLE_CHARS: usize = 200;
const MAX_BODY_CHARS: usize = 1_000;

/// Notifications that may wait for a click at once, each holding a blocking thread
/// until it is clicked or closed; beyond this a notification shows without the wait.
const MAX_WAITING: usize = 16;

/// Shared by every `show_notification` call.
pub struct Notices {
    locale: Locale,
    waiting: Arc<AtomicUsize>,
}

impl Notices {
    pub fn new(locale: Locale) -> Self {
        Self {
            locale,
            waiting: Arc::new(AtomicUsize::new(0)),
        }
    }
}

/// Shows one notification; clicking it brings the console window forward. Fails with
/// the reason when the desktop has no notification service (the page tells the operator).
#[tauri::command]
pub async fn show_notification(
    app: AppHandle,
    title: String,
    body: String,
    severity: Severity,
) -> Result<(), String> {
    let (locale, waiting) = {
        let notices = app.state::<Notices>();
        (notices.locale, notices.waiting.clone())
    };
    let notification = build(&title, &body, severity, locale);
    // The D-Bus call can take a while when no notification daemon answers.
    tauri::async_runtime::spawn_blocking(move || {
        let handle = notification.show().map_err(|error| {
            tracing::warn!(%error, "desktop notification not shown: {title}");
            error.to_string()
        })?;
        focus_on_click(handle, app, waiting);
        Ok(())
    })
    .await
    .map_err(|error| error.to_string())?
}

fn build(title: &str, body: &str, severity: Severity, locale: Locale) -> Notification {
    let mut notification = Notification::new();
    notification
        .appname(locale.app_name())
        .summary(&clip(title, MAX_TITLE_CHARS))
        // Notification servers may render a subset of HTML in the body (bold, links,
        // images); the body is an incident title from a monitored source.
        .body(&markup::escape(&clip(body, MAX_BODY_CHARS)))
        .icon(icon(severity))
        .urgency(urgency(severity));
    #[cfg(all(unix, not(target_os = "macos")))]
    notification.action("default", locale.show_console());
    notification
}

/// P1 stays on screen until dismissed (the server's rule for critical urgency); P2 is
/// normal; the rest must not push the operator.
fn urgency(severity: Severity) -> Urgency {
    match severity {
        Severity::Critical => Urgency::Critical,
        Severity::Major => Urgency::Normal,
        _ => Urgency::Low,
    }
}

fn icon(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::Major => "dialog-warning",
        _ => "dialog-information",
    }
}

fn clip(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(all(unix, not(target_os = "macos")))]
fn focus_on_click(
    handle: notify_rust::NotificationHandle,
    app: AppHandle,
    waiting: Arc<AtomicUsize>,
) {
    if waiting.fetch_add(1, Ordering::SeqCst) >= MAX_WAITING {
        waiting.fetch_sub(1, Ordering::SeqCst);
        return;
    }
    tauri::async_runtime::spawn_blocking(move || {
        handle.wait_for_action(|action| {
            if action == "default" {
                crate::window::bring_forward(&app);
            }
        });
        waiting.fetch_sub(1, Ordering::SeqCst);
    });
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
fn focus_on_click(
    _handle: notify_rust::NotificationHandle,
    _app: AppHandle,
    _waiting: Arc<AtomicUsize>,
) {
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_text_cannot_become_markup() {
        assert_eq!(
            markup::escape(r#"<a href="http://x">core-sw1</a> & <img src=x>"#),
            "&lt;a href=&quot;http://x&quot;&gt;core-sw1&lt;/a&gt; &amp; &lt;img src=x&gt;"
        );
        assert_eq!(markup::escape("核心交换机 down"), "核心交换机 down");
    }

    #[test]
    fn long_text_is_clipped_on_a_character_boundary() {
        assert_eq!(clip("abc", 3), "abc");
        assert_eq!(clip("abcd", 3), "abc…");
        assert_eq!(clip("交换机故障", 2), "交换…");
    }

    #[test]
    fn urgency_follows_severity() {
        assert!(matches!(urgency(Severity::Critical), Urgency::Critical));
        assert!(matches!(urgency(Severity::Major), Urgency::Normal));
        for low in [
            Severity::Minor,
            Severity::Warning,
            Severity::Unknown,
            Severity::Info,
        ] {
            assert!(matches!(urgency(low), Urgency::Low));
        }
    }
}
