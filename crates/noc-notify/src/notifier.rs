//! The channels of a hub with their rate limits and latest outcome.
//!
//! Messages beyond a channel's rate are not sent: each is answered as a failed
//! delivery ("rate limited"), so its incident's timeline says so at once, and its
//! headline is kept for one summary message sent when the window reopens. A storm
//! then costs the group one catch-up message instead of silence, and the robot is
//! never pushed past the limit its service enforces (which would mute it).

use std::sync::{Arc, Mutex};
use std::time::Instant;

use noc_model::{Clock, Millis};

use crate::channel::ChannelSpec;
use crate::message::{Notice, Reason};
use crate::rate::RateLimit;
use crate::{Delivery, NotifyError};

/// Headlines kept for a summary; a storm beyond this is counted, not listed.
const MAX_SUMMARY_LINES: usize = 30;

/// The outcome of a channel's latest delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastDelivery {
    pub at: Millis,
    pub ok: bool,
    pub detail: String,
}

struct Channel {
    spec: ChannelSpec,
    client: reqwest::Client,
    state: Mutex<ChannelState>,
}

struct ChannelState {
    rate: RateLimit,
    /// Headlines of the notices the rate limit held back since the last summary.
    missed: Vec<String>,
    missed_uncounted: usize,
    last: Option<LastDelivery>,
}

/// Cheap to clone; shared by the dispatcher and the API.
#[derive(Clone)]
pub struct Notifier {
    channels: Arc<Vec<Channel>>,
    clock: Arc<dyn Clock>,
}

impl Notifier {
    pub fn new(specs: Vec<ChannelSpec>, clock: Arc<dyn Clock>) -> Result<Self, NotifyError> {
        let mut channels: Vec<Channel> = Vec::with_capacity(specs.len());
        for spec in specs {
            if channels.iter().any(|c| c.spec.name == spec.name) {
                return Err(NotifyError::DuplicateName(spec.name));
            }
            let client = reqwest::Client::builder()
                .connect_timeout(spec.timeout)
                .timeout(spec.timeout)
                .build()
                .map_err(|e| NotifyError::Client {
                    channel: spec.name.clone(),
                    cause: e.to_string(),
                })?;
            let state = Mutex::new(ChannelState {
                rate: RateLimit::new(spec.rate_per_minute),
                missed: Vec::new(),
                missed_uncounted: 0,
                last: None,
            });
            channels.push(Channel {
                spec,
                client,
                state,
            });
        }
        Ok(Self {
            channels: Arc::new(channels),
            clock,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.channels.is_empty()
    }

    pub fn specs(&self) -> impl Iterator<Item = &ChannelSpec> {
        self.channels.iter().map(|c| &c.spec)
    }

    pub fn spec(&self, name: &str) -> Option<&ChannelSpec> {
        self.channel(name).map(|c| &c.spec)
    }

    /// The latest delivery of the channel since the hub started.
    pub fn last(&self, name: &str) -> Option<LastDelivery> {
        self.channel(name)?.state().last.clone()
    }

    /// Sends `notice` to the channel within its rate limit; `None` when there is no
    /// channel of that name.
    pub async fn send(&self, name: &str, notice: &Notice) -> Option<Delivery> {
        self.send_at(name, notice, Instant::now()).await
    }

    /// [`Notifier::send`] as if at `at` for the rate limit (tests pass their own).
    pub async fn send_at(&self, name: &str, notice: &Notice, at: Instant) -> Option<Delivery> {
        let channel = self.channel(name)?;
        let admitted = {
            let mut state = channel.state();
            let admitted = state.rate.admit(at);
            if !admitted {
                state.hold_back(notice, channel.spec.language);
            }
            admitted
        };
        let delivery = if admitted {
            let now = self.clock.now();
            channel.spec.deliver(&channel.client, notice, now).await
        } else {
            Delivery::failed(format!(
                "rate limited: more than {} messages a minute; it will be in one summary when the limit reopens",
                channel.spec.rate_per_minute
            ))
        };
        self.remember(channel, &delivery);
        Some(delivery)
    }

    /// When the earliest channel with held-back notices may send its summary.
    pub fn next_summary_at(&self) -> Option<Instant> {
        self.next_summary_after(Instant::now())
    }

    /// [`Notifier::next_summary_at`] as seen at `now`.
    pub fn next_summary_after(&self, now: Instant) -> Option<Instant> {
        self.channels
            .iter()
            .filter_map(|c| {
                let mut state = c.state();
                if state.missed.is_empty() && state.missed_uncounted == 0 {
                    return None;
                }
                Some(state.rate.reopens_at(now).unwrap_or(now))
            })
            .min()
    }

    /// Sends the summary of every channel whose window has reopened; the channel
    /// names with their deliveries.
    pub async fn send_due_summaries(&self) -> Vec<(String, Delivery)> {
        self.send_due_summaries_at(Instant::now()).await
    }

    /// [`Notifier::send_due_summaries`] as if at `at`.
    pub async fn send_due_summaries_at(&self, at: Instant) -> Vec<(String, Delivery)> {
        let mut sent = Vec::new();
        for channel in self.channels.iter() {
            let Some(notice) = channel.due_summary(at) else {
                continue;
            };
            let now = self.clock.now();
            let delivery = channel.spec.deliver(&channel.client, &notice, now).await;
            self.remember(channel, &delivery);
            sent.push((channel.spec.name.clone(), delivery));
        }
        sent
    }

    fn remember(&self, channel: &Channel, delivery: &Delivery) {
        channel.state().last = Some(LastDelivery {
            at: self.clock.now(),
            ok: delivery.ok,
            detail: delivery.detail.clone(),
        });
    }

    fn channel(&self, name: &str) -> Option<&Channel> {
        self.channels.iter().find(|c| c.spec.name == name)
    }
}

impl Channel {
    fn state(&self) -> std::sync::MutexGuard<'_, ChannelState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The summary notice, taking the window's place, once the window has one.
    fn due_summary(&self, at: Instant) -> Option<Notice> {
        let mut state = self.state();
        if state.missed.is_empty() && state.missed_uncounted == 0 {
            return None;
        }
        if !state.rate.admit(at) {
            return None;
        }
        let mut missed = std::mem::take(&mut state.missed);
        let more = std::mem::take(&mut state.missed_uncounted);
        let total = missed.len() + more;
        if more > 0 {
            missed.push(match self.spec.language {
                crate::Language::Zh => format!("另有 {more} 条"),
                crate::Language::En => format!("and {more} more"),
            });
        }
        Some(Notice {
            reason: Reason::Summary {
                per_minute: self.spec.rate_per_minute,
                missed,
                total,
            },
            incident: None,
        })
    }
}

impl ChannelState {
    fn hold_back(&mut self, notice: &Notice, lang: crate::Language) {
        if self.missed.len() < MAX_SUMMARY_LINES {
            self.missed.push(notice.headline(lang));
        } else {
            self.missed_uncounted += 1;
        }
    }
}
