//! Scenarios with explicit times: what operators see on the board for a given storm.

mod common;

use common::{alarm, bank, clear, fire, MIN};
use noc_engine::{Engine, EngineConfig};
use noc_model::{
    AlarmStatus, Command, CommandError, EventBody, HealthStatus, IncidentStatus, Layer, NewEvent,
    Signal, SourceHealth,
};

const T0: i64 = 1_700_000_000_000;

fn engine() -> Engine {
    let mut engine = Engine::new(EngineConfig::default());
    let events = engine.on_signal(
        Signal::Topology {
            origin: "source:test".into(),
            topology: bank(),
        },
        T0,
    );
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].body.kind(), "topology_loaded");
    engine
}

fn open_incidents(engine: &Engine) -> Vec<&noc_model::Incident> {
    engine
        .state()
        .incidents
        .values()
        .filter(|i| !i.status.is_closed())
        .collect()
}

fn kinds(events: &[NewEvent]) -> Vec<&'static str> {
    events.iter().map(|e| e.body.kind()).collect()
}

#[test]
fn storm_on_a_db_host_becomes_one_incident_rooted_at_the_host() {
    let mut e = engine();
    // Symptoms arrive before the cause, as they often do.
    let first = e.on_signal(fire("svc-payment", T0 + 1_000), T0 + 1_000);
    assert_eq!(
        kinds(&first),
        ["alarm_raised", "incident_opened", "alarm_grouped"]
    );
    e.on_signal(fire("sys-banking", T0 + 2_000), T0 + 2_000);
    let db = e.on_signal(fire("db-orders-01", T0 + 3_000), T0 + 3_000);
    let host = e.on_signal(fire("host-db-01", T0 + 4_000), T0 + 4_000);

    let open = open_incidents(&e);
    assert_eq!(open.len(), 1, "one incident for the whole storm");
    let inc = open[0];
    assert_eq!(inc.alarms.len(), 4);
    assert_eq!(inc.root_node.as_deref(), Some("host-db-01"));
    assert_eq!(inc.system.as_deref(), Some("sys-banking"));
    assert_eq!(
        inc.layer,
        Some(Layer::Iaas),
        "the layer follows the root cause"
    );

    let EventBody::AlarmGrouped { root, reason, .. } = &db[1].body else {
        panic!("expected grouping, got {:?}", db[1].body)
    };
    assert!(*root, "db is upstream of svc-payment");
    assert!(
        reason.starts_with(
            "db-orders-01 is a dependency of svc-payment (depends on, 1 hop) within 10 min"
        ),
        "{reason}"
    );
    let EventBody::AlarmGrouped { root, .. } = &host[1].body else {
        panic!("expected grouping")
    };
    assert!(*root, "the host is upstream of the database");
}

#[test]
fn a_host_storm_opens_with_the_business_system_and_layer_of_the_host() {
    let mut e = engine();
    let events = e.on_signal(fire("host-db-01", T0), T0);
    let EventBody::IncidentOpened {
        system,
        layer,
        root_node,
        reason,
        ..
    } = &events[1].body
    else {
        panic!("expected an opening")
    };
    assert_eq!(system.as_deref(), Some("sys-banking"));
    assert_eq!(*layer, Some(Layer::Iaas));
    assert_eq!(root_node.as_deref(), Some("host-db-01"));
    assert!(
        reason.contains("no open incident on a related node"),
        "{reason}"
    );
    // Symptoms downstream join without taking the root.
    for (i, node) in ["db-orders-01", "svc-payment", "sys-banking"]
        .iter()
        .enumerate()
    {
        let at = T0 + 1_000 * (i as i64 + 1);
        let ev = e.on_signal(fire(node, at), at);
        assert_eq!(kinds(&ev), ["alarm_raised", "alarm_grouped"]);
        let EventBody::AlarmGrouped { root, .. } = ev[1].body else {
            unreachable!()
        };
        assert!(!root);
    }
    assert_eq!(open_incidents(&e).len(), 1);
}

#[test]
fn unrelated_nodes_and_site_neighbours_give_separate_incidents() {
    let mut e = engine();
    e.on_signal(fire("db-orders-01", T0), T0);
    // Same site, same far switch chain, but no dependency either way.
    e.on_signal(fire("svc-mail", T0 + 1_000), T0 + 1_000);
    e.on_signal(fire("host-mail-01", T0 + 2_000), T0 + 2_000);
    let open = open_incidents(&e);
    assert_eq!(open.len(), 2);
    assert_eq!(open[1].root_node.as_deref(), Some("host-mail-01"));
    assert_eq!(open[1].alarms.len(), 2);
}

#[test]
fn an_alarm_on_the_site_itself_relates_to_everything_in_it() {
    let mut e = engine();
    e.on_signal(fire("dc-1", T0), T0);
    e.on_signal(fire("svc-mail", T0 + 1_000), T0 + 1_000);
    e.on_signal(fire("db-orders-01", T0 + 2_000), T0 + 2_000);
    assert_eq!(open_incidents(&e).len(), 1);
}

#[test]
fn a_link_relates_its_ends_not_the_ends_of_their_other_links() {
    let mut e = engine();
    e.on_signal(fire("sw-01", T0), T0);
    e.on_signal(fire("host-db-01", T0 + 1_000), T0 + 1_000);
    // host-mail-01 hangs off sw-02, which is linked to sw-01: two links away.
    e.on_signal(fire("host-mail-01", T0 + 2_000), T0 + 2_000);
    let open = open_incidents(&e);
    assert_eq!(open.len(), 2);
    assert_eq!(
        open[0].root_node.as_deref(),
        Some("sw-01"),
        "a link does not move the root"
    );
}

#[test]
fn after_the_window_a_related_alarm_opens_a_new_incident() {
    let mut e = engine();
    e.on_signal(fire("host-db-01", T0), T0);
    let at = T0 + 10 * MIN;
    e.on_signal(fire("db-orders-01", at), at);
    assert_eq!(
        open_incidents(&e).len(),
        1,
        "exactly at the window edge it joins"
    );
    let at = T0 + 10 * MIN + 1;
    let ev = e.on_signal(fire("svc-payment", at), at);
    assert_eq!(
        kinds(&ev),
        ["alarm_raised", "incident_opened", "alarm_grouped"]
    );
    assert_eq!(open_incidents(&e).len(), 2);
}

#[test]
fn duplicates_count_and_clear_then_refire_reactivates() {
    let mut e = engine();
    e.on_signal(fire("host-db-01", T0), T0);
    for i in 1..=3 {
        let ev = e.on_signal(fire("host-db-01", T0 + i * 1000), T0 + i * 1000);
        assert_eq!(kinds(&ev), ["alarm_updated"]);
    }
    let alarm = e.state().alarms.values().next().unwrap().clone();
    assert_eq!(alarm.count, 4);
    assert_eq!(alarm.first_seen, T0);
    assert_eq!(e.state().alarms.len(), 1);

    assert_eq!(
        kinds(&e.on_signal(clear("host-db-01", T0 + 5_000), T0 + 5_000)),
        ["alarm_cleared"]
    );
    assert!(
        e.on_signal(clear("host-db-01", T0 + 6_000), T0 + 6_000)
            .is_empty(),
        "already cleared"
    );
    assert!(
        e.on_signal(clear("sw-01", T0 + 6_000), T0 + 6_000)
            .is_empty(),
        "unknown alarm"
    );
    assert_eq!(
        kinds(&e.on_signal(fire("host-db-01", T0 + 7_000), T0 + 7_000)),
        ["alarm_updated"]
    );
    let alarm = &e.state().alarms[&alarm.id];
    assert_eq!(alarm.status, AlarmStatus::Active);
    assert_eq!(alarm.count, 5);
}

#[test]
fn resolution_waits_for_the_hold_and_a_refire_keeps_it_open() {
    let mut e = engine();
    e.on_signal(fire("host-db-01", T0), T0);
    e.on_signal(fire("db-orders-01", T0 + 1_000), T0 + 1_000);
    e.on_signal(clear("host-db-01", T0 + 60_000), T0 + 60_000);
    assert!(
        e.on_tick(T0 + 200_000).is_empty(),
        "a member is still active"
    );
    e.on_signal(clear("db-orders-01", T0 + 61_000), T0 + 61_000);
    e.on_signal(fire("db-orders-01", T0 + 80_000), T0 + 80_000);
    assert!(
        e.on_tick(T0 + 95_000).is_empty(),
        "re-fired within the hold"
    );
    e.on_signal(clear("db-orders-01", T0 + 100_000), T0 + 100_000);
    assert!(e.on_tick(T0 + 129_999).is_empty(), "hold not over");
    let ev = e.on_tick(T0 + 130_000);
    assert_eq!(kinds(&ev), ["incident_resolved"]);
    assert_eq!(ev[0].actor, "engine");
    assert!(open_incidents(&e).is_empty());
    assert!(
        e.state().alarms.values().all(|a| a.unseen),
        "resolved alarms leave the live state, except those nobody saw"
    );
    // The same fingerprint firing again is a new alarm and a new incident.
    let ev = e.on_signal(fire("db-orders-01", T0 + 140_000), T0 + 140_000);
    assert_eq!(
        kinds(&ev),
        ["alarm_raised", "incident_opened", "alarm_grouped"]
    );
}

#[test]
fn alarms_without_a_known_node_stand_alone() {
    let mut e = engine();
    e.on_signal(fire("host-db-01", T0), T0);
    let ev = e.on_signal(alarm(None, "watchdog", true, T0), T0);
    let EventBody::IncidentOpened { reason, .. } = &ev[1].body else {
        panic!()
    };
    assert!(reason.contains("names no node"), "{reason}");
    let ev = e.on_signal(fire("mystery-01", T0), T0);
    let EventBody::IncidentOpened { reason, .. } = &ev[1].body else {
        panic!()
    };
    assert!(
        reason.contains("mystery-01 is not in the topology"),
        "{reason}"
    );
    assert_eq!(open_incidents(&e).len(), 3);
}

#[test]
fn alarms_on_one_node_outside_the_topology_share_an_incident_until_it_resolves() {
    let mut e = engine();
    e.on_signal(alarm(Some("mystery-01"), "disk", true, T0), T0);
    e.on_signal(alarm(Some("mystery-02"), "mystery-02 disk", true, T0), T0);
    let ev = e.on_signal(alarm(Some("mystery-01"), "cpu", true, T0 + 1), T0 + 1);
    assert_eq!(
        kinds(&ev),
        ["alarm_raised", "alarm_grouped"],
        "joins mystery-01's incident"
    );
    assert_eq!(open_incidents(&e).len(), 2);

    // After a restart the engine finds the same incident from the folded state.
    let mut e = Engine::from_state(e.state().clone(), EngineConfig::default());
    let ev = e.on_signal(alarm(Some("mystery-01"), "mem", true, T0 + 2), T0 + 2);
    assert_eq!(kinds(&ev), ["alarm_raised", "alarm_grouped"]);

    // Once that incident resolves, the node's next alarm opens a new one.
    for key in ["disk", "cpu", "mem"] {
        e.on_signal(alarm(Some("mystery-01"), key, false, T0 + 3), T0 + 3);
    }
    let resolved = e.on_tick(T0 + 10 * MIN);
    assert!(resolved
        .iter()
        .any(|ev| ev.body.kind() == "incident_resolved"));
    let ev = e.on_signal(
        alarm(Some("mystery-01"), "disk", true, T0 + 11 * MIN),
        T0 + 11 * MIN,
    );
    assert_eq!(
        kinds(&ev),
        ["alarm_raised", "incident_opened", "alarm_grouped"]
    );
}

#[test]
fn acknowledge_and_comment_refusals() {
    let mut e = engine();
    e.on_signal(fire("host-db-01", T0), T0);
    let id = *e.state().incidents.keys().next().unwrap();
    assert_eq!(
        e.on_command(Command::Acknowledge { incident: 99 }, "li", T0),
        Err(CommandError::NoSuchIncident(99))
    );
    let ev = e
        .on_command(Command::Acknowledge { incident: id }, "li", T0 + 1)
        .unwrap();
    assert_eq!(ev[0].actor, "li");
    assert_eq!(
        e.state().incidents[&id].status,
        IncidentStatus::Acknowledged
    );
    assert_eq!(
        e.on_command(Command::Acknowledge { incident: id }, "wang", T0 + 2),
        Err(CommandError::AlreadyAcknowledged {
            incident: id,
            by: "li".into()
        })
    );
    for text in ["", "   ", &"x".repeat(4_001)] {
        let err = e
            .on_command(
                Command::Comment {
                    incident: id,
                    text: text.into(),
                },
                "li",
                T0,
            )
            .unwrap_err();
        assert_eq!(err.code(), "invalid_request");
    }
    let ok = e.on_command(
        Command::Comment {
            incident: id,
            text: "x".repeat(4_000),
        },
        "li",
        T0 + 3,
    );
    assert!(ok.is_ok());
    assert_eq!(e.state().incidents[&id].comments, 1);

    e.on_signal(clear("host-db-01", T0 + 10), T0 + 10);
    e.on_tick(T0 + MIN);
    assert_eq!(
        e.on_command(Command::Acknowledge { incident: id }, "wang", T0 + MIN),
        Err(CommandError::Closed(id))
    );
}

#[test]
fn health_is_recorded_only_when_it_changes() {
    let mut e = engine();
    let health = |status, detail: &str| {
        Signal::Health(SourceHealth {
            source: "prom".into(),
            kind: "prometheus".into(),
            status,
            detail: detail.into(),
            since: T0,
            last_ok: None,
            demo: false,
        })
    };
    let ev = e.on_signal(health(HealthStatus::Ok, ""), T0);
    assert_eq!(ev[0].actor, "source:prom");
    assert!(e.on_signal(health(HealthStatus::Ok, ""), T0 + 1).is_empty());
    assert_eq!(
        e.on_signal(health(HealthStatus::Stale, "no data"), T0 + 2)
            .len(),
        1
    );
    assert_eq!(
        e.on_signal(health(HealthStatus::Stale, "no data for 5 min"), T0 + 3)
            .len(),
        1
    );
    assert!(
        e.on_signal(
            Signal::Topology {
                origin: "source:test".into(),
                topology: bank()
            },
            T0 + 4
        )
        .is_empty(),
        "same topology"
    );
}

#[test]
fn events_carry_the_time_given_and_the_right_actors() {
    let mut e = engine();
    let ev = e.on_signal(fire("host-db-01", T0 - 5_000), T0);
    assert!(ev.iter().all(|x| x.at == T0));
    assert_eq!(ev[0].actor, "source:prom");
    assert_eq!(ev[1].actor, "engine");
    assert_eq!(ev[0].subject, "alarm:1");
    let alarm = &e.state().alarms[&1];
    assert_eq!(
        (alarm.first_seen, alarm.last_seen),
        (T0 - 5_000, T0 - 5_000)
    );
    assert_eq!(e.state().seq, 4, "topology + three events");
}

#[test]
fn resuming_from_state_continues_dedup_and_correlation() {
    let mut e = engine();
    e.on_signal(fire("host-db-01", T0), T0);
    let mut resumed = Engine::from_state(e.state().clone(), EngineConfig::default());
    assert_eq!(
        kinds(&resumed.on_signal(fire("host-db-01", T0 + 1), T0 + 1)),
        ["alarm_updated"]
    );
    resumed.on_signal(fire("db-orders-01", T0 + 2), T0 + 2);
    assert_eq!(open_incidents(&resumed).len(), 1);
}
