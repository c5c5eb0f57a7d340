//! A drill scored for a scripted response: every verdict, time and count below was
//! worked out by hand from the log, against 1-5-10 (detect and acknowledge 1 min,
//! identify 5 min, mitigate and recover 10 min).

use noc_model::{
    ClockTargets, DrillPhase, Event, EventBody, Layer, Millis, Scenario, Scorecard, State, Verdict,
};
use serde_json::{json, Value};

const SECOND: Millis = 1_000;
const MINUTE: Millis = 60 * SECOND;
/// The drill starts here; its first fault is injected five seconds later.
const START: Millis = 1_790_000_000_000;
const T0: Millis = START + 5 * SECOND;

fn targets() -> ClockTargets {
    ClockTargets {
        detect_ms: MINUTE,
        identify_ms: 5 * MINUTE,
        recover_ms: 10 * MINUTE,
    }
}

fn scenario(keywords: &[&str]) -> Scenario {
    serde_json::from_value(json!({
        "name": "core-switch-down",
        "title": "Core switch down",
        "title_zh": "核心交换机宕机",
        "faults": [
            { "at_secs": 0, "kind": "alarm", "node": "sw-core-north-01",
              "severity": "critical", "title": "Device unreachable" },
            { "at_secs": 30, "kind": "probe_failure", "probe": "probe-web",
              "node": "nginx-edge-01" }
        ],
        "expect": {
            "root_cause": { "node": "sw-core-north-01", "layer": "iaas", "keywords": keywords },
            "steps": [
                { "id": "ack", "title": "Acknowledge", "within_secs": 60, "done_by": "acknowledge" },
                { "id": "switch-traffic", "title": "Switch traffic to DC South", "within_secs": 300 },
                { "id": "notify", "title": "Tell the stakeholders", "within_secs": 120 },
                { "id": "call-vendor", "title": "Open a vendor case", "within_secs": 600 }
            ]
        }
    }))
    .expect("a scenario")
}

/// A log under construction: events get their `seq` in the order they are written.
#[derive(Default)]
struct Log(Vec<Event>);

impl Log {
    fn push(&mut self, at: Millis, actor: &str, body: Value) -> &mut Self {
        let body: EventBody = serde_json::from_value(body).expect("an event body");
        self.0.push(Event {
            seq: self.0.len() as i64 + 1,
            at,
            actor: actor.into(),
            subject: "drill".into(),
            body,
        });
        self
    }

    fn started(&mut self, scenario: Scenario) -> &mut Self {
        let body = json!({ "kind": "drill_started", "drill": "d-1", "scenario": scenario, "targets": targets() });
        self.push(START, "wang.fang", body)
    }

    fn fault(&mut self, at: Millis, index: u32) -> &mut Self {
        let body = json!({ "kind": "drill_fault_injected", "index": index, "started": true, "summary": "injected" });
        self.push(at, "drill", body)
    }

    fn opened(&mut self, at: Millis, incident: u64, root: &str) -> &mut Self {
        let body = json!({
            "kind": "incident_opened", "incident": incident, "title": "Device unreachable",
            "severity": "critical", "root_node": root, "system": null, "layer": "iaas",
            "reason": "root alarm"
        });
        self.push(at, "engine", body)
    }

    fn on(&mut self, at: Millis, actor: &str, kind: &str, incident: u64) -> &mut Self {
        self.push(at, actor, json!({ "kind": kind, "incident": incident }))
    }

    fn identified(
        &mut self,
        at: Millis,
        incident: u64,
        cause: &str,
        layer: &str,
        root: Option<&str>,
    ) -> &mut Self {
        let body = json!({ "kind": "incident_identified", "incident": incident, "cause": cause, "layer": layer, "root_node": root });
        self.push(at, "li.wei", body)
    }

    fn checked(&mut self, at: Millis, actor: &str, step: &str) -> &mut Self {
        self.push(
            at,
            actor,
            json!({ "kind": "drill_step_checked", "step": step }),
        )
    }

    fn ended(&mut self, at: Millis) -> &mut Self {
        self.push(
            at,
            "wang.fang",
            json!({ "kind": "drill_ended", "reason": "exercise over" }),
        )
    }

    fn fold(&self, upto: usize) -> State {
        let mut state = State::default();
        for event in &self.0[..upto] {
            state.apply(event);
        }
        state
    }

    fn scorecard(&self, upto: usize, now: Millis) -> Scorecard {
        self.fold(upto).drill.expect("a drill runs").scorecard(now)
    }
}

/// The scripted response: a quick acknowledgement, a late identification naming the
/// right switch, one step on time, one late, one never done, a mitigation in time and
/// a late recovery.
fn scripted() -> Log {
    let mut log = Log::default();
    log.started(scenario(&[]))
        .fault(T0, 0)
        .opened(T0 + 2 * SECOND, 1, "host-web-01")
        .fault(T0 + 30 * SECOND, 1)
        .on(T0 + 40 * SECOND, "li.wei", "incident_acknowledged", 1)
        .checked(T0 + 4 * MINUTE, "li.wei", "switch-traffic")
        .checked(T0 + 5 * MINUTE, "zhang.min", "notify")
        .identified(
            T0 + 6 * MINUTE,
            1,
            "uplinks of the switch lost",
            "iaas",
            Some("sw-core-north-01"),
        );
    log.push(
        T0 + 8 * MINUTE,
        "li.wei",
        json!({ "kind": "incident_mitigated", "incident": 1, "note": "traffic on DC South" }),
    )
    .on(T0 + 12 * MINUTE, "li.wei", "incident_resolved", 1)
    .ended(T0 + 13 * MINUTE);
    log
}

fn phase(card: &Scorecard, phase: DrillPhase) -> (Option<Millis>, Verdict, Option<&str>) {
    let score = card
        .phases
        .iter()
        .find(|p| p.phase == phase)
        .expect("every phase");
    (score.took_ms, score.verdict, score.by.as_deref())
}

fn step<'c>(card: &'c Scorecard, id: &str) -> (Option<Millis>, Verdict, Option<&'c str>) {
    let score = card.steps.iter().find(|s| s.id == id).expect("every step");
    (score.took_ms, score.verdict, score.by.as_deref())
}

#[test]
fn the_scripted_response_scores_as_worked_out_by_hand() {
    let log = scripted();
    let card = log.scorecard(log.0.len(), T0 + 13 * MINUTE);

    assert_eq!(card.drill, "d-1");
    assert_eq!(card.scenario, "core-switch-down");
    assert_eq!(card.started_at, START);
    assert_eq!(card.fault_at, Some(T0));
    assert_eq!(card.ended_at, Some(T0 + 13 * MINUTE));
    assert_eq!(card.incident, Some(1));

    let order: Vec<DrillPhase> = card.phases.iter().map(|p| p.phase).collect();
    use DrillPhase::*;
    assert_eq!(order, [Detect, Acknowledge, Identify, Mitigate, Recover]);
    let targets: Vec<Millis> = card.phases.iter().map(|p| p.target_ms).collect();
    assert_eq!(
        targets,
        [MINUTE, MINUTE, 5 * MINUTE, 10 * MINUTE, 10 * MINUTE]
    );

    assert_eq!(phase(&card, Detect), (Some(2_000), Verdict::Met, None));
    assert_eq!(
        phase(&card, Acknowledge),
        (Some(40_000), Verdict::Met, Some("li.wei"))
    );
    assert_eq!(
        phase(&card, Identify),
        (Some(360_000), Verdict::Late, Some("li.wei"))
    );
    assert_eq!(
        phase(&card, Mitigate),
        (Some(480_000), Verdict::Met, Some("li.wei"))
    );
    assert_eq!(phase(&card, Recover), (Some(720_000), Verdict::Late, None));
    assert_eq!(card.phases[0].at, Some(T0 + 2 * SECOND));

    assert_eq!(
        step(&card, "ack"),
        (Some(40_000), Verdict::Met, Some("li.wei"))
    );
    assert_eq!(
        step(&card, "switch-traffic"),
        (Some(240_000), Verdict::Met, Some("li.wei"))
    );
    assert_eq!(
        step(&card, "notify"),
        (Some(300_000), Verdict::Late, Some("zhang.min"))
    );
    assert_eq!(step(&card, "call-vendor"), (None, Verdict::Missed, None));
    assert_eq!(card.steps[2].within_ms, Some(120_000));
    assert_eq!(card.steps[1].done_at, Some(T0 + 4 * MINUTE));

    let root = &card.root_cause;
    assert_eq!(root.matches, Some(true));
    assert_eq!(root.expected_node, "sw-core-north-01");
    assert_eq!(root.identified_node.as_deref(), Some("sw-core-north-01"));
    assert_eq!(root.identified_layer, Some(Layer::Iaas));
    assert_eq!(
        root.identified_cause.as_deref(),
        Some("uplinks of the switch lost")
    );

    // Met: detect, acknowledge, mitigate; ack, switch-traffic; the root cause.
    assert_eq!((card.met, card.total), (6, 10));
}

#[test]
fn while_the_drill_runs_a_phase_is_pending_until_its_target_passes() {
    let log = scripted();
    // After the notify step (7 events), five minutes and one second in.
    let card = log.scorecard(7, T0 + 5 * MINUTE + SECOND);
    assert_eq!(card.ended_at, None);
    assert_eq!(
        phase(&card, DrillPhase::Identify),
        (None, Verdict::Missed, None)
    );
    assert_eq!(
        phase(&card, DrillPhase::Mitigate),
        (None, Verdict::Pending, None)
    );
    assert_eq!(
        phase(&card, DrillPhase::Recover),
        (None, Verdict::Pending, None)
    );
    assert_eq!(step(&card, "call-vendor"), (None, Verdict::Pending, None));
    assert_eq!(card.root_cause.matches, None);
    // Detect, acknowledge; ack, switch-traffic.
    assert_eq!((card.met, card.total), (4, 10));

    // Exactly at the identify target it is still pending.
    let card = log.scorecard(7, T0 + 5 * MINUTE);
    assert_eq!(phase(&card, DrillPhase::Identify).1, Verdict::Pending);

    // Past ten minutes, still running: the open step is missed.
    let card = log.scorecard(9, T0 + 10 * MINUTE + 1);
    assert_eq!(step(&card, "call-vendor").1, Verdict::Missed);
    assert_eq!(phase(&card, DrillPhase::Recover).1, Verdict::Missed);
}

#[test]
fn ending_the_drill_turns_what_is_pending_into_missed() {
    let mut log = Log::default();
    log.started(scenario(&[]))
        .fault(T0, 0)
        .opened(T0 + 2 * SECOND, 1, "sw-core-north-01");
    let running = log.scorecard(3, T0 + 30 * SECOND);
    assert_eq!(phase(&running, DrillPhase::Acknowledge).1, Verdict::Pending);
    assert!(running.steps.iter().all(|s| s.verdict == Verdict::Pending));

    log.ended(T0 + 40 * SECOND);
    let ended = log.scorecard(4, T0 + 40 * SECOND);
    assert_eq!(phase(&ended, DrillPhase::Detect).1, Verdict::Met);
    for phase in &ended.phases[1..] {
        assert_eq!(phase.verdict, Verdict::Missed, "{:?}", phase.phase);
    }
    assert!(ended.steps.iter().all(|s| s.verdict == Verdict::Missed));
    assert_eq!((ended.met, ended.total), (1, 10));
}

#[test]
fn before_any_fault_everything_is_pending() {
    let mut log = Log::default();
    log.started(scenario(&[]));
    let card = log.scorecard(1, START + 10 * MINUTE);
    assert_eq!(card.fault_at, None);
    assert!(card
        .phases
        .iter()
        .all(|p| p.verdict == Verdict::Pending && p.took_ms.is_none()));
    assert!(card
        .steps
        .iter()
        .all(|s| s.verdict == Verdict::Pending && s.took_ms.is_none()));
    assert_eq!((card.met, card.total), (0, 10));
}

fn identified_as(cause: &str, layer: &str, root: Option<&str>, keywords: &[&str]) -> Scorecard {
    let mut log = Log::default();
    log.started(scenario(keywords))
        .fault(T0, 0)
        .opened(T0 + 2 * SECOND, 1, "host-web-01")
        .identified(T0 + 3 * MINUTE, 1, cause, layer, root);
    log.scorecard(4, T0 + 3 * MINUTE)
}

#[test]
fn the_wrong_root_cause_is_scored_wrong() {
    let card = identified_as("web-01 crashed", "iaas", Some("host-web-01"), &[]);
    assert_eq!(card.root_cause.matches, Some(false));
    assert_eq!(
        card.root_cause.identified_node.as_deref(),
        Some("host-web-01")
    );
    // Identified in time, though wrong: the phase is met, the root cause is not.
    assert_eq!(phase(&card, DrillPhase::Identify).1, Verdict::Met);
    assert_eq!((card.met, card.total), (2, 10));

    // The right node on the wrong layer is not the expected root cause either.
    let card = identified_as("switch down", "paas", Some("sw-core-north-01"), &[]);
    assert_eq!(card.root_cause.matches, Some(false));

    // Confirming the engine's (wrong) candidate without naming a node.
    let card = identified_as("server problem", "iaas", None, &[]);
    assert_eq!(
        card.root_cause.identified_node.as_deref(),
        Some("host-web-01")
    );
    assert_eq!(card.root_cause.matches, Some(false));
}

#[test]
fn a_keyword_or_the_nodes_name_in_the_cause_counts_as_naming_it() {
    let card = identified_as(
        "北京核心交换机掉电",
        "iaas",
        Some("host-web-01"),
        &["核心交换机"],
    );
    assert_eq!(card.root_cause.matches, Some(true));
    let card = identified_as("The Core Switch rebooted", "iaas", None, &["core switch"]);
    assert_eq!(card.root_cause.matches, Some(true), "keywords ignore case");
    let card = identified_as("SW-CORE-NORTH-01 lost power", "iaas", None, &[]);
    assert_eq!(card.root_cause.matches, Some(true), "the node's id");

    // Its name, as the topology knows it.
    let mut log = Log::default();
    log.started(scenario(&[]));
    log.push(START + 1, "source:topology", json!({
        "kind": "topology_loaded", "origin": "source:cmdb",
        "topology": { "nodes": [
            { "id": "sw-core-north-01", "name": "Core switch North 01", "kind": "network_device", "layer": "iaas" }
        ], "relations": [] }
    }))
    .fault(T0, 0)
    .opened(T0 + 2 * SECOND, 1, "host-web-01")
    .identified(T0 + 3 * MINUTE, 1, "core switch north 01 has no power", "iaas", None);
    assert_eq!(
        log.scorecard(5, T0 + 3 * MINUTE).root_cause.matches,
        Some(true)
    );
}

#[test]
fn a_later_identification_replaces_the_earlier() {
    let mut log = Log::default();
    log.started(scenario(&[]))
        .fault(T0, 0)
        .opened(T0 + 2 * SECOND, 1, "host-web-01")
        .identified(
            T0 + 2 * MINUTE,
            1,
            "web-01 crashed",
            "iaas",
            Some("host-web-01"),
        )
        .identified(
            T0 + 7 * MINUTE,
            1,
            "the core switch",
            "iaas",
            Some("sw-core-north-01"),
        );
    let first = log.scorecard(4, T0 + 2 * MINUTE);
    assert_eq!(first.root_cause.matches, Some(false));
    assert_eq!(
        phase(&first, DrillPhase::Identify),
        (Some(2 * MINUTE), Verdict::Met, Some("li.wei"))
    );
    let second = log.scorecard(5, T0 + 7 * MINUTE);
    assert_eq!(second.root_cause.matches, Some(true));
    assert_eq!(
        phase(&second, DrillPhase::Identify),
        (Some(7 * MINUTE), Verdict::Late, Some("li.wei"))
    );
}

#[test]
fn the_drill_incident_follows_merges_and_stays_through_splits() {
    let mut log = Log::default();
    log.started(scenario(&[]))
        .fault(T0, 0)
        .opened(T0 + 2 * SECOND, 1, "sw-core-north-01")
        .opened(T0 + 20 * SECOND, 2, "nginx-edge-01")
        // Work on another incident is not the drill's.
        .on(T0 + 25 * SECOND, "li.wei", "incident_acknowledged", 2);
    let card = log.scorecard(5, T0 + 30 * SECOND);
    assert_eq!(card.incident, Some(1));
    assert_eq!(phase(&card, DrillPhase::Acknowledge).1, Verdict::Pending);

    // Incident 1 merged into 2: 2 is now the drill's incident.
    log.push(
        T0 + 50 * SECOND,
        "li.wei",
        json!({ "kind": "incidents_merged", "incident": 2, "from": 1 }),
    );
    let merged = log.fold(6).drill.unwrap();
    assert_eq!(merged.incident, Some(2));
    // Its earlier acknowledgement does not count (it was not the drill's then)…
    assert_eq!(
        phase(&merged.scorecard(T0 + 50 * SECOND), DrillPhase::Acknowledge).1,
        Verdict::Pending
    );
    // …but the next action on it does.
    log.push(
        T0 + 55 * SECOND,
        "li.wei",
        json!({ "kind": "incident_commented", "incident": 2, "text": "merged" }),
    )
    .push(
        T0 + 58 * SECOND,
        "zhang.min",
        json!({ "kind": "incident_acknowledged", "incident": 2 }),
    );
    let card = log.scorecard(8, T0 + 58 * SECOND);
    assert_eq!(
        phase(&card, DrillPhase::Acknowledge),
        (Some(58_000), Verdict::Met, Some("zhang.min"))
    );
    // Only the first acknowledgement counts.
    log.push(
        T0 + 70 * SECOND,
        "li.wei",
        json!({ "kind": "incident_acknowledged", "incident": 2 }),
    );
    let card = log.scorecard(9, T0 + 70 * SECOND);
    assert_eq!(
        phase(&card, DrillPhase::Acknowledge),
        (Some(58_000), Verdict::Met, Some("zhang.min"))
    );

    // Another incident merged into the drill's leaves it where it is.
    log.opened(T0 + 80 * SECOND, 3, "host-app-01").push(
        T0 + 90 * SECOND,
        "li.wei",
        json!({ "kind": "incidents_merged", "incident": 2, "from": 3 }),
    );
    assert_eq!(log.fold(11).drill.unwrap().incident, Some(2));

    // A split keeps the drill on the incident it was on.
    log.push(
        T0 + 100 * SECOND,
        "li.wei",
        json!({
            "kind": "incident_split", "incident": 2, "into": 4, "alarms": [], "root": 0,
            "title": "split off", "alarm": 0, "source": "drill", "reason": "operator split"
        }),
    );
    assert_eq!(log.fold(12).drill.unwrap().incident, Some(2));
}

fn step_scenario() -> Scenario {
    let mut scenario = scenario(&[]);
    scenario.expect.steps = serde_json::from_value(json!([
        { "id": "notice", "title": "Notice", "done_by": "notice" },
        { "id": "escalate", "title": "Escalate", "done_by": "escalate" },
        { "id": "comment", "title": "Comment", "done_by": "comment" },
        { "id": "identify", "title": "Identify", "done_by": "identify" },
        { "id": "mitigate", "title": "Mitigate", "done_by": "mitigate" },
        { "id": "resolve", "title": "Resolve", "done_by": "resolve" }
    ]))
    .unwrap();
    scenario
}

#[test]
fn console_actions_on_the_drill_incident_do_their_steps() {
    let mut log = Log::default();
    log.started(step_scenario())
        .fault(T0, 0)
        .opened(T0 + 2 * SECOND, 1, "sw-core-north-01")
        // A policy's escalation is not the team's step.
        .push(T0 + 3 * SECOND, "engine", json!({ "kind": "incident_escalated", "incident": 1, "level": 1, "reason": "policy", "notify": [] }))
        .push(T0 + 10 * SECOND, "li.wei", json!({
            "kind": "notice_sent", "incident": 1, "notice_kind": "initial", "languages": ["zh"],
            "text_zh": "通报", "text_en": "notice", "channels": [], "deliveries": [], "next_update_at": null
        }))
        .push(T0 + 20 * SECOND, "li.wei", json!({ "kind": "incident_escalated", "incident": 1, "level": 2, "reason": "vendor", "notify": [] }))
        .push(T0 + 30 * SECOND, "zhang.min", json!({ "kind": "incident_commented", "incident": 1, "text": "on it" }))
        .identified(T0 + MINUTE, 1, "switch", "iaas", None);
    let drill = log.fold(log.0.len()).drill.unwrap();
    let done: Vec<(&str, &str, Millis)> = drill
        .steps
        .iter()
        .map(|s| (s.id.as_str(), s.by.as_str(), s.at - T0))
        .collect();
    assert_eq!(
        done,
        [
            ("notice", "li.wei", 10_000),
            ("escalate", "li.wei", 20_000),
            ("comment", "zhang.min", 30_000),
            ("identify", "li.wei", 60_000),
        ]
    );
    let card = drill.scorecard(T0 + MINUTE);
    // No deadline: met when done, pending while the drill runs.
    assert_eq!(
        step(&card, "notice"),
        (Some(10_000), Verdict::Met, Some("li.wei"))
    );
    assert_eq!(step(&card, "mitigate"), (None, Verdict::Pending, None));

    // Every alarm clearing resolves the incident: service is back (mitigated too, as
    // no mitigation came first), but the resolve step is the team's and stays open.
    log.on(T0 + 9 * MINUTE, "engine", "incident_resolved", 1)
        .ended(T0 + 11 * MINUTE);
    let card = log.scorecard(log.0.len(), T0 + 11 * MINUTE);
    assert_eq!(
        phase(&card, DrillPhase::Mitigate),
        (Some(9 * MINUTE), Verdict::Met, None)
    );
    assert_eq!(
        phase(&card, DrillPhase::Recover),
        (Some(9 * MINUTE), Verdict::Met, None)
    );
    assert_eq!(step(&card, "resolve"), (None, Verdict::Missed, None));
    assert_eq!(step(&card, "mitigate"), (None, Verdict::Missed, None));
    // Nobody acknowledged it.
    assert_eq!(
        phase(&card, DrillPhase::Acknowledge),
        (None, Verdict::Missed, None)
    );
    // Met: detect, identify, mitigate, recover; notice, escalate, comment, identify;
    // the root cause (the engine's candidate, confirmed).
    assert_eq!(card.root_cause.matches, Some(true));
    assert_eq!((card.met, card.total), (9, 12));
}

#[test]
fn the_same_log_scores_the_same_however_it_is_folded() {
    let log = scripted();
    let now = T0 + 13 * MINUTE;
    let once = log.scorecard(log.0.len(), now);
    assert_eq!(log.scorecard(log.0.len(), now), once);

    let mut batched = State::default();
    let (first, second) = log.0.split_at(6);
    let fold = batched.apply_batch(first);
    assert!(fold.changes.drill_changed);
    batched.apply_batch(second);
    assert_eq!(batched.drill.as_ref().unwrap().scorecard(now), once);
    assert_eq!(batched.drill, log.fold(log.0.len()).drill);

    // From a snapshot, as a recording's base state, then the rest of the log.
    let base: State = serde_json::from_str(&serde_json::to_string(&log.fold(5)).unwrap()).unwrap();
    let mut resumed = base;
    for event in &log.0[5..] {
        resumed.apply(event);
    }
    assert_eq!(resumed.drill.unwrap().scorecard(now), once);
}

#[test]
fn milestones_change_the_drill_and_others_do_not() {
    let log = scripted();
    let mut state = State::default();
    let changed: Vec<bool> = log.0.iter().map(|e| state.apply(e).drill_changed).collect();
    assert!(
        changed.iter().all(|c| *c),
        "every event of the script moves the drill"
    );

    let mut state = log.fold(log.0.len());
    let late = Event {
        seq: 100,
        at: T0 + 14 * MINUTE,
        actor: "li.wei".into(),
        subject: "incident:1".into(),
        body: EventBody::IncidentAcknowledged { incident: 1 },
    };
    assert!(
        !state.apply(&late).drill_changed,
        "after the end nothing counts"
    );
}
