//! Duty actions in the engine, on a simulated clock: who may sign, accept and swap,
//! what overrides and swaps may change, and what a signed handover says.

use noc_engine::{Engine, EngineConfig};
use noc_model::{
    AlarmSignal, Command, CommandError, DutyError, EventBody, Millis, NewEvent, Roster, Severity,
    ShiftDef, Signal, SwapSide, Team,
};

/// 2026-11-23 08:00 in China (UTC+8): the anchor day's day shift starts.
const DAY_START: Millis = 1_795_392_000_000;
const HOUR: Millis = 3_600_000;
/// 10:00 on the anchor day: team A's day shift.
const T0: Millis = DAY_START + 2 * HOUR;
const NIGHT: Millis = DAY_START + 12 * HOUR;

fn roster() -> Roster {
    let team = |name: &str, members: &[&str]| Team {
        name: name.into(),
        members: members.iter().map(|m| m.to_string()).collect(),
    };
    let shift = |name: &str, start: &str| ShiftDef {
        name: name.into(),
        start: start.into(),
        hours: 12,
    };
    Roster {
        utc_offset_minutes: 480,
        shifts: vec![shift("day", "08:00"), shift("night", "20:00")],
        teams: vec![
            team("A", &["li.wei", "wang.fang"]),
            team("B", &["zhang.min", "zhao.lei"]),
            team("C", &["chen.jie"]),
        ],
        anchor_day: "2026-11-23".into(),
        patrol: vec!["UPS".into(), "core switch".into()],
    }
}

fn day() -> String {
    format!("day@{DAY_START}")
}

fn night() -> String {
    format!("night@{NIGHT}")
}

fn engine() -> Engine {
    let mut engine = Engine::new(EngineConfig::default());
    let cmd = Command::DefineRoster { roster: roster() };
    engine.on_command(cmd, "boss", T0 - HOUR).unwrap();
    engine
}

fn run(engine: &mut Engine, cmd: Command, actor: &str, now: Millis) -> Result<EventBody, String> {
    match engine.on_command(cmd, actor, now) {
        Ok(mut events) => {
            assert_eq!(events.len(), 1);
            let NewEvent {
                actor: by, body, ..
            } = events.remove(0);
            assert_eq!(by, actor);
            Ok(body)
        }
        Err(err) => Err(err.code().to_string()),
    }
}

fn sign(notes: &str, manager: bool) -> Command {
    Command::SignHandover {
        notes: notes.into(),
        manager,
    }
}

fn accept(shift: &str, manager: bool) -> Command {
    Command::AcceptHandover {
        shift: shift.into(),
        remarks: "taken over".into(),
        manager,
    }
}

fn side(shift: &str, operator: &str) -> SwapSide {
    SwapSide {
        shift: shift.into(),
        operator: operator.into(),
    }
}

fn members(engine: &Engine, at: Millis) -> Vec<String> {
    let duty = &engine.state().duty;
    let roster = duty.roster.as_ref().unwrap();
    roster.slot_at(at, &duty.overrides).unwrap().members
}

#[test]
fn a_roster_is_checked_before_it_is_recorded() {
    let mut engine = Engine::new(EngineConfig::default());
    let mut bad = roster();
    bad.shifts[1].start = "19:00".into();
    let err = engine
        .on_command(Command::DefineRoster { roster: bad }, "boss", T0)
        .unwrap_err();
    assert_eq!(
        err,
        CommandError::Duty(DutyError::InvalidRoster("shift night overlaps day".into()))
    );
    assert!(engine.state().duty.roster.is_none());
    let cmd = sign("", true);
    assert_eq!(run(&mut engine, cmd, "boss", T0), Err("no_roster".into()));
}

#[test]
fn only_the_current_slot_signs_and_only_the_next_accepts() {
    let mut engine = engine();
    // zhang.min is on tonight's slot, not on the day slot running now.
    let refused = run(&mut engine, sign("", false), "zhang.min", T0);
    assert_eq!(refused, Err("not_on_duty".into()));
    let Ok(EventBody::HandoverSigned { handover }) =
        run(&mut engine, sign("  db-1 slow  ", false), "li.wei", T0)
    else {
        panic!("not signed");
    };
    assert_eq!(handover.shift, day());
    assert_eq!(handover.next_shift, Some(night()));
    assert_eq!(
        (handover.signed.by.as_str(), handover.signed.at),
        ("li.wei", T0)
    );
    assert_eq!(handover.summary.notes, "db-1 slow");
    let again = run(&mut engine, sign("", true), "boss", T0 + 1);
    assert_eq!(again, Err("already_signed".into()));

    let own = run(&mut engine, accept(&day(), true), "li.wei", T0 + 2);
    assert_eq!(own, Err("own_handover".into()));
    let outsider = run(&mut engine, accept(&day(), false), "chen.jie", T0 + 2);
    assert_eq!(outsider, Err("not_on_duty".into()));
    let missing = run(&mut engine, accept(&night(), false), "chen.jie", T0 + 2);
    assert_eq!(missing, Err("not_signed".into()));
    run(&mut engine, accept(&day(), false), "zhao.lei", T0 + 3).unwrap();
    let accepted = engine.state().duty.handover(&day()).unwrap();
    let mark = accepted.accepted.as_ref().unwrap();
    assert_eq!((mark.by.as_str(), mark.at), ("zhao.lei", T0 + 3));
    assert_eq!(accepted.remarks, "taken over");
    let twice = run(&mut engine, accept(&day(), true), "boss", T0 + 4);
    assert_eq!(twice, Err("already_accepted".into()));
}

#[test]
fn a_duty_manager_signs_and_accepts_for_any_slot() {
    let mut engine = engine();
    run(&mut engine, sign("", true), "boss", T0).unwrap();
    run(&mut engine, accept(&day(), true), "deputy", T0 + 1).unwrap();
}

#[test]
fn the_signed_summary_is_what_was_true_then() {
    let mut engine = engine();
    let alarm = Signal::Alarm(AlarmSignal {
        source: "test".into(),
        key: "db-1-down".into(),
        node: Some("db-1".into()),
        severity: Severity::Critical,
        title: "db-1 down".into(),
        text: String::new(),
        labels: Default::default(),
        at: T0,
        firing: true,
    });
    engine.on_signal(alarm, T0);
    let Ok(EventBody::HandoverSigned { handover }) =
        run(&mut engine, sign("", false), "wang.fang", T0 + 1)
    else {
        panic!("not signed");
    };
    let open = &handover.summary.open_incidents;
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].title, "db-1 down on db-1");
    assert_eq!(open[0].severity, Severity::Critical);
    assert_eq!(handover.summary.unseen_alarms, 1);
    assert_eq!(handover.summary.generated_at, T0 + 1);
}

#[test]
fn overrides_name_someone_on_a_slot_not_yet_over() {
    let mut engine = engine();
    let over = |shift: String, replaced: &str, by: &str| Command::OverrideDuty {
        shift,
        replaced: replaced.into(),
        by: by.into(),
        reason: "training".into(),
    };
    let cases = [
        (over(night(), "li.wei", "sun.li"), "not_on_slot"),
        (over(night(), "zhang.min", "zhao.lei"), "already_on_slot"),
        (
            over(format!("night@{DAY_START}"), "zhang.min", "sun.li"),
            "unknown_slot",
        ),
        (
            over(format!("night@{}", NIGHT - 24 * HOUR), "chen.jie", "sun.li"),
            "slot_ended",
        ),
        (over(night(), "zhang.min", " "), "invalid_request"),
    ];
    for (cmd, code) in cases {
        assert_eq!(run(&mut engine, cmd, "boss", T0), Err(code.to_string()));
    }
    run(
        &mut engine,
        over(night(), "zhang.min", "sun.li"),
        "boss",
        T0,
    )
    .unwrap();
    assert_eq!(members(&engine, NIGHT), vec!["sun.li", "zhao.lei"]);
    // sun.li now signs the night's handover as one of its members.
    run(&mut engine, sign("", false), "sun.li", NIGHT + HOUR).unwrap();
}

#[test]
fn operators_swap_their_own_slots_and_a_manager_anyone() {
    let mut engine = engine();
    let swap = |a: &str, b: &str, manager| Command::SwapShifts {
        first: side(&day(), a),
        second: side(&night(), b),
        manager,
    };
    let others = run(
        &mut engine,
        swap("li.wei", "zhang.min", false),
        "chen.jie",
        T0,
    );
    assert_eq!(others, Err("not_on_duty".into()));
    let absent = run(
        &mut engine,
        swap("chen.jie", "zhang.min", false),
        "chen.jie",
        T0,
    );
    assert_eq!(absent, Err("not_on_slot".into()));
    let Ok(EventBody::ShiftSwapped { first, second }) = run(
        &mut engine,
        swap("li.wei", "zhang.min", false),
        "li.wei",
        T0,
    ) else {
        panic!("not swapped");
    };
    assert_eq!(
        (first.replaced.as_str(), first.by.as_str()),
        ("li.wei", "zhang.min")
    );
    assert_eq!(
        (second.replaced.as_str(), second.by.as_str()),
        ("zhang.min", "li.wei")
    );
    assert_eq!(members(&engine, T0), vec!["zhang.min", "wang.fang"]);
    assert_eq!(members(&engine, NIGHT), vec!["li.wei", "zhao.lei"]);
    // A duty manager swaps two others back.
    run(&mut engine, swap("zhang.min", "li.wei", true), "boss", T0).unwrap();
    assert_eq!(members(&engine, T0), vec!["li.wei", "wang.fang"]);
}

#[test]
fn the_log_and_the_patrol_belong_to_the_current_slot() {
    let mut engine = engine();
    let log = |text: &str| Command::LogShift { text: text.into() };
    assert_eq!(
        run(&mut engine, log("  "), "li.wei", T0),
        Err("invalid_request".into())
    );
    let long = "长".repeat(4001);
    assert_eq!(
        run(&mut engine, log(&long), "li.wei", T0),
        Err("invalid_request".into())
    );
    let Ok(EventBody::ShiftLogged { entry }) =
        run(&mut engine, log("UPS test at 09:30"), "li.wei", T0)
    else {
        panic!("not logged");
    };
    assert_eq!(
        (entry.shift, entry.at, entry.by.as_str()),
        (day(), T0, "li.wei")
    );
    let patrol = |item: &str, ok| Command::RecordPatrol {
        item: item.into(),
        ok,
        note: "fan noise".into(),
    };
    let unknown = run(&mut engine, patrol("coffee", true), "li.wei", T0);
    assert_eq!(unknown, Err("unknown_patrol_item".into()));
    run(&mut engine, patrol("UPS", false), "li.wei", T0).unwrap();
    run(&mut engine, patrol("UPS", true), "wang.fang", T0 + 1).unwrap();
    run(&mut engine, patrol("UPS", true), "zhang.min", NIGHT).unwrap();
    let duty = &engine.state().duty;
    let today = duty.patrol_of(&day());
    assert_eq!(today.len(), 1);
    assert!(today[0].ok);
    assert_eq!(today[0].by, "wang.fang");
    assert_eq!(duty.patrol_of(&night()).len(), 1);
    // What the day recorded is in its handover.
    let mut engine = engine_with(duty.clone());
    let Ok(EventBody::HandoverSigned { handover }) =
        run(&mut engine, sign("", false), "li.wei", T0 + 5)
    else {
        panic!("not signed");
    };
    assert_eq!(handover.summary.log.len(), 1);
    assert_eq!(handover.summary.patrol, today);
}

fn engine_with(duty: noc_model::DutyState) -> Engine {
    let mut state = noc_model::State::default();
    state.duty = duty;
    Engine::from_state(state, EngineConfig::default())
}
