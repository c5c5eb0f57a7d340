//! The injection plan: each start and clear exactly once, in time order, stamped with
//! the fault's own moment.

use noc_drill::{parse_scenario, Injection, Injector};
use noc_model::{HealthStatus, Severity, Signal};

const T0: i64 = 1_790_000_000_000;

const SCENARIO: &str = r#"
name = "plan"
title = "Plan"

[[faults]]
at_secs = 30
clear_at_secs = 90
kind = "probe_failure"
probe = "probe-web"
node = "nginx-edge-01"
detail = "GET / timed out"

[[faults]]
at_secs = 0
clear_at_secs = 60
kind = "alarm"
node = "sw-core-north-01"
severity = "critical"
title = "Device unreachable"
text = "ICMP timeout"

[[faults]]
at_secs = 60
kind = "source_outage"
source = "prometheus"
detail = "connection refused"

[expect.root_cause]
node = "sw-core-north-01"
"#;

fn plan() -> Injector {
    Injector::new(&parse_scenario(SCENARIO).expect("valid"), T0)
}

fn moments(injections: &[Injection]) -> Vec<(u32, bool)> {
    injections.iter().map(|i| (i.index, i.started)).collect()
}

#[test]
fn each_start_and_clear_comes_once_when_its_time_is_reached() {
    let mut injector = plan();
    assert!(!injector.finished());
    assert_eq!(injector.next_at(), Some(T0));
    assert_eq!(moments(&injector.due(T0 - 1)), []);
    assert_eq!(moments(&injector.due(T0)), [(0, true)]);
    assert_eq!(moments(&injector.due(T0)), [], "never twice");
    assert_eq!(moments(&injector.due(T0 + 29_999)), []);
    assert_eq!(moments(&injector.due(T0 + 30_000)), [(1, true)]);
    // At 60 s the alarm clears and the outage starts: time order, then the file's.
    assert_eq!(moments(&injector.due(T0 + 60_000)), [(0, false), (2, true)]);
    assert!(!injector.finished());
    assert_eq!(injector.next_at(), Some(T0 + 90_000));
    assert_eq!(moments(&injector.due(T0 + 500_000)), [(1, false)]);
    assert!(injector.finished());
    assert_eq!(moments(&injector.due(T0 + 900_000)), []);
}

#[test]
fn a_late_tick_gets_everything_due_in_order_with_the_faults_own_moments() {
    let mut injector = plan();
    let all = injector.due(T0 + 3_600_000);
    assert_eq!(
        moments(&all),
        [(0, true), (1, true), (0, false), (2, true), (1, false)]
    );
    let stamps: Vec<i64> = all.iter().map(|i| signal_at(&i.signals[0])).collect();
    assert_eq!(
        stamps,
        [T0, T0 + 30_000, T0 + 60_000, T0 + 60_000, T0 + 90_000]
    );
    assert!(injector.finished());
}

fn signal_at(signal: &Signal) -> i64 {
    match signal {
        Signal::Alarm(alarm) => alarm.at,
        Signal::Health(health) => health.since,
        other => panic!("unexpected signal {other:?}"),
    }
}

#[test]
fn an_alarm_fault_raises_and_clears_one_alarm_labelled_with_the_drill() {
    let mut injector = plan();
    let start = injector.due(T0).remove(0);
    assert_eq!(
        start.summary,
        "critical alarm \"Device unreachable\" raised on sw-core-north-01 (from drill)"
    );
    let [Signal::Alarm(raised)] = start.signals.as_slice() else {
        panic!("one alarm signal: {:?}", start.signals);
    };
    assert_eq!(raised.source, "drill");
    assert_eq!(raised.key, "drill-0");
    assert_eq!(raised.node.as_deref(), Some("sw-core-north-01"));
    assert_eq!(raised.severity, Severity::Critical);
    assert_eq!(raised.text, "ICMP timeout");
    assert_eq!(raised.labels.get("drill").map(String::as_str), Some("plan"));
    assert!(raised.firing);

    let clear = injector
        .due(T0 + 60_000)
        .into_iter()
        .find(|i| i.index == 0)
        .expect("the clear");
    assert!(!clear.started);
    let [Signal::Alarm(cleared)] = clear.signals.as_slice() else {
        panic!("one alarm signal");
    };
    assert_eq!(
        cleared.fingerprint(),
        raised.fingerprint(),
        "the same alarm"
    );
    assert!(!cleared.firing);
    assert_eq!(cleared.at, T0 + 60_000);
}

#[test]
fn a_probe_failure_is_a_failing_probe_and_its_alarm() {
    let mut injector = plan();
    let start = injector.due(T0 + 30_000).pop().expect("the probe failure");
    assert_eq!(start.summary, "probe probe-web started failing");
    let health = start.signals.iter().find_map(|s| match s {
        Signal::Health(h) => Some(h),
        _ => None,
    });
    let health = health.expect("the probe's health");
    assert_eq!(health.source, "probe-web");
    assert_eq!(health.kind, "probe");
    assert_eq!(health.status, HealthStatus::Unreachable);
    assert_eq!(health.detail, "GET / timed out");
    assert_eq!(health.since, T0 + 30_000);
    assert_eq!(health.last_ok, None);
    let alarm = start.signals.iter().find_map(|s| match s {
        Signal::Alarm(a) => Some(a),
        _ => None,
    });
    let alarm = alarm.expect("the probe's alarm");
    assert_eq!(alarm.source, "probe-web");
    assert_eq!(alarm.key, "probe-down");
    assert_eq!(alarm.title, "Probe probe-web failing");
    assert_eq!(alarm.severity, Severity::Major);
    assert_eq!(alarm.node.as_deref(), Some("nginx-edge-01"));
    assert!(alarm.firing);

    let clear = injector
        .due(T0 + 90_000)
        .pop()
        .expect("the probe recovering");
    assert_eq!(clear.summary, "probe probe-web succeeds again");
    for signal in &clear.signals {
        match signal {
            Signal::Health(h) => {
                assert_eq!(h.status, HealthStatus::Ok);
                assert_eq!(h.last_ok, Some(T0 + 90_000));
            }
            Signal::Alarm(a) => assert!(!a.firing),
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[test]
fn a_source_outage_makes_the_source_unreachable_until_the_drill_ends() {
    let mut injector = plan();
    let outage = injector
        .due(T0 + 60_000)
        .into_iter()
        .find(|i| i.index == 2)
        .expect("the outage");
    assert_eq!(outage.summary, "source prometheus became unreachable");
    let [Signal::Health(health)] = outage.signals.as_slice() else {
        panic!("one health signal");
    };
    assert_eq!(health.source, "prometheus");
    assert_eq!(health.kind, "prometheus");
    assert_eq!(health.status, HealthStatus::Unreachable);
    assert_eq!(health.detail, "connection refused");
    // No clear time: nothing more for it.
    let rest = injector.due(T0 + 86_400_000);
    assert!(rest.iter().all(|i| i.index != 2));
}
