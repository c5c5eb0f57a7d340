//! Outbound notifications: telling the people on duty about incidents through the
//! group chats they already watch (WeCom, DingTalk, Feishu/Lark, Slack) or any JSON
//! webhook.
//!
//! The crate knows channels, what a message says, and how fast a channel may be
//! used. Which event tells which channel is [`route`]; the hub's dispatcher follows
//! the event log and records every [`Delivery`] back into it.

mod channel;
mod dingtalk;
mod feishu;
mod message;
mod notice;
mod notifier;
mod post;
mod rate;
mod route;
mod slack;
mod webhook;
mod wecom;

#[cfg(feature = "desktop")]
pub mod desktop;

pub use channel::{ChannelKind, ChannelSpec, Language, Secret, DEFAULT_TIMEOUT};
pub use dingtalk::sign as dingtalk_sign;
pub use feishu::sign as feishu_sign;
pub use message::{IncidentBrief, Notice, Reason, Trigger};
pub use notice::{combined, local_time, render, render_both, NoticeFacts};
pub use notifier::{LastDelivery, Notifier};
pub use rate::{RateLimit, DEFAULT_RATE_PER_MINUTE};
pub use route::recipients;

/// The outcome of one attempt to tell a channel, as recorded in the event log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub ok: bool,
    /// Why it failed, or where it went; never the URL or a secret.
    pub detail: String,
}

impl Delivery {
    pub fn delivered(detail: impl Into<String>) -> Self {
        Self {
            ok: true,
            detail: detail.into(),
        }
    }

    pub fn failed(detail: impl Into<String>) -> Self {
        Self {
            ok: false,
            detail: detail.into(),
        }
    }
}

/// A channel that cannot be set up.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("notify channel \"{0}\" is defined twice")]
    DuplicateName(String),
    #[error("notify channel \"{channel}\": cannot create its HTTP client: {cause}")]
    Client { channel: String, cause: String },
    #[cfg(feature = "desktop")]
    #[error("cannot show a desktop notification: {0}")]
    Desktop(String),
}
