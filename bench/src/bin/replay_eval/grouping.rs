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
        .on_signal(
            Signal::Topology {
                origin: "source:test".into(),
                topology: log.topology(),
            },
            BASE,
        )
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

/// An open group of the type-aware rule.
struct OpenGroup {
    group: usize,
    root_row: usize,
    last_ms: Millis,
}

/// The rule proposed for the engine, simulated here to size its effect: a row joins
/// the nearest group active within `window` (since its last row) whose root's type
/// causes the row's type (or is it) on a device within `k` links; a row whose type
/// causes the root's type takes over as root (the direction undirected links cannot
/// give). The causal rules are the data set's own graph, so its consistency is high
/// by construction: what it shows is the compression left once grouping is consistent.
pub fn type_aware(log: &ReplayLog, truth: &crate::truth::Truth, window: Millis) -> Grouping {
    let mut open: Vec<OpenGroup> = Vec::new();
    let mut group_of_row = Vec::with_capacity(log.rows.len());
    let mut root_of_group = Vec::new();
    for (row, alarm) in log.rows.iter().enumerate() {
        open.retain(|g| alarm.start_ms - g.last_ms <= window);
        let joined = nearest_explaining(log, truth, &open, row)
            .map(|i| (i, false))
            .or_else(|| nearest_explained(log, truth, &open, row).map(|i| (i, true)));
        let group = match joined {
            Some((i, takes_root)) => {
                let g = &mut open[i];
                g.last_ms = alarm.start_ms;
                if takes_root {
                    g.root_row = row;
                    root_of_group[g.group] = row;
                }
                g.group
            }
            None => {
                root_of_group.push(row);
                let group = root_of_group.len() - 1;
                open.push(OpenGroup {
                    group,
                    root_row: row,
                    last_ms: alarm.start_ms,
                });
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

/// The open group whose root explains `row`, nearest first, then the latest.
fn nearest_explaining(
    log: &ReplayLog,
    truth: &crate::truth::Truth,
    open: &[OpenGroup],
    row: usize,
) -> Option<usize> {
    let alarm = &log.rows[row];
    (0..open.len())
        .filter(|&i| truth.explains(&log.rows[open[i].root_row], alarm))
        .min_by_key(|&i| {
            let root = &log.rows[open[i].root_row];
            (
                truth.hops(root.device, alarm.device),
                std::cmp::Reverse(open[i].last_ms),
            )
        })
}

/// The open group whose root `row` explains (the new row is its cause).
fn nearest_explained(
    log: &ReplayLog,
    truth: &crate::truth::Truth,
    open: &[OpenGroup],
    row: usize,
) -> Option<usize> {
    let alarm = &log.rows[row];
    (0..open.len())
        .filter(|&i| truth.explains(alarm, &log.rows[open[i].root_row]))
        .min_by_key(|&i| {
            let root = &log.rows[open[i].root_row];
            (
                truth.hops(root.device, alarm.device),
                std::cmp::Reverse(open[i].last_ms),
            )
        })
}
