//! Flapping: a fingerprint that changes between firing and cleared `changes` times
//! within `window_ms` is flapping. The changes are remembered per fingerprint, across
//! the alarm ids it has had (an alarm resolved and raised again is one more change),
//! in the engine's memory only.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, VecDeque};

use noc_model::{Alarm, AlarmId, AlarmStatus, EventBody, Millis, NewEvent};

use crate::timer::Timer;
use crate::{Engine, ENGINE_ACTOR};

#[derive(Debug)]
struct Record {
    /// The fingerprint's latest alarm.
    alarm: AlarmId,
    firing: bool,
    /// When it changed, oldest first, within the window.
    changes: VecDeque<Millis>,
}

#[derive(Debug, Default)]
pub(crate) struct Flaps {
    records: HashMap<String, Record>,
}

impl Flaps {
    /// A live alarm found in the folded state after a restart: no change remembered.
    pub(crate) fn resume(&mut self, alarm: &Alarm) {
        self.records.insert(
            alarm.fingerprint.clone(),
            Record {
                alarm: alarm.id,
                firing: alarm.status == AlarmStatus::Active,
                changes: VecDeque::new(),
            },
        );
    }
}

impl Flaps {
    /// A fingerprint that left the live state with no recent change is forgotten.
    pub(crate) fn forget_if_quiet(&mut self, fingerprint: &str) {
        if self
            .records
            .get(fingerprint)
            .is_some_and(|r| r.changes.is_empty())
        {
            self.records.remove(fingerprint);
        }
    }
}

impl Engine {
    /// The alarm `id` of `fingerprint` now fires (`true`) or is cleared. A change of
    /// state is remembered; enough of them within the window mark the alarm flapping.
    pub(crate) fn note_change(
        &mut self,
        fingerprint: &str,
        id: AlarmId,
        firing: bool,
        now: Millis,
        out: &mut Vec<NewEvent>,
    ) {
        let rule = self.config.policy.flapping;
        if rule.changes == 0 {
            return;
        }
        let record = match self.flaps.records.entry(fingerprint.to_string()) {
            Entry::Occupied(entry) => entry.into_mut(),
            // The first sighting of a fingerprint (or the first after a whole quiet
            // window, when it was forgotten) is not a change.
            Entry::Vacant(entry) => {
                entry.insert(Record {
                    alarm: id,
                    firing,
                    changes: VecDeque::new(),
                });
                return;
            }
        };
        record.alarm = id;
        if record.firing == firing {
            return;
        }
        record.firing = firing;
        record.changes.push_back(now);
        prune(record, rule.window_ms, now);
        let count = record.changes.len();
        let flapping_now = count >= rule.changes as usize;
        let already = self.state.alarms.get(&id).is_some_and(|a| a.flapping);
        let due = next_check(record, rule.changes as usize, rule.window_ms);
        self.timers
            .set(Timer::Flapping(fingerprint.to_string()), due);
        if flapping_now && !already {
            let body = EventBody::AlarmFlapping {
                alarm: id,
                flapping: true,
            };
            self.emit(out, now, ENGINE_ACTOR.to_string(), body);
        }
    }

    /// The flapping timer of a fingerprint: lifts the mark once fewer than the rule's
    /// changes remain within the window, and forgets a fingerprint with no alarm left
    /// and no change to remember.
    pub(crate) fn settle_flapping(
        &mut self,
        fingerprint: &str,
        now: Millis,
        out: &mut Vec<NewEvent>,
    ) {
        let rule = self.config.policy.flapping;
        let live = self.fingerprints.contains_key(fingerprint);
        let Some(record) = self.flaps.records.get_mut(fingerprint) else {
            return;
        };
        prune(record, rule.window_ms, now);
        let alarm = record.alarm;
        let calm = record.changes.len() < rule.changes as usize;
        let due = next_check(record, rule.changes as usize, rule.window_ms);
        if !live && record.changes.is_empty() {
            self.flaps.records.remove(fingerprint);
        } else {
            self.timers
                .set(Timer::Flapping(fingerprint.to_string()), due);
        }
        let flapping = self.state.alarms.get(&alarm).is_some_and(|a| a.flapping);
        if flapping && calm {
            let body = EventBody::AlarmFlapping {
                alarm,
                flapping: false,
            };
            self.emit(out, now, ENGINE_ACTOR.to_string(), body);
        }
    }
}

/// Drops the changes that fell out of the window: one at `t` counts while `now < t + window`.
fn prune(record: &mut Record, window: Millis, now: Millis) {
    while record
        .changes
        .front()
        .is_some_and(|t| t.saturating_add(window) <= now)
    {
        record.changes.pop_front();
    }
}

/// When to look again: when the count would drop below the threshold (flapping), or
/// when the last change leaves the window (to forget it).
fn next_check(record: &Record, threshold: usize, window: Millis) -> Option<Millis> {
    let n = record.changes.len();
    if n == 0 {
        return None;
    }
    let deciding = if n >= threshold {
        record.changes[n - threshold]
    } else {
        record.changes[n - 1]
    };
    Some(deciding.saturating_add(window))
}
