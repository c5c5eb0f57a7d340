//! A shift report against numbers computed by hand.
//!
//! The shift: M (2026-01-01 00:00 UTC) to M+240 min, hour bars, targets 1-5-10.
//! Nine alarms from three sources (minute, source, severity → incident):
//!   #1  5 zabbix critical → incident 1     #2   7 zabbix major → incident 1
//!   #3 20 prom   warning (title `<script>…`) #4  65 zabbix major → incident 2
//!   #5 70 prom   major   → incident 2      #7 135 zabbix minor
//!   #8 190 prom  warning                   #9 200 ping   minor
//!   #6 236 ping  critical → incident 3
//! Bars: [0,60) critical 1, major 1, warning 1 · [60,120) major 2 ·
//!       [120,180) minor 1 · [180,240] critical 1, minor 1, warning 1.
//! By severity: critical 2, major 3, minor 2, warning 2 (9).
//! Noisiest: zabbix 4 (4/9), prom 3 (3/9), ping 2 (2/9).
//!
//! Incidents (clocks from the first alarm):
//! - #0 opened at M-30 (before the shift), acked M-29, resolved at M+10: not opened in
//!   the range, its resolution is (40 min).
//! - #1 payments, critical, start 5: acked 5:45 by wang (45 s, detect met), identified
//!   8 (3 min, met), mitigated 12 (7 min, recover met), resolved 20 (15 min).
//! - #2 payments, major, start 65: acked 68 by li (3 min, detect missed), identified 69
//!   (4 min, met), update due at 99 flagged at 100, commented at 110 (11 min overdue),
//!   resolved 150 (85 min, recover missed).
//! - #3 crm, critical, start 236: acked 236:30 by wang (30 s, met); at 240 identify and
//!   recover still running (4 min).
//!
//! MTTA over #1 #2 #3 = 45 s, 180 s, 30 s → median 45 s, mean 85 s.
//! MTTR over #0 #1 #2 = 40, 15, 85 min → median 40 min, mean 140/3 min = 2,800,000 ms.
//! Compliance: detect 2 met 1 missed · identify 2 met 1 running · recover 1 met 1
//! missed 1 running.
//! By severity (opened): critical 2 (#1 #3), major 1 (#2). By system: payments 2, crm 1.
//! Overdue: #2, due 99, updated 110, 11 min.

use noc_model::{
    Alarm, AlarmStatus, ClockState, ClockTargets, Event, EventBody, Millis, NewEvent, Severity,
    State,
};
use noc_report::{
    render_html, render_pdf, ClockTally, Fonts, Lang, ReportData, ReportKind, ReportRequest,
    SeverityCounts,
};

const MIN: Millis = 60_000;
const SEC: Millis = 1_000;
const M: Millis = 1_767_225_600_000;

fn at(minutes: Millis) -> Millis {
    M + minutes * MIN
}

fn alarm(id: i64, source: &str, severity: Severity, first_seen: Millis) -> Alarm {
    Alarm {
        id,
        fingerprint: format!("fp-{id}"),
        source: source.into(),
        node: None,
        severity,
        title: if id == 3 {
            "<script>alert(1)</script>".into()
        } else {
            format!("alarm {id}")
        },
        text: String::new(),
        labels: Default::default(),
        status: AlarmStatus::Active,
        first_seen,
        last_seen: first_seen,
        cleared_at: None,
        count: 1,
        incident: None,
        reason: None,
        flapping: false,
        suppressed_by: None,
        unseen: true,
    }
}

fn opened(id: i64, title: &str, severity: Severity, system: Option<&str>) -> EventBody {
    EventBody::IncidentOpened {
        incident: id,
        title: title.into(),
        severity,
        root_node: None,
        system: system.map(Into::into),
        layer: None,
        reason: "test".into(),
    }
}

fn grouped(incident: i64, alarm: i64) -> EventBody {
    EventBody::AlarmGrouped {
        incident,
        alarm,
        root: false,
        reason: "same node".into(),
    }
}

fn identified(incident: i64) -> EventBody {
    EventBody::IncidentIdentified {
        incident,
        cause: "disk full".into(),
        layer: None,
        root_node: None,
    }
}

/// The log: (ms, actor, body), in order.
fn log() -> Vec<Event> {
    use EventBody::*;
    use Severity::*;
    let raised = |id, source, severity, minute| {
        (
            at(minute),
            "engine",
            AlarmRaised {
                alarm: alarm(id, source, severity, at(minute)),
            },
        )
    };
    let entries: Vec<(Millis, &str, EventBody)> = vec![
        (at(-30), "engine", opened(0, "yesterday", Major, None)),
        (at(-29), "li", IncidentAcknowledged { incident: 0 }),
        raised(1, "zabbix", Critical, 5),
        (
            at(6),
            "engine",
            opened(
                1,
                "Payments DB <down> & \"out\"",
                Critical,
                Some("payments"),
            ),
        ),
        (at(6), "engine", grouped(1, 1)),
        (
            at(5) + 45 * SEC,
            "wang",
            IncidentAcknowledged { incident: 1 },
        ),
        raised(2, "zabbix", Major, 7),
        (at(7), "engine", grouped(1, 2)),
        (at(8), "wang", identified(1)),
        (at(10), "li", IncidentResolved { incident: 0 }),
        (
            at(12),
            "wang",
            IncidentMitigated {
                incident: 1,
                note: "failover".into(),
            },
        ),
        raised(3, "prom", Warning, 20),
        (at(20), "wang", IncidentResolved { incident: 1 }),
        raised(4, "zabbix", Major, 65),
        (
            at(66),
            "engine",
            opened(2, "Payments API slow", Major, Some("payments")),
        ),
        (at(66), "engine", grouped(2, 4)),
        (at(68), "li", IncidentAcknowledged { incident: 2 }),
        (at(69), "li", identified(2)),
        raised(5, "prom", Major, 70),
        (at(70), "engine", grouped(2, 5)),
        (
            at(100),
            "engine",
            IncidentUpdateOverdue {
                incident: 2,
                due_at: at(99),
            },
        ),
        (
            at(110),
            "li",
            IncidentCommented {
                incident: 2,
                text: "still on it".into(),
            },
        ),
        raised(7, "zabbix", Minor, 135),
        (at(150), "li", IncidentResolved { incident: 2 }),
        raised(8, "prom", Warning, 190),
        raised(9, "ping", Minor, 200),
        raised(6, "ping", Critical, 236),
        (
            at(236),
            "engine",
            opened(3, "CRM unreachable", Critical, Some("crm")),
        ),
        (at(236), "engine", grouped(3, 6)),
        (
            at(236) + 30 * SEC,
            "wang",
            IncidentAcknowledged { incident: 3 },
        ),
    ];
    entries
        .into_iter()
        .enumerate()
        .map(|(i, (at, actor, body))| NewEvent::new(at, actor, body).with_seq(i as i64 + 1))
        .collect()
}

fn request(kind: ReportKind, incident: Option<i64>) -> ReportRequest {
    ReportRequest {
        kind,
        from: M,
        to: at(240),
        incident,
        utc_offset_minutes: 0,
        title: None,
    }
}

/// The state before `from` and the events in range, as a store hands them over.
fn report(request: &ReportRequest) -> ReportData {
    let events = log();
    let mut base = State::default();
    for event in events.iter().filter(|e| e.at < request.from) {
        base.apply(event);
    }
    let in_range: Vec<Event> = events
        .into_iter()
        .filter(|e| e.at >= request.from)
        .collect();
    ReportData::compute(&base, &in_range, request, &ClockTargets::default())
}

fn counts(critical: u32, major: u32, minor: u32, warning: u32) -> SeverityCounts {
    SeverityCounts {
        critical,
        major,
        minor,
        warning,
        ..Default::default()
    }
}

#[test]
fn a_shift_report_holds_the_numbers_computed_by_hand() {
    let data = report(&request(ReportKind::Shift, None));

    assert_eq!(data.bucket_ms, 60 * MIN);
    let bars: Vec<(Millis, SeverityCounts)> =
        data.volume.iter().map(|b| (b.start, b.raised)).collect();
    assert_eq!(
        bars,
        vec![
            (at(0), counts(1, 1, 0, 1)),
            (at(60), counts(0, 2, 0, 0)),
            (at(120), counts(0, 0, 1, 0)),
            (at(180), counts(1, 0, 1, 1)),
        ]
    );
    assert_eq!(data.alarms_raised, counts(2, 3, 2, 2));

    assert_eq!(data.incidents_opened, 3);
    assert_eq!(data.incidents_by_severity, counts(2, 1, 0, 0));
    let systems: Vec<(Option<&str>, u32)> = data
        .incidents_by_system
        .iter()
        .map(|s| (s.system.as_deref(), s.incidents))
        .collect();
    assert_eq!(systems, vec![(Some("payments"), 2), (Some("crm"), 1)]);

    assert_eq!(data.mtta.count, 3);
    assert_eq!(data.mtta.median_ms, Some(45 * SEC));
    assert_eq!(data.mtta.mean_ms, Some(85 * SEC));
    assert_eq!(data.mttr.count, 3);
    assert_eq!(data.mttr.median_ms, Some(40 * MIN));
    assert_eq!(data.mttr.mean_ms, Some(2_800_000));

    let tally = |met, missed, running| ClockTally {
        met,
        missed,
        running,
    };
    assert_eq!(data.compliance.detect, tally(2, 1, 0));
    assert_eq!(data.compliance.identify, tally(2, 0, 1));
    assert_eq!(data.compliance.recover, tally(1, 1, 1));

    let noisiest: Vec<(&str, u32)> = data
        .noisiest_sources
        .iter()
        .map(|s| (s.source.as_str(), s.alarms))
        .collect();
    assert_eq!(noisiest, vec![("zabbix", 4), ("prom", 3), ("ping", 2)]);
    assert!((data.noisiest_sources[0].share - 4.0 / 9.0).abs() < 1e-9);

    assert_eq!(data.overdue_updates.len(), 1);
    let overdue = &data.overdue_updates[0];
    assert_eq!(overdue.incident, 2);
    assert_eq!(overdue.due_at, at(99));
    assert_eq!(overdue.ended_at, Some(at(110)));
    assert_eq!(overdue.overdue_ms, 11 * MIN);

    let ids: Vec<i64> = data.incidents.iter().map(|r| r.id).collect();
    assert_eq!(ids, vec![1, 2, 3]);
    let first = &data.incidents[0];
    assert_eq!(first.started_at, at(5));
    assert_eq!(first.acknowledged.as_ref().unwrap().by, "wang");
    assert_eq!(first.time_to_acknowledge_ms, Some(45 * SEC));
    assert_eq!(first.time_to_identify_ms, Some(3 * MIN));
    assert_eq!(first.time_to_mitigate_ms, Some(7 * MIN));
    assert_eq!(first.time_to_resolve_ms, Some(15 * MIN));
    assert_eq!(first.clocks.recover, ClockState::Met);
    let second = &data.incidents[1];
    assert_eq!(
        [
            second.clocks.detect,
            second.clocks.identify,
            second.clocks.recover
        ],
        [ClockState::Missed, ClockState::Met, ClockState::Missed]
    );
    assert!(data.review.is_none());
    assert!(data.scorecard.is_none());
}

#[test]
fn the_wall_and_the_report_count_alike() {
    // The same range through the wall's fold: its means are the report's.
    let events = log();
    let mut base = State::default();
    events
        .iter()
        .filter(|e| e.at < M)
        .for_each(|e| drop(base.apply(e)));
    let mut fold = noc_report::StatsFold::new(M, base);
    events
        .iter()
        .filter(|e| e.at >= M)
        .for_each(|e| fold.apply(e));
    let stats = fold.stats(at(240), &ClockTargets::default());
    let data = report(&request(ReportKind::Shift, None));
    assert_eq!(stats.mtta_ms, data.mtta.mean_ms);
    assert_eq!(stats.mttr_ms, data.mttr.mean_ms);
    assert_eq!(stats.opened, data.incidents_opened);
    let c = data.compliance;
    assert_eq!(stats.compliance.detect.met, c.detect.met);
    assert_eq!(
        stats.compliance.detect.total,
        c.detect.met + c.detect.missed
    );
    assert_eq!(
        stats.compliance.recover.total,
        c.recover.met + c.recover.missed
    );
}

#[test]
fn an_incident_review_holds_its_timeline_and_alarms() {
    let data = report(&request(ReportKind::Incident, Some(2)));
    let review = data.review.expect("incident 2 is in the range");
    assert_eq!(review.incident.id, 2);
    assert_eq!(review.cause.as_deref(), Some("disk full"));
    let timeline: Vec<(&str, &str)> = review
        .timeline
        .iter()
        .map(|e| (e.kind.as_str(), e.actor.as_str()))
        .collect();
    assert_eq!(
        timeline,
        vec![
            ("incident_opened", "engine"),
            ("alarm_grouped", "engine"),
            ("incident_acknowledged", "li"),
            ("incident_identified", "li"),
            ("alarm_grouped", "engine"),
            ("incident_update_overdue", "engine"),
            ("incident_commented", "li"),
            ("incident_resolved", "li"),
        ]
    );
    let alarms: Vec<(i64, &str)> = review
        .alarms
        .iter()
        .map(|a| (a.id, a.source.as_str()))
        .collect();
    assert_eq!(alarms, vec![(4, "zabbix"), (5, "prom")]);
    assert!(review.notices.is_empty());
}

#[test]
fn the_html_shows_the_numbers_and_escapes_the_log() {
    let data = report(&request(ReportKind::Shift, None));
    let html = render_html(&data, Lang::En);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("Shift report"));
    assert!(html.contains("2026-01-01 00:00 — 2026-01-01 04:00"));
    // MTTA median 45 s, mean 1m 25s; MTTR median 40 min, mean 46m 40s.
    assert!(html.contains(">45s<"), "MTTA median");
    assert!(html.contains("mean 1m 25s"), "MTTA mean");
    assert!(html.contains(">40m 00s<"), "MTTR median");
    assert!(html.contains("mean 46m 40s"), "MTTR mean");
    assert!(html.contains(">44.4 %<"), "zabbix's share");
    assert!(html.contains(">11m 00s<"), "the overdue spell");
    assert!(html.contains("Payments DB &lt;down&gt; &amp; \"out\""));
    assert!(!html.contains("<down>"));
    // The alarm title is in no table of a shift report; its escaping is the
    // review's, below. Nothing in the page may run.
    assert!(!html.contains("<script"));
    assert_eq!(html.matches("<svg").count(), 5, "five charts");

    let zh = render_html(&data, Lang::Zh);
    assert!(zh.contains("班次报告"));
    assert!(zh.contains("告警最多的来源"));
    assert!(zh.contains("lang=\"zh-CN\""));
}

#[test]
fn an_untrusted_alarm_title_is_text_in_the_review() {
    // Put the `<script>` alarm into an incident's review by reviewing incident 1 with
    // alarm 3 grouped into it.
    let mut events = log();
    let next = events.len() as i64 + 1;
    events.push(NewEvent::new(at(21), "engine", grouped(1, 3)).with_seq(next));
    events.sort_by_key(|e| (e.at, e.seq));
    for (i, e) in events.iter_mut().enumerate() {
        e.seq = i as i64 + 1;
    }
    let request = request(ReportKind::Incident, Some(1));
    let mut base = State::default();
    events
        .iter()
        .filter(|e| e.at < M)
        .for_each(|e| drop(base.apply(e)));
    let in_range: Vec<Event> = events.into_iter().filter(|e| e.at >= M).collect();
    let data = ReportData::compute(&base, &in_range, &request, &ClockTargets::default());
    let review = data.review.as_ref().unwrap();
    assert!(review.alarms.iter().any(|a| a.title.contains("<script>")));
    let html = render_html(&data, Lang::En);
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<script"));
}

/// The text of a PDF, by poppler's `pdftotext` when the machine has it.
fn pdf_text(pdf: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", path.to_str().unwrap(), "-"])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn the_pdf_parses_and_holds_the_numbers() {
    let data = report(&request(ReportKind::Shift, None));
    let pdf = render_pdf(&data, Lang::En).unwrap();
    let document = lopdf::Document::load_mem(&pdf).expect("a PDF lopdf can read");
    assert!(!document.get_pages().is_empty());
    let Some(text) = pdf_text(&pdf) else {
        eprintln!("pdftotext is not installed (poppler-utils): the PDF's text is not checked");
        return;
    };
    for expected in [
        "Shift report",
        "Alarms raised",
        "MTTA",
        "median 45s",
        "mean 1m 25s",
        "median 40m 00s",
        "44.4 %",
        "11m 00s",
        "zabbix",
        "Payments API slow",
    ] {
        assert!(text.contains(expected), "`{expected}` in the PDF:\n{text}");
    }
}

#[test]
fn the_pdf_is_chinese_when_a_cjk_font_exists_and_says_so_when_not() {
    let data = report(&request(ReportKind::Shift, None));
    let pdf = render_pdf(&data, Lang::Zh).unwrap();
    lopdf::Document::load_mem(&pdf).expect("a PDF lopdf can read");
    let Some(text) = pdf_text(&pdf) else {
        return;
    };
    if Fonts::system().cjk.is_some() {
        assert!(text.contains("班次报告"), "{text}");
        assert!(text.contains("告警数"), "{text}");
    } else {
        assert!(text.contains("No CJK font was found"), "{text}");
        assert!(text.contains("Shift report"), "{text}");
    }
}

#[test]
fn a_drill_report_carries_the_scorecard() {
    use noc_model::Scenario;
    let scenario: Scenario = serde_json::from_value(serde_json::json!({
        "name": "core-switch-down",
        "title": "Core switch down",
        "title_zh": "核心交换机宕机",
        "faults": [
            { "at_secs": 0, "kind": "alarm", "node": "sw-core-north-01",
              "severity": "critical", "title": "Device unreachable" }
        ],
        "expect": {
            "root_cause": { "node": "sw-core-north-01", "layer": "iaas", "keywords": ["switch"] },
            "steps": [
                { "id": "switch-traffic", "title": "Switch traffic to DC South", "within_secs": 300 }
            ]
        }
    }))
    .expect("a scenario");
    let entries = vec![
        (
            at(0),
            "wang",
            EventBody::DrillStarted {
                drill: "d-1".into(),
                scenario,
                targets: ClockTargets::default(),
            },
        ),
        (
            at(0),
            "drill",
            EventBody::DrillFaultInjected {
                index: 0,
                started: true,
                summary: "Device unreachable".into(),
            },
        ),
        (
            at(2),
            "wang",
            EventBody::DrillStepChecked {
                step: "switch-traffic".into(),
            },
        ),
    ];
    let events: Vec<Event> = entries
        .into_iter()
        .enumerate()
        .map(|(i, (at, actor, body))| NewEvent::new(at, actor, body).with_seq(i as i64 + 1))
        .collect();
    let request = ReportRequest {
        kind: ReportKind::Drill,
        from: M,
        to: at(10),
        incident: None,
        utc_offset_minutes: 0,
        title: None,
    };
    let data = ReportData::compute(
        &State::default(),
        &events,
        &request,
        &ClockTargets::default(),
    );
    let card = data.scorecard.as_ref().expect("a drill's scorecard");
    assert_eq!(card.scenario, "core-switch-down");
    assert_eq!(card.steps.len(), 1);
    assert_eq!(card.steps[0].done_at, Some(at(2)));
    assert_eq!(card.steps[0].by.as_deref(), Some("wang"));
    assert_eq!(card.steps[0].verdict, noc_model::Verdict::Met);
    let html = render_html(&data, Lang::Zh);
    assert!(html.contains("评分表"));
    assert!(html.contains("核心交换机宕机"));
}
