//! Invariants that must hold for any sequence of signals, ticks and commands.

mod common;

use std::collections::{BTreeMap, HashSet};

use common::{bank, labelled, MIN};
use noc_engine::{Engine, EngineConfig};
use noc_model::{
    AlarmStatus, Changes, Command, DutyPolicy, EscalationStep, Event, FingerprintRule,
    FlappingRule, GroupingRule, IncidentStatus, MaintenanceWindow, Matcher, Millis, NewEvent,
    Recurrence, Severity, Signal, State,
};
use proptest::prelude::*;

const NODES: [&str; 11] = [
    "sys-banking",
    "svc-payment",
    "svc-mail",
    "db-orders-01",
    "host-db-01",
    "host-app-01",
    "host-mail-01",
    "sw-01",
    "sw-02",
    "dc-1",
    "not-in-topology",
];
const SOURCES: [&str; 2] = ["prom", "am"];

#[derive(Debug, Clone)]
enum Input {
    Alarm {
        source: usize,
        node: Option<usize>,
        key: u8,
        service: Option<u8>,
        firing: bool,
    },
    Tick,
    Acknowledge(i64),
    Comment(i64),
    Identify(i64),
    Mitigate(i64),
    Resolve(i64),
    Review(i64),
    Escalate(i64),
    Merge(i64, Vec<i64>),
    /// Split off the incident's alarms at these positions.
    Split(i64, Vec<usize>),
    MarkSeen(Vec<i64>),
    Maintenance {
        id: u8,
        node: Option<usize>,
        service: Option<u8>,
        starts_in: u32,
        length: u32,
        daily: bool,
    },
    Cancel(u8),
}

fn input() -> impl Strategy<Value = (u32, Input)> {
    let alarm = (
        0..SOURCES.len(),
        // Mostly a few nodes, so alarms repeat, clear and flap.
        proptest::option::weighted(0.9, prop_oneof![3 => 3usize..7, 1 => 0..NODES.len()]),
        0u8..2,
        proptest::option::of(0u8..2),
        proptest::bool::weighted(0.6),
    )
        .prop_map(|(source, node, key, service, firing)| Input::Alarm {
            source,
            node,
            key,
            service,
            firing,
        });
    let incident = 1i64..10;
    let maintenance = (
        0u8..3,
        proptest::option::of(0..NODES.len()),
        proptest::option::of(0u8..2),
        0u32..600_000,
        1u32..1_200_000,
        any::<bool>(),
    )
        .prop_map(
            |(id, node, service, starts_in, length, daily)| Input::Maintenance {
                id,
                node,
                service,
                starts_in,
                length,
                daily,
            },
        );
    let kind = prop_oneof![
        12 => alarm,
        4 => Just(Input::Tick),
        1 => incident.clone().prop_map(Input::Acknowledge),
        1 => incident.clone().prop_map(Input::Comment),
        1 => incident.clone().prop_map(Input::Identify),
        1 => incident.clone().prop_map(Input::Mitigate),
        1 => incident.clone().prop_map(Input::Resolve),
        1 => incident.clone().prop_map(Input::Review),
        1 => incident.clone().prop_map(Input::Escalate),
        1 => (incident.clone(), prop::collection::vec(1i64..10, 0..3))
            .prop_map(|(i, from)| Input::Merge(i, from)),
        1 => (incident, prop::collection::vec(0usize..6, 0..4))
            .prop_map(|(i, at)| Input::Split(i, at)),
        1 => prop::collection::vec(1i64..30, 0..5).prop_map(Input::MarkSeen),
        1 => maintenance,
        1 => (0u8..3).prop_map(Input::Cancel),
    ];
    // Mostly seconds apart (storms, flapping), sometimes up to 4 min: long enough for
    // holds to pass, windows to expire, deadlines and escalation steps to fall due.
    let gap = prop_oneof![3 => 0u32..10_000, 1 => 0u32..240_000];
    (gap, kind)
}

fn policy() -> DutyPolicy {
    DutyPolicy {
        update_every_ms: 3 * MIN,
        escalation: vec![
            EscalationStep {
                level: 2,
                after_ms: 6 * MIN,
                min_severity: Severity::Major,
                notify: vec!["manager".into()],
            },
            EscalationStep {
                level: 1,
                after_ms: 2 * MIN,
                min_severity: Severity::Warning,
                notify: vec!["noc".into()],
            },
        ],
        flapping: FlappingRule {
            changes: 2,
            window_ms: 3 * MIN,
        },
        grouping: vec![GroupingRule {
            name: "by-service".into(),
            labels: vec!["service".into()],
            window_ms: 4 * MIN,
        }],
        fingerprints: vec![FingerprintRule {
            source: "am".into(),
            labels: vec!["key".into(), "node".into()],
        }],
        ..DutyPolicy::default()
    }
}

fn config() -> EngineConfig {
    EngineConfig {
        correlation_window_ms: 5 * 60_000,
        resolve_hold_ms: 30_000,
        policy: policy(),
    }
}

fn command(engine: &Engine, input: &Input, now: Millis) -> Option<Command> {
    let text = || "checked".to_string();
    Some(match input.clone() {
        Input::Acknowledge(incident) => Command::Acknowledge { incident },
        Input::Comment(incident) => Command::Comment {
            incident,
            text: text(),
        },
        Input::Identify(incident) => Command::Identify {
            incident,
            cause: text(),
            layer: None,
            root_node: None,
        },
        Input::Mitigate(incident) => Command::Mitigate {
            incident,
            note: text(),
        },
        Input::Resolve(incident) => Command::Resolve { incident },
        Input::Review(incident) => Command::Review {
            incident,
            summary: text(),
        },
        Input::Escalate(incident) => Command::Escalate {
            incident,
            reason: text(),
        },
        Input::Merge(incident, from) => Command::Merge { incident, from },
        Input::Split(incident, at) => {
            let members = engine
                .state()
                .incidents
                .get(&incident)
                .map(|i| i.alarms.clone())
                .unwrap_or_default();
            let alarms = at.iter().filter_map(|i| members.get(*i).copied()).collect();
            Command::Split { incident, alarms }
        }
        Input::MarkSeen(alarms) => Command::MarkSeen { alarms },
        Input::Maintenance {
            id,
            node,
            service,
            starts_in,
            length,
            daily,
        } => {
            let starts_at = now + i64::from(starts_in);
            Command::ScheduleMaintenance {
                window: MaintenanceWindow {
                    id: format!("w{id}"),
                    title: "works".into(),
                    starts_at,
                    ends_at: starts_at + i64::from(length),
                    recurrence: if daily {
                        Recurrence::Daily
                    } else {
                        Recurrence::Once
                    },
                    until: None,
                    matchers: service
                        .map(|s| Matcher {
                            name: "service".into(),
                            value: format!("s{s}"),
                            is_regex: false,
                            is_equal: true,
                        })
                        .into_iter()
                        .collect(),
                    nodes: node.map(|n| NODES[n].to_string()).into_iter().collect(),
                    created_by: "li".into(),
                },
            }
        }
        Input::Cancel(id) => Command::CancelMaintenance {
            id: format!("w{id}"),
        },
        Input::Alarm { .. } | Input::Tick => return None,
    })
}

fn run(inputs: &[(u32, Input)]) -> (Engine, Vec<NewEvent>) {
    let mut engine = Engine::new(config());
    let mut now = 1_000_000;
    let mut events = engine.on_signal(
        Signal::Topology {
            origin: "source:test".into(),
            topology: bank(),
        },
        now,
    );
    for (gap, input) in inputs {
        now += i64::from(*gap);
        let out = match input {
            Input::Alarm {
                source,
                node,
                key,
                service,
                firing,
            } => {
                let node = node.map(|i| NODES[i]);
                let key = format!("{}:{key}", node.unwrap_or("none"));
                let service = service.map(|s| format!("s{s}"));
                let mut labels = vec![("key", key.as_str()), ("node", node.unwrap_or(""))];
                if let Some(service) = &service {
                    labels.push(("service", service.as_str()));
                }
                let signal = labelled(SOURCES[*source], node, &key, &labels, *firing, now - 500);
                engine.on_signal(signal, now)
            }
            Input::Tick => engine.on_tick(now),
            other => {
                let cmd = command(&engine, other, now).expect("a command");
                engine.on_command(cmd, "li", now).unwrap_or_default()
            }
        };
        events.extend(out);
    }
    (engine, events)
}

fn fold(events: &[NewEvent]) -> State {
    let mut state = State::default();
    for (i, e) in events.iter().enumerate() {
        let event: Event = e.clone().with_seq(i as i64 + 1);
        state.apply(&event);
    }
    state
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn replaying_the_same_inputs_gives_the_same_events(inputs in prop::collection::vec(input(), 0..120)) {
        let (a, ea) = run(&inputs);
        let (b, eb) = run(&inputs);
        prop_assert_eq!(ea, eb);
        prop_assert_eq!(a.state(), b.state());
    }

    #[test]
    fn folding_the_events_gives_the_engine_state(inputs in prop::collection::vec(input(), 0..120)) {
        let (engine, events) = run(&inputs);
        prop_assert_eq!(&fold(&events), engine.state());
    }

    #[test]
    fn incidents_stay_consistent(inputs in prop::collection::vec(input(), 0..120)) {
        let (engine, _) = run(&inputs);
        let state = engine.state();
        let mut live_fingerprints = HashSet::new();
        for alarm in state.alarms.values() {
            let open: Vec<_> = state
                .incidents
                .values()
                .filter(|i| !i.status.is_closed() && i.alarms.contains(&alarm.id))
                .collect();
            prop_assert!(open.len() <= 1, "alarm {} in {} open incidents", alarm.id, open.len());
            match (alarm.incident, open.first()) {
                (Some(_), None) => {
                    // Only the unseen queue keeps alarms of closed incidents.
                    prop_assert!(alarm.unseen && alarm.status == AlarmStatus::Cleared);
                }
                (Some(id), Some(inc)) => {
                    prop_assert_eq!(id, inc.id);
                    prop_assert!(live_fingerprints.insert(alarm.fingerprint.clone()));
                }
                (None, _) => {
                    // Outside every incident: suppressed, or cleared and waiting to retire.
                    prop_assert!(open.is_empty());
                    prop_assert!(
                        alarm.suppressed_by.is_some() || alarm.status == AlarmStatus::Cleared,
                        "alarm {} is firing, unsuppressed and in no incident", alarm.id
                    );
                    prop_assert!(live_fingerprints.insert(alarm.fingerprint.clone()));
                }
            }
        }
        for inc in state.incidents.values() {
            prop_assert!(inc.opened_at <= inc.updated_at);
            if let Some(resolved) = inc.resolved_at {
                prop_assert!(resolved >= inc.opened_at);
            }
            if inc.status == IncidentStatus::Merged {
                prop_assert!(inc.alarms.is_empty() && inc.merged_into.is_some());
                continue;
            }
            prop_assert!(!inc.alarms.is_empty());
            prop_assert!(inc.root_alarm.is_some_and(|r| inc.alarms.contains(&r)));
            if !inc.status.is_closed() {
                let first = inc
                    .alarms
                    .iter()
                    .filter_map(|a| state.alarms.get(a))
                    .map(|a| a.first_seen)
                    .min();
                prop_assert_eq!(Some(inc.started_at), first, "incident {}", inc.id);
            }
        }
    }

    #[test]
    fn milestones_are_ordered(inputs in prop::collection::vec(input(), 0..120)) {
        let (engine, _) = run(&inputs);
        for inc in engine.state().incidents.values() {
            let marks = [
                inc.acknowledged.as_ref().map(|m| m.at),
                inc.identified.as_ref().map(|m| m.at),
                inc.mitigated.as_ref().map(|m| m.at),
                inc.resolved_at,
                inc.reviewed.as_ref().map(|m| m.at),
            ];
            let present: Vec<Millis> = marks.into_iter().flatten().collect();
            prop_assert!(
                present.windows(2).all(|w| w[0] <= w[1]),
                "incident {} milestones {:?}", inc.id, marks
            );
            if inc.identified.is_some() || inc.mitigated.is_some() {
                prop_assert!(inc.acknowledged.is_some(), "acting on an incident claims it");
            }
            if inc.reviewed.is_some() {
                prop_assert!(inc.resolved_at.is_some());
            }
        }
    }

    #[test]
    fn an_engine_resumed_from_the_folded_state_keeps_the_invariants(
        first in prop::collection::vec(input(), 0..40),
        rest in prop::collection::vec(input(), 0..40),
    ) {
        // After a restart the engine starts from the state alone: whatever it does
        // next folds into the state it holds.
        let (engine, mut events) = run(&first);
        let mut resumed = Engine::from_state(fold(&events), config());
        let mut now = 1_000_000 + first.iter().map(|(g, _)| i64::from(*g)).sum::<i64>();
        for (gap, input) in &rest {
            now += i64::from(*gap);
            let out = match input {
                Input::Tick => resumed.on_tick(now),
                Input::Alarm { node, key, firing, .. } => {
                    let node = node.map(|i| NODES[i]);
                    let key = format!("{}:{key}", node.unwrap_or("none"));
                    resumed.on_signal(common::alarm(node, &key, *firing, now), now)
                }
                other => {
                    let cmd = command(&resumed, other, now).expect("a command");
                    resumed.on_command(cmd, "li", now).unwrap_or_default()
                }
            };
            events.extend(out);
        }
        drop(engine);
        prop_assert_eq!(&fold(&events), resumed.state());
    }

    #[test]
    fn folding_in_batches_equals_folding_one_by_one(
        inputs in prop::collection::vec(input(), 0..120),
        cuts in prop::collection::vec(1usize..40, 1..8),
    ) {
        // The store folds a committed batch at once: the same state, the same merged
        // changes, and the same last versions for the rows.
        let (_, events) = run(&inputs);
        let events: Vec<Event> = events
            .into_iter()
            .enumerate()
            .map(|(i, e)| e.with_seq(i as i64 + 1))
            .collect();
        let (mut one, mut batch) = (State::default(), State::default());
        let mut rest = events.as_slice();
        let mut cut = cuts.iter().cycle();
        while !rest.is_empty() {
            let size = (*cut.next().expect("cycle")).min(rest.len());
            let (chunk, next) = rest.split_at(size);
            rest = next;
            let mut merged = Changes::default();
            let (mut alarm_rows, mut incident_rows) = (BTreeMap::new(), BTreeMap::new());
            for event in chunk {
                let changes = one.apply(event);
                for a in &changes.alarms {
                    alarm_rows.insert(a.id, a.clone());
                }
                for i in &changes.incidents {
                    incident_rows.insert(i.id, i.clone());
                }
                merged.merge(changes);
            }
            let folded = batch.apply_batch(chunk);
            prop_assert_eq!(&folded.changes, &merged);
            // An alarm marked seen and removed in one event: the batch keeps the seen
            // version, the event-by-event fold the one before (it never listed it).
            let seen_and_gone = |mut a: noc_model::Alarm| {
                if merged.removed_alarms.contains(&a.id) {
                    a.unseen = false;
                }
                (a.id, a)
            };
            let rows: BTreeMap<_, _> = folded
                .changes
                .alarms
                .iter()
                .chain(&folded.removed_alarms)
                .cloned()
                .map(seen_and_gone)
                .collect();
            let alarm_rows: BTreeMap<_, _> =
                alarm_rows.into_values().map(seen_and_gone).collect();
            prop_assert_eq!(rows, alarm_rows);
            let rows: BTreeMap<_, _> = folded
                .changes
                .incidents
                .iter()
                .chain(&folded.removed_incidents)
                .map(|i| (i.id, i.clone()))
                .collect();
            prop_assert_eq!(rows, incident_rows);
            prop_assert_eq!(&batch, &one);
        }
    }
}
