//! The built-in scenarios run through the real engine on the demo network (the drill
//! database copies its topology): the faults open an incident the team can work, and a
//! by-the-book response meets every target.

use noc_drill::{built_in, Injector};
use noc_engine::{Engine, EngineConfig};
use noc_model::{
    ClockTargets, Command, EventBody, Fault, HealthStatus, Millis, NoticeKind, NoticeLanguage,
    Scenario, Signal, StepCompletion, Verdict,
};
use noc_sources::demo::demo_topology;

const START: Millis = 1_790_000_000_000;
const SECOND: Millis = 1_000;

struct Drill {
    engine: Engine,
    injector: Injector,
    now: Millis,
}

impl Drill {
    fn start(scenario: &Scenario) -> Self {
        let mut engine = Engine::new(EngineConfig::default());
        let topology = Signal::Topology {
            origin: "source:demo".into(),
            topology: demo_topology(),
        };
        engine.on_signal(topology, START - SECOND);
        let started = EventBody::DrillStarted {
            drill: "d-1".into(),
            scenario: scenario.clone(),
            targets: ClockTargets::default(),
        };
        engine.on_record(started, "wang.fang", START);
        Self {
            engine,
            injector: Injector::new(scenario, START),
            now: START,
        }
    }

    /// Lets time pass second by second, injecting what is due as the hub does: the
    /// injection recorded first, then its signals.
    fn run_until(&mut self, until: Millis) {
        while self.now <= until {
            for injection in self.injector.due(self.now) {
                let body = EventBody::DrillFaultInjected {
                    index: injection.index,
                    started: injection.started,
                    summary: injection.summary,
                };
                self.engine.on_record(body, "drill", self.now);
                for signal in injection.signals {
                    self.engine.on_signal(signal, self.now);
                }
            }
            self.engine.on_tick(self.now);
            self.now += SECOND;
        }
    }

    fn act(&mut self, actor: &str, command: Command) {
        self.engine
            .on_command(command, actor, self.now)
            .unwrap_or_else(|e| panic!("{actor}: {e}"));
    }

    fn record(&mut self, actor: &str, body: EventBody) {
        self.engine.on_record(body, actor, self.now);
    }
}

#[test]
fn every_node_a_scenario_names_is_on_the_demo_network() {
    let topology = demo_topology();
    for scenario in built_in() {
        let mut nodes = vec![scenario.expect.root_cause.node.clone()];
        for fault in &scenario.faults {
            match &fault.fault {
                Fault::Alarm { node, .. } => nodes.push(node.clone()),
                Fault::ProbeFailure {
                    node: Some(node), ..
                } => nodes.push(node.clone()),
                _ => {}
            }
        }
        for node in nodes {
            assert!(
                topology.node(&node).is_some(),
                "{}: {node} is not on the demo network",
                scenario.name
            );
        }
    }
}

#[test]
fn a_by_the_book_response_meets_every_target_of_every_built_in_scenario() {
    for scenario in built_in() {
        let name = scenario.name.clone();
        let mut drill = Drill::start(&scenario);
        let first_fault = START + i64::from(scenario.faults[0].at_secs) * SECOND;
        drill.run_until(first_fault + 30 * SECOND);

        let state = drill.engine.state();
        let run = state.drill.as_deref().expect("the drill is folded");
        let incident = run
            .incident
            .unwrap_or_else(|| panic!("{name}: the faults opened no incident"));
        assert!(state.incidents.contains_key(&incident), "{name}");

        let expected = &scenario.expect.root_cause;
        drill.act("li.wei", Command::Acknowledge { incident });
        drill.act(
            "li.wei",
            Command::Identify {
                incident,
                cause: format!("{} failed", expected.node),
                layer: expected.layer,
                root_node: Some(expected.node.clone()),
            },
        );
        for step in &scenario.expect.steps {
            match step.done_by {
                StepCompletion::Check => drill.record(
                    "zhang.min",
                    EventBody::DrillStepChecked {
                        step: step.id.clone(),
                    },
                ),
                StepCompletion::Notice => drill.record("zhang.min", notice(incident)),
                StepCompletion::Comment => drill.act(
                    "zhang.min",
                    Command::Comment {
                        incident,
                        text: "metrics from Prometheus are missing".into(),
                    },
                ),
                _ => {}
            }
        }
        drill.act(
            "li.wei",
            Command::Mitigate {
                incident,
                note: "service restored".into(),
            },
        );
        drill.act("li.wei", Command::Resolve { incident });
        let now = drill.now;

        let card = drill
            .engine
            .state()
            .drill
            .as_deref()
            .expect("the drill")
            .scorecard(now);
        assert_eq!(card.fault_at, Some(first_fault), "{name}");
        assert_eq!(card.root_cause.matches, Some(true), "{name}");
        for phase in &card.phases {
            assert_eq!(phase.verdict, Verdict::Met, "{name}: {phase:?}");
        }
        for step in &card.steps {
            assert_eq!(step.verdict, Verdict::Met, "{name}: {step:?}");
        }
        assert_eq!(card.met, card.total, "{name}");
    }
}

fn notice(incident: noc_model::IncidentId) -> EventBody {
    EventBody::NoticeSent {
        incident,
        notice_kind: NoticeKind::Initial,
        languages: vec![NoticeLanguage::Zh],
        text_zh: "【首报】演练".into(),
        text_en: "[Initial] drill".into(),
        channels: Vec::new(),
        deliveries: Vec::new(),
        next_update_at: None,
    }
}

#[test]
fn the_blind_spot_shows_prometheus_down_and_back() {
    let scenario = built_in()
        .into_iter()
        .find(|s| s.name == "monitoring-blind-spot")
        .expect("built in");
    let mut drill = Drill::start(&scenario);
    drill.run_until(START + 10 * SECOND);
    let prometheus = &drill.engine.state().sources["prometheus"];
    assert_eq!(prometheus.status, HealthStatus::Unreachable);
    assert!(prometheus.detail.contains("connection refused"));
    drill.run_until(START + 1_200 * SECOND);
    assert_eq!(
        drill.engine.state().sources["prometheus"].status,
        HealthStatus::Ok
    );
}
