//! The numbers of a report (shift, daily, weekly, one incident's review, a drill),
//! folded from the event log of its range: pure, no clock, no store.
//!
//! The durations and the 1-5-10 verdicts are those of [`crate::DutyStats`]: the same
//! functions decide what counts, so the wall and a report never disagree.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::RangeInclusive;

use noc_model::{
    incident_clocks, Alarm, AlarmId, ClockState, ClockTargets, Event, EventBody, Incident,
    IncidentId, Mark, Millis, NoticeKind, Scorecard, Severity, State,
};
use serde::{Deserialize, Serialize};

use crate::stats::{counts_in_compliance, time_to_acknowledge, time_to_resolve, Mean};
use crate::SeverityCounts;

const MINUTE: Millis = 60_000;
const HOUR: Millis = 60 * MINUTE;
const DAY: Millis = 24 * HOUR;

/// The longest range a report covers: a month, so that a report stays a document.
pub const MAX_REPORT_DAYS: i64 = 31;

/// Sources listed among the noisiest.
const NOISIEST_KEPT: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    Shift,
    Daily,
    Weekly,
    /// One incident's review (复盘).
    Incident,
    /// A drill's scorecard with the charts of its range.
    Drill,
}

impl ReportKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportKind::Shift => "shift",
            ReportKind::Daily => "daily",
            ReportKind::Weekly => "weekly",
            ReportKind::Incident => "incident",
            ReportKind::Drill => "drill",
        }
    }

    pub fn parse(word: &str) -> Option<ReportKind> {
        [
            ReportKind::Shift,
            ReportKind::Daily,
            ReportKind::Weekly,
            ReportKind::Incident,
            ReportKind::Drill,
        ]
        .into_iter()
        .find(|k| k.as_str() == word)
    }

    /// The width of one bar of the alarm-volume chart: an hour for a shift or a day,
    /// six hours or a day for a week or more, minutes for an incident or a drill.
    pub fn bucket_ms(self, from: Millis, to: Millis) -> Millis {
        let span = to.saturating_sub(from).max(0);
        match self {
            ReportKind::Shift | ReportKind::Daily => HOUR,
            ReportKind::Weekly if span <= 8 * DAY => 6 * HOUR,
            ReportKind::Weekly => DAY,
            ReportKind::Incident | ReportKind::Drill if span <= 2 * HOUR => 5 * MINUTE,
            ReportKind::Incident | ReportKind::Drill if span <= 2 * DAY => HOUR,
            ReportKind::Incident | ReportKind::Drill => 6 * HOUR,
        }
    }
}

/// What to report on: `from..=to` (unix ms), the incident for an incident review, and
/// the offset of the clock the readers live by (bars start on its whole hours).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRequest {
    pub kind: ReportKind,
    pub from: Millis,
    pub to: Millis,
    pub incident: Option<IncidentId>,
    pub utc_offset_minutes: i32,
    pub title: Option<String>,
}

impl ReportRequest {
    /// Refuses an empty or reversed range and one longer than [`MAX_REPORT_DAYS`].
    pub fn check(&self) -> Result<(), crate::ReportError> {
        if self.to < self.from {
            return Err(crate::ReportError::EmptyRange {
                since: self.from,
                until: self.to,
            });
        }
        if self.kind == ReportKind::Incident && self.incident.is_none() {
            return Err(crate::ReportError::IncidentRequired);
        }
        let days = (self.to - self.from + DAY - 1) / DAY;
        if self.to - self.from > MAX_REPORT_DAYS * DAY {
            return Err(crate::ReportError::RangeTooLong {
                days,
                max_days: MAX_REPORT_DAYS,
            });
        }
        Ok(())
    }
}

/// Alarms raised in one bar of the volume chart, by severity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VolumeBucket {
    /// Start of the bar, unix ms.
    pub start: Millis,
    pub raised: SeverityCounts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SystemCount {
    /// `None`: incidents the topology placed in no business system.
    pub system: Option<String>,
    pub incidents: u32,
}

/// Median and mean of a set of durations (ms), rounded down; `None` when empty.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DurationSummary {
    pub count: u32,
    pub median_ms: Option<Millis>,
    pub mean_ms: Option<Millis>,
}

impl DurationSummary {
    fn of(mut durations: Vec<Millis>) -> Self {
        durations.sort_unstable();
        let mut mean = Mean::default();
        durations.iter().for_each(|&d| mean.add(d));
        let n = durations.len();
        let median_ms = match n {
            0 => None,
            _ if n % 2 == 1 => Some(durations[n / 2]),
            _ => Some(durations[n / 2 - 1] + (durations[n / 2] - durations[n / 2 - 1]) / 2),
        };
        Self {
            count: u32::try_from(n).unwrap_or(u32::MAX),
            median_ms,
            mean_ms: mean.value(),
        }
    }
}

/// One 1-5-10 clock over the incidents opened in the range.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ClockTally {
    pub met: u32,
    pub missed: u32,
    /// Still running at the end of the range, within its target.
    pub running: u32,
}

impl ClockTally {
    fn count(&mut self, clock: ClockState) {
        match clock {
            ClockState::Met => self.met += 1,
            ClockState::Missed => self.missed += 1,
            ClockState::Running | ClockState::Amber => self.running += 1,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ClockCompliance {
    pub detect: ClockTally,
    pub identify: ClockTally,
    pub recover: ClockTally,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SourceNoise {
    pub source: String,
    pub alarms: u32,
    /// Of all alarms raised in the range, 0..=1.
    pub share: f64,
}

/// An incident that went without an operator update past its deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OverdueUpdate {
    pub incident: IncidentId,
    pub title: String,
    /// When the update was due.
    pub due_at: Millis,
    /// When the next update (or the resolution) came; `None` if none came in the range.
    pub ended_at: Option<Millis>,
    /// From `due_at` to `ended_at`, or to the end of the range.
    pub overdue_ms: Millis,
}

/// The 1-5-10 verdict of each clock at the end of the range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ClockVerdicts {
    pub detect: ClockState,
    pub identify: ClockState,
    pub recover: ClockState,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IncidentRow {
    pub id: IncidentId,
    /// Untrusted (named after an alarm's title): rendered as text.
    pub title: String,
    pub severity: Severity,
    pub status: noc_model::IncidentStatus,
    pub system: Option<String>,
    pub opened_at: Millis,
    /// Where the 1-5-10 clocks start.
    pub started_at: Millis,
    pub acknowledged: Option<Mark>,
    pub identified: Option<Mark>,
    pub mitigated: Option<Mark>,
    pub resolved_at: Option<Millis>,
    pub resolved_by: Option<String>,
    /// Each from `started_at`.
    pub time_to_acknowledge_ms: Option<Millis>,
    pub time_to_identify_ms: Option<Millis>,
    pub time_to_mitigate_ms: Option<Millis>,
    pub time_to_resolve_ms: Option<Millis>,
    pub clocks: ClockVerdicts,
    pub alarms: u32,
}

impl IncidentRow {
    fn of(incident: &Incident, targets: &ClockTargets, now: Millis) -> Self {
        let from_start = |at: Millis| at - incident.started_at;
        let [detect, identify, recover] = incident_clocks(incident, targets, now);
        let identified = incident.identified.as_ref().map(|i| Mark {
            by: i.by.clone(),
            at: i.at,
        });
        Self {
            id: incident.id,
            title: incident.title.clone(),
            severity: incident.severity,
            status: incident.status,
            system: incident.system.clone(),
            opened_at: incident.opened_at,
            started_at: incident.started_at,
            time_to_acknowledge_ms: incident.acknowledged.as_ref().map(|m| from_start(m.at)),
            time_to_identify_ms: identified.as_ref().map(|m| from_start(m.at)),
            time_to_mitigate_ms: incident.mitigated.as_ref().map(|m| from_start(m.at)),
            time_to_resolve_ms: incident.resolved_at.map(from_start),
            acknowledged: incident.acknowledged.clone(),
            identified,
            mitigated: incident.mitigated.clone(),
            resolved_at: incident.resolved_at,
            resolved_by: incident.resolved_by.clone(),
            clocks: ClockVerdicts {
                detect,
                identify,
                recover,
            },
            alarms: u32::try_from(incident.alarms.len()).unwrap_or(u32::MAX),
        }
    }
}

/// One line of an incident's timeline: who did what, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TimelineEntry {
    pub seq: noc_model::Seq,
    pub at: Millis,
    pub actor: String,
    /// The event's kind (`incident_acknowledged`, …).
    pub kind: String,
    /// What it said (a comment, a cause, a reason), untrusted text.
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AlarmRow {
    pub id: AlarmId,
    pub source: String,
    pub node: Option<String>,
    pub severity: Severity,
    pub title: String,
    pub first_seen: Millis,
    pub cleared_at: Option<Millis>,
    pub count: u32,
}

impl AlarmRow {
    fn of(alarm: &Alarm) -> Self {
        Self {
            id: alarm.id,
            source: alarm.source.clone(),
            node: alarm.node.clone(),
            severity: alarm.severity,
            title: alarm.title.clone(),
            first_seen: alarm.first_seen,
            cleared_at: alarm.cleared_at,
            count: alarm.count,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NoticeRow {
    pub at: Millis,
    pub by: String,
    pub kind: NoticeKind,
    pub text_zh: String,
    pub text_en: String,
    pub channels: Vec<String>,
    /// Deliveries the channels confirmed, of all attempted.
    pub delivered: u32,
    pub attempted: u32,
}

/// One incident's review: its timeline, clocks, alarms and notices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IncidentReview {
    pub incident: IncidentRow,
    pub cause: Option<String>,
    pub timeline: Vec<TimelineEntry>,
    pub alarms: Vec<AlarmRow>,
    pub notices: Vec<NoticeRow>,
}

/// Everything a report shows, for any rendering (HTML, PDF, the UI's JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportData {
    pub kind: ReportKind,
    /// The title asked for, if any; the renderings otherwise name the report by kind.
    pub title: Option<String>,
    pub from: Millis,
    pub to: Millis,
    pub utc_offset_minutes: i32,
    pub targets: ClockTargets,
    /// The width of one volume bar.
    pub bucket_ms: Millis,
    pub volume: Vec<VolumeBucket>,
    /// Alarms raised in the range, by severity at raising.
    pub alarms_raised: SeverityCounts,
    /// Incidents opened in the range, by severity at the end of it.
    pub incidents_by_severity: SeverityCounts,
    /// Incidents opened in the range, by business system, most first.
    pub incidents_by_system: Vec<SystemCount>,
    pub incidents_opened: u32,
    /// Incidents acknowledged in the range (whenever opened): from start to ack.
    pub mtta: DurationSummary,
    /// Incidents resolved in the range (whenever opened): from start to resolution.
    pub mttr: DurationSummary,
    /// The clocks of the incidents opened in the range (merged ones aside).
    pub compliance: ClockCompliance,
    pub noisiest_sources: Vec<SourceNoise>,
    pub overdue_updates: Vec<OverdueUpdate>,
    /// Incidents opened in the range, in order of opening.
    pub incidents: Vec<IncidentRow>,
    /// For an incident review.
    pub review: Option<IncidentReview>,
    /// For a drill: the scorecard at the end of the range.
    pub scorecard: Option<Scorecard>,
}

impl ReportData {
    /// Folds `events` (the log's events in `from..=to`, in order) onto `base` (the
    /// state just before `from`).
    pub fn compute(
        base: &State,
        events: &[Event],
        request: &ReportRequest,
        targets: &ClockTargets,
    ) -> ReportData {
        let mut fold = ReportFold::new(base.clone(), request.clone());
        events.iter().for_each(|e| fold.apply(e));
        fold.finish(targets)
    }
}

/// A report being folded, event by event, so that a store can feed it in chunks
/// without holding a week of events in memory.
#[derive(Debug, Clone)]
pub struct ReportFold {
    request: ReportRequest,
    state: State,
    bucket_ms: Millis,
    first_bucket: Millis,
    volume: Vec<SeverityCounts>,
    raised: SeverityCounts,
    by_source: BTreeMap<String, u32>,
    /// Incidents the range touched; their latest versions are in `state`, or in
    /// `closed` for those the state has let go since.
    touched: BTreeSet<IncidentId>,
    closed: BTreeMap<IncidentId, Incident>,
    overdue: Vec<OverdueUpdate>,
    review: Option<ReviewFold>,
}

#[derive(Debug, Clone, Default)]
struct ReviewFold {
    timeline: Vec<TimelineEntry>,
    alarms: BTreeMap<AlarmId, Alarm>,
    notices: Vec<NoticeRow>,
}

impl ReportFold {
    pub fn new(base: State, request: ReportRequest) -> Self {
        let bucket_ms = request.kind.bucket_ms(request.from, request.to);
        let offset = Millis::from(request.utc_offset_minutes) * MINUTE;
        // Bars start on the readers' whole hours (or midnights), not on `from`.
        let first_bucket = request.from - (request.from + offset).rem_euclid(bucket_ms);
        // `to` is inclusive: an event at its very instant counts in the last bar.
        let span = (request.to - first_bucket).max(1);
        let buckets = usize::try_from((span + bucket_ms - 1) / bucket_ms)
            .unwrap_or(1)
            .clamp(1, 2_000);
        let review = (request.kind == ReportKind::Incident && request.incident.is_some())
            .then(ReviewFold::default);
        Self {
            request,
            state: base,
            bucket_ms,
            first_bucket,
            volume: vec![SeverityCounts::default(); buckets],
            raised: SeverityCounts::default(),
            by_source: BTreeMap::new(),
            touched: BTreeSet::new(),
            closed: BTreeMap::new(),
            overdue: Vec::new(),
            review,
        }
    }

    /// The last event folded.
    pub fn seq(&self) -> noc_model::Seq {
        self.state.seq
    }

    /// Folds one event; those outside `from..=to` only move the state.
    pub fn apply(&mut self, event: &Event) {
        let touched = self.state.apply_quiet(event);
        if !(self.request.from..=self.request.to).contains(&event.at) {
            return;
        }
        if let EventBody::AlarmRaised { alarm } = &event.body {
            self.count_alarm(event.at, alarm);
        }
        for id in touched.incidents {
            self.touched.insert(id);
            match self.state.incidents.get(&id) {
                Some(incident) if incident.status.is_closed() => {
                    self.closed.insert(id, incident.clone());
                }
                _ => {}
            }
            self.end_overdue(id, event.at);
        }
        if let EventBody::IncidentUpdateOverdue { incident, due_at } = &event.body {
            self.start_overdue(*incident, *due_at);
        }
        self.follow_review(event);
    }

    fn count_alarm(&mut self, at: Millis, alarm: &Alarm) {
        self.raised.count(alarm.severity);
        *self.by_source.entry(alarm.source.clone()).or_default() += 1;
        let slot = usize::try_from((at - self.first_bucket) / self.bucket_ms)
            .unwrap_or(0)
            .min(self.volume.len() - 1);
        if let Some(bucket) = self.volume.get_mut(slot) {
            bucket.count(alarm.severity);
        }
    }

    fn start_overdue(&mut self, id: IncidentId, due_at: Millis) {
        let title = self
            .incident(id)
            .map(|i| i.title.clone())
            .unwrap_or_default();
        self.overdue.push(OverdueUpdate {
            incident: id,
            title,
            due_at,
            ended_at: None,
            overdue_ms: 0,
        });
    }

    /// An update (or the resolution) ends the incident's open overdue spell.
    fn end_overdue(&mut self, id: IncidentId, at: Millis) {
        let still_overdue = self
            .state
            .incidents
            .get(&id)
            .is_some_and(|i| i.update_overdue && !i.status.is_closed());
        if still_overdue {
            return;
        }
        for spell in self.overdue.iter_mut() {
            if spell.incident == id && spell.ended_at.is_none() {
                spell.ended_at = Some(at);
                spell.overdue_ms = (at - spell.due_at).max(0);
            }
        }
    }

    fn follow_review(&mut self, event: &Event) {
        let Some(target) = self.request.incident else {
            return;
        };
        let Some(review) = self.review.as_mut() else {
            return;
        };
        if event.subject == format!("incident:{target}") {
            review.timeline.push(TimelineEntry {
                seq: event.seq,
                at: event.at,
                actor: event.actor.clone(),
                kind: event.body.kind().to_string(),
                detail: detail_of(&event.body),
            });
            if let EventBody::NoticeSent {
                notice_kind,
                text_zh,
                text_en,
                channels,
                deliveries,
                ..
            } = &event.body
            {
                review.notices.push(NoticeRow {
                    at: event.at,
                    by: event.actor.clone(),
                    kind: *notice_kind,
                    text_zh: text_zh.clone(),
                    text_en: text_en.clone(),
                    channels: channels.clone(),
                    delivered: count(deliveries.iter().filter(|d| d.ok)),
                    attempted: count(deliveries.iter()),
                });
            }
        }
        let alarm_id = match &event.body {
            EventBody::AlarmGrouped { alarm, .. } => Some(*alarm),
            _ => event
                .subject
                .strip_prefix("alarm:")
                .and_then(|id| id.parse::<AlarmId>().ok()),
        };
        if let Some(alarm) = alarm_id
            .and_then(|id| self.state.alarms.get(&id))
            .filter(|a| a.incident == Some(target))
        {
            review.alarms.insert(alarm.id, alarm.clone());
        }
    }

    fn incident(&self, id: IncidentId) -> Option<&Incident> {
        self.state
            .incidents
            .get(&id)
            .or_else(|| self.closed.get(&id))
    }

    /// The report as the range ends.
    pub fn finish(self, targets: &ClockTargets) -> ReportData {
        let request = &self.request;
        let range: RangeInclusive<Millis> = request.from..=request.to;
        let incidents: Vec<&Incident> = self
            .touched
            .iter()
            .filter_map(|id| self.incident(*id))
            .collect();
        let opened: Vec<&Incident> = incidents
            .iter()
            .copied()
            .filter(|i| range.contains(&i.opened_at))
            .collect();

        let mut by_severity = SeverityCounts::default();
        let mut by_system: BTreeMap<Option<String>, u32> = BTreeMap::new();
        let mut compliance = ClockCompliance::default();
        for incident in &opened {
            by_severity.count(incident.severity);
            *by_system.entry(incident.system.clone()).or_default() += 1;
            if counts_in_compliance(incident) {
                let [detect, identify, recover] = incident_clocks(incident, targets, request.to);
                compliance.detect.count(detect);
                compliance.identify.count(identify);
                compliance.recover.count(recover);
            }
        }
        let mut incidents_by_system: Vec<SystemCount> = by_system
            .into_iter()
            .map(|(system, incidents)| SystemCount { system, incidents })
            .collect();
        incidents_by_system.sort_by_key(|s| std::cmp::Reverse(s.incidents));

        let mtta = DurationSummary::of(
            incidents
                .iter()
                .filter_map(|i| time_to_acknowledge(i, &range))
                .collect(),
        );
        let mttr = DurationSummary::of(
            incidents
                .iter()
                .filter_map(|i| time_to_resolve(i, &range))
                .collect(),
        );

        let mut rows: Vec<IncidentRow> = opened
            .iter()
            .map(|i| IncidentRow::of(i, targets, request.to))
            .collect();
        rows.sort_by_key(|r| (r.opened_at, r.id));

        let review = self.review_of(targets);
        let scorecard = (request.kind == ReportKind::Drill)
            .then(|| self.state.drill.as_ref().map(|d| d.scorecard(request.to)))
            .flatten();
        let overdue_updates = self
            .overdue
            .iter()
            .map(|spell| OverdueUpdate {
                overdue_ms: match spell.ended_at {
                    Some(_) => spell.overdue_ms,
                    None => (request.to - spell.due_at).max(0),
                },
                ..spell.clone()
            })
            .collect();

        ReportData {
            kind: request.kind,
            title: request.title.clone(),
            from: request.from,
            to: request.to,
            utc_offset_minutes: request.utc_offset_minutes,
            targets: *targets,
            bucket_ms: self.bucket_ms,
            volume: self
                .volume
                .iter()
                .enumerate()
                .map(|(n, raised)| VolumeBucket {
                    start: self.first_bucket + self.bucket_ms * n as Millis,
                    raised: *raised,
                })
                .collect(),
            alarms_raised: self.raised,
            incidents_by_severity: by_severity,
            incidents_by_system,
            incidents_opened: count(opened.iter()),
            mtta,
            mttr,
            compliance,
            noisiest_sources: noisiest(&self.by_source, total(&self.raised)),
            overdue_updates,
            incidents: rows,
            review,
            scorecard,
        }
    }

    fn review_of(&self, targets: &ClockTargets) -> Option<IncidentReview> {
        let review = self.review.as_ref()?;
        let incident = self.incident(self.request.incident?)?;
        Some(IncidentReview {
            incident: IncidentRow::of(incident, targets, self.request.to),
            cause: incident.identified.as_ref().map(|i| i.cause.clone()),
            timeline: review.timeline.clone(),
            alarms: review.alarms.values().map(AlarmRow::of).collect(),
            notices: review.notices.clone(),
        })
    }
}

fn noisiest(by_source: &BTreeMap<String, u32>, total: u32) -> Vec<SourceNoise> {
    let mut sources: Vec<(&String, &u32)> = by_source.iter().collect();
    // Most alarms first; ties by name, so the order is the same on every run.
    sources.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    sources
        .into_iter()
        .take(NOISIEST_KEPT)
        .map(|(source, &alarms)| SourceNoise {
            source: source.clone(),
            alarms,
            share: if total == 0 {
                0.0
            } else {
                f64::from(alarms) / f64::from(total)
            },
        })
        .collect()
}

pub(crate) fn total(counts: &SeverityCounts) -> u32 {
    counts.critical + counts.major + counts.minor + counts.warning + counts.unknown + counts.info
}

fn count<T>(items: impl Iterator<Item = T>) -> u32 {
    u32::try_from(items.count()).unwrap_or(u32::MAX)
}

/// The words an event about an incident carried, for its timeline.
fn detail_of(body: &EventBody) -> String {
    match body {
        EventBody::IncidentOpened { title, reason, .. } => format!("{title} — {reason}"),
        EventBody::AlarmGrouped { alarm, reason, .. } => format!("alarm #{alarm}: {reason}"),
        EventBody::IncidentCommented { text, .. } => text.clone(),
        EventBody::IncidentIdentified { cause, .. } => cause.clone(),
        EventBody::IncidentMitigated { note, .. } => note.clone(),
        EventBody::IncidentReviewed { summary, .. } => summary.clone(),
        EventBody::IncidentEscalated { level, reason, .. } => format!("L{level}: {reason}"),
        EventBody::IncidentsMerged { from, .. } => format!("#{from}"),
        EventBody::IncidentSplit { into, title, .. } => format!("#{into}: {title}"),
        EventBody::NotificationSent {
            channel,
            trigger,
            ok,
            detail,
            ..
        } => format!(
            "{channel} ({trigger}, {}): {detail}",
            if *ok { "ok" } else { "failed" }
        ),
        EventBody::NoticeSent { notice_kind, .. } => notice_kind.as_str().to_string(),
        EventBody::WriteBackFailed { source, reason, .. } => format!("{source}: {reason}"),
        EventBody::SilenceCreated {
            source, comment, ..
        } => format!("{source}: {comment}"),
        EventBody::AlarmAcknowledgedAtSource {
            source, message, ..
        } => format!("{source}: {message}"),
        _ => String::new(),
    }
}
