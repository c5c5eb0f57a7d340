//! The few pages the shell shows itself, when there is no hub page to show: connecting
//! to the team hub, its certificate to compare on first use, and why it cannot be
//! reached. Their buttons are links to `http://desktop.invalid/<action>`, which the
//! console window's navigation guard turns into the action (the page needs no script
//! and no Tauri command).

use base64::Engine;
use tauri::Url;

use crate::locale::Locale;
use crate::markup::escape;

/// `.invalid` never resolves (RFC 6761), so a link that escaped the guard goes nowhere.
pub const ACTION_HOST: &str = "desktop.invalid";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Retry,
    UseOwnHub,
    Trust,
}

impl Action {
    fn path(self) -> &'static str {
        match self {
            Action::Retry => "/retry",
            Action::UseOwnHub => "/own",
            Action::Trust => "/trust",
        }
    }

    /// The action a link of a shell page asks for; `None` for any other address.
    pub fn of(target: &Url) -> Option<Self> {
        if target.host_str() != Some(ACTION_HOST) {
            return None;
        }
        [Action::Retry, Action::UseOwnHub, Action::Trust]
            .into_iter()
            .find(|action| target.path() == action.path())
    }

    fn link(self, label: &str, primary: bool) -> String {
        format!(
            r#"<a class="button{}" href="http://{ACTION_HOST}{}">{}</a>"#,
            if primary { " primary" } else { "" },
            self.path(),
            escape(label)
        )
    }
}

pub enum ShellPage<'a> {
    Connecting {
        hub: &'a str,
    },
    Trust {
        hub: &'a str,
        fingerprint: &'a str,
        certified: bool,
    },
    Problem {
        hub: &'a str,
        reason: &'a str,
    },
}

impl ShellPage<'_> {
    pub fn url(&self, locale: Locale) -> Url {
        let html = self.html(locale);
        let encoded = base64::engine::general_purpose::STANDARD.encode(html);
        Url::parse(&format!("data:text/html;charset=utf-8;base64,{encoded}"))
            .expect("a data URL of base64 text always parses")
    }

    fn html(&self, locale: Locale) -> String {
        let words = locale.shell();
        let (heading, body) = match self {
            ShellPage::Connecting { hub } => (
                words.connecting,
                format!("<p class=\"hub\">{}</p>", escape(hub)),
            ),
            ShellPage::Trust {
                hub,
                fingerprint,
                certified,
            } => (
                words.trust_heading,
                format!(
                    "<p class=\"hub\">{}</p><p>{}</p><p class=\"fingerprint\">{}</p>{}<p class=\"actions\">{}{}</p>",
                    escape(hub),
                    escape(words.trust_compare),
                    escape(fingerprint),
                    if *certified {
                        format!("<p>{}</p>", escape(words.trust_certified))
                    } else {
                        String::new()
                    },
                    Action::Trust.link(words.trust, true),
                    Action::UseOwnHub.link(words.use_own, false),
                ),
            ),
            ShellPage::Problem { hub, reason } => (
                words.problem_heading,
                format!(
                    "<p class=\"hub\">{}</p><p class=\"reason\">{}</p><p class=\"actions\">{}{}</p>",
                    escape(hub),
                    escape(reason),
                    Action::Retry.link(words.retry, true),
                    Action::UseOwnHub.link(words.use_own, false),
                ),
            ),
        };
        format!(
            "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title>\
             <style>{STYLE}</style></head><body><main><h1>{}</h1>{body}</main></body></html>",
            locale.tag(),
            escape(locale.app_name()),
            escape(heading),
        )
    }
}

const STYLE: &str = "body{margin:0;min-height:100vh;display:grid;place-items:center;\
background:#111827;color:#e5e7eb;font:16px/1.5 system-ui,sans-serif}\
main{max-width:44rem;padding:2rem}h1{font-size:1.4rem;margin:0 0 1rem}\
.hub{font-weight:600}.fingerprint{font:1.05rem/1.6 ui-monospace,monospace;\
word-break:break-all;background:#1f2937;padding:.75rem;border-radius:6px}\
.reason{background:#7f1d1d;color:#fee2e2;padding:.75rem;border-radius:6px;\
overflow-wrap:anywhere}\
.actions{display:flex;gap:.75rem;margin-top:1.5rem}.button{padding:.5rem 1rem;\
border:1px solid #4b5563;border-radius:6px;color:#e5e7eb;text-decoration:none}\
.primary{background:#2563eb;border-color:#2563eb;color:#fff;font-weight:700}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_of_the_pages_are_their_actions() {
        for action in [Action::Retry, Action::UseOwnHub, Action::Trust] {
            let url = Url::parse(&format!("http://{ACTION_HOST}{}", action.path())).unwrap();
            assert_eq!(Action::of(&url), Some(action));
        }
        assert_eq!(
            Action::of(&Url::parse("http://127.0.0.1:4000/own").unwrap()),
            None
        );
        assert_eq!(
            Action::of(&Url::parse("http://desktop.invalid/other").unwrap()),
            None
        );
    }

    #[test]
    fn the_reason_is_shown_as_text() {
        let page = ShellPage::Problem {
            hub: "https://noc-hub:7443",
            reason: "<script>alert(1)</script>",
        };
        let html = page.html(Locale::English);
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(html.contains("http://desktop.invalid/retry"));
        assert!(html.contains("http://desktop.invalid/own"));
        assert!(page
            .url(Locale::Chinese)
            .as_str()
            .starts_with("data:text/html"));
    }
}
