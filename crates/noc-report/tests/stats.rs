//! Duty statistics against a shift computed by hand.
//!
//! The shift (minutes after midnight M; targets 1-5-10):
//! - #1 opened at M-30, acknowledged M-29, resolved at M+4 (yesterday's incident
//!   resolved today: counts as resolved, not as opened).
//! - #2 opened M+10 from an alarm first seen at M+9; acked M+10 (1 min after the start:
//!   detect met), identified M+13 (4 min: met), resolved M+25 (16 min: recover missed).
//! - #3 opened M+30; acked M+33 (3 min: detect missed), mitigated M+38 (8 min: met),
//!   identified M+40 (10 min: missed), resolved M+50.
//! - #4 opened M+60, critical, still open at M+63: detect missed (3 min unacked),
//!   identify and recover still running.
//! - #5 opened M+61, merged into #4 at M+62: opened, nothing else.
//! - #6 opened M+70 after `until` = M+65: not counted.
//!
//! At M+65: opened 4 (#2 #3 #4 #5); acknowledged today 2 (#2 1 min, #3 3 min →
//! MTTA 2 min); resolved today 3 (#1 34 min, #2 16 min, #3 20 min → MTTR 70/3 min);
//! detect 1 of 3, identify 1 of 2, recover 1 of 2; open: #4 critical.

use noc_model::{
    Alarm, AlarmStatus, ClockTargets, Event, EventBody, HealthStatus, Millis, NewEvent, Severity,
    SourceHealth, State,
};
use noc_report::{DutyStats, StatsCache, StatsFold, Tally};
use noc_store::Store;

const MIN: Millis = 60_000;
const M: Millis = 1_767_225_600_000;

fn opened(id: i64, severity: Severity) -> EventBody {
    EventBody::IncidentOpened {
        incident: id,
        title: format!("incident {id}"),
        severity,
        root_node: None,
        system: None,
        layer: None,
        reason: "test".into(),
    }
}

fn alarm(id: i64, first_seen: Millis) -> Alarm {
    Alarm {
        id,
        fingerprint: format!("fp-{id}"),
        source: "zabbix-dc1".into(),
        node: None,
        severity: Severity::Major,
        title: "HostDown".into(),
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

fn health(source: &str, status: HealthStatus) -> EventBody {
    EventBody::SourceHealthChanged {
        health: SourceHealth {
            source: source.into(),
            kind: "zabbix".into(),
            status,
            detail: String::new(),
            since: M,
            last_ok: None,
            demo: false,
        },
    }
}

fn shift() -> Vec<NewEvent> {
    use EventBody::*;
    let at = |m: Millis| M + m * MIN;
    let e = |m: Millis, body: EventBody| NewEvent::new(at(m), "li.na", body);
    vec![
        e(-31, health("zabbix-dc1", HealthStatus::Ok)),
        e(-31, health("prom", HealthStatus::Ok)),
        e(-31, health("probe-http", HealthStatus::Ok)),
        e(-30, opened(1, Severity::Major)),
        e(-29, IncidentAcknowledged { incident: 1 }),
        e(4, IncidentResolved { incident: 1 }),
        e(
            9,
            AlarmRaised {
                alarm: alarm(1, at(9)),
            },
        ),
        e(10, opened(2, Severity::Major)),
        e(
            10,
            AlarmGrouped {
                incident: 2,
                alarm: 1,
                root: true,
                reason: "test".into(),
            },
        ),
        e(10, IncidentAcknowledged { incident: 2 }),
        e(
            13,
            IncidentIdentified {
                incident: 2,
                cause: "disk".into(),
                layer: None,
                root_node: None,
            },
        ),
        e(25, IncidentResolved { incident: 2 }),
        e(30, opened(3, Severity::Minor)),
        e(33, IncidentAcknowledged { incident: 3 }),
        e(
            38,
            IncidentMitigated {
                incident: 3,
                note: "failover".into(),
            },
        ),
        e(
            40,
            IncidentIdentified {
                incident: 3,
                cause: "link".into(),
                layer: None,
                root_node: None,
            },
        ),
        e(50, IncidentResolved { incident: 3 }),
        e(55, health("prom", HealthStatus::Slow)),
        e(56, health("probe-http", HealthStatus::Unreachable)),
        e(60, opened(4, Severity::Critical)),
        e(61, opened(5, Severity::Warning)),
        e(
            62,
            IncidentsMerged {
                incident: 4,
                from: 5,
            },
        ),
        e(70, opened(6, Severity::Critical)),
    ]
}

fn expected() -> DutyStats {
    let open = noc_report::SeverityCounts {
        critical: 1,
        ..Default::default()
    };
    DutyStats {
        since: M,
        until: M + 65 * MIN,
        open_by_severity: open,
        opened: 4,
        acknowledged: 2,
        mtta_ms: Some(2 * MIN),
        resolved: 3,
        mttr_ms: Some(70 * MIN / 3),
        compliance: noc_report::Compliance {
            detect: Tally { met: 1, total: 3 },
            identify: Tally { met: 1, total: 2 },
            recover: Tally { met: 1, total: 2 },
        },
        sources: noc_report::SourceCounts {
            ok: 1,
            degraded: 1,
            down: 1,
        },
    }
}

fn logged(events: Vec<NewEvent>) -> Vec<Event> {
    events
        .into_iter()
        .enumerate()
        .map(|(i, e)| e.with_seq(i as i64 + 1))
        .collect()
}

#[test]
fn a_shift_folds_to_the_numbers_computed_by_hand() {
    let events = logged(shift());
    let mut before = State::default();
    let mut fold = None;
    for event in &events {
        if event.at >= M && fold.is_none() {
            fold = Some(StatsFold::new(M, before.clone()));
        }
        match fold.as_mut() {
            Some(fold) if event.at <= M + 65 * MIN => fold.apply(event),
            Some(_) => {}
            None => {
                before.apply(event);
            }
        }
    }
    let fold = fold.expect("the shift crosses midnight");
    assert_eq!(
        fold.stats(M + 65 * MIN, &ClockTargets::default()),
        expected()
    );
}

#[test]
fn clocks_still_running_count_once_they_run_out() {
    let events = logged(shift());
    let mut fold = StatsFold::new(M + 55 * MIN, State::default());
    for event in events.iter().filter(|e| e.at <= M + 60 * MIN) {
        fold.apply(event);
    }
    // #4 opened at M+60: at M+60 its clocks run within target; at M+70 detect and
    // identify have run out, recover has not.
    let now = fold.stats(M + 60 * MIN, &ClockTargets::default());
    assert_eq!(now.compliance.detect, Tally { met: 0, total: 0 });
    let later = fold.stats(M + 70 * MIN, &ClockTargets::default());
    assert_eq!(later.compliance.detect, Tally { met: 0, total: 1 });
    assert_eq!(later.compliance.identify, Tally { met: 0, total: 1 });
    assert_eq!(later.compliance.recover, Tally { met: 0, total: 0 });
    assert_eq!(later.mtta_ms, None);
}

#[tokio::test]
async fn the_store_cache_folds_only_new_events_and_agrees_with_a_fresh_fold() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("noc.db")).await.unwrap();
    let mut events = shift();
    let late = events.split_off(events.len() - 4); // #4 onwards, appended later
    store.append(events).await.unwrap();
    let cache = StatsCache::default();
    let targets = ClockTargets::default();
    let early = cache
        .duty_stats(&store, M, M + 59 * MIN, &targets)
        .await
        .unwrap();
    assert_eq!(early.opened, 2);
    assert_eq!(early.open_by_severity.critical, 0);
    store.append(late).await.unwrap();
    let cached = cache
        .duty_stats(&store, M, M + 65 * MIN, &targets)
        .await
        .unwrap();
    assert_eq!(cached, expected());
    let fresh = StatsCache::default()
        .duty_stats(&store, M, M + 65 * MIN, &targets)
        .await
        .unwrap();
    assert_eq!(fresh, expected());
    // A range in the past is folded afresh, not from the fold that went further.
    let again = cache
        .duty_stats(&store, M, M + 59 * MIN, &targets)
        .await
        .unwrap();
    assert_eq!(again, early);
    assert!(cache.duty_stats(&store, M, M - 1, &targets).await.is_err());
}

#[test]
fn the_ui_declarations_are_up_to_date() {
    let path =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/wall/dutyStats.ts");
    let generated = noc_report::typescript_bindings();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &generated).expect("write bindings");
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "ui/src/wall/dutyStats.ts is out of date: run `UPDATE_BINDINGS=1 cargo test -p noc-report`"
    );
}
