//! Invariants that must hold for any sequence of signals, ticks and commands.

mod common;

use common::{alarm, bank};
use noc_engine::{Engine, EngineConfig};
use noc_model::{AlarmStatus, Command, Event, NewEvent, Signal, State};
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

#[derive(Debug, Clone)]
enum Input {
    Alarm {
        node: Option<usize>,
        key: u8,
        firing: bool,
    },
    Tick,
    Acknowledge(i64),
    Comment(i64),
}

fn input() -> impl Strategy<Value = (u32, Input)> {
    let alarm = (
        proptest::option::weighted(0.9, 0..NODES.len()),
        0u8..3,
        any::<bool>(),
    )
        .prop_map(|(node, key, firing)| Input::Alarm { node, key, firing });
    let kind = prop_oneof![
        6 => alarm,
        2 => Just(Input::Tick),
        1 => (1i64..8).prop_map(Input::Acknowledge),
        1 => (1i64..8).prop_map(Input::Comment),
    ];
    // Gaps up to 4 min: long enough for holds to pass and windows to expire.
    (0u32..240_000, kind)
}

fn run(inputs: &[(u32, Input)]) -> (Engine, Vec<NewEvent>) {
    let config = EngineConfig {
        correlation_window_ms: 5 * 60_000,
        resolve_hold_ms: 30_000,
        ..EngineConfig::default()
    };
    let mut engine = Engine::new(config);
    let mut now = 1_000_000;
    let mut events = engine.on_signal(Signal::Topology(bank()), now);
    for (gap, input) in inputs {
        now += i64::from(*gap);
        let out = match input {
            Input::Alarm { node, key, firing } => {
                let node = node.map(|i| NODES[i]);
                let key = format!("{}:{key}", node.unwrap_or("none"));
                engine.on_signal(alarm(node, &key, *firing, now - 500), now)
            }
            Input::Tick => engine.on_tick(now),
            Input::Acknowledge(id) => engine
                .on_command(Command::Acknowledge { incident: *id }, "li", now)
                .unwrap_or_default(),
            Input::Comment(id) => engine
                .on_command(
                    Command::Comment {
                        incident: *id,
                        text: "checked".into(),
                    },
                    "li",
                    now,
                )
                .unwrap_or_default(),
        };
        events.extend(out);
    }
    (engine, events)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn replaying_the_same_inputs_gives_the_same_events(inputs in prop::collection::vec(input(), 0..80)) {
        let (a, ea) = run(&inputs);
        let (b, eb) = run(&inputs);
        prop_assert_eq!(ea, eb);
        prop_assert_eq!(a.state(), b.state());
    }

    #[test]
    fn folding_the_events_gives_the_engine_state(inputs in prop::collection::vec(input(), 0..80)) {
        let (engine, events) = run(&inputs);
        let mut state = State::default();
        for (i, e) in events.into_iter().enumerate() {
            let event: Event = e.with_seq(i as i64 + 1);
            state.apply(&event);
        }
        prop_assert_eq!(&state, engine.state());
    }

    #[test]
    fn incidents_stay_consistent(inputs in prop::collection::vec(input(), 0..80)) {
        let (engine, _) = run(&inputs);
        let state = engine.state();
        for alarm in state.alarms.values() {
            let open: Vec<_> = state
                .incidents
                .values()
                .filter(|i| !i.status.is_closed() && i.alarms.contains(&alarm.id))
                .collect();
            prop_assert!(open.len() <= 1, "alarm {} in {} open incidents", alarm.id, open.len());
            if open.is_empty() {
                // Only the unseen queue keeps alarms of closed incidents.
                prop_assert!(alarm.unseen && alarm.status == AlarmStatus::Cleared);
                continue;
            }
            prop_assert_eq!(alarm.incident, Some(open[0].id));
        }
        for inc in state.incidents.values() {
            prop_assert!(inc.opened_at <= inc.updated_at);
            if let Some(resolved) = inc.resolved_at {
                prop_assert!(resolved >= inc.opened_at);
            }
            prop_assert!(!inc.alarms.is_empty());
            prop_assert!(inc.root_alarm.is_some_and(|r| inc.alarms.contains(&r)));
        }
    }
}
