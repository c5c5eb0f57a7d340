//! Duty statistics over a time range (today's, for the wall): incidents opened,
//! acknowledged and resolved, mean times, 1-5-10 compliance, and what is open now.
//!
//! They are folded from the event log, not read from the live state: the state keeps
//! only the latest resolved incidents, and a busy day resolves more than that.

use std::collections::BTreeMap;

use noc_model::{
    incident_clocks, ClockState, ClockTargets, Event, HealthStatus, Incident, IncidentId,
    IncidentStatus, Millis, Seq, Severity, State,
};
use noc_store::{Store, StoreError};
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;
use ts_rs::TS;

/// Events read per round trip while folding a range.
const FOLD_CHUNK: u32 = 2_000;

/// Folds kept for reuse: one per distinct `since` (walls in the same time zone all
/// ask for the same midnight), so a poll folds only the events since the last one.
const FOLDS_KEPT: usize = 4;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("the range ends before it starts (since {since}, until {until})")]
    EmptyRange { since: Millis, until: Millis },
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A report covers at most [`crate::MAX_REPORT_DAYS`] days.
    #[error("a report covers at most {max_days} days; this range is {days} days long")]
    RangeTooLong { days: i64, max_days: i64 },
    #[error("an incident review needs the incident's number (incident=<id>)")]
    IncidentRequired,
    #[error("incident #{0} is not in the event log of this range")]
    NoSuchIncident(IncidentId),
    #[error(transparent)]
    Recording(#[from] noc_store::recording::RecordingError),
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
}

/// Open incidents by severity.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema,
)]
pub struct SeverityCounts {
    pub critical: u32,
    pub major: u32,
    pub minor: u32,
    pub warning: u32,
    /// A source's unmapped severity: shown, never dropped.
    pub unknown: u32,
    pub info: u32,
}

impl SeverityCounts {
    pub(crate) fn count(&mut self, severity: Severity) {
        let slot = match severity {
            Severity::Critical => &mut self.critical,
            Severity::Major => &mut self.major,
            Severity::Minor => &mut self.minor,
            Severity::Warning => &mut self.warning,
            Severity::Unknown => &mut self.unknown,
            Severity::Info => &mut self.info,
        };
        *slot += 1;
    }
}

/// How many of the incidents whose clock has stopped or run out (`total`) stopped
/// within the target (`met`). Clocks still running within their target are in neither.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema,
)]
pub struct Tally {
    pub met: u32,
    pub total: u32,
}

impl Tally {
    fn count(&mut self, clock: ClockState) {
        match clock {
            ClockState::Met => {
                self.met += 1;
                self.total += 1;
            }
            ClockState::Missed => self.total += 1,
            ClockState::Running | ClockState::Amber => {}
        }
    }
}

/// The 1-5-10 clocks of the incidents opened in the range, against the policy's targets.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema,
)]
pub struct Compliance {
    pub detect: Tally,
    pub identify: Tally,
    pub recover: Tally,
}

/// Sources by health at the end of the range.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema,
)]
pub struct SourceCounts {
    pub ok: u32,
    /// Data still comes, but slowly, from fewer members, or partly unreadable.
    pub degraded: u32,
    /// No data to trust: stale, unreachable, refused, unreadable.
    pub down: u32,
}

impl SourceCounts {
    fn count(&mut self, status: HealthStatus) {
        let slot = match status {
            HealthStatus::Ok => &mut self.ok,
            HealthStatus::Slow | HealthStatus::Degraded | HealthStatus::UnmappedSeverity => {
                &mut self.degraded
            }
            HealthStatus::Stale
            | HealthStatus::Unreachable
            | HealthStatus::AuthFailed
            | HealthStatus::BadPayload => &mut self.down,
        };
        *slot += 1;
    }
}

/// A shift's numbers for `since..=until` (unix ms).
///
/// Times are counted from an incident's `started_at`, where its 1-5-10 clocks start.
/// `acknowledged`/`mtta_ms` cover incidents acknowledged within the range and
/// `resolved`/`mttr_ms` those resolved within it, whenever they opened; `opened` and
/// `compliance` cover incidents opened within it. Merged incidents count as opened but
/// not as resolved nor in compliance: their alarms live on in another incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct DutyStats {
    #[ts(type = "number")]
    pub since: Millis,
    #[ts(type = "number")]
    pub until: Millis,
    /// Incidents open at `until`.
    pub open_by_severity: SeverityCounts,
    pub opened: u32,
    pub acknowledged: u32,
    /// Mean time to acknowledge; null when nothing was acknowledged.
    #[ts(type = "number | null")]
    pub mtta_ms: Option<Millis>,
    pub resolved: u32,
    /// Mean time to resolve; null when nothing was resolved.
    #[ts(type = "number | null")]
    pub mttr_ms: Option<Millis>,
    pub compliance: Compliance,
    pub sources: SourceCounts,
}

/// The log folded from just before `since`, remembering every incident the range
/// touched, even those the live state has since let go.
#[derive(Debug, Clone)]
pub struct StatsFold {
    since: Millis,
    state: State,
    seen: BTreeMap<IncidentId, Incident>,
}

impl StatsFold {
    /// Starts from the state as it stood before `since`.
    pub fn new(since: Millis, before: State) -> Self {
        Self {
            since,
            state: before,
            seen: BTreeMap::new(),
        }
    }

    pub fn since(&self) -> Millis {
        self.since
    }

    /// The last event folded.
    pub fn seq(&self) -> Seq {
        self.state.seq
    }

    pub fn apply(&mut self, event: &Event) {
        let touched = self.state.apply_quiet(event);
        for id in touched.incidents {
            if let Some(incident) = self.state.incidents.get(&id) {
                self.seen.insert(id, incident.clone());
            }
        }
    }

    /// The numbers as they stand at `until`, once every event up to it is folded.
    pub fn stats(&self, until: Millis, targets: &ClockTargets) -> DutyStats {
        let in_range = |at: Millis| (self.since..=until).contains(&at);
        let mut stats = DutyStats {
            since: self.since,
            until,
            open_by_severity: SeverityCounts::default(),
            opened: 0,
            acknowledged: 0,
            mtta_ms: None,
            resolved: 0,
            mttr_ms: None,
            compliance: Compliance::default(),
            sources: SourceCounts::default(),
        };
        let mut to_ack = Mean::default();
        let mut to_resolve = Mean::default();
        let range = self.since..=until;
        for incident in self.seen.values() {
            if let Some(took) = time_to_acknowledge(incident, &range) {
                stats.acknowledged += 1;
                to_ack.add(took);
            }
            if let Some(took) = time_to_resolve(incident, &range) {
                stats.resolved += 1;
                to_resolve.add(took);
            }
            if in_range(incident.opened_at) {
                stats.opened += 1;
                if counts_in_compliance(incident) {
                    let [detect, identify, recover] = incident_clocks(incident, targets, until);
                    stats.compliance.detect.count(detect);
                    stats.compliance.identify.count(identify);
                    stats.compliance.recover.count(recover);
                }
            }
        }
        stats.mtta_ms = to_ack.value();
        stats.mttr_ms = to_resolve.value();
        for incident in self.state.incidents.values() {
            if !incident.status.is_closed() {
                stats.open_by_severity.count(incident.severity);
            }
        }
        for source in self.state.sources.values() {
            stats.sources.count(source.status);
        }
        stats
    }

    /// Folds the store's events after [`Self::seq`] up to `upto`.
    async fn advance(&mut self, store: &Store, upto: Seq) -> Result<(), StoreError> {
        while self.seq() < upto {
            let events = store.events_after(self.seq(), FOLD_CHUNK).await?;
            if events.is_empty() {
                break;
            }
            for event in events.iter().take_while(|e| e.seq <= upto) {
                self.apply(event);
            }
        }
        Ok(())
    }
}

/// MTTA's term: from the incident's start (its first alarm, where the 1-5-10 clocks
/// start) to its acknowledgement, for an incident acknowledged within `range`.
pub(crate) fn time_to_acknowledge(
    incident: &Incident,
    range: &std::ops::RangeInclusive<Millis>,
) -> Option<Millis> {
    let ack = incident.acknowledged.as_ref()?;
    range
        .contains(&ack.at)
        .then(|| ack.at - incident.started_at)
}

/// MTTR's term: from the incident's start to its resolution, for an incident resolved
/// within `range`. A merged incident has no resolution of its own.
pub(crate) fn time_to_resolve(
    incident: &Incident,
    range: &std::ops::RangeInclusive<Millis>,
) -> Option<Millis> {
    let at = incident.resolved_at?;
    (range.contains(&at) && incident.status != IncidentStatus::Merged)
        .then(|| at - incident.started_at)
}

/// Whether the incident's 1-5-10 clocks count: a merged incident's alarms are counted
/// in the incident it joined.
pub(crate) fn counts_in_compliance(incident: &Incident) -> bool {
    incident.status != IncidentStatus::Merged
}

/// A mean of durations, rounded down to the millisecond.
#[derive(Default)]
pub(crate) struct Mean {
    sum: i128,
    n: i128,
}

impl Mean {
    pub(crate) fn add(&mut self, ms: Millis) {
        self.sum += i128::from(ms);
        self.n += 1;
    }

    pub(crate) fn value(&self) -> Option<Millis> {
        (self.n > 0).then(|| Millis::try_from(self.sum / self.n).unwrap_or(Millis::MAX))
    }
}

/// Statistics from a store, reusing the folds of earlier requests: every wall polls
/// today's numbers every half minute, and each poll then folds only the new events.
#[derive(Default)]
pub struct StatsCache {
    /// Most recently used first. Behind an async lock so that walls polling at the
    /// same moment fold the new events once, one after the other.
    folds: Mutex<Vec<StatsFold>>,
}

impl StatsCache {
    pub async fn duty_stats(
        &self,
        store: &Store,
        since: Millis,
        until: Millis,
        targets: &ClockTargets,
    ) -> Result<DutyStats, ReportError> {
        if until < since {
            return Err(ReportError::EmptyRange { since, until });
        }
        let upto = store.last_seq_at(until).await?;
        let mut folds = self.folds.lock().await;
        let reusable = folds
            .iter()
            .position(|f| f.since() == since && f.seq() <= upto);
        let mut fold = match reusable {
            Some(i) => folds.remove(i),
            None => {
                let start = store.last_seq_at(since.saturating_sub(1)).await?;
                StatsFold::new(since, store.state_at(start.min(upto)).await?)
            }
        };
        fold.advance(store, upto).await?;
        let stats = fold.stats(until, targets);
        folds.insert(0, fold);
        folds.truncate(FOLDS_KEPT);
        Ok(stats)
    }
}

/// The TypeScript declarations of the statistics, for the UI (`ui/src/wall/dutyStats.ts`).
pub fn typescript_bindings() -> String {
    use ts_rs::Config;
    let cfg = Config::default();
    let decls = [
        SeverityCounts::decl(&cfg),
        Tally::decl(&cfg),
        Compliance::decl(&cfg),
        SourceCounts::decl(&cfg),
        DutyStats::decl(&cfg),
    ];
    noc_model::typescript_file("noc-report", decls)
}
