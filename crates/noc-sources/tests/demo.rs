//! The demo network: deterministic, realistic enough to fill a board, and runnable.

use std::collections::BTreeSet;
use std::sync::Arc;

use noc_engine::{Engine, EngineConfig};
use noc_model::{HealthStatus, ManualClock, NodeKind, Severity, Signal};
use noc_sources::demo::{demo_topology, spawn, DemoConfig, Simulator};
use tokio_util::sync::CancellationToken;

const START: i64 = 1_700_000_000_000;
const HOUR: i64 = 3_600_000;

fn collect(config: DemoConfig, step: i64, until: i64) -> Vec<Signal> {
    let mut sim = Simulator::new(config, START);
    let mut out = Vec::new();
    let mut now = START;
    while now < until {
        out.extend(sim.due(now));
        now += step;
    }
    out.extend(sim.due(until));
    out
}

fn signal_time(s: &Signal) -> Option<i64> {
    match s {
        Signal::Alarm(a) => Some(a.at),
        _ => None,
    }
}

#[test]
fn the_schedule_does_not_depend_on_how_often_it_is_read() {
    let config = DemoConfig::default();
    let until = START + 20 * 60_000;
    let often = collect(config, 100, until);
    let rarely = collect(config, 7_000, until);
    assert!(often.len() > 50, "only {} signals", often.len());
    assert_eq!(often, rarely);
    assert_eq!(often, collect(config, until - START, until), "one read");
}

#[test]
fn different_seeds_give_different_networks_lives() {
    let until = START + 10 * 60_000;
    let a = collect(
        DemoConfig {
            seed: 1,
            speed: 1.0,
        },
        1_000,
        until,
    );
    let b = collect(
        DemoConfig {
            seed: 2,
            speed: 1.0,
        },
        1_000,
        until,
    );
    assert_ne!(a, b);
}

#[test]
fn signals_come_in_time_order_and_start_with_topology_and_health() {
    let signals = collect(DemoConfig::default(), 1_000, START + HOUR);
    assert!(matches!(&signals[0], Signal::Topology { topology: t, .. } if *t == demo_topology()));
    let Signal::Health(h) = &signals[1] else {
        panic!("second signal is {:?}", signals[1])
    };
    assert_eq!((h.source.as_str(), h.kind.as_str()), ("demo", "simulator"));
    assert_eq!(h.status, HealthStatus::Ok);
    assert!(h.demo);
    let times: Vec<i64> = signals.iter().filter_map(signal_time).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
    assert!(times.iter().all(|&t| (START..=START + HOUR).contains(&t)));
}

#[test]
fn speed_compresses_the_same_schedule() {
    let slow = collect(
        DemoConfig {
            seed: 5,
            speed: 1.0,
        },
        1_000,
        START + 30 * 60_000,
    );
    let fast = collect(
        DemoConfig {
            seed: 5,
            speed: 10.0,
        },
        1_000,
        START + 3 * 60_000,
    );
    let strip = |v: &[Signal]| -> Vec<(String, bool)> {
        v.iter()
            .filter_map(|s| match s {
                Signal::Alarm(a) => Some((a.key.clone(), a.firing)),
                _ => None,
            })
            .collect()
    };
    let (slow, fast) = (strip(&slow), strip(&fast));
    let n = slow.len().min(fast.len()) - 5;
    assert_eq!(slow[..n], fast[..n]);
}

#[test]
fn the_topology_is_a_full_layer_network() {
    let t = demo_topology();
    assert!(t.nodes.len() >= 30, "{} nodes", t.nodes.len());
    let kinds: BTreeSet<_> = t.nodes.iter().map(|n| format!("{:?}", n.kind)).collect();
    assert_eq!(kinds.len(), 8, "every kind of node: {kinds:?}");
    assert_eq!(
        t.nodes.iter().filter(|n| n.kind == NodeKind::Site).count(),
        2
    );
    for r in &t.relations {
        assert!(
            t.node(&r.from).is_some() && t.node(&r.to).is_some(),
            "{r:?}"
        );
    }
    assert!(t
        .node("sys-mobile-banking")
        .is_some_and(|n| n.name.contains("手机银行")));
}

/// An afternoon of the demo through the real engine: the board is never empty for
/// long, storms are grouped, some incidents are critical, everything recovers.
#[test]
fn an_afternoon_through_the_engine_fills_the_board_realistically() {
    let mut sim = Simulator::new(DemoConfig::default(), START);
    let mut engine = Engine::new(EngineConfig::default());
    let (mut samples, mut busy_samples, mut max_alarms_in_one) = (0, 0, 0);
    let mut critical = 0;
    let mut duplicates = false;
    let mut now = START;
    while now <= START + 4 * HOUR {
        for signal in sim.due(now) {
            engine.on_signal(signal, now);
        }
        engine.on_tick(now);
        let state = engine.state();
        let open: Vec<_> = state
            .incidents
            .values()
            .filter(|i| !i.status.is_closed())
            .collect();
        samples += 1;
        if !open.is_empty() {
            busy_samples += 1;
        }
        for inc in &open {
            max_alarms_in_one = max_alarms_in_one.max(inc.alarms.len());
        }
        duplicates |= state.alarms.values().any(|a| a.count > 1);
        now += 5_000;
    }
    let state = engine.state();
    critical += state
        .incidents
        .values()
        .filter(|i| i.severity == Severity::Critical)
        .count();
    assert!(
        state.last_incident_id >= 100,
        "{} incidents in 4 h",
        state.last_incident_id
    );
    assert!(
        busy_samples * 10 >= samples * 8,
        "board busy {busy_samples}/{samples}"
    );
    assert!(
        max_alarms_in_one >= 5,
        "largest storm only {max_alarms_in_one} alarms"
    );
    assert!(critical > 0);
    assert!(duplicates);
    assert!(state.sources["demo"].demo);
}

#[tokio::test]
async fn the_running_demo_sends_what_falls_due_and_stops_on_shutdown() {
    let clock = Arc::new(ManualClock::new(START));
    let (tx, mut rx) = tokio::sync::mpsc::channel(1024);
    let shutdown = CancellationToken::new();
    let task = spawn(DemoConfig::default(), clock.clone(), tx, shutdown.clone());
    assert!(matches!(rx.recv().await, Some(Signal::Topology { .. })));
    assert!(matches!(rx.recv().await, Some(Signal::Health(_))));
    clock.set(START + 10 * 60_000);
    let expected = collect(DemoConfig::default(), 60_000, START + 10 * 60_000);
    let mut got = Vec::new();
    while got.len() < expected.len() - 2 {
        got.push(rx.recv().await.expect("demo stopped early"));
    }
    assert_eq!(got, expected[2..]);
    shutdown.cancel();
    task.await.expect("demo task panicked");
}

#[tokio::test]
async fn the_running_demo_stops_when_nobody_listens() {
    let clock = Arc::new(ManualClock::new(START));
    let (tx, rx) = tokio::sync::mpsc::channel(1);
    drop(rx);
    let task = spawn(DemoConfig::default(), clock, tx, CancellationToken::new());
    task.await.expect("demo task panicked");
}
