//! The handover (交接班) between shifts, the shift log (班次日志) and the patrol (巡检):
//! what a shift leaves to the next, kept in the live state as [`DutyState`].

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::roster::OVERRIDES_KEPT;
use crate::{
    DutyOverride, EventBody, IncidentId, IncidentStatus, MaintenanceWindow, Mark, Millis,
    Recurrence, Roster, Severity, State,
};

/// Handovers kept in the live state (the log keeps them all).
pub const HANDOVERS_KEPT: usize = 30;
/// Shift log entries and patrol results kept in the live state.
pub const SHIFT_RECORDS_KEPT: usize = 500;
/// Maintenance starting this soon is planned work the next shift must know about.
pub const CHANGES_AHEAD_MS: Millis = 12 * 60 * 60 * 1000;
const DAY_MS: Millis = 24 * 60 * 60 * 1000;

/// An open incident as the outgoing shift hands it over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct HandoverIncident {
    #[ts(type = "number")]
    pub id: IncidentId,
    pub title: String,
    pub severity: Severity,
    pub status: IncidentStatus,
    /// Who acknowledged (owns) it.
    pub owner: Option<String>,
    #[ts(type = "number")]
    pub opened_at: Millis,
    pub update_overdue: bool,
}

/// What was true when a shift handed over, generated from the live state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct HandoverSummary {
    /// The outgoing slot's key.
    pub shift: String,
    pub next_shift: Option<String>,
    #[ts(type = "number")]
    pub generated_at: Millis,
    /// Worst first, then oldest first.
    pub open_incidents: Vec<HandoverIncident>,
    pub unseen_alarms: u32,
    /// Incidents whose update deadline passed.
    #[ts(type = "Array<number>")]
    pub overdue_updates: Vec<IncidentId>,
    /// Maintenance in force or starting within 12 hours.
    pub changes: Vec<MaintenanceWindow>,
    pub patrol: Vec<PatrolResult>,
    pub log: Vec<ShiftLogEntry>,
    /// The outgoing shift's own words.
    pub notes: String,
}

/// A handover: signed by the outgoing shift, accepted by the incoming one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct Handover {
    pub shift: String,
    pub next_shift: Option<String>,
    pub summary: HandoverSummary,
    pub signed: Mark,
    pub accepted: Option<Mark>,
    /// What the incoming shift said on accepting.
    pub remarks: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct ShiftLogEntry {
    /// The slot key.
    pub shift: String,
    #[ts(type = "number")]
    pub at: Millis,
    pub by: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct PatrolResult {
    /// The slot key.
    pub shift: String,
    /// One item of the roster's patrol checklist.
    pub item: String,
    pub ok: bool,
    pub note: String,
    #[ts(type = "number")]
    pub at: Millis,
    pub by: String,
}

/// The duty side of the live state: the roster and what the shifts recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS, utoipa::ToSchema)]
pub struct DutyState {
    pub roster: Option<Roster>,
    /// Overrides and swaps, in the order they were made.
    pub overrides: Vec<DutyOverride>,
    /// The last 30 handovers, oldest first.
    pub handovers: Vec<Handover>,
    /// The last 500 entries, oldest first.
    pub log: Vec<ShiftLogEntry>,
    /// The last 500 results, oldest first; one per slot and item.
    pub patrol: Vec<PatrolResult>,
}

impl DutyState {
    /// What every screen receives in its snapshot: the latest handover only. Each one
    /// carries its whole summary, so thirty of them in a storm would weigh on every
    /// connecting screen; the history is `GET /api/duty/handovers`.
    pub fn for_snapshot(&self) -> DutyState {
        DutyState {
            roster: self.roster.clone(),
            overrides: self.overrides.clone(),
            handovers: self.handovers.last().cloned().into_iter().collect(),
            log: self.log.clone(),
            patrol: self.patrol.clone(),
        }
    }

    /// Folds a duty event; `false` for any other event.
    pub fn apply(&mut self, body: &EventBody, actor: &str, at: Millis) -> bool {
        match body {
            EventBody::RosterDefined { roster } => self.roster = Some(roster.clone()),
            EventBody::DutyOverridden { over } => self.push_override(over.clone()),
            EventBody::ShiftSwapped { first, second } => {
                self.push_override(first.clone());
                self.push_override(second.clone());
            }
            EventBody::HandoverSigned { handover } => {
                self.handovers.retain(|h| h.shift != handover.shift);
                self.handovers.push(handover.clone());
                trim_front(&mut self.handovers, HANDOVERS_KEPT);
            }
            EventBody::HandoverAccepted { shift, remarks } => {
                if let Some(h) = self.handovers.iter_mut().find(|h| h.shift == *shift) {
                    h.accepted = Some(Mark {
                        by: actor.to_string(),
                        at,
                    });
                    h.remarks.clone_from(remarks);
                }
            }
            EventBody::ShiftLogged { entry } => {
                self.log.push(entry.clone());
                trim_front(&mut self.log, SHIFT_RECORDS_KEPT);
            }
            EventBody::PatrolRecorded { result } => {
                self.patrol
                    .retain(|p| !(p.shift == result.shift && p.item == result.item));
                self.patrol.push(result.clone());
                trim_front(&mut self.patrol, SHIFT_RECORDS_KEPT);
            }
            _ => return false,
        }
        true
    }

    fn push_override(&mut self, over: DutyOverride) {
        self.overrides.push(over);
        trim_front(&mut self.overrides, OVERRIDES_KEPT);
    }

    pub fn handover(&self, shift: &str) -> Option<&Handover> {
        self.handovers.iter().find(|h| h.shift == shift)
    }

    pub fn log_of(&self, shift: &str) -> Vec<ShiftLogEntry> {
        self.log
            .iter()
            .filter(|e| e.shift == shift)
            .cloned()
            .collect()
    }

    pub fn patrol_of(&self, shift: &str) -> Vec<PatrolResult> {
        self.patrol
            .iter()
            .filter(|p| p.shift == shift)
            .cloned()
            .collect()
    }
}

fn trim_front<T>(list: &mut Vec<T>, keep: usize) {
    if list.len() > keep {
        list.drain(..list.len() - keep);
    }
}

impl HandoverSummary {
    /// What the slot `shift` hands to `next_shift` at `now`, from the live state.
    pub fn generate(
        state: &State,
        shift: &str,
        next_shift: Option<&str>,
        now: Millis,
        notes: &str,
    ) -> HandoverSummary {
        let mut open_incidents: Vec<HandoverIncident> = state
            .incidents
            .values()
            .filter(|i| !i.status.is_closed())
            .map(|i| HandoverIncident {
                id: i.id,
                title: i.title.clone(),
                severity: i.severity,
                status: i.status,
                owner: i.acknowledged.as_ref().map(|m| m.by.clone()),
                opened_at: i.opened_at,
                update_overdue: i.update_overdue,
            })
            .collect();
        open_incidents.sort_by_key(|i| (std::cmp::Reverse(i.severity.rank()), i.opened_at, i.id));
        let overdue_updates = open_incidents
            .iter()
            .filter(|i| i.update_overdue)
            .map(|i| i.id)
            .collect();
        let unseen = state.alarms.values().filter(|a| a.unseen).count();
        HandoverSummary {
            shift: shift.to_string(),
            next_shift: next_shift.map(str::to_string),
            generated_at: now,
            open_incidents,
            unseen_alarms: u32::try_from(unseen).unwrap_or(u32::MAX),
            overdue_updates,
            changes: state
                .maintenance
                .values()
                .filter(|w| w.is_active(now) || starts_soon(w, now))
                .cloned()
                .collect(),
            patrol: state.duty.patrol_of(shift),
            log: state.duty.log_of(shift),
            notes: notes.to_string(),
        }
    }
}

/// The window's next occurrence starts within [`CHANGES_AHEAD_MS`] of `now`.
fn starts_soon(window: &MaintenanceWindow, now: Millis) -> bool {
    let period = match window.recurrence {
        Recurrence::Once => None,
        Recurrence::Daily => Some(DAY_MS),
        Recurrence::Weekly => Some(7 * DAY_MS),
    };
    let next = match period {
        _ if now <= window.starts_at => window.starts_at,
        None => return false,
        Some(p) => window.starts_at + (now - window.starts_at).div_euclid(p) * p + p,
    };
    next - now <= CHANGES_AHEAD_MS && window.until.is_none_or(|u| next < u)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Alarm, AlarmId, Incident};

    const T0: Millis = 1_795_392_000_000;
    const HOUR: Millis = 60 * 60 * 1000;

    fn incident(id: IncidentId, severity: Severity, overdue: bool) -> Incident {
        serde_json::from_value(serde_json::json!({
            "id": id, "title": format!("incident {id}"), "severity": severity,
            "status": "open", "root_node": null, "root_alarm": null, "system": null,
            "layer": null, "alarms": [], "nodes": [], "active_alarms": 1, "reason": "",
            "opened_at": T0 + id, "acknowledged": null, "resolved_at": null,
            "updated_at": T0, "comments": 0, "update_overdue": overdue,
        }))
        .unwrap()
    }

    fn unseen_alarm(id: AlarmId) -> Alarm {
        serde_json::from_value(serde_json::json!({
            "id": id, "fingerprint": "f", "source": "demo", "node": null,
            "severity": "major", "title": "down", "text": "", "labels": {},
            "status": "active", "first_seen": T0, "last_seen": T0, "cleared_at": null,
            "count": 1, "incident": null, "unseen": true,
        }))
        .unwrap()
    }

    fn window(
        id: &str,
        starts_at: Millis,
        ends_at: Millis,
        recurrence: Recurrence,
    ) -> MaintenanceWindow {
        MaintenanceWindow {
            id: id.into(),
            title: id.into(),
            starts_at,
            ends_at,
            recurrence,
            until: None,
            matchers: vec![],
            nodes: vec!["db-1".into()],
            created_by: "li.wei".into(),
        }
    }

    #[test]
    fn maintenance_in_force_or_starting_within_12_hours_is_a_change() {
        let now = T0;
        assert!(starts_soon(
            &window("soon", now + 11 * HOUR, now + 13 * HOUR, Recurrence::Once),
            now
        ));
        assert!(!starts_soon(
            &window("later", now + 13 * HOUR, now + 14 * HOUR, Recurrence::Once),
            now
        ));
        assert!(!starts_soon(
            &window("past", now - 3 * HOUR, now - 2 * HOUR, Recurrence::Once),
            now
        ));
        // Daily at now-20h: next at now+4h.
        assert!(starts_soon(
            &window("daily", now - 20 * HOUR, now - 19 * HOUR, Recurrence::Daily),
            now
        ));
        let mut ended = window("ended", now - 20 * HOUR, now - 19 * HOUR, Recurrence::Daily);
        ended.until = Some(now + HOUR);
        assert!(!starts_soon(&ended, now));
    }

    #[test]
    fn the_summary_tells_what_the_next_shift_inherits() {
        let mut state = State::default();
        state
            .incidents
            .insert(1, incident(1, Severity::Minor, false));
        state
            .incidents
            .insert(2, incident(2, Severity::Critical, true));
        let mut closed = incident(3, Severity::Critical, false);
        closed.status = IncidentStatus::Resolved;
        state.incidents.insert(3, closed);
        state.alarms.insert(9, unseen_alarm(9));
        let running = window("running", T0 - HOUR, T0 + HOUR, Recurrence::Once);
        state.maintenance.insert("running".into(), running.clone());
        state.maintenance.insert(
            "far".into(),
            window("far", T0 + 20 * HOUR, T0 + 21 * HOUR, Recurrence::Once),
        );
        let slot = "day@1";
        state.duty.apply(
            &EventBody::ShiftLogged {
                entry: ShiftLogEntry {
                    shift: slot.into(),
                    at: T0,
                    by: "li.wei".into(),
                    text: "UPS test done".into(),
                },
            },
            "li.wei",
            T0,
        );
        let s = HandoverSummary::generate(&state, slot, Some("night@2"), T0, "watch db-1");
        let ids: Vec<_> = s.open_incidents.iter().map(|i| i.id).collect();
        assert_eq!(ids, vec![2, 1]);
        assert_eq!(s.overdue_updates, vec![2]);
        assert_eq!(s.unseen_alarms, 1);
        assert_eq!(s.changes, vec![running]);
        assert_eq!(s.log.len(), 1);
        assert_eq!(s.notes, "watch db-1");
        assert_eq!(s.next_shift.as_deref(), Some("night@2"));
    }

    #[test]
    fn patrol_results_replace_their_item_and_lists_are_bounded() {
        let mut duty = DutyState::default();
        for (i, ok) in [(0, false), (1, true)] {
            duty.apply(
                &EventBody::PatrolRecorded {
                    result: PatrolResult {
                        shift: "day@1".into(),
                        item: "UPS".into(),
                        ok,
                        note: String::new(),
                        at: T0 + i,
                        by: "li.wei".into(),
                    },
                },
                "li.wei",
                T0 + i,
            );
        }
        assert_eq!(duty.patrol_of("day@1").len(), 1);
        assert!(duty.patrol[0].ok);
        for i in 0..(SHIFT_RECORDS_KEPT + 5) {
            let entry = ShiftLogEntry {
                shift: "day@1".into(),
                at: T0 + i as Millis,
                by: "li.wei".into(),
                text: format!("entry {i}"),
            };
            duty.apply(&EventBody::ShiftLogged { entry }, "li.wei", T0);
        }
        assert_eq!(duty.log.len(), SHIFT_RECORDS_KEPT);
        assert_eq!(duty.log[0].text, "entry 5");
    }

    #[test]
    fn a_snapshot_carries_only_the_latest_handover() {
        let mut duty = DutyState::default();
        for slot in 0..3 {
            let shift = format!("day@{slot}");
            let handover = Handover {
                shift: shift.clone(),
                next_shift: None,
                summary: HandoverSummary {
                    shift,
                    next_shift: None,
                    generated_at: T0,
                    open_incidents: Vec::new(),
                    unseen_alarms: 0,
                    overdue_updates: Vec::new(),
                    changes: Vec::new(),
                    patrol: Vec::new(),
                    log: Vec::new(),
                    notes: format!("notes {slot}"),
                },
                signed: Mark {
                    by: "li.wei".into(),
                    at: T0,
                },
                accepted: None,
                remarks: String::new(),
            };
            duty.apply(&EventBody::HandoverSigned { handover }, "li.wei", T0);
        }
        let screens = duty.for_snapshot();
        assert_eq!(duty.handovers.len(), 3);
        assert_eq!(screens.handovers.len(), 1);
        assert_eq!(screens.handovers[0].summary.notes, "notes 2");
    }
}
