//! The duty rules of the engine, one scenario per rule, on a simulated clock that
//! ticks like the hub's (once a second) unless a scenario jumps ahead.

mod common;

use common::{bank, clear, fire, fire_with, labelled, MIN};
use noc_engine::{Engine, EngineConfig};
use noc_model::{
    AlarmId, AlarmStatus, Clock, Command, CommandError, DutyPolicy, EscalationStep, EventBody,
    FingerprintRule, FlappingRule, GroupingRule, Incident, IncidentId, IncidentStatus,
    MaintenanceWindow, ManualClock, Matcher, Millis, NewEvent, Recurrence, Severity, Signal,
};

const T0: Millis = 1_700_000_000_000;
const HOUR: Millis = 60 * MIN;
const DAY: Millis = 24 * HOUR;

/// An engine on the bank network, a clock, and what the engine said so far.
struct Desk {
    engine: Engine,
    clock: ManualClock,
}

impl Desk {
    fn new(policy: DutyPolicy) -> Self {
        let config = EngineConfig {
            policy,
            ..EngineConfig::default()
        };
        let mut engine = Engine::new(config);
        engine.on_signal(
            Signal::Topology {
                origin: "source:test".into(),
                topology: bank(),
            },
            T0,
        );
        Self {
            engine,
            clock: ManualClock::new(T0),
        }
    }

    fn now(&self) -> Millis {
        self.clock.now()
    }

    fn signal(&mut self, signal: Signal) -> Vec<NewEvent> {
        let now = self.now();
        self.engine.on_signal(signal, now)
    }

    fn command(&mut self, command: Command) -> Result<Vec<NewEvent>, CommandError> {
        let now = self.now();
        self.engine.on_command(command, "li", now)
    }

    /// Lets time pass until `offset` after T0, ticking every `step` ms (the hub ticks
    /// every second), and returns what the ticks emitted.
    fn run_until(&mut self, offset: Millis, step: Millis) -> Vec<NewEvent> {
        let mut out = Vec::new();
        while self.now() < T0 + offset {
            let next = (self.now() + step).min(T0 + offset);
            self.clock.set(next);
            out.extend(self.engine.on_tick(next));
        }
        out
    }

    fn fire(&mut self, node: &str) -> Vec<NewEvent> {
        let now = self.now();
        self.signal(fire(node, now))
    }

    fn clear(&mut self, node: &str) -> Vec<NewEvent> {
        let now = self.now();
        self.signal(clear(node, now))
    }

    fn incident(&self, id: IncidentId) -> &Incident {
        &self.engine.state().incidents[&id]
    }

    fn open_incidents(&self) -> Vec<&Incident> {
        let state = self.engine.state();
        state
            .incidents
            .values()
            .filter(|i| !i.status.is_closed())
            .collect()
    }

    fn alarm_on(&self, node: &str) -> &noc_model::Alarm {
        let state = self.engine.state();
        state
            .alarms
            .values()
            .rev()
            .find(|a| a.node.as_deref() == Some(node))
            .unwrap_or_else(|| panic!("no alarm on {node}"))
    }
}

fn kinds(events: &[NewEvent]) -> Vec<&'static str> {
    events.iter().map(|e| e.body.kind()).collect()
}

fn grouped_reason(events: &[NewEvent]) -> String {
    events
        .iter()
        .find_map(|e| match &e.body {
            EventBody::AlarmGrouped { reason, .. } => Some(reason.clone()),
            _ => None,
        })
        .expect("an alarm_grouped event")
}

// --- 1. fingerprint rules -------------------------------------------------------

#[test]
fn a_fingerprint_rule_identifies_alarms_by_the_listed_labels() {
    let policy = DutyPolicy {
        fingerprints: vec![FingerprintRule {
            source: "am".into(),
            labels: vec!["alertname".into(), "instance".into()],
        }],
        ..DutyPolicy::default()
    };
    let mut d = Desk::new(policy);
    let down = [("alertname", "HostDown"), ("instance", "db-01:9100")];
    let first = d.signal(labelled("am", None, "key-1", &down, true, T0));
    assert_eq!(kinds(&first)[0], "alarm_raised");
    let EventBody::AlarmRaised { alarm } = &first[0].body else {
        unreachable!()
    };
    assert_eq!(
        alarm.fingerprint,
        "am/alertname=HostDown,instance=db-01:9100"
    );
    // Another key of the source, same label values: the same alarm, counted.
    let again = d.signal(labelled("am", None, "key-2", &down, true, T0 + 1));
    assert_eq!(kinds(&again), ["alarm_updated"]);
    assert_eq!(d.engine.state().alarms[&alarm.id].count, 2);
    assert_eq!(d.engine.state().alarms[&alarm.id].first_seen, T0);
    assert_eq!(d.engine.state().alarms[&alarm.id].last_seen, T0);
    // Another instance: another alarm. A missing label counts as empty.
    let other = [("alertname", "HostDown"), ("instance", "db-02:9100")];
    assert_eq!(
        kinds(&d.signal(labelled("am", None, "key-1", &other, true, T0 + 2)))[0],
        "alarm_raised"
    );
    let bare = [("alertname", "HostDown")];
    let ev = d.signal(labelled("am", None, "k", &bare, true, T0 + 3));
    let EventBody::AlarmRaised { alarm: bare_alarm } = &ev[0].body else {
        panic!("expected a new alarm")
    };
    assert_eq!(bare_alarm.fingerprint, "am/alertname=HostDown,instance=");
    let ev = d.signal(labelled("am", None, "other-key", &bare, true, T0 + 4));
    assert_eq!(kinds(&ev), ["alarm_updated"]);
    // The clear of any key with the same labels clears it.
    let ev = d.signal(labelled("am", None, "key-9", &down, false, T0 + 5));
    assert_eq!(kinds(&ev), ["alarm_cleared"]);
    // A source without a rule keeps its own key.
    let ev = d.signal(labelled("prom", None, "key-1", &down, true, T0 + 6));
    let EventBody::AlarmRaised { alarm } = &ev[0].body else {
        panic!("expected a new alarm")
    };
    assert_eq!(alarm.fingerprint, "prom/key-1");
    let ev = d.signal(labelled("prom", None, "key-2", &down, true, T0 + 7));
    assert_eq!(
        kinds(&ev)[0],
        "alarm_raised",
        "different key, different alarm"
    );
}

// --- 2. flapping ---------------------------------------------------------------

fn flapping_policy() -> DutyPolicy {
    DutyPolicy {
        flapping: FlappingRule {
            changes: 4,
            window_ms: 10 * MIN,
        },
        ..DutyPolicy::default()
    }
}

fn flapping_events(events: &[NewEvent]) -> Vec<(AlarmId, bool)> {
    events
        .iter()
        .filter_map(|e| match e.body {
            EventBody::AlarmFlapping { alarm, flapping } => Some((alarm, flapping)),
            _ => None,
        })
        .collect()
}

#[test]
fn flapping_starts_at_the_threshold_and_ends_when_changes_leave_the_window() {
    let mut d = Desk::new(flapping_policy());
    d.fire("host-db-01");
    let id = d.alarm_on("host-db-01").id;
    let mut seen = Vec::new();
    // cleared, fired, cleared: three changes, ten seconds apart (within the resolve
    // hold, so the incident stays open).
    for (i, firing) in [false, true, false].into_iter().enumerate() {
        d.run_until((i as i64 + 1) * 10_000, 1_000);
        let at = d.now();
        seen.extend(d.signal(common::alarm(
            Some("host-db-01"),
            "host-db-01:down",
            firing,
            at,
        )));
    }
    assert!(flapping_events(&seen).is_empty(), "three changes: not yet");
    // The fourth change within 10 minutes marks it, right after the update.
    d.run_until(40_000, 1_000);
    let ev = d.fire("host-db-01");
    assert_eq!(kinds(&ev), ["alarm_updated", "alarm_flapping"]);
    assert_eq!(flapping_events(&ev), [(id, true)]);
    let alarm = d.alarm_on("host-db-01");
    assert!(alarm.flapping);
    assert!(
        alarm.incident.is_some(),
        "a flapping alarm stays in its incident"
    );
    assert_eq!(d.open_incidents().len(), 1);
    // The first change (at 10 s) leaves the window at 10 min 10 s: three remain.
    let ev = d.run_until(10 * MIN + 9_000, 1_000);
    assert!(
        flapping_events(&ev).is_empty(),
        "still four within the window"
    );
    let ev = d.run_until(10 * MIN + 10_000, 1_000);
    assert_eq!(flapping_events(&ev), [(id, false)]);
    assert!(!d.alarm_on("host-db-01").flapping);
    assert!(flapping_events(&d.run_until(30 * MIN, 1_000)).is_empty());
}

#[test]
fn flapping_counts_across_the_alarms_of_one_fingerprint() {
    let mut policy = flapping_policy();
    policy.flapping.changes = 3;
    let mut d = Desk::new(policy);
    d.fire("svc-mail");
    let first = d.alarm_on("svc-mail").id;
    d.run_until(10_000, 1_000);
    d.clear("svc-mail");
    // The hold passes: the incident resolves and the alarm leaves the board.
    let ev = d.run_until(45_000, 1_000);
    assert!(kinds(&ev).contains(&"incident_resolved"));
    d.run_until(50_000, 1_000);
    let ev = d.fire("svc-mail");
    let second = d.alarm_on("svc-mail").id;
    assert_ne!(first, second, "a new alarm for the same fingerprint");
    assert!(flapping_events(&ev).is_empty(), "two changes so far");
    d.run_until(60_000, 1_000);
    let ev = d.clear("svc-mail");
    assert_eq!(flapping_events(&ev), [(second, true)]);
}

// --- 3. maintenance windows ----------------------------------------------------

fn window(id: &str, starts: Millis, ends: Millis) -> MaintenanceWindow {
    MaintenanceWindow {
        id: id.into(),
        title: format!("{id} patching"),
        starts_at: starts,
        ends_at: ends,
        recurrence: Recurrence::Once,
        until: None,
        matchers: vec![],
        nodes: vec![],
        created_by: "li".into(),
    }
}

fn schedule(d: &mut Desk, window: MaintenanceWindow) {
    let ev = d
        .command(Command::ScheduleMaintenance { window })
        .expect("scheduled");
    assert_eq!(kinds(&ev), ["maintenance_scheduled"]);
}

#[test]
fn a_window_by_node_suppresses_new_alarms_and_regroups_them_when_it_ends() {
    let mut d = Desk::new(DutyPolicy::default());
    let mut w = window("db-patch", T0, T0 + HOUR);
    w.nodes = vec!["host-db-01".into()];
    schedule(&mut d, w);
    d.run_until(MIN, 1_000);

    let ev = d.fire("host-db-01");
    assert_eq!(kinds(&ev), ["alarm_raised", "alarm_suppressed"]);
    let EventBody::AlarmSuppressed { window, .. } = &ev[1].body else {
        unreachable!()
    };
    assert_eq!(window.as_deref(), Some("db-patch"));
    let alarm = d.alarm_on("host-db-01");
    assert_eq!(alarm.suppressed_by.as_deref(), Some("db-patch"));
    assert_eq!(alarm.incident, None, "suppressed alarms open no incident");
    assert!(d.open_incidents().is_empty());
    // Repeats are counted and stay suppressed.
    assert_eq!(kinds(&d.fire("host-db-01")), ["alarm_updated"]);
    // A related alarm the window does not cover opens its own incident (the
    // suppressed one is in none to join).
    let ev = d.fire("db-orders-01");
    assert_eq!(
        kinds(&ev),
        ["alarm_raised", "incident_opened", "alarm_grouped"]
    );
    let db_incident = d.alarm_on("db-orders-01").incident.unwrap();

    // The window ends: the alarm is released and placed as a new alarm would be.
    let ev = d.run_until(HOUR - 1_000, 1_000);
    assert!(!kinds(&ev).contains(&"alarm_suppressed"));
    let ev = d.run_until(HOUR, 1_000);
    assert_eq!(
        kinds(&ev),
        ["alarm_suppressed", "incident_opened", "alarm_grouped"]
    );
    let alarm = d.alarm_on("host-db-01");
    assert_eq!(alarm.suppressed_by, None);
    // db-orders-01's incident was opened 59 min ago, outside the 10 min window.
    assert_ne!(alarm.incident, Some(db_incident));
    assert!(alarm.incident.is_some());

    // A new alarm now is not suppressed.
    let ev = d.fire("sw-01");
    assert!(!kinds(&ev).contains(&"alarm_suppressed"));
}

#[test]
fn a_released_alarm_joins_a_related_incident_within_the_window() {
    let mut d = Desk::new(DutyPolicy::default());
    let mut w = window("db-patch", T0, T0 + 10 * MIN);
    w.nodes = vec!["host-db-01".into()];
    schedule(&mut d, w);
    d.run_until(5 * MIN, 1_000);
    d.fire("host-db-01");
    d.run_until(8 * MIN, 1_000);
    d.fire("db-orders-01");
    let ev = d.run_until(10 * MIN, 1_000);
    assert_eq!(kinds(&ev), ["alarm_suppressed", "alarm_grouped"]);
    let reason = grouped_reason(&ev);
    assert!(
        reason.starts_with("host-db-01 is a dependency of db-orders-01"),
        "{reason}"
    );
    let inc = d.open_incidents()[0];
    assert_eq!(
        inc.root_node.as_deref(),
        Some("host-db-01"),
        "the released host is upstream: it becomes the root"
    );
}

#[test]
fn a_window_by_labels_covers_only_matching_alarms() {
    let mut d = Desk::new(DutyPolicy::default());
    let mut w = window("db-team", T0, T0 + HOUR);
    w.matchers = vec![Matcher {
        name: "team".into(),
        value: "db".into(),
        is_regex: false,
        is_equal: true,
    }];
    schedule(&mut d, w);
    let ev = d.signal(labelled("am", None, "a", &[("team", "db")], true, T0));
    assert_eq!(kinds(&ev), ["alarm_raised", "alarm_suppressed"]);
    let ev = d.signal(labelled("am", None, "b", &[("team", "web")], true, T0));
    assert_eq!(
        kinds(&ev),
        ["alarm_raised", "incident_opened", "alarm_grouped"]
    );
    // A regex matcher is refused (windows match exactly).
    let mut bad = window("re", T0, T0 + HOUR);
    bad.matchers = vec![Matcher {
        name: "team".into(),
        value: "d.*".into(),
        is_regex: true,
        is_equal: true,
    }];
    assert!(d
        .command(Command::ScheduleMaintenance { window: bad })
        .is_err());
}

#[test]
fn a_daily_window_suppresses_every_day_at_its_hours() {
    let mut d = Desk::new(DutyPolicy::default());
    let mut w = window("nightly-backup", T0 + 2 * HOUR, T0 + 3 * HOUR);
    w.recurrence = Recurrence::Daily;
    w.nodes = vec!["host-db-01".into(), "host-mail-01".into()];
    schedule(&mut d, w);
    // Day 0, before the window: not suppressed.
    let ev = d.fire("host-mail-01");
    assert!(!kinds(&ev).contains(&"alarm_suppressed"));
    // Day 1 at 02:30 (relative to T0): suppressed.
    d.run_until(DAY + 2 * HOUR + 30 * MIN, MIN);
    let ev = d.fire("host-db-01");
    assert_eq!(kinds(&ev), ["alarm_raised", "alarm_suppressed"]);
    // host-mail-01 fired before any window and is in an incident: the window that
    // started marks it and leaves it there.
    let mail = d.alarm_on("host-mail-01");
    assert_eq!(mail.suppressed_by.as_deref(), Some("nightly-backup"));
    assert!(mail.incident.is_some());
    // At 03:00 the occurrence ends: both are released, the host is grouped.
    let ev = d.run_until(DAY + 3 * HOUR, MIN);
    let released: Vec<_> = ev
        .iter()
        .filter_map(|e| match &e.body {
            EventBody::AlarmSuppressed { alarm, window } => Some((*alarm, window.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(released.len(), 2);
    assert!(released.iter().all(|(_, w)| w.is_none()));
    assert!(kinds(&ev).contains(&"alarm_grouped"));
    // Day 2 at 02:10: a new alarm is suppressed again.
    d.run_until(2 * DAY + 2 * HOUR + 10 * MIN, MIN);
    let ev = d.fire("sw-01");
    assert!(
        !kinds(&ev).contains(&"alarm_suppressed"),
        "sw-01 is not covered"
    );
    let ev = d.signal(common::alarm(Some("host-db-01"), "disk", true, d.now()));
    assert_eq!(kinds(&ev), ["alarm_raised", "alarm_suppressed"]);
}

#[test]
fn cancelling_a_window_releases_its_alarms_at_the_next_tick() {
    let mut d = Desk::new(DutyPolicy::default());
    let mut w = window("w", T0, T0 + HOUR);
    w.nodes = vec!["svc-mail".into()];
    schedule(&mut d, w);
    d.fire("svc-mail");
    assert!(d.open_incidents().is_empty());
    d.command(Command::CancelMaintenance { id: "w".into() })
        .unwrap();
    let ev = d.run_until(1_000, 1_000);
    assert_eq!(
        kinds(&ev),
        ["alarm_suppressed", "incident_opened", "alarm_grouped"]
    );
    assert_eq!(
        d.command(Command::CancelMaintenance { id: "w".into() }),
        Err(CommandError::NoSuchMaintenance("w".into()))
    );
}

#[test]
fn cleared_suppressed_alarms_leave_the_live_state_after_the_hold() {
    let mut d = Desk::new(DutyPolicy::default());
    let mut w = window("w", T0, T0 + HOUR);
    w.nodes = vec!["svc-mail".into()];
    schedule(&mut d, w);
    d.fire("svc-mail");
    let id = d.alarm_on("svc-mail").id;
    d.run_until(MIN, 1_000);
    assert_eq!(kinds(&d.clear("svc-mail")), ["alarm_cleared"]);
    let ev = d.run_until(MIN + 29_000, 1_000);
    assert!(ev.is_empty(), "hold not over");
    let ev = d.run_until(MIN + 30_000, 1_000);
    assert_eq!(kinds(&ev), ["alarm_retired"]);
    assert_eq!(ev[0].subject, format!("alarm:{id}"));
    assert!(!d.engine.state().alarms.contains_key(&id));
    // Its fingerprint is free: the next firing is a new, suppressed alarm.
    let ev = d.fire("svc-mail");
    assert_eq!(kinds(&ev), ["alarm_raised", "alarm_suppressed"]);
    // A suppressed alarm that fires again within the hold is not retired.
    d.run_until(2 * MIN, 1_000);
    d.clear("svc-mail");
    d.run_until(2 * MIN + 10_000, 1_000);
    d.fire("svc-mail");
    let ev = d.run_until(4 * MIN, 1_000);
    assert!(ev.is_empty(), "{:?}", kinds(&ev));
    assert_eq!(d.alarm_on("svc-mail").status, AlarmStatus::Active);
}

// --- the unseen queue ------------------------------------------------------------

#[test]
fn the_unseen_queue_empties_by_acknowledgement_or_mark_seen() {
    let mut d = Desk::new(DutyPolicy::default());
    d.fire("host-db-01");
    d.fire("svc-mail");
    let unseen = |d: &Desk| -> Vec<AlarmId> {
        let state = d.engine.state();
        state
            .alarms
            .values()
            .filter(|a| a.unseen)
            .map(|a| a.id)
            .collect()
    };
    assert_eq!(unseen(&d).len(), 2, "new alarms are unseen");
    let host_incident = d.alarm_on("host-db-01").incident.unwrap();
    d.command(Command::Acknowledge {
        incident: host_incident,
    })
    .unwrap();
    let mail = d.alarm_on("svc-mail").id;
    assert_eq!(
        unseen(&d),
        [mail],
        "acknowledging sees the incident's alarms"
    );
    // A new alarm joining an acknowledged incident is seen already.
    d.fire("db-orders-01");
    assert!(!d.alarm_on("db-orders-01").unseen);

    // The mail alarm clears and its incident resolves unseen: it stays for the queue.
    d.clear("svc-mail");
    d.run_until(MIN, 1_000);
    assert!(d.engine.state().alarms[&mail].unseen);
    assert_eq!(d.engine.state().alarms[&mail].status, AlarmStatus::Cleared);
    // Marking it seen takes it off the board; unknown or seen ids are ignored.
    let ev = d
        .command(Command::MarkSeen {
            alarms: vec![mail, 999],
        })
        .unwrap();
    assert_eq!(kinds(&ev), ["alarms_seen"]);
    let EventBody::AlarmsSeen { alarms } = &ev[0].body else {
        unreachable!()
    };
    assert_eq!(alarms, &[mail]);
    assert!(!d.engine.state().alarms.contains_key(&mail));
    assert!(unseen(&d).is_empty());
    assert!(d.command(Command::MarkSeen { alarms: vec![] }).is_err());
}

// --- 4. grouping rules -----------------------------------------------------------

fn by_service() -> DutyPolicy {
    DutyPolicy {
        grouping: vec![GroupingRule {
            name: "by-service".into(),
            labels: vec!["service".into()],
            window_ms: 5 * MIN,
        }],
        ..DutyPolicy::default()
    }
}

#[test]
fn a_grouping_rule_joins_alarms_with_the_same_label_values_within_its_window() {
    let mut d = Desk::new(by_service());
    let pay = [("service", "payment")];
    let first = d.signal(labelled("am", None, "latency", &pay, true, T0));
    assert_eq!(
        kinds(&first),
        ["alarm_raised", "incident_opened", "alarm_grouped"]
    );
    let incident = d.open_incidents()[0].id;
    d.run_until(4 * MIN, 1_000);
    let ev = d.signal(labelled(
        "am",
        Some("mystery-9"),
        "errors",
        &pay,
        true,
        d.now(),
    ));
    assert_eq!(kinds(&ev), ["alarm_raised", "alarm_grouped"]);
    let reason = grouped_reason(&ev);
    assert_eq!(
        reason,
        "same service=payment as alarm 1 within 5 min (rule 'by-service')"
    );
    let alarm = d.engine.state().alarms.values().last().unwrap();
    assert_eq!(alarm.incident, Some(incident));
    assert_eq!(alarm.reason.as_deref(), Some(reason.as_str()));
    // Another value, or no such label: not grouped by the rule.
    let ev = d.signal(labelled(
        "am",
        None,
        "x",
        &[("service", "mail")],
        true,
        d.now(),
    ));
    assert!(kinds(&ev).contains(&"incident_opened"));
    let ev = d.signal(labelled("am", None, "y", &[], true, d.now()));
    assert!(kinds(&ev).contains(&"incident_opened"));
    // After the rule's window from the incident's opening: a new incident.
    d.run_until(5 * MIN + 1, 1_000);
    let ev = d.signal(labelled("am", None, "late", &pay, true, d.now()));
    assert!(kinds(&ev).contains(&"incident_opened"));
}

#[test]
fn topology_takes_precedence_over_a_grouping_rule() {
    let mut d = Desk::new(by_service());
    d.signal(labelled(
        "am",
        Some("host-db-01"),
        "host-db-01:down",
        &[("service", "storage")],
        true,
        T0,
    ));
    d.signal(labelled(
        "am",
        Some("svc-mail"),
        "svc-mail:down",
        &[("service", "payment")],
        true,
        T0,
    ));
    // db-orders-01 runs on host-db-01 (topology) and shares service=payment with the
    // mail alarm (rule): topology wins.
    let ev = d.signal(labelled(
        "am",
        Some("db-orders-01"),
        "db-orders-01:down",
        &[("service", "payment")],
        true,
        T0 + 1,
    ));
    let reason = grouped_reason(&ev);
    assert!(
        reason.starts_with("host-db-01 is a dependency of db-orders-01"),
        "{reason}"
    );
    let host_incident = d.alarm_on("host-db-01").incident;
    assert_eq!(d.alarm_on("db-orders-01").incident, host_incident);
    // A node unrelated to both, with service=payment: the rule applies.
    let ev = d.signal(labelled(
        "am",
        Some("mystery-7"),
        "mystery-7:down",
        &[("service", "payment")],
        true,
        T0 + 2,
    ));
    let reason = grouped_reason(&ev);
    assert!(reason.contains("(rule 'by-service')"), "{reason}");
    // Both incidents now hold service=payment (db-orders-01 joined the host's by
    // topology): the oldest wins, named by its alarm with that value.
    assert_eq!(d.alarm_on("mystery-7").incident, host_incident);
    assert_eq!(
        reason,
        "same service=payment as alarm 3 within 5 min (rule 'by-service')"
    );
}

// --- topology: root and symptoms ----------------------------------------------------

#[test]
fn topology_grouping_keeps_the_most_upstream_alarm_as_root() {
    let mut d = Desk::new(DutyPolicy::default());
    // Symptom first.
    let ev = d.fire("sys-banking");
    assert!(kinds(&ev).contains(&"incident_opened"));
    let ev = d.fire("svc-payment");
    let EventBody::AlarmGrouped { root, reason, .. } = &ev[1].body else {
        panic!()
    };
    assert!(*root);
    assert!(reason.ends_with("it is upstream of the previous root-cause candidate"));
    // A symptom of the new root joins without taking the root.
    let ev = d.fire("sys-banking");
    assert_eq!(kinds(&ev), ["alarm_updated"]);
    let ev = d.fire("host-app-01");
    let EventBody::AlarmGrouped { root, .. } = &ev[1].body else {
        panic!()
    };
    assert!(*root, "svc-payment runs on host-app-01");
    let inc = d.open_incidents()[0];
    assert_eq!(inc.root_node.as_deref(), Some("host-app-01"));
    assert_eq!(inc.alarms.len(), 3);
    assert_eq!(inc.title, "host-app-01:down alarm on host-app-01");
    // Every member carries its reason.
    for id in &inc.alarms {
        assert!(d.engine.state().alarms[id].reason.is_some());
    }
}

// --- 5. merge and split ------------------------------------------------------------

#[test]
fn merging_moves_the_alarms_and_closes_the_merged_incident() {
    let mut d = Desk::new(DutyPolicy::default());
    d.fire("host-db-01");
    d.run_until(MIN, 1_000);
    d.fire("svc-mail");
    let (keep, gone) = (1, 2);
    assert_eq!(d.open_incidents().len(), 2);
    let ev = d
        .command(Command::Merge {
            incident: keep,
            from: vec![gone, gone],
        })
        .unwrap();
    assert_eq!(kinds(&ev), ["incidents_merged"], "duplicates named once");
    assert_eq!(d.open_incidents().len(), 1);
    let merged = d.incident(gone);
    assert_eq!(merged.status, IncidentStatus::Merged);
    assert_eq!(merged.merged_into, Some(keep));
    assert!(merged.alarms.is_empty());
    let kept = d.incident(keep);
    assert_eq!(kept.alarms.len(), 2);
    assert_eq!(kept.started_at, T0, "the earliest member's first sighting");
    let mail = d.alarm_on("svc-mail");
    assert_eq!(mail.incident, Some(keep));
    assert_eq!(mail.reason.as_deref(), Some("merged from incident 2 by li"));
    // The indexes follow: a new alarm related to a merged-in node joins the incident
    // that remains; a repeat of a moved alarm is counted on it.
    d.fire("host-mail-01");
    assert_eq!(d.alarm_on("host-mail-01").incident, Some(keep));
    assert_eq!(kinds(&d.fire("svc-mail")), ["alarm_updated"]);
    // Refusals.
    let refuse = |d: &mut Desk, incident, from: Vec<IncidentId>| {
        d.command(Command::Merge { incident, from }).unwrap_err()
    };
    assert_eq!(refuse(&mut d, keep, vec![gone]), CommandError::Closed(gone));
    assert_eq!(refuse(&mut d, gone, vec![keep]), CommandError::Closed(gone));
    assert_eq!(refuse(&mut d, keep, vec![keep]).code(), "invalid_request");
    assert_eq!(refuse(&mut d, keep, vec![]).code(), "invalid_request");
    assert_eq!(
        refuse(&mut d, keep, vec![42]),
        CommandError::NoSuchIncident(42)
    );
    // Every alarm of the merged incident clears: it resolves as one.
    for node in ["host-db-01", "svc-mail", "host-mail-01"] {
        d.clear(node);
    }
    let ev = d.run_until(2 * MIN, 1_000);
    assert_eq!(kinds(&ev), ["incident_resolved"]);
    assert!(d.open_incidents().is_empty());
}

#[test]
fn splitting_moves_the_chosen_alarms_to_a_new_incident_rooted_at_the_earliest() {
    let mut d = Desk::new(DutyPolicy::default());
    d.fire("host-db-01");
    d.run_until(1_000, 1_000);
    d.fire("db-orders-01");
    d.run_until(2_000, 1_000);
    d.fire("svc-payment");
    let inc = d.open_incidents()[0].id;
    let db = d.alarm_on("db-orders-01").id;
    let svc = d.alarm_on("svc-payment").id;
    let host = d.alarm_on("host-db-01").id;
    d.run_until(MIN, 1_000);
    let ev = d
        .command(Command::Split {
            incident: inc,
            alarms: vec![svc, db],
        })
        .unwrap();
    assert_eq!(kinds(&ev), ["incident_split"]);
    let EventBody::IncidentSplit { into, root, .. } = &ev[0].body else {
        unreachable!()
    };
    assert_eq!(*root, db, "the earliest moved alarm");
    let new = d.incident(*into).clone();
    assert_eq!(new.status, IncidentStatus::Open);
    assert_eq!(new.root_alarm, Some(db));
    assert_eq!(new.root_node.as_deref(), Some("db-orders-01"));
    assert_eq!(new.started_at, T0 + 1_000);
    assert_eq!(new.opened_at, T0 + MIN);
    assert_eq!(new.title, "db-orders-01:down alarm on db-orders-01");
    let mut alarms = new.alarms.clone();
    alarms.sort();
    assert_eq!(alarms, [db, svc]);
    assert_eq!(
        d.engine.state().alarms[&svc].reason.as_deref(),
        Some("split from incident 1 by li")
    );
    let old = d.incident(inc);
    assert_eq!(old.alarms, [host]);
    assert_eq!(old.nodes, ["host-db-01"]);
    // The indexes follow: sys-banking needs svc-payment (1 hop, new incident) and
    // host-db-01 (3 hops, old incident): it joins the new one.
    d.fire("sys-banking");
    assert_eq!(d.alarm_on("sys-banking").incident, Some(*into));
    // Refusals: none, all, or an alarm of another incident.
    let split = |d: &mut Desk, incident, alarms: Vec<AlarmId>| {
        d.command(Command::Split { incident, alarms })
    };
    assert!(split(&mut d, inc, vec![]).is_err());
    assert!(split(&mut d, inc, vec![host]).is_err(), "all of its alarms");
    assert!(
        split(&mut d, inc, vec![svc]).is_err(),
        "not in that incident"
    );
    assert_eq!(
        split(&mut d, 77, vec![svc]),
        Err(CommandError::NoSuchIncident(77))
    );
    // Each part resolves on its own.
    d.clear("host-db-01");
    let ev = d.run_until(2 * MIN, 1_000);
    assert_eq!(kinds(&ev), ["incident_resolved"]);
    assert_eq!(d.incident(inc).status, IncidentStatus::Resolved);
    assert_eq!(d.incident(*into).status, IncidentStatus::Open);
}

#[test]
fn splitting_off_the_root_gives_the_rest_a_new_root_and_title() {
    let mut d = Desk::new(DutyPolicy::default());
    d.fire("host-db-01");
    d.run_until(1_000, 1_000);
    d.fire("db-orders-01");
    let host = d.alarm_on("host-db-01").id;
    let db = d.alarm_on("db-orders-01").id;
    d.command(Command::Split {
        incident: 1,
        alarms: vec![host],
    })
    .unwrap();
    let old = d.incident(1);
    assert_eq!(old.root_alarm, Some(db));
    assert_eq!(old.root_node.as_deref(), Some("db-orders-01"));
    assert_eq!(old.title, "db-orders-01:down alarm on db-orders-01");
    assert_eq!(old.started_at, T0 + 1_000);
}

// --- 6. update deadline ------------------------------------------------------------

/// The overdue flags of incident 1.
fn overdue_events(events: &[NewEvent]) -> Vec<(IncidentId, Millis)> {
    events
        .iter()
        .filter_map(|e| match e.body {
            EventBody::IncidentUpdateOverdue { incident, due_at } => Some((incident, due_at)),
            _ => None,
        })
        .filter(|(incident, _)| *incident == 1)
        .collect()
}

#[test]
fn an_incident_without_an_update_is_flagged_overdue_once_and_a_comment_clears_it() {
    let mut d = Desk::new(DutyPolicy::default());
    d.fire("host-db-01");
    let ev = d.run_until(30 * MIN - 1_000, 1_000);
    assert!(overdue_events(&ev).is_empty());
    let ev = d.run_until(30 * MIN, 1_000);
    assert_eq!(overdue_events(&ev), [(1, T0 + 30 * MIN)]);
    assert_eq!(ev[0].actor, "engine");
    assert!(d.incident(1).update_overdue);
    // Once: later ticks, and alarms joining, do not flag it again.
    d.fire("host-db-01");
    d.signal(common::alarm(Some("host-db-01"), "disk", true, d.now()));
    let ev = d.run_until(40 * MIN, 1_000);
    assert!(overdue_events(&ev).is_empty(), "{ev:?}");
    // A comment is an update: the flag goes and the deadline starts again.
    d.command(Command::Comment {
        incident: 1,
        text: "DBA on it".into(),
    })
    .unwrap();
    assert!(!d.incident(1).update_overdue);
    assert_eq!(d.incident(1).last_update_at, T0 + 40 * MIN);
    let ev = d.run_until(70 * MIN - 1_000, 1_000);
    assert!(overdue_events(&ev).is_empty());
    let ev = d.run_until(70 * MIN, 1_000);
    assert_eq!(overdue_events(&ev), [(1, T0 + 70 * MIN)]);
    // A milestone is an update too; a resolved incident is never overdue.
    d.command(Command::Acknowledge { incident: 1 }).unwrap();
    assert!(!d.incident(1).update_overdue);
    d.command(Command::Resolve { incident: 1 }).unwrap();
    let ev = d.run_until(3 * HOUR, MIN);
    assert!(overdue_events(&ev).is_empty());
}

// --- 7. escalation ------------------------------------------------------------------

fn escalation_policy() -> DutyPolicy {
    let step = |level, after_ms, min_severity, notify: &str| EscalationStep {
        level,
        after_ms,
        min_severity,
        notify: vec![notify.to_string()],
    };
    DutyPolicy {
        // Out of order on purpose: the engine follows the levels.
        escalation: vec![
            step(2, 15 * MIN, Severity::Major, "duty-manager"),
            step(1, 5 * MIN, Severity::Major, "wecom-noc"),
            step(3, 10 * MIN, Severity::Critical, "cto-phone"),
        ],
        ..DutyPolicy::default()
    }
}

fn escalations(events: &[NewEvent]) -> Vec<(IncidentId, u32, String, Vec<String>)> {
    events
        .iter()
        .filter_map(|e| match &e.body {
            EventBody::IncidentEscalated {
                incident,
                level,
                reason,
                notify,
            } => Some((*incident, *level, reason.clone(), notify.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn escalation_steps_fire_in_level_order_while_nobody_acknowledges() {
    let mut d = Desk::new(escalation_policy());
    d.fire("host-db-01");
    let ev = d.run_until(5 * MIN - 1_000, 1_000);
    assert!(escalations(&ev).is_empty());
    let ev = d.run_until(5 * MIN, 1_000);
    assert_eq!(
        escalations(&ev),
        [(
            1,
            1,
            "unacknowledged for 5 min (policy level 1)".to_string(),
            vec!["wecom-noc".to_string()]
        )]
    );
    assert_eq!(ev[0].actor, "engine");
    assert_eq!(d.incident(1).escalation_level, 1);
    let ev = d.run_until(15 * MIN, 1_000);
    let got = escalations(&ev);
    assert_eq!(got.len(), 1);
    assert_eq!(
        (got[0].1, got[0].3.clone()),
        (2, vec!["duty-manager".into()])
    );
    // Level 3 is for critical incidents only: the incident turns critical, and the
    // step (due since 10 min) fires at the next tick.
    let ev = d.run_until(20 * MIN, 1_000);
    assert!(escalations(&ev).is_empty());
    let now = d.now();
    d.signal(fire_with("host-db-01", Severity::Critical, now));
    let ev = d.run_until(20 * MIN + 1_000, 1_000);
    assert_eq!(
        escalations(&ev)
            .iter()
            .map(|e| (e.1, e.2.clone()))
            .collect::<Vec<_>>(),
        [(3, "unacknowledged for 10 min (policy level 3)".to_string())]
    );
    assert!(
        escalations(&d.run_until(2 * HOUR, MIN)).is_empty(),
        "once per level"
    );
}

#[test]
fn late_ticks_escalate_every_due_level_in_order() {
    let mut d = Desk::new(escalation_policy());
    d.fire("host-db-01");
    // The hub was busy: the first tick comes 16 minutes later.
    d.clock.set(T0 + 16 * MIN);
    let ev = d.engine.on_tick(T0 + 16 * MIN);
    let levels: Vec<u32> = escalations(&ev).iter().map(|e| e.1).collect();
    assert_eq!(levels, [1, 2]);
}

#[test]
fn an_acknowledged_incident_is_not_escalated_and_an_operator_escalation_counts() {
    let mut d = Desk::new(escalation_policy());
    d.fire("host-db-01");
    d.fire("svc-mail");
    d.run_until(3 * MIN, 1_000);
    d.command(Command::Acknowledge { incident: 1 }).unwrap();
    // The operator escalates incident 2 by hand: it is at level 1 already.
    let ev = d
        .command(Command::Escalate {
            incident: 2,
            reason: "payment team asked".into(),
        })
        .unwrap();
    assert_eq!(escalations(&ev)[0].1, 1);
    assert_eq!(ev[0].actor, "li");
    let ev = d.run_until(30 * MIN, 1_000);
    let got: Vec<(IncidentId, u32)> = escalations(&ev).iter().map(|e| (e.0, e.1)).collect();
    assert_eq!(got, [(2, 2)], "incident 1 is acknowledged; 2 skips level 1");
    // Acknowledging stops further steps.
    let mut d = Desk::new(escalation_policy());
    d.fire("host-db-01");
    d.run_until(6 * MIN, 1_000);
    d.command(Command::Acknowledge { incident: 1 }).unwrap();
    assert!(escalations(&d.run_until(HOUR, 1_000)).is_empty());
}

// --- 8. milestones ---------------------------------------------------------------

#[test]
fn milestones_follow_the_duty_loop_in_order() {
    let mut d = Desk::new(DutyPolicy::default());
    // The source saw the fault 40 s before the console did.
    let now = d.now();
    d.signal(fire("db-orders-01", now - 40_000));
    d.run_until(20_000, 1_000);
    d.signal(fire("host-db-01", T0 - 50_000));
    assert_eq!(
        d.incident(1).started_at,
        T0 - 50_000,
        "the earliest member's first sighting"
    );
    // Mitigating before identifying is allowed; identifying after it is not.
    d.run_until(MIN, 1_000);
    d.command(Command::Acknowledge { incident: 1 }).unwrap();
    d.run_until(3 * MIN, 1_000);
    d.command(Command::Identify {
        incident: 1,
        cause: "disk full on host-db-01".into(),
        layer: Some(noc_model::Layer::Iaas),
        root_node: None,
    })
    .unwrap();
    assert_eq!(
        d.command(Command::Identify {
            incident: 1,
            cause: "again".into(),
            layer: None,
            root_node: None,
        })
        .unwrap_err()
        .code(),
        "wrong_status"
    );
    // The clock steps back (NTP): the milestone is not dated before the previous one.
    d.clock.set(T0 + 2 * MIN);
    d.command(Command::Mitigate {
        incident: 1,
        note: "failed over".into(),
    })
    .unwrap();
    d.clock.set(T0 + 4 * MIN);
    assert_eq!(
        d.command(Command::Review {
            incident: 1,
            summary: "too early".into()
        })
        .unwrap_err()
        .code(),
        "wrong_status"
    );
    d.command(Command::Resolve { incident: 1 }).unwrap();
    d.clock.set(T0 + HOUR);
    d.command(Command::Review {
        incident: 1,
        summary: "disk alarms now page at 80 %".into(),
    })
    .unwrap();
    let inc = d.incident(1);
    let ack = inc.acknowledged.as_ref().unwrap().at;
    let identified = inc.identified.as_ref().unwrap().at;
    let mitigated = inc.mitigated.as_ref().unwrap().at;
    let resolved = inc.resolved_at.unwrap();
    let reviewed = inc.reviewed.as_ref().unwrap().at;
    assert_eq!(ack, T0 + MIN);
    assert_eq!(identified, T0 + 3 * MIN);
    assert_eq!(mitigated, T0 + 3 * MIN, "floored at the identification");
    assert_eq!(resolved, T0 + 4 * MIN);
    assert_eq!(reviewed, T0 + HOUR);
    assert_eq!(inc.status, IncidentStatus::Reviewed);
    assert_eq!(inc.resolved_by.as_deref(), Some("li"));
}
