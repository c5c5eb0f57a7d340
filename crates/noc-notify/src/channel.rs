//! A configured channel: where it sends, in which language, for which triggers.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use noc_model::{Millis, Severity};

use crate::message::{Notice, Trigger};
use crate::{dingtalk, feishu, slack, webhook, wecom, Delivery};

/// Long enough for a chat service across the internet, short enough that a dead
/// one does not hold back the news for the others.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChannelKind {
    WeCom,
    DingTalk,
    Feishu,
    Slack,
    Webhook,
}

impl ChannelKind {
    pub const ALL: [ChannelKind; 5] = [
        ChannelKind::WeCom,
        ChannelKind::DingTalk,
        ChannelKind::Feishu,
        ChannelKind::Slack,
        ChannelKind::Webhook,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::WeCom => "wecom",
            ChannelKind::DingTalk => "dingtalk",
            ChannelKind::Feishu => "feishu",
            ChannelKind::Slack => "slack",
            ChannelKind::Webhook => "webhook",
        }
    }

    /// The product's name, for delivery details operators read.
    pub fn product(self) -> &'static str {
        match self {
            ChannelKind::WeCom => "WeCom",
            ChannelKind::DingTalk => "DingTalk",
            ChannelKind::Feishu => "Feishu",
            ChannelKind::Slack => "Slack",
            ChannelKind::Webhook => "the webhook",
        }
    }

    /// The robots that can check a signature; for a plain webhook the secret is a
    /// bearer token instead.
    pub fn takes_secret(self) -> bool {
        matches!(
            self,
            ChannelKind::DingTalk | ChannelKind::Feishu | ChannelKind::Webhook
        )
    }

    /// Chinese chat products default to Chinese.
    pub fn default_language(self) -> Language {
        match self {
            ChannelKind::WeCom | ChannelKind::DingTalk | ChannelKind::Feishu => Language::Zh,
            ChannelKind::Slack | ChannelKind::Webhook => Language::En,
        }
    }
}

impl FromStr for ChannelKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ChannelKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| {
                format!(
                    "unknown kind \"{s}\"; expected \"wecom\", \"dingtalk\", \"feishu\", \"slack\" or \"webhook\""
                )
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Zh,
    En,
}

impl FromStr for Language {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "zh" => Ok(Language::Zh),
            "en" => Ok(Language::En),
            other => Err(format!(
                "unknown language \"{other}\"; expected \"zh\" or \"en\""
            )),
        }
    }
}

/// A webhook URL (it carries the access token) or a signing secret: kept out of
/// every `Debug` output, so it cannot reach a log by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

#[derive(Debug, Clone)]
pub struct ChannelSpec {
    pub name: String,
    pub kind: ChannelKind,
    pub url: Secret,
    /// DingTalk/Feishu signing secret; a webhook's bearer token.
    pub secret: Option<Secret>,
    /// The least severity of incident the channel is told about on its own triggers.
    pub min_severity: Severity,
    pub triggers: Vec<Trigger>,
    pub rate_per_minute: u32,
    pub language: Language,
    pub timeout: Duration,
    /// WeCom only: send a markdown message (severity in colour) instead of text.
    pub markdown: bool,
}

impl ChannelSpec {
    /// A channel with the defaults: incidents of major and worse, every trigger,
    /// 20 messages a minute (WeCom's own limit per robot), 5 s timeout.
    pub fn new(name: impl Into<String>, kind: ChannelKind, url: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            kind,
            url: Secret::new(url),
            secret: None,
            min_severity: Severity::Major,
            triggers: Trigger::ALL.to_vec(),
            rate_per_minute: crate::DEFAULT_RATE_PER_MINUTE,
            language: kind.default_language(),
            timeout: DEFAULT_TIMEOUT,
            markdown: false,
        }
    }

    pub fn with_secret(mut self, secret: impl Into<String>) -> Self {
        self.secret = Some(Secret::new(secret));
        self
    }

    pub fn accepts(&self, trigger: Trigger) -> bool {
        self.triggers.contains(&trigger)
    }

    /// Sends `notice` now, without any rate limit; `now` signs the request.
    pub(crate) async fn deliver(
        &self,
        client: &reqwest::Client,
        notice: &Notice,
        now: Millis,
    ) -> Delivery {
        let text = notice.text(self.language);
        match self.kind {
            ChannelKind::WeCom if self.markdown => {
                wecom::send_markdown(client, self, &notice.markdown(self.language)).await
            }
            ChannelKind::WeCom => wecom::send(client, self, &text).await,
            ChannelKind::DingTalk => dingtalk::send(client, self, &text, now).await,
            ChannelKind::Feishu => feishu::send(client, self, &text, now).await,
            ChannelKind::Slack => slack::send(client, self, &text).await,
            ChannelKind::Webhook => webhook::send(client, self, notice, &text, now).await,
        }
    }
}
