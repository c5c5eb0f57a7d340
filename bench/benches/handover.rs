//! The cost of a handover with a busy board: the summary the hub generates when the
//! outgoing shift signs (every open incident, unseen alarms, overdue updates,
//! maintenance), as `GET /api/duty/handover/draft` and `POST /api/duty/handover` do,
//! and the sign command through the engine, with 1,000 open incidents.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use noc_engine::{Engine, EngineConfig};
use noc_model::{
    AlarmSignal, Command, HandoverSummary, Millis, Roster, Severity, ShiftDef, Signal, State, Team,
};

/// 2026-11-23 10:00 in China: the day shift of the anchor day.
const NOW: Millis = 1_795_392_000_000 + 2 * 3_600_000;
const INCIDENTS: usize = 1_000;

fn roster() -> Roster {
    Roster {
        utc_offset_minutes: 480,
        shifts: ["08:00", "20:00"]
            .iter()
            .zip(["day", "night"])
            .map(|(start, name)| ShiftDef {
                name: name.into(),
                start: (*start).into(),
                hours: 12,
            })
            .collect(),
        teams: ["A", "B", "C"]
            .iter()
            .map(|t| Team {
                name: (*t).into(),
                members: vec![format!("{t}-1"), format!("{t}-2")],
            })
            .collect(),
        anchor_day: "2026-11-23".into(),
        patrol: vec!["UPS".into(), "core switch".into()],
    }
}

/// An engine with the roster and 1,000 open incidents (one alarm each, on its own
/// node, so none groups with another), every alarm unseen.
fn busy_engine() -> Engine {
    let mut engine = Engine::new(EngineConfig::default());
    engine
        .on_command(Command::DefineRoster { roster: roster() }, "boss", NOW)
        .unwrap();
    for i in 0..INCIDENTS {
        let signal = Signal::Alarm(AlarmSignal {
            source: "bench".into(),
            key: format!("alarm-{i}"),
            node: Some(format!("host-{i}")),
            severity: [Severity::Critical, Severity::Major, Severity::Minor][i % 3],
            title: format!("host-{i} unreachable"),
            text: String::new(),
            labels: Default::default(),
            at: NOW - 3_600_000 + i as Millis,
            firing: true,
        });
        engine.on_signal(signal, NOW - 3_600_000 + i as Millis);
    }
    let open = engine.state().incidents.len();
    assert_eq!(open, INCIDENTS, "one incident per alarm");
    engine
}

fn handover(c: &mut Criterion) {
    let engine = busy_engine();
    let state: State = engine.state().clone();
    let summary = HandoverSummary::generate(&state, "day@1", Some("night@2"), NOW, "");
    let bytes = serde_json::to_vec(&summary).unwrap().len();
    println!(
        "summary: {} open incidents, {} unseen alarms, {bytes} bytes of JSON",
        summary.open_incidents.len(),
        summary.unseen_alarms
    );
    let mut group = c.benchmark_group("handover");
    group.bench_function("summary_1000_open_incidents", |b| {
        b.iter(|| HandoverSummary::generate(&state, "day@1", Some("night@2"), NOW, "notes"))
    });
    group.bench_function("sign_command_1000_open_incidents", |b| {
        b.iter_batched(
            || Engine::from_state(state.clone(), EngineConfig::default()),
            |mut engine| {
                let sign = Command::SignHandover {
                    notes: "notes".into(),
                    manager: false,
                };
                engine.on_command(sign, "A-1", NOW).unwrap()
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, handover);
criterion_main!(benches);
