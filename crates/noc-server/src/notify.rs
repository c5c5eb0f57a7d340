//! Outbound notifications in the hub: the dispatcher that follows the event log and
//! tells the channels of `[[notify]]`, and `/api/notify/channels`.
//!
//! Every delivery, failed ones included, is recorded as `notification_sent` by the
//! actor `notifier`, so it shows on the incident's timeline. The dispatcher starts
//! at the log's end: a restart never repeats a notification.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::Extension;
use axum::{Json, Router};
use noc_api::Caller;
use noc_api::{ApiError, Console};
use noc_model::{
    Alarm, AlarmId, Batch, Event, EventBody, Incident, IncidentId, IncidentStatus, Millis, Seq,
    Severity, Snapshot,
};
use noc_notify::{recipients, Delivery, IncidentBrief, Notice, Notifier, Reason, Trigger};
use serde::Serialize;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::task::{JoinHandle, JoinSet};

use crate::http::{ApiResult, AppState, HttpError};

/// The actor of recorded deliveries.
const ACTOR: &str = "notifier";
const CATCH_UP_PAGE: u32 = 1000;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/notify/channels", get(list))
        .route("/notify/channels/{name}/test", post(test))
}

/// A channel as the Notifications page shows it: never its URL or secret.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct ChannelView {
    name: String,
    /// `wecom`, `dingtalk`, `feishu`, `slack` or `webhook`.
    kind: String,
    min_severity: Severity,
    /// `opened`, `escalated`, `overdue`.
    triggers: Vec<String>,
    rate_per_minute: u32,
    /// The latest delivery since the hub started.
    last: Option<LastView>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct LastView {
    at: Millis,
    ok: bool,
    detail: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct TestOutcome {
    ok: bool,
    detail: String,
}

#[utoipa::path(
    get,
    path = "/api/notify/channels",
    responses((status = 200, body = Vec<ChannelView>, description = "The `[[notify]]` channels, in file order"))
)]
pub(crate) async fn list(State(state): State<AppState>) -> Json<Vec<ChannelView>> {
    let Some(notifier) = &state.notifier else {
        return Json(Vec::new());
    };
    let views = notifier
        .specs()
        .map(|spec| ChannelView {
            name: spec.name.clone(),
            kind: spec.kind.as_str().to_string(),
            min_severity: spec.min_severity,
            triggers: spec
                .triggers
                .iter()
                .map(|t| t.as_str().to_string())
                .collect(),
            rate_per_minute: spec.rate_per_minute,
            last: notifier.last(&spec.name).map(|l| LastView {
                at: l.at,
                ok: l.ok,
                detail: l.detail,
            }),
        })
        .collect();
    Json(views)
}

#[utoipa::path(
    post,
    path = "/api/notify/channels/{name}/test",
    params(("name" = String, Path, description = "A `[[notify]]` channel")),
    responses(
        (status = 200, body = TestOutcome, description = "Sent now (within the channel's rate limit); recorded as `notification_sent` with trigger `test` by the operator"),
        (status = 404, description = "`channel_not_found`"),
    )
)]
pub(crate) async fn test(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Extension(caller): Extension<Caller>,
) -> ApiResult<TestOutcome> {
    let not_found = || {
        HttpError::from(ApiError::not_found(
            "channel_not_found",
            format!("there is no notify channel \"{name}\""),
        ))
    };
    let notifier = state.notifier.as_ref().ok_or_else(not_found)?;
    let actor = caller.name.clone();
    let delivery = notifier
        .send(&name, &Notice::test(&name, &actor))
        .await
        .ok_or_else(not_found)?;
    let body = EventBody::NotificationSent {
        incident: None,
        channel: name.clone(),
        trigger: "test".into(),
        ok: delivery.ok,
        detail: delivery.detail.clone(),
    };
    state.console.record(body, &actor).await?;
    Ok(Json(TestOutcome {
        ok: delivery.ok,
        detail: delivery.detail,
    }))
}

/// Starts the dispatcher. It listens from the moment this returns: whatever the
/// log holds already was someone else's to tell.
pub(crate) fn spawn(console: Console, notifier: Notifier) -> JoinHandle<()> {
    let feed = console.subscribe();
    tokio::spawn(async move {
        let snapshot = console.snapshot().await;
        let mut dispatcher = Dispatcher {
            console,
            notifier,
            held: HashMap::new(),
            judged: HashMap::new(),
            last: snapshot.seq,
        };
        dispatcher.resume(&snapshot);
        dispatcher.run(feed).await;
    })
}

struct Dispatcher {
    console: Console,
    notifier: Notifier,
    /// Incidents whose root alarm was flapping or suppressed when they opened, by
    /// that alarm: told once it settles, if still open.
    held: HashMap<AlarmId, IncidentId>,
    /// Open incidents told about (or judged) since the hub started, with the worst
    /// severity judged: one that gets worse is judged again.
    judged: HashMap<IncidentId, Severity>,
    /// The last event handled.
    last: Seq,
}

impl Dispatcher {
    /// The incidents already open are judged at their present severity, so one
    /// that gets worse after a restart is still told.
    fn resume(&mut self, snapshot: &Snapshot) {
        self.judged.extend(
            snapshot
                .incidents
                .iter()
                .filter(|i| is_open(i))
                .map(|i| (i.id, i.severity)),
        );
    }

    async fn run(mut self, mut feed: broadcast::Receiver<Arc<Batch>>) {
        let shutdown = self.console.shutdown_token();
        loop {
            let summary_at = self.notifier.next_summary_at();
            let summary_due = async move {
                match summary_at {
                    Some(at) => tokio::time::sleep_until(at.into()).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = shutdown.cancelled() => break,
                received = feed.recv() => match received {
                    Ok(batch) => self.take(&batch).await,
                    // Missed batches are still in the log.
                    Err(RecvError::Lagged(_)) => self.catch_up().await,
                    Err(RecvError::Closed) => break,
                },
                _ = summary_due => self.send_summaries().await,
            }
        }
    }

    async fn take(&mut self, batch: &Batch) {
        if batch.last_seq <= self.last {
            return;
        }
        if batch.first_seq == self.last + 1 {
            self.handle(&batch.events).await;
            self.last = batch.last_seq;
        } else {
            self.catch_up().await;
        }
    }

    async fn catch_up(&mut self) {
        loop {
            let page = match self
                .console
                .events_after(self.last, Some(CATCH_UP_PAGE))
                .await
            {
                Ok(page) => page,
                Err(err) => {
                    tracing::warn!(error = %err.message, "notifications: cannot read the event log");
                    return;
                }
            };
            let Some(last) = page.events.last().map(|e| e.seq) else {
                return;
            };
            self.handle(&page.events).await;
            self.last = last;
        }
    }

    async fn handle(&mut self, events: &[Event]) {
        let lowest_judged = self.judged.values().map(|s| s.rank()).min();
        if !events.iter().any(|e| self.concerns(&e.body, lowest_judged)) {
            return;
        }
        // The state as it is now: an incident whose root started flapping since it
        // opened is held too.
        let snapshot = self.console.snapshot().await;
        let view = StateView::new(&snapshot);
        for event in events {
            self.on_event(&event.body, &view).await;
        }
    }

    /// Whether the event may tell someone; `lowest_judged` is the least severity
    /// rank among the judged incidents (a report of a worse alarm may worsen one).
    fn concerns(&self, body: &EventBody, lowest_judged: Option<u8>) -> bool {
        match body {
            EventBody::IncidentOpened { .. }
            | EventBody::IncidentEscalated { .. }
            | EventBody::IncidentUpdateOverdue { .. } => true,
            EventBody::AlarmFlapping { alarm, .. } | EventBody::AlarmSuppressed { alarm, .. } => {
                self.held.contains_key(alarm)
            }
            EventBody::AlarmGrouped { incident, .. } => self.judged.contains_key(incident),
            EventBody::AlarmUpdated { severity, .. } => {
                lowest_judged.is_some_and(|lowest| lowest < severity.rank())
            }
            EventBody::IncidentSplit { .. } => true,
            EventBody::IncidentResolved { .. } | EventBody::IncidentsMerged { .. } => {
                !self.held.is_empty() || !self.judged.is_empty()
            }
            _ => false,
        }
    }

    async fn on_event(&mut self, body: &EventBody, view: &StateView<'_>) {
        match body {
            EventBody::IncidentOpened {
                incident,
                title,
                severity,
                root_node,
                system,
                ..
            } => {
                if let Some(root) = view.unsettled_root(*incident) {
                    tracing::info!(
                        incident,
                        alarm = root,
                        "notification held: the root alarm is flapping or suppressed"
                    );
                    self.held.insert(root, *incident);
                    return;
                }
                let brief = IncidentBrief {
                    id: *incident,
                    title: title.clone(),
                    severity: *severity,
                    root_node: root_node.clone(),
                    system: system.clone(),
                    escalation_level: 0,
                };
                self.judged.insert(*incident, *severity);
                self.tell(brief, Reason::Opened, Trigger::Opened, &[]).await;
            }
            EventBody::IncidentEscalated {
                incident,
                level,
                reason,
                notify,
            } => {
                let reason = Reason::Escalated {
                    level: *level,
                    reason: reason.clone(),
                };
                let brief = view.brief(*incident);
                self.tell(brief, reason, Trigger::Escalated, notify).await;
            }
            EventBody::IncidentUpdateOverdue { incident, due_at } => {
                let reason = Reason::Overdue { due_at: *due_at };
                let brief = view.brief(*incident);
                self.tell(brief, reason, Trigger::Overdue, &[]).await;
            }
            EventBody::AlarmFlapping {
                alarm,
                flapping: false,
            }
            | EventBody::AlarmSuppressed {
                alarm,
                window: None,
            } => {
                self.release(*alarm, view).await;
            }
            EventBody::AlarmGrouped { incident, .. } => self.rejudge(*incident, view).await,
            EventBody::AlarmUpdated { alarm, .. } => {
                if let Some(incident) = view.alarms.get(alarm).and_then(|a| a.incident) {
                    self.rejudge(incident, view).await;
                }
            }
            EventBody::IncidentsMerged { incident, from } => {
                self.forget(*from);
                self.rejudge(*incident, view).await;
            }
            EventBody::IncidentResolved { incident } => self.forget(*incident),
            // An operator formed it: nothing to tell, but it may get worse later.
            EventBody::IncidentSplit { into, .. } => {
                if let Some(formed) = view.incidents.get(into).filter(|i| is_open(i)) {
                    self.judged.insert(*into, formed.severity);
                }
            }
            _ => {}
        }
    }

    fn forget(&mut self, incident: IncidentId) {
        self.held.retain(|_, held| *held != incident);
        self.judged.remove(&incident);
    }

    /// An incident that became worse than when it was judged (a worse alarm joined
    /// it) is told again to the channels its new severity reaches: a P3 that turns
    /// out to be a P1 must not stay silent.
    async fn rejudge(&mut self, incident: IncidentId, view: &StateView<'_>) {
        let Some(judged) = self.judged.get(&incident).copied() else {
            return;
        };
        let Some(current) = view.incidents.get(&incident) else {
            return;
        };
        if current.severity.rank() <= judged.rank() || !is_open(current) {
            return;
        }
        self.judged.insert(incident, current.severity);
        let reason = Reason::Worsened { from: judged };
        self.tell(IncidentBrief::of(current), reason, Trigger::Opened, &[])
            .await;
    }

    /// A held incident whose root alarm settled is told as opened, if still open.
    async fn release(&mut self, alarm: AlarmId, view: &StateView<'_>) {
        let Some(incident) = self.held.remove(&alarm) else {
            return;
        };
        let Some(current) = view.incidents.get(&incident) else {
            return;
        };
        if !is_open(current) {
            return;
        }
        if view.unsettled_root(incident).is_some() {
            // Flapping stopped but a maintenance window still covers it, or the reverse.
            self.held.insert(alarm, incident);
            return;
        }
        let brief = IncidentBrief::of(current);
        self.judged.insert(incident, brief.severity);
        self.tell(brief, Reason::Opened, Trigger::Opened, &[]).await;
    }

    /// Sends to every channel the trigger reaches (at once, so a dead one does not
    /// hold back the others) and records each outcome.
    async fn tell(&self, brief: IncidentBrief, reason: Reason, trigger: Trigger, named: &[String]) {
        let incident = brief.id;
        let (channels, unknown) = recipients(self.notifier.specs(), trigger, brief.severity, named);
        let names: Vec<String> = channels.iter().map(|c| c.name.clone()).collect();
        let notice = Notice::about(brief, reason);
        let mut sending = JoinSet::new();
        for name in names {
            let notifier = self.notifier.clone();
            let notice = notice.clone();
            sending.spawn(async move {
                let delivery = notifier.send(&name, &notice).await;
                (name, delivery)
            });
        }
        let mut outcomes: Vec<(String, Delivery)> = Vec::new();
        while let Some(joined) = sending.join_next().await {
            if let Ok((name, Some(delivery))) = joined {
                outcomes.push((name, delivery));
            }
        }
        outcomes.extend(unknown.into_iter().map(|name| {
            let why =
                "the escalation names it, but noc.toml has no [[notify]] channel of this name";
            (name, Delivery::failed(why))
        }));
        outcomes.sort_by(|a, b| a.0.cmp(&b.0));
        for (channel, delivery) in outcomes {
            self.record(Some(incident), channel, trigger.as_str(), delivery)
                .await;
        }
    }

    async fn send_summaries(&self) {
        for (channel, delivery) in self.notifier.send_due_summaries().await {
            self.record(None, channel, "summary", delivery).await;
        }
    }

    async fn record(
        &self,
        incident: Option<IncidentId>,
        channel: String,
        trigger: &str,
        delivery: Delivery,
    ) {
        tracing::info!(
            incident,
            channel = %channel,
            trigger,
            ok = delivery.ok,
            detail = %delivery.detail,
            "notification"
        );
        let body = EventBody::NotificationSent {
            incident,
            channel,
            trigger: trigger.to_string(),
            ok: delivery.ok,
            detail: delivery.detail,
        };
        if let Err(err) = self.console.record(body, ACTOR).await {
            tracing::warn!(error = %err.message, "cannot record a notification");
        }
    }
}

/// The incidents and alarms of a snapshot by id.
struct StateView<'a> {
    incidents: HashMap<IncidentId, &'a Incident>,
    alarms: HashMap<AlarmId, &'a Alarm>,
}

impl<'a> StateView<'a> {
    fn new(snapshot: &'a Snapshot) -> Self {
        Self {
            incidents: snapshot.incidents.iter().map(|i| (i.id, i)).collect(),
            alarms: snapshot.alarms.iter().map(|a| (a.id, a)).collect(),
        }
    }

    /// The incident's root alarm, if it is flapping or suppressed.
    fn unsettled_root(&self, incident: IncidentId) -> Option<AlarmId> {
        let root = self.incidents.get(&incident)?.root_alarm?;
        let alarm = self.alarms.get(&root)?;
        (alarm.flapping || alarm.suppressed_by.is_some()).then_some(root)
    }

    /// What the notice says about the incident; a bare one when the state has
    /// already dropped it.
    fn brief(&self, incident: IncidentId) -> IncidentBrief {
        match self.incidents.get(&incident) {
            Some(found) => IncidentBrief::of(found),
            None => IncidentBrief {
                id: incident,
                title: format!("incident #{incident}"),
                severity: Severity::Unknown,
                root_node: None,
                system: None,
                escalation_level: 0,
            },
        }
    }
}

fn is_open(incident: &Incident) -> bool {
    !matches!(
        incident.status,
        IncidentStatus::Resolved | IncidentStatus::Reviewed | IncidentStatus::Merged
    )
}
