//! The duty rules a team sets: the 1-5-10 targets, the update deadline, escalation,
//! flapping and rule-based grouping. The engine applies them; the UI shows them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Alarm, Incident, Millis, Severity};

const MIN: Millis = 60_000;

/// 1-5-10: detect within 1 minute, identify (定界) within 5, recover within 10,
/// each counted from the incident's first alarm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct ClockTargets {
    #[ts(type = "number")]
    pub detect_ms: Millis,
    #[ts(type = "number")]
    pub identify_ms: Millis,
    #[ts(type = "number")]
    pub recover_ms: Millis,
}

impl Default for ClockTargets {
    fn default() -> Self {
        Self {
            detect_ms: MIN,
            identify_ms: 5 * MIN,
            recover_ms: 10 * MIN,
        }
    }
}

/// One step of an escalation policy: an incident of at least `min_severity` still
/// unacknowledged `after_ms` after it opened goes to `level`, and `notify` is told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct EscalationStep {
    pub level: u32,
    #[ts(type = "number")]
    pub after_ms: Millis,
    pub min_severity: Severity,
    /// Names of notification channels.
    pub notify: Vec<String>,
}

/// An alarm that changes between firing and cleared `changes` times within
/// `window_ms` is flapping: it stays on the board, marked, and notifications about it
/// are held until it settles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct FlappingRule {
    pub changes: u32,
    #[ts(type = "number")]
    pub window_ms: Millis,
}

impl Default for FlappingRule {
    fn default() -> Self {
        Self {
            changes: 5,
            window_ms: 10 * MIN,
        }
    }
}

/// Alarms with equal values of all `labels` within `window_ms` of the incident's
/// opening join one incident (e.g. the same `service`), whatever the topology says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct GroupingRule {
    pub name: String,
    pub labels: Vec<String>,
    #[ts(type = "number")]
    pub window_ms: Millis,
}

/// How a source's alarms are identified: the label names whose values, with the
/// source name, form the fingerprint. Without a rule the source's own key is used
/// (for Alertmanager its fingerprint, for Zabbix the trigger, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct FingerprintRule {
    pub source: String,
    pub labels: Vec<String>,
}

/// Operators' knowledge that an alarm of type `cause` brings alarms of type `effect`
/// on the same or a linked node (e.g. `LINK_DOWN` causes `LOS` on the neighbour).
/// Types are named as [`alarm_type`] names them. Rules chain: A causes B and B causes
/// C means A causes C.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct CausalRule {
    pub cause: String,
    pub effect: String,
}

/// The type of an alarm, as causal rules name it: the label `alertname` (Prometheus'
/// convention), else the label `alarm_type` (the replay source sets it), else the
/// title — every source gives one of these without configuration.
pub fn alarm_type(alarm: &Alarm) -> &str {
    ["alertname", "alarm_type"]
        .iter()
        .find_map(|name| alarm.labels.get(*name))
        .map_or(alarm.title.as_str(), String::as_str)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct DutyPolicy {
    pub targets: ClockTargets,
    /// An open incident needs an operator update (comment or milestone) at least this often.
    #[ts(type = "number")]
    pub update_every_ms: Millis,
    pub escalation: Vec<EscalationStep>,
    pub flapping: FlappingRule,
    pub grouping: Vec<GroupingRule>,
    pub fingerprints: Vec<FingerprintRule>,
    /// Cause → effect rules between alarm types. When there are any, alarms on related
    /// nodes share an incident only if their types are related by them.
    #[serde(default)]
    pub causal: Vec<CausalRule>,
}

impl Default for DutyPolicy {
    fn default() -> Self {
        Self {
            targets: ClockTargets::default(),
            update_every_ms: 30 * MIN,
            escalation: Vec::new(),
            flapping: FlappingRule::default(),
            grouping: Vec::new(),
            fingerprints: Vec::new(),
            causal: Vec::new(),
        }
    }
}

/// Where one 1-5-10 clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    /// Running, under 80 % of the target.
    Running,
    /// Running, past 80 % of the target.
    Amber,
    /// Running or stopped past the target.
    Missed,
    /// Stopped within the target.
    Met,
}

/// The state of one clock that started at `start`, stopped at `stop` (if it has),
/// with `target`, as seen at `now`.
pub fn clock_state(start: Millis, stop: Option<Millis>, target: Millis, now: Millis) -> ClockState {
    let elapsed = stop.unwrap_or(now) - start;
    match stop {
        Some(_) if elapsed <= target => ClockState::Met,
        _ if elapsed > target => ClockState::Missed,
        None if elapsed * 5 >= target * 4 => ClockState::Amber,
        None => ClockState::Running,
        Some(_) => ClockState::Missed,
    }
}

/// The three clocks of an incident: detect stops at acknowledgement, identify at
/// 定界, recover at mitigation or resolution (whichever came first).
pub fn incident_clocks(inc: &Incident, targets: &ClockTargets, now: Millis) -> [ClockState; 3] {
    let recovered = match (inc.mitigated.as_ref().map(|m| m.at), inc.resolved_at) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    [
        clock_state(
            inc.started_at,
            inc.acknowledged.as_ref().map(|m| m.at),
            targets.detect_ms,
            now,
        ),
        clock_state(
            inc.started_at,
            inc.identified.as_ref().map(|m| m.at),
            targets.identify_ms,
            now,
        ),
        clock_state(inc.started_at, recovered, targets.recover_ms, now),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_turns_amber_then_missed() {
        assert_eq!(clock_state(0, None, 100, 50), ClockState::Running);
        assert_eq!(clock_state(0, None, 100, 80), ClockState::Amber);
        assert_eq!(clock_state(0, None, 100, 101), ClockState::Missed);
        assert_eq!(clock_state(0, Some(100), 100, 500), ClockState::Met);
        assert_eq!(clock_state(0, Some(150), 100, 500), ClockState::Missed);
    }
}
