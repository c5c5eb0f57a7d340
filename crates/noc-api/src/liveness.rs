//! Stale detection: a source that stops reporting (its task died or hangs) is
//! shown as stale, so the board never keeps showing old data as current.

use std::collections::HashMap;
use std::time::Duration;

use noc_model::{HealthStatus, Millis, SourceHealth, State};

/// Beyond this many intervals without a sign of life a source is stale.
const MISSED_INTERVALS: u32 = 3;
/// Slack for a slow poll that still ends within its timeout.
const GRACE: Duration = Duration::from_secs(5);

#[derive(Debug, Default)]
pub(crate) struct Liveness {
    watched: HashMap<String, Watched>,
}

#[derive(Debug)]
struct Watched {
    kind: String,
    interval: Duration,
    limit: Duration,
    last_seen: Millis,
    /// What the source itself last said about its health, restored when it lives again.
    reported: Option<SourceHealth>,
}

impl Liveness {
    /// Starts watching a source that is expected to report every `interval`.
    pub fn watch(&mut self, source: &str, kind: &str, interval: Duration, now: Millis) {
        let limit = interval * MISSED_INTERVALS + GRACE;
        self.watch_within(source, kind, interval, limit, now);
    }

    /// Starts watching a source that is stale once silent for `limit` (a webhook
    /// whose sender has a heartbeat, e.g. Alertmanager's Watchdog alert).
    pub fn watch_within(
        &mut self,
        source: &str,
        kind: &str,
        interval: Duration,
        limit: Duration,
        now: Millis,
    ) {
        self.watched.insert(
            source.to_string(),
            Watched {
                kind: kind.to_string(),
                interval,
                limit,
                last_seen: now,
                reported: None,
            },
        );
    }

    pub fn forget(&mut self, source: &str) {
        self.watched.remove(source);
    }

    /// A sign of life; returns the health to restore if the source was marked stale.
    pub fn alive(&mut self, source: &str, now: Millis, state: &State) -> Option<SourceHealth> {
        let watched = self.watched.get_mut(source)?;
        watched.last_seen = now;
        let shown = state.sources.get(source)?;
        if shown.status != HealthStatus::Stale || shown.kind != watched.kind {
            return None;
        }
        Some(watched.reported.clone().unwrap_or_else(|| SourceHealth {
            source: source.to_string(),
            kind: watched.kind.clone(),
            status: HealthStatus::Ok,
            detail: String::new(),
            since: now,
            last_ok: Some(now),
            demo: false,
        }))
    }

    /// Remembers a source's own health report.
    pub fn reported(&mut self, health: &SourceHealth, now: Millis) {
        if let Some(watched) = self.watched.get_mut(&health.source) {
            watched.last_seen = now;
            watched.reported = Some(health.clone());
        }
    }

    /// Health reports for sources silent too long and not yet shown as stale.
    pub fn overdue(&self, now: Millis, state: &State) -> Vec<SourceHealth> {
        self.watched
            .iter()
            .filter(|(_, w)| now - w.last_seen > w.limit.as_millis() as Millis)
            .filter(|(name, _)| {
                state
                    .sources
                    .get(*name)
                    .is_none_or(|h| h.status != HealthStatus::Stale)
            })
            .map(|(name, w)| SourceHealth {
                source: name.clone(),
                kind: w.kind.clone(),
                status: HealthStatus::Stale,
                detail: format!(
                    "no report for {} s (expected every {} s)",
                    (now - w.last_seen) / 1000,
                    w.interval.as_secs()
                ),
                since: now,
                last_ok: state.sources.get(name).and_then(|h| h.last_ok),
                demo: false,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use noc_model::State;

    fn shown(state: &mut State, health: SourceHealth) {
        state.sources.insert(health.source.clone(), health);
    }

    #[test]
    fn a_silent_source_turns_stale_once_and_recovers_its_own_report() {
        let mut live = Liveness::default();
        let mut state = State::default();
        live.watch("am", "alertmanager", Duration::from_secs(10), 0);
        assert!(live.overdue(30_000, &state).is_empty(), "within the limit");
        let stale = live.overdue(40_000, &state);
        assert_eq!(stale.len(), 1);
        assert_eq!(stale[0].status, HealthStatus::Stale);
        assert!(stale[0].detail.contains("40 s"), "{}", stale[0].detail);
        shown(&mut state, stale[0].clone());
        assert!(live.overdue(50_000, &state).is_empty(), "reported once");

        let restored = live.alive("am", 51_000, &state).expect("restored");
        assert_eq!(restored.status, HealthStatus::Ok);
        shown(&mut state, restored);
        assert!(
            live.alive("am", 52_000, &state).is_none(),
            "nothing to restore"
        );
    }

    #[test]
    fn the_restored_health_is_what_the_source_last_said() {
        let mut live = Liveness::default();
        let mut state = State::default();
        live.watch("am", "alertmanager", Duration::from_secs(1), 0);
        let unreachable = SourceHealth {
            source: "am".into(),
            kind: "alertmanager".into(),
            status: HealthStatus::Unreachable,
            detail: "connection refused".into(),
            since: 0,
            last_ok: None,
            demo: false,
        };
        live.reported(&unreachable, 0);
        let stale = live.overdue(60_000, &state);
        shown(&mut state, stale[0].clone());
        assert_eq!(live.alive("am", 61_000, &state), Some(unreachable));
    }

    #[test]
    fn a_forgotten_source_is_never_stale() {
        let mut live = Liveness::default();
        live.watch("am", "alertmanager", Duration::from_secs(1), 0);
        live.forget("am");
        assert!(live.overdue(600_000, &State::default()).is_empty());
    }
}
