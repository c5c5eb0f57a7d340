//! Causal rules between alarm types on an undirected network (microwave links between
//! devices, no "upstream"), on a simulated clock: a link relates two devices' alarms
//! only when the rules relate their types, and a cause found later takes over as the
//! root-cause candidate.

use noc_engine::{Engine, EngineConfig};
use noc_model::{
    AlarmId, AlarmSignal, CausalRule, Clock, DutyPolicy, EventBody, GroupingRule, IncidentId,
    Labels, ManualClock, Millis, NewEvent, Node, NodeKind, Relation, RelationKind, Severity,
    Signal, Topology,
};

const T0: Millis = 1_700_000_000_000;
const SEC: Millis = 1_000;

/// mw-1 — mw-2 — mw-3, and mw-4 off on its own: microwave devices linked both ways.
fn microwave() -> Topology {
    let nodes = ["mw-1", "mw-2", "mw-3", "mw-4"]
        .into_iter()
        .map(|id| Node::new(id, id, NodeKind::NetworkDevice))
        .collect();
    let link = |from: &str, to: &str| Relation::new(from, to, RelationKind::ConnectsTo);
    Topology {
        nodes,
        relations: vec![link("mw-1", "mw-2"), link("mw-2", "mw-3")],
    }
}

fn rule(cause: &str, effect: &str) -> CausalRule {
    CausalRule {
        cause: cause.into(),
        effect: effect.into(),
    }
}

/// POWER_FAIL ⇒ LINK_DOWN ⇒ LOS, the way a NOC team writes them down.
fn expert_rules() -> Vec<CausalRule> {
    vec![rule("LINK_DOWN", "LOS"), rule("POWER_FAIL", "LINK_DOWN")]
}

/// Where an alarm went: its incident, whether it became root, and why.
#[derive(Debug)]
struct Grouped {
    incident: IncidentId,
    alarm: AlarmId,
    root: bool,
    reason: String,
}

struct Network {
    engine: Engine,
    clock: ManualClock,
}

impl Network {
    fn new(causal: Vec<CausalRule>, grouping: Vec<GroupingRule>) -> Self {
        let policy = DutyPolicy {
            causal,
            grouping,
            ..DutyPolicy::default()
        };
        let config = EngineConfig {
            policy,
            ..EngineConfig::default()
        };
        let mut engine = Engine::new(config);
        engine.on_signal(
            Signal::Topology {
                origin: "source:test".into(),
                topology: microwave(),
            },
            T0,
        );
        Self {
            engine,
            clock: ManualClock::new(T0),
        }
    }

    /// `type_label` is `alertname` or `alarm_type`; `None` leaves the title as the type.
    fn raise(&mut self, node: &str, kind: &str, type_label: Option<&str>) -> Grouped {
        let now = self.clock.now() + 5 * SEC;
        self.clock.set(now);
        self.engine.on_tick(now);
        let mut labels = Labels::new();
        labels.insert("service".into(), "backhaul".into());
        if let Some(name) = type_label {
            labels.insert(name.into(), kind.into());
        }
        let signal = AlarmSignal {
            source: "nms".into(),
            key: format!("{kind}@{node}"),
            node: Some(node.into()),
            severity: Severity::Major,
            title: kind.into(),
            text: format!("{kind} on {node}"),
            labels,
            at: now,
            firing: true,
        };
        let out = self.engine.on_signal(Signal::Alarm(signal), now);
        grouped(&out)
    }

    fn fire(&mut self, node: &str, kind: &str) -> Grouped {
        self.raise(node, kind, Some("alertname"))
    }

    fn root_of(&self, incident: IncidentId) -> Option<AlarmId> {
        self.engine.state().incidents[&incident].root_alarm
    }

    fn root_node_of(&self, incident: IncidentId) -> Option<&str> {
        self.engine.state().incidents[&incident]
            .root_node
            .as_deref()
    }
}

fn grouped(events: &[NewEvent]) -> Grouped {
    events
        .iter()
        .find_map(|e| match &e.body {
            EventBody::AlarmGrouped {
                incident,
                alarm,
                root,
                reason,
            } => Some(Grouped {
                incident: *incident,
                alarm: *alarm,
                root: *root,
                reason: reason.clone(),
            }),
            _ => None,
        })
        .expect("the new alarm is grouped")
}

#[test]
fn an_effect_on_a_neighbour_joins_the_incident_of_its_cause() {
    let mut net = Network::new(expert_rules(), Vec::new());
    let cause = net.fire("mw-1", "LINK_DOWN");
    let effect = net.fire("mw-2", "LOS");
    assert_eq!(effect.incident, cause.incident);
    assert!(!effect.root);
    assert!(
        effect
            .reason
            .contains("its type LOS follows from LINK_DOWN there (causal rule)"),
        "{}",
        effect.reason
    );
    assert_eq!(net.root_of(cause.incident), Some(cause.alarm));
}

#[test]
fn the_same_type_on_a_neighbour_joins() {
    let mut net = Network::new(expert_rules(), Vec::new());
    let first = net.fire("mw-1", "LOS");
    let second = net.fire("mw-2", "LOS");
    assert_eq!(second.incident, first.incident);
    assert!(
        second.reason.contains("same type LOS there"),
        "{}",
        second.reason
    );
}

#[test]
fn an_unrelated_type_on_a_neighbour_or_the_same_node_opens_its_own_incident() {
    let mut net = Network::new(expert_rules(), Vec::new());
    let link = net.fire("mw-1", "LINK_DOWN");
    let heat = net.fire("mw-2", "HIGH_TEMPERATURE");
    assert_ne!(heat.incident, link.incident);
    assert!(heat.root);
    let fan = net.fire("mw-1", "FAN_FAILURE");
    assert_ne!(fan.incident, link.incident);
    assert_ne!(fan.incident, heat.incident);
    // A related type still finds its incident past the unrelated ones.
    let los = net.fire("mw-2", "LOS");
    assert_eq!(los.incident, link.incident);
}

#[test]
fn a_cause_arriving_later_becomes_the_root_cause_candidate() {
    let mut net = Network::new(expert_rules(), Vec::new());
    let effect = net.fire("mw-2", "LOS");
    let cause = net.fire("mw-1", "LINK_DOWN");
    assert_eq!(cause.incident, effect.incident);
    assert!(cause.root);
    assert!(
        cause
            .reason
            .contains("its type LINK_DOWN causes LOS (causal rule)"),
        "{}",
        cause.reason
    );
    assert_eq!(net.root_of(effect.incident), Some(cause.alarm));
    assert_eq!(net.root_node_of(effect.incident), Some("mw-1"));
    // A repeat of the effect's type elsewhere does not take the root back.
    let again = net.fire("mw-3", "LOS");
    assert_eq!(again.incident, effect.incident);
    assert!(!again.root);
    assert_eq!(net.root_of(effect.incident), Some(cause.alarm));
}

#[test]
fn rules_chain_transitively_in_both_directions() {
    let mut net = Network::new(expert_rules(), Vec::new());
    let power = net.fire("mw-1", "POWER_FAIL");
    let los = net.fire("mw-2", "LOS");
    assert_eq!(los.incident, power.incident);
    assert!(!los.root);

    let mut net = Network::new(expert_rules(), Vec::new());
    let los = net.fire("mw-2", "LOS");
    let power = net.fire("mw-1", "POWER_FAIL");
    assert_eq!(power.incident, los.incident);
    assert!(power.root);
    assert!(
        power
            .reason
            .contains("its type POWER_FAIL causes LOS (causal rule)"),
        "{}",
        power.reason
    );
}

#[test]
fn the_type_is_alertname_else_alarm_type_else_the_title() {
    let mut net = Network::new(expert_rules(), Vec::new());
    let cause = net.raise("mw-1", "LINK_DOWN", Some("alarm_type"));
    let effect = net.raise("mw-2", "LOS", None);
    assert_eq!(effect.incident, cause.incident);
}

#[test]
fn without_rules_a_link_alone_groups_whatever_the_types() {
    let mut net = Network::new(Vec::new(), Vec::new());
    let link = net.fire("mw-1", "LINK_DOWN");
    let heat = net.fire("mw-2", "HIGH_TEMPERATURE");
    let fan = net.fire("mw-1", "FAN_FAILURE");
    assert_eq!(heat.incident, link.incident);
    assert_eq!(fan.incident, link.incident);
    assert!(!heat.root && !fan.root);
    assert!(!heat.reason.contains("causal"), "{}", heat.reason);
    // Unlinked devices stay apart.
    let far = net.fire("mw-4", "LOS");
    assert_ne!(far.incident, link.incident);
}

#[test]
fn grouping_rules_still_apply_when_the_types_are_unrelated() {
    let by_service = GroupingRule {
        name: "same backhaul".into(),
        labels: vec!["service".into()],
        window_ms: 10 * 60 * SEC,
    };
    let mut net = Network::new(expert_rules(), vec![by_service]);
    let link = net.fire("mw-1", "LINK_DOWN");
    let heat = net.fire("mw-2", "HIGH_TEMPERATURE");
    assert_eq!(heat.incident, link.incident);
    assert!(
        heat.reason.contains("rule 'same backhaul'"),
        "{}",
        heat.reason
    );
}

#[test]
fn a_repeat_of_a_live_alarm_is_counted_not_placed_again() {
    let mut net = Network::new(expert_rules(), Vec::new());
    let first = net.fire("mw-1", "LINK_DOWN");
    let now = net.clock.now() + SEC;
    let mut labels = Labels::new();
    labels.insert("service".into(), "backhaul".into());
    labels.insert("alertname".into(), "LINK_DOWN".into());
    let repeat = AlarmSignal {
        source: "nms".into(),
        key: "LINK_DOWN@mw-1".into(),
        node: Some("mw-1".into()),
        severity: Severity::Major,
        title: "LINK_DOWN".into(),
        text: "LINK_DOWN on mw-1".into(),
        labels,
        at: now,
        firing: true,
    };
    let out = net.engine.on_signal(Signal::Alarm(repeat), now);
    assert!(out
        .iter()
        .all(|e| !matches!(e.body, EventBody::AlarmGrouped { .. })));
    assert_eq!(net.engine.state().alarms[&first.alarm].count, 2);
}

#[test]
fn an_engine_resumed_from_its_state_relates_types_as_before() {
    let mut net = Network::new(expert_rules(), Vec::new());
    let cause = net.fire("mw-1", "LINK_DOWN");
    let config = net.engine.config().clone();
    net.engine = Engine::from_state(net.engine.state().clone(), config);
    let heat = net.fire("mw-2", "HIGH_TEMPERATURE");
    assert_ne!(heat.incident, cause.incident);
    let effect = net.fire("mw-2", "LOS");
    assert_eq!(effect.incident, cause.incident);
}
