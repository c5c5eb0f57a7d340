//! A weekly report over a storm-heavy week: 7 days, 24 sources, an incident about
//! every 80 s, each a burst of 24 alarms grouped, acknowledged, identified, some
//! overdue and commented, cleared and resolved — 530,000 events in all. Measured:
//! the fold (ReportData::compute), the HTML and the PDF, and the three together
//! (goal < 2 s).

use criterion::{criterion_group, criterion_main, Criterion};
use noc_model::{
    Alarm, AlarmStatus, ClockTargets, Event, EventBody, Millis, NewEvent, Severity, State,
};
use noc_report::{render_html, render_pdf, Lang, ReportData, ReportKind, ReportRequest};

const SEC: Millis = 1_000;
const MIN: Millis = 60 * SEC;
const DAY: Millis = 24 * 60 * MIN;
/// 2026-11-16 00:00 at UTC+8.
const WEEK_START: Millis = 1_763_222_400_000;
const ALARMS_PER_INCIDENT: i64 = 24;
const SOURCES: i64 = 24;
const SYSTEMS: [&str; 6] = ["payments", "crm", "billing", "core-net", "mail", "erp"];
const SEVERITIES: [Severity; 4] = [
    Severity::Critical,
    Severity::Major,
    Severity::Minor,
    Severity::Warning,
];

fn alarm(id: i64, incident: i64, at: Millis) -> Alarm {
    Alarm {
        id,
        fingerprint: format!("fp-{id}"),
        source: format!("source-{:02}", (id * 7 + incident) % SOURCES),
        node: Some(format!("node-{}", incident % 300)),
        severity: SEVERITIES[(id % 4) as usize],
        title: format!("Link down on port {}", id % 48),
        text: "ifOperStatus down".into(),
        labels: Default::default(),
        status: AlarmStatus::Active,
        first_seen: at,
        last_seen: at,
        cleared_at: None,
        count: 1,
        incident: None,
        reason: None,
        flapping: false,
        suppressed_by: None,
        unseen: true,
    }
}

/// One incident's life, starting at `start`.
fn incident(id: i64, first_alarm: i64, start: Millis, out: &mut Vec<NewEvent>) {
    use EventBody::*;
    let system = SYSTEMS[(id % SYSTEMS.len() as i64) as usize];
    let mut push = |at: Millis, actor: &str, body: EventBody| {
        out.push(NewEvent::new(at, actor, body));
    };
    for n in 0..ALARMS_PER_INCIDENT {
        let at = start + n * 2 * SEC;
        push(
            at,
            "source:snmp",
            AlarmRaised {
                alarm: alarm(first_alarm + n, id, at),
            },
        );
        if n == 0 {
            push(
                at,
                "engine",
                IncidentOpened {
                    incident: id,
                    title: format!("Link down on node-{}", id % 300),
                    severity: Severity::Critical,
                    root_node: Some(format!("node-{}", id % 300)),
                    system: Some(system.into()),
                    layer: None,
                    reason: "same node".into(),
                },
            );
        }
        push(
            at,
            "engine",
            AlarmGrouped {
                incident: id,
                alarm: first_alarm + n,
                root: n == 0,
                reason: "same node".into(),
            },
        );
    }
    let operator = ["wang", "li", "zhang", "chen"][(id % 4) as usize];
    // Acknowledged within 30 s to 2 min, identified within 3 to 7 min.
    push(
        start + (30 + id % 90) * SEC,
        operator,
        IncidentAcknowledged { incident: id },
    );
    push(
        start + (3 * 60 + id % 240) * SEC,
        operator,
        IncidentIdentified {
            incident: id,
            cause: "fibre cut".into(),
            layer: None,
            root_node: None,
        },
    );
    if id % 10 == 0 {
        push(
            start + 35 * MIN,
            "engine",
            IncidentUpdateOverdue {
                incident: id,
                due_at: start + 34 * MIN,
            },
        );
        push(
            start + 40 * MIN,
            operator,
            IncidentCommented {
                incident: id,
                text: "splicing".into(),
            },
        );
    }
    let clear = start + (6 + id % 12) * MIN;
    for n in 0..ALARMS_PER_INCIDENT {
        push(
            clear + n * SEC,
            "source:snmp",
            AlarmCleared {
                alarm: first_alarm + n,
            },
        );
    }
    push(
        clear + 60 * SEC,
        operator,
        IncidentResolved { incident: id },
    );
}

fn week() -> Vec<Event> {
    let mut events = Vec::new();
    let every = 80 * SEC;
    let incidents = 7 * DAY / every;
    for i in 0..incidents {
        incident(
            i + 1,
            i * ALARMS_PER_INCIDENT + 1,
            WEEK_START + i * every,
            &mut events,
        );
    }
    events.sort_by_key(|e| e.at);
    events
        .into_iter()
        .enumerate()
        .map(|(i, e)| e.with_seq(i as i64 + 1))
        .collect()
}

fn bench(c: &mut Criterion) {
    let events = week();
    let request = ReportRequest {
        kind: ReportKind::Weekly,
        from: WEEK_START,
        to: WEEK_START + 7 * DAY,
        incident: None,
        utc_offset_minutes: 480,
        title: None,
    };
    let targets = ClockTargets::default();
    let base = State::default();
    let data = ReportData::compute(&base, &events, &request, &targets);
    eprintln!(
        "a week of {} events: {} alarms, {} incidents",
        events.len(),
        data.volume
            .iter()
            .map(|b| b.raised.critical + b.raised.major + b.raised.minor + b.raised.warning)
            .sum::<u32>(),
        data.incidents_opened
    );
    // The fonts are read once per process, as in the hub; not part of a report.
    let _ = render_pdf(&data, Lang::Zh);

    let mut group = c.benchmark_group("report_week");
    group.sample_size(10);
    group.bench_function("compute", |b| {
        b.iter(|| ReportData::compute(&base, &events, &request, &targets))
    });
    group.bench_function("render_html", |b| b.iter(|| render_html(&data, Lang::Zh)));
    group.bench_function("render_pdf", |b| {
        b.iter(|| render_pdf(&data, Lang::Zh).unwrap())
    });
    group.bench_function("compute_html_pdf", |b| {
        b.iter(|| {
            let data = ReportData::compute(&base, &events, &request, &targets);
            (
                render_html(&data, Lang::Zh),
                render_pdf(&data, Lang::Zh).unwrap(),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
