//! Two ways of grouping the log's rows: the real engine on simulated time, and the
//! naive per-device window it is compared with.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use noc_engine::{Engine, EngineConfig};
use noc_model::{AlarmId, EventBody, IncidentId, Millis, NewEvent, Signal};
use noc_sources::replay::{alarm_signal, Cue, ReplayLog};

/// The simulated moment the log's first second is played at (any fixed value: the
/// engine only compares times with each other).
const BASE: Millis = 1_700_000_000_000;

/// Which group each alarm row ended in, and each group's root row.
pub struct Grouping {
    /// Per row: its group, or `None` when the engine placed it nowhere.
    pub group_of_row: Vec<Option<usize>>,
    pub root_of_group: Vec<usize>,
}

/// What the engine run cost.
pub struct EngineRun {
    pub grouping: Grouping,
    /// Distinct alarms raised (rows repeating a live alarm are duplicates of it).
    pub alarms_raised: usize,
    pub signals: usize,
    pub events: usize,
    pub wall: Duration,
}

/// Replays the cues through a fresh engine, the clock moving with the log: time is
/// ticked forward to each cue's moment before its signal goes in, as the hub's timer
/// would have done by then.
pub fn run_engine(log: &ReplayLog, cues: &[Cue], config: EngineConfig) -> EngineRun {
    let mut engine = Engine::new(config);
    let mut trace = Trace::new(log.rows.len());
    let started = Instant::now();
    let mut events = engine
        .on_signal(Signal::Topology(log.topology()), BASE)
        .len();
    let mut last_tick = None;
    for &cue in cues {
        let now = BASE + cue.log_ms;
        if last_tick != Some(now) {
            let ticked = engine.on_tick(now);
            events += ticked.len();
            trace.follow(&ticked, None);
            last_tick = Some(now);
        }
        let signal = alarm_signal(log, "replay", cue, now);
        let out = engine.on_signal(Signal::Alarm(signal), now);
        events += out.len();
        trace.follow(&out, cue.firing.then_some(cue.row));
    }
    let wall = started.elapsed();
    EngineRun {
        alarms_raised: trace.first_row.len(),
        grouping: trace.grouping(log.rows.len()),
        signals: cues.len(),
        events,
        wall,
    }
}

/// What the engine's events say about rows, alarms and incidents.
struct Trace {
    alarm_of_row: Vec<Option<AlarmId>>,
    first_row: HashMap<AlarmId, usize>,
    incident_of_alarm: HashMap<AlarmId, IncidentId>,
    root_of_incident: HashMap<IncidentId, AlarmId>,
}

impl Trace {
    fn new(rows: usize) -> Self {
        Self {
            alarm_of_row: vec![None; rows],
            first_row: HashMap::new(),
            incident_of_alarm: HashMap::new(),
            root_of_incident: HashMap::new(),
        }
    }

    /// `firing_row`: the row whose firing caused these events.
    fn follow(&mut self, events: &[NewEvent], firing_row: Option<usize>) {
        for event in events {
            match &event.body {
                EventBody::AlarmRaised { alarm } => {
                    if let Some(row) = firing_row {
                        self.alarm_of_row[row] = Some(alarm.id);
                        self.first_row.insert(alarm.id, row);
                    }
                }
                EventBody::AlarmUpdated { alarm, .. } => {
                    if let Some(row) = firing_row {
                        self.alarm_of_row[row] = Some(*alarm);
                    }
                }
                EventBody::AlarmGrouped {
                    incident,
                    alarm,
                    root,
                    ..
                } => {
                    self.incident_of_alarm.insert(*alarm, *incident);
                    if *root {
                        self.root_of_incident.insert(*incident, *alarm);
                    }
                }
                EventBody::IncidentsMerged { incident, from } => self.merge(*from, *incident),
                _ => {}
            }
        }
    }

    fn merge(&mut self, from: IncidentId, into: IncidentId) {
        for incident in self.incident_of_alarm.values_mut() {
            if *incident == from {
                *incident = into;
            }
        }
        self.root_of_incident.remove(&from);
    }

    fn grouping(&self, rows: usize) -> Grouping {
        let mut index: HashMap<IncidentId, usize> = HashMap::new();
        let mut root_of_group = Vec::new();
        let mut group_of_row = vec![None; rows];
        for (row, alarm) in self.alarm_of_row.iter().enumerate() {
            let Some(incident) = alarm.and_then(|a| self.incident_of_alarm.get(&a)) else {
                continue;
            };
            let group = *index.entry(*incident).or_insert_with(|| {
                let root_alarm = self.root_of_incident.get(incident);
                let root_row = root_alarm.and_then(|a| self.first_row.get(a)).copied();
                root_of_group.push(root_row.unwrap_or(row));
                root_of_group.len() - 1
            });
            group_of_row[row] = Some(group);
        }
        Grouping {
            group_of_row,
            root_of_group,
        }
    }
}

/// The naive baseline: rows on the same device within `window` of the first row of
/// the device's current window form one group, rooted at that first row.
pub fn per_device_window(log: &ReplayLog, window: Millis) -> Grouping {
    let mut open: HashMap<u32, (Millis, usize)> = HashMap::new();
    let mut group_of_row = Vec::with_capacity(log.rows.len());
    let mut root_of_group = Vec::new();
    for (row, alarm) in log.rows.iter().enumerate() {
        let current = open.get(&alarm.device).copied();
        let group = match current {
            Some((start, group)) if alarm.start_ms - start <= window => group,
            _ => {
                root_of_group.push(row);
                let group = root_of_group.len() - 1;
                open.insert(alarm.device, (alarm.start_ms, group));
                group
            }
        };
        group_of_row.push(Some(group));
    }
    Grouping {
        group_of_row,
        root_of_group,
    }
}
