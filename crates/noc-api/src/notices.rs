//! Incident status notices (通报): the hub drafts one from the incident, renders the
//! operator's corrected draft in Chinese and English, sends it to the chosen
//! channels and records it on the incident's timeline. The record is written
//! whatever the channels did: a notice is never lost, and each channel's outcome is
//! part of it.

use noc_model::{
    Event, EventBody, Incident, IncidentId, IncidentImpact, Millis, NoticeDelivery, NoticeDraft,
    NoticeKind, NoticeLanguage, NoticeTexts, Seq, State,
};
use noc_notify::{IncidentBrief, Notice, NoticeFacts, Notifier};
use serde::{Deserialize, Serialize};

use crate::{ApiError, Console};

/// The most characters of one field (what, impact, actions): a notice is read on a
/// phone, and chat robots refuse long messages (DingTalk and WeCom near 4,000 bytes
/// of text for both languages' labels and facts together).
pub const MAX_NOTICE_FIELD_CHARS: usize = 2_000;
/// The furthest offsets from UTC in use (UTC−12 to UTC+14).
const OFFSET_RANGE_MINUTES: std::ops::RangeInclusive<i32> = -720..=840;
/// How many of the operators' latest actions a draft lists.
const DRAFT_ACTIONS: usize = 5;

/// `POST /api/incidents/{id}/notices/draft`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct DraftRequest {
    /// Which notice; absent = chosen from the incident: none sent yet → initial,
    /// resolved → final, otherwise update.
    #[serde(default)]
    pub kind: Option<NoticeKind>,
    /// The offset the notice's times are written in; absent = UTC. The console sends
    /// its workstation's.
    #[serde(default)]
    pub utc_offset_minutes: Option<i32>,
}

/// `POST /api/incidents/{id}/notices`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct SendRequest {
    pub draft: NoticeDraft,
    /// At least one; a channel gets one message with each chosen language in turn.
    pub languages: Vec<NoticeLanguage>,
    /// Configured channel names; none = recorded only (read out on the phone bridge).
    pub channels: Vec<String>,
}

/// What sending did: the event that recorded it and each channel's outcome.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NoticeReceipt {
    pub seq: Seq,
    pub deliveries: Vec<NoticeDelivery>,
}

impl Console {
    /// The hub's draft of a notice about `incident`, for the operator to correct.
    /// `channels` are the configured channel names; the draft offers every one.
    pub async fn notice_draft(
        &self,
        incident: IncidentId,
        request: DraftRequest,
        channels: Vec<String>,
    ) -> Result<NoticeDraft, ApiError> {
        let offset = request.utc_offset_minutes.unwrap_or(0);
        check_offset(offset)?;
        let found = self.live_incident(incident).await?;
        let timeline = self.timeline(incident).await?;
        let impact = self.incident_impact(incident).await?;
        let names = self
            .shared
            .store
            .read_state(|state| business_names(state, &impact, &found))
            .await;
        let kind = request
            .kind
            .unwrap_or_else(|| natural_kind(&found, &timeline));
        let now = self.clock.now();
        Ok(NoticeDraft {
            incident,
            kind,
            what: one_line(&found.title),
            impact: names.join(", "),
            actions: draft_actions(&timeline),
            next_update_at: next_update(kind, now, self.policy.update_every_ms),
            channels,
            utc_offset_minutes: offset,
        })
    }

    /// The draft as it would be sent, in both languages, with the incident's facts as
    /// they are now.
    pub async fn preview_notice(
        &self,
        incident: IncidentId,
        draft: &NoticeDraft,
    ) -> Result<NoticeTexts, ApiError> {
        check_draft(incident, draft)?;
        let (_, facts) = self.notice_facts(incident).await?;
        Ok(noc_notify::render_both(draft, &facts))
    }

    /// Renders the notice, sends it to each chosen channel (within its rate limit,
    /// signed as the channel wants) and records `notice_sent` with every outcome.
    pub async fn send_notice(
        &self,
        incident: IncidentId,
        request: SendRequest,
        notifier: Option<&Notifier>,
        actor: &str,
    ) -> Result<NoticeReceipt, ApiError> {
        let SendRequest {
            draft,
            languages,
            channels,
        } = request;
        check_draft(incident, &draft)?;
        let languages = chosen_languages(&languages)?;
        let channels = chosen_channels(channels, notifier)?;
        let (found, facts) = self.notice_facts(incident).await?;
        let texts = noc_notify::render_both(&draft, &facts);
        let message = noc_notify::combined(&texts, &languages);
        let deliveries = match notifier {
            Some(notifier) => {
                let notice = Notice::status(IncidentBrief::of(&found), draft.kind, message);
                deliver(notifier, &channels, &notice).await
            }
            None => Vec::new(),
        };
        let body = EventBody::NoticeSent {
            incident,
            notice_kind: draft.kind,
            languages,
            text_zh: texts.zh,
            text_en: texts.en,
            channels,
            deliveries: deliveries.clone(),
            next_update_at: draft.next_update_at,
        };
        let seq = self.record(body, actor).await?;
        Ok(NoticeReceipt { seq, deliveries })
    }

    /// The incident with what a notice states about it now, its nodes by their names.
    async fn notice_facts(
        &self,
        incident: IncidentId,
    ) -> Result<(Incident, NoticeFacts), ApiError> {
        let found = self.live_incident(incident).await?;
        let mut facts = NoticeFacts::of(&found, self.policy.targets, self.clock.now());
        facts.nodes = self
            .shared
            .store
            .read_state(|state| node_names(state, &found.nodes))
            .await;
        Ok((found, facts))
    }

    async fn live_incident(&self, incident: IncidentId) -> Result<Incident, ApiError> {
        self.shared
            .store
            .read_state(|state| state.incidents.get(&incident).cloned())
            .await
            .ok_or_else(|| {
                ApiError::not_found(
                    "incident_not_found",
                    format!("incident {incident} is not on the board"),
                )
            })
    }
}

/// Every channel at once: a slow one does not hold back the others.
async fn deliver(notifier: &Notifier, channels: &[String], notice: &Notice) -> Vec<NoticeDelivery> {
    let mut sends = tokio::task::JoinSet::new();
    for (index, name) in channels.iter().enumerate() {
        let (notifier, notice, name) = (notifier.clone(), notice.clone(), name.clone());
        sends.spawn(async move {
            let delivery = notifier.send(&name, &notice).await;
            (index, outcome(name, delivery))
        });
    }
    let mut done: Vec<(usize, NoticeDelivery)> = Vec::with_capacity(channels.len());
    while let Some(joined) = sends.join_next().await {
        match joined {
            Ok(sent) => done.push(sent),
            Err(err) => tracing::error!(error = %err, "a notice delivery task failed"),
        }
    }
    done.sort_by_key(|(index, _)| *index);
    let mut deliveries: Vec<NoticeDelivery> = done.into_iter().map(|(_, d)| d).collect();
    // A task that died still has its channel reported, as failed.
    for name in channels {
        if !deliveries.iter().any(|d| &d.channel == name) {
            deliveries.push(outcome(name.clone(), None));
        }
    }
    deliveries
}

fn outcome(channel: String, delivery: Option<noc_notify::Delivery>) -> NoticeDelivery {
    match delivery {
        Some(d) if d.ok => NoticeDelivery {
            channel,
            ok: true,
            error: None,
        },
        Some(d) => NoticeDelivery {
            channel,
            ok: false,
            error: Some(d.detail),
        },
        None => NoticeDelivery {
            error: Some(format!("the delivery to \"{channel}\" did not finish")),
            channel,
            ok: false,
        },
    }
}

/// The kind the incident's state calls for.
fn natural_kind(incident: &Incident, timeline: &[Event]) -> NoticeKind {
    let sent_before = timeline
        .iter()
        .any(|e| matches!(e.body, EventBody::NoticeSent { .. }));
    if incident.status.is_closed() {
        NoticeKind::Final
    } else if sent_before {
        NoticeKind::Update
    } else {
        NoticeKind::Initial
    }
}

/// Now plus the update deadline; a final notice promises none.
fn next_update(kind: NoticeKind, now: Millis, every: Millis) -> Option<Millis> {
    (kind != NoticeKind::Final && every > 0).then(|| now.saturating_add(every))
}

/// The business systems the impact analysis found, by their names; the incident's
/// own system when the topology knows none.
fn business_names(state: &State, impact: &IncidentImpact, incident: &Incident) -> Vec<String> {
    let mut ids: Vec<String> = impact
        .business_systems
        .iter()
        .map(|reached| reached.id.clone())
        .collect();
    if ids.is_empty() {
        ids.extend(incident.system.clone());
    }
    node_names(state, &ids)
}

/// What the topology calls each node; the id of a node it does not know.
fn node_names(state: &State, ids: &[String]) -> Vec<String> {
    ids.iter()
        .map(|id| {
            state
                .topology
                .node(id)
                .map_or_else(|| id.clone(), |n| n.name.clone())
        })
        .collect()
}

/// The operators' latest findings and actions, oldest first: cause, mitigation
/// notes and comments, one a line.
fn draft_actions(timeline: &[Event]) -> String {
    let done: Vec<String> = timeline
        .iter()
        .filter_map(|e| match &e.body {
            EventBody::IncidentIdentified { cause, .. } => Some(cause),
            EventBody::IncidentMitigated { note, .. } => Some(note),
            EventBody::IncidentCommented { text, .. } => Some(text),
            _ => None,
        })
        .map(|text| one_line(text))
        .filter(|text| !text.is_empty())
        .collect();
    let skip = done.len().saturating_sub(DRAFT_ACTIONS);
    done[skip..].join("\n")
}

fn check_draft(incident: IncidentId, draft: &NoticeDraft) -> Result<(), ApiError> {
    if draft.incident != incident {
        return Err(unprocessable(
            "invalid_notice",
            format!(
                "the draft is about incident {}, not incident {incident}",
                draft.incident
            ),
        ));
    }
    check_offset(draft.utc_offset_minutes)?;
    for (name, text) in [
        ("what", &draft.what),
        ("impact", &draft.impact),
        ("actions", &draft.actions),
    ] {
        let chars = text.chars().count();
        if chars > MAX_NOTICE_FIELD_CHARS {
            return Err(unprocessable(
                "notice_too_long",
                format!(
                    "the field \"{name}\" has {chars} characters; a notice field holds at most {MAX_NOTICE_FIELD_CHARS}"
                ),
            ));
        }
    }
    Ok(())
}

fn check_offset(offset: i32) -> Result<(), ApiError> {
    if OFFSET_RANGE_MINUTES.contains(&offset) {
        return Ok(());
    }
    Err(unprocessable(
        "invalid_notice",
        format!("utc_offset_minutes {offset} is not an offset in use (-720 to 840)"),
    ))
}

/// The languages in the order the message carries them, once each.
fn chosen_languages(languages: &[NoticeLanguage]) -> Result<Vec<NoticeLanguage>, ApiError> {
    let chosen: Vec<NoticeLanguage> = [NoticeLanguage::Zh, NoticeLanguage::En]
        .into_iter()
        .filter(|l| languages.contains(l))
        .collect();
    if chosen.is_empty() {
        return Err(unprocessable(
            "invalid_notice",
            "choose at least one language (zh, en)",
        ));
    }
    Ok(chosen)
}

/// The chosen channels, once each, each one configured.
fn chosen_channels(
    channels: Vec<String>,
    notifier: Option<&Notifier>,
) -> Result<Vec<String>, ApiError> {
    let mut chosen: Vec<String> = Vec::with_capacity(channels.len());
    for name in channels {
        if chosen.contains(&name) {
            continue;
        }
        if notifier.and_then(|n| n.spec(&name)).is_none() {
            return Err(unprocessable(
                "unknown_channel",
                format!("there is no notify channel \"{name}\""),
            ));
        }
        chosen.push(name);
    }
    Ok(chosen)
}

fn unprocessable(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::new(422, code, message)
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_final_notice_has_no_next_update() {
        assert_eq!(next_update(NoticeKind::Final, 1_000, 60_000), None);
        assert_eq!(next_update(NoticeKind::Update, 1_000, 60_000), Some(61_000));
        assert_eq!(next_update(NoticeKind::Initial, 1_000, 0), None);
    }

    #[test]
    fn languages_come_chinese_first_and_once() {
        let chosen =
            chosen_languages(&[NoticeLanguage::En, NoticeLanguage::Zh, NoticeLanguage::En]);
        assert_eq!(
            chosen.unwrap(),
            vec![NoticeLanguage::Zh, NoticeLanguage::En]
        );
        assert_eq!(chosen_languages(&[]).unwrap_err().status, 422);
    }
}
