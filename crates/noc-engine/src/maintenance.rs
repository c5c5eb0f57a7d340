//! Maintenance windows: alarms an active window covers are suppressed. A suppressed
//! new alarm is grouped nowhere (no incident, nobody notified) but stays on the board
//! under a filter; an alarm already in an incident stays there, marked. When the window
//! ends (or is cancelled) the mark is lifted and an alarm still firing outside every
//! incident is placed as a new alarm would be.

use std::collections::BTreeSet;

use noc_model::{AlarmId, AlarmStatus, EventBody, Millis, NewEvent};

use crate::{Engine, ENGINE_ACTOR};

impl Engine {
    /// The first window (by id) active at `now` that covers the firing alarm.
    pub(crate) fn covering_window(&self, id: AlarmId, now: Millis) -> Option<String> {
        let alarm = self.state.alarms.get(&id)?;
        if alarm.status != AlarmStatus::Active {
            return None;
        }
        self.state
            .maintenance
            .values()
            .find(|w| w.is_active(now) && w.covers(alarm.node.as_deref(), &alarm.labels))
            .map(|w| w.id.clone())
    }

    /// Brings an alarm's mark in line with the windows in force: it keeps the window
    /// that suppresses it while that window is active and covers it; otherwise it takes
    /// the first active window covering it (if it fires), or none. An alarm released
    /// while firing outside every incident is placed now.
    pub(crate) fn reconsider_suppression(
        &mut self,
        id: AlarmId,
        now: Millis,
        out: &mut Vec<NewEvent>,
    ) {
        let Some(alarm) = self.state.alarms.get(&id) else {
            return;
        };
        let current = alarm.suppressed_by.clone();
        let still = current.as_ref().is_some_and(|w| {
            self.state
                .maintenance
                .get(w)
                .is_some_and(|w| w.is_active(now) && w.covers(alarm.node.as_deref(), &alarm.labels))
        });
        let wanted = if still {
            current.clone()
        } else {
            self.covering_window(id, now)
        };
        if wanted != current {
            let body = EventBody::AlarmSuppressed {
                alarm: id,
                window: wanted.clone(),
            };
            self.emit(out, now, ENGINE_ACTOR.to_string(), body);
        }
        let ungrouped_firing = self
            .state
            .alarms
            .get(&id)
            .is_some_and(|a| a.incident.is_none() && a.status == AlarmStatus::Active);
        if wanted.is_none() && ungrouped_firing {
            self.place_and_group(id, now, out);
        }
    }

    /// On every tick: windows that ended, were cancelled or changed release their
    /// alarms; windows that started (or changed) suppress the firing alarms they cover.
    pub(crate) fn follow_windows(&mut self, now: Millis, out: &mut Vec<NewEvent>) {
        let active: BTreeSet<String> = self
            .state
            .maintenance
            .values()
            .filter(|w| w.is_active(now))
            .map(|w| w.id.clone())
            .collect();
        let changed = std::mem::take(&mut self.changed_windows);
        let ended: Vec<String> = self
            .suppressing
            .keys()
            .filter(|w| !active.contains(*w) || changed.contains(*w))
            .cloned()
            .collect();
        for window in ended {
            let alarms: Vec<AlarmId> = self
                .suppressing
                .get(&window)
                .map(|ids| ids.iter().copied().collect())
                .unwrap_or_default();
            for id in alarms {
                self.reconsider_suppression(id, now, out);
            }
        }
        let started: Vec<String> = active
            .iter()
            .filter(|w| !self.active_windows.contains(*w) || changed.contains(*w))
            .cloned()
            .collect();
        if !started.is_empty() {
            let covered: Vec<AlarmId> = self
                .state
                .alarms
                .values()
                .filter(|a| a.status == AlarmStatus::Active && a.suppressed_by.is_none())
                .filter(|a| {
                    started
                        .iter()
                        .any(|w| self.state.maintenance[w].covers(a.node.as_deref(), &a.labels))
                })
                .map(|a| a.id)
                .collect();
            for id in covered {
                self.reconsider_suppression(id, now, out);
            }
        }
        self.active_windows = active;
    }
}
