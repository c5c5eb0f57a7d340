use std::path::{Path, PathBuf};
use std::sync::Arc;

use noc_engine::{Engine, EngineConfig};
use noc_model::{Clock, HealthStatus, ManualClock, RelationKind, Severity, Signal};
use tempfile::TempDir;
use tokio_util::sync::CancellationToken;

use super::*;

/// Three devices in a line (0 - 1 - 2): a fault on 0 with a symptom on 1 half a
/// minute later, an unrelated alarm on 2 ten minutes later, an event row an hour in.
/// The file is out of time order on purpose.
const ALARMS: &str = "alarm_id,device_id,start_timestamp,end_timestamp
0,0,0,120
2,2,600,660
1,1,30,30
1,0,3600,3600
";
const LINKS: &str = "device_a,device_b\n0,1\n1,2\n";

struct Files {
    dir: TempDir,
}

impl Files {
    fn new() -> Self {
        let files = Self {
            dir: TempDir::new().expect("temp dir"),
        };
        files.write("Alarm.csv", ALARMS);
        files.write("topology_edges.csv", LINKS);
        files
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).expect("write test file");
        path
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn settings(&self, speed: Speed) -> ReplaySettings {
        ReplaySettings {
            name: "pcic".into(),
            alarms: self.path("Alarm.csv"),
            topology: Some(self.path("topology_edges.csv")),
            speed,
            start_offset_secs: 0,
            looping: false,
            transient_secs: 0,
        }
    }

    fn source(&self, settings: ReplaySettings) -> ReplaySource {
        ReplaySource::load(settings).expect("synthetic log loads")
    }
}

fn alarms(signals: &[Signal]) -> Vec<(String, bool, i64)> {
    signals
        .iter()
        .filter_map(|s| match s {
            Signal::Alarm(a) => Some((a.key.clone(), a.firing, a.at)),
            _ => None,
        })
        .collect()
}

fn health_details(signals: &[Signal]) -> Vec<String> {
    signals
        .iter()
        .filter_map(|s| match s {
            Signal::Health(h) => Some(h.detail.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn replay_loads_rows_in_time_order_and_the_links_as_a_topology() {
    let files = Files::new();
    let log = files.source(files.settings(Speed::Max)).log;
    let starts: Vec<i64> = log.rows.iter().map(|r| r.start_ms).collect();
    assert_eq!(starts, [0, 30_000, 600_000, 3_600_000]);
    assert_eq!(log.rows[1].line, 4, "the row keeps its line in the file");
    let topology = log.topology();
    let ids: Vec<&str> = topology.nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, ["ne-0", "ne-1", "ne-2"]);
    assert!(topology
        .nodes
        .iter()
        .all(|n| n.kind == noc_model::NodeKind::NetworkDevice));
    assert_eq!(topology.relations.len(), 2);
    assert!(topology
        .relations
        .iter()
        .all(|r| r.kind == RelationKind::ConnectsTo));
}

#[test]
fn replay_plays_rows_on_the_scaled_clock_topology_first() {
    let files = Files::new();
    let clock = ManualClock::new(1_000_000);
    // 60×: a log minute per clock second.
    let source = files.source(files.settings(Speed::Times(60.0)));
    let mut player = Player::new(source.settings, source.log, clock.now());

    let first = player.due(clock.now());
    assert!(
        matches!(first[0], Signal::Topology { .. }),
        "topology comes first"
    );
    assert!(matches!(&first[1], Signal::Health(h) if h.status == HealthStatus::Ok && h.demo));
    assert_eq!(alarms(&first), [("0@0".to_string(), true, 1_000_000)]);

    clock.advance(500);
    let symptom = player.due(clock.now());
    assert_eq!(
        alarms(&symptom),
        [
            ("1@1".to_string(), true, 1_000_500),
            // An event row (end = start) clears as it fires.
            ("1@1".to_string(), false, 1_000_500),
        ]
    );
    clock.advance(1_500);
    assert_eq!(
        alarms(&player.due(clock.now())),
        [("0@0".to_string(), false, 1_002_000)],
        "the fault clears at its end_timestamp, 120 log seconds = 2 clock seconds"
    );
    clock.set(1_000_000 + 60_000);
    let last = player.due(clock.now());
    assert_eq!(
        alarms(&last).len(),
        4,
        "rows at 600, 660 and 3600 log seconds"
    );
    assert!(player.is_finished());
    let details = health_details(&last);
    assert!(details[0].starts_with("finished: replayed 4 alarm rows of Alarm.csv"));
}

#[test]
fn replay_alarm_signal_names_the_type_device_and_line() {
    let files = Files::new();
    let source = files.source(files.settings(Speed::Max));
    let cues = timeline(&source.log, 0, 0);
    let signal = alarm_signal(&source.log, "pcic", cues[0], 5);
    assert_eq!(signal.fingerprint(), "pcic/0@0");
    assert_eq!(signal.node.as_deref(), Some("ne-0"));
    assert_eq!(signal.title, "Alarm type 0");
    assert_eq!(signal.severity, Severity::Major);
    assert_eq!(signal.text, "Alarm.csv line 2, 0 s into the log");
    assert_eq!(signal.labels["device"], "0");
}

#[test]
fn replay_transient_rows_clear_after_the_configured_hold() {
    let files = Files::new();
    let source = files.source(files.settings(Speed::Max));
    let cues = timeline(&source.log, 0, 90_000);
    let symptom_clear = cues
        .iter()
        .find(|c| c.row == 1 && !c.firing)
        .expect("a clearing cue per row");
    assert_eq!(symptom_clear.log_ms, 120_000, "fired at 30 s, held 90 s");
}

#[test]
fn replay_start_offset_skips_earlier_rows_and_shifts_time() {
    let files = Files::new();
    let clock = ManualClock::new(0);
    let mut settings = files.settings(Speed::Times(1.0));
    settings.start_offset_secs = 600;
    let source = files.source(settings);
    let mut player = Player::new(source.settings, source.log, clock.now());
    assert_eq!(
        alarms(&player.due(0)),
        [("2@2".to_string(), true, 0)],
        "the row at the offset plays at once"
    );
    assert_eq!(
        alarms(&player.due(60_000)),
        [("2@2".to_string(), false, 60_000)]
    );
}

#[test]
fn replay_at_max_speed_sends_everything_stamped_now_then_finishes() {
    let files = Files::new();
    let source = files.source(files.settings(Speed::Max));
    let mut player = Player::new(source.settings, source.log, 42);
    let signals = player.due(42);
    assert_eq!(alarms(&signals).len(), 8);
    assert!(alarms(&signals).iter().all(|(_, _, at)| *at == 42));
    assert!(player.is_finished());
    assert!(player.due(43).is_empty());
}

#[test]
fn replay_loops_with_a_new_pass() {
    let files = Files::new();
    let mut settings = files.settings(Speed::Max);
    settings.looping = true;
    let source = files.source(settings);
    let mut player = Player::new(source.settings, source.log, 0);
    let first = player.due(0);
    assert!(health_details(&first)
        .last()
        .is_some_and(|d| d.ends_with("pass 2")));
    assert_eq!(
        alarms(&player.due(1)).len(),
        8,
        "the second pass plays again"
    );
    assert!(!player.is_finished());
}

#[test]
fn replay_without_topology_sends_no_topology() {
    let files = Files::new();
    let mut settings = files.settings(Speed::Max);
    settings.topology = None;
    let source = files.source(settings);
    let mut player = Player::new(source.settings, source.log, 0);
    assert!(!player
        .due(0)
        .iter()
        .any(|s| matches!(s, Signal::Topology { .. })));
}

#[test]
fn replay_through_the_engine_groups_a_neighbours_symptom() {
    let files = Files::new();
    let source = files.source(files.settings(Speed::Times(1.0)));
    let mut engine = Engine::new(EngineConfig::default());
    let mut player = Player::new(source.settings, source.log, 0);
    // Ten clock seconds at a time through the first 15 minutes of the log.
    for now in (0..=900_000).step_by(10_000) {
        for signal in player.due(now) {
            engine.on_signal(signal, now);
        }
        engine.on_tick(now);
    }
    let incidents: Vec<Vec<String>> = engine
        .state()
        .incidents
        .values()
        .map(|i| i.nodes.clone())
        .collect();
    assert_eq!(
        incidents,
        [
            vec!["ne-0".to_string(), "ne-1".to_string()],
            vec!["ne-2".to_string()]
        ],
        "the symptom on the neighbour joins the fault; device 2 is not linked to device 0"
    );
}

#[tokio::test]
async fn replay_task_sends_the_log_and_ends() {
    let files = Files::new();
    let source = files.source(files.settings(Speed::Max));
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(7));
    let (tx, mut rx) = tokio::sync::mpsc::channel(4);
    let task = spawn(source, clock, tx, CancellationToken::new());
    let mut received = Vec::new();
    while let Some(signal) = rx.recv().await {
        received.push(signal);
    }
    task.await.expect("replay task ends cleanly");
    assert_eq!(alarms(&received).len(), 8);
    assert!(health_details(&received)
        .last()
        .is_some_and(|d| d.starts_with("finished")));
}

fn load_error(files: &Files, alarms: &str) -> String {
    let path = files.write("Alarm.csv", alarms);
    load_path_error(&path)
}

fn load_path_error(path: &Path) -> String {
    ReplayLog::load(path, None)
        .expect_err("the file is refused")
        .to_string()
}

#[test]
fn replay_refuses_a_missing_file_naming_it() {
    let files = Files::new();
    let err = load_path_error(&files.path("nowhere.csv"));
    assert!(
        err.starts_with("cannot read ") && err.contains("nowhere.csv"),
        "{err}"
    );
}

#[test]
fn replay_refuses_an_empty_file() {
    let files = Files::new();
    let err = load_error(&files, "");
    assert!(err.contains("Alarm.csv is empty"), "{err}");
    let err = load_error(&files, "alarm_id,device_id,start_timestamp,end_timestamp\n");
    assert!(err.contains("has a header but no rows"), "{err}");
}

#[test]
fn replay_refuses_unknown_and_missing_columns() {
    let files = Files::new();
    let err = load_error(
        &files,
        "alarm_id,device_id,start_timestamp,end,x\n1,2,3,4,5\n",
    );
    assert!(
        err.contains("Alarm.csv line 1: unknown column \"end\""),
        "{err}"
    );
    let err = load_error(&files, "alarm_id,device_id,start_timestamp\n1,2,3\n");
    assert!(
        err.contains("line 1: the column \"end_timestamp\" is missing"),
        "{err}"
    );
}

#[test]
fn replay_refuses_bad_rows_naming_the_line() {
    let files = Files::new();
    let header = "alarm_id,device_id,start_timestamp,end_timestamp\n";
    let cases = [
        (
            "1,2,3,4\n1,x,3,4\n",
            "line 3: device_id must be a whole number",
        ),
        (
            "1,2,3,4\n\n1,2,-3,4\n",
            "line 4: start_timestamp must be seconds",
        ),
        (
            "1,2,30,4\n",
            "line 2: end_timestamp is before start_timestamp",
        ),
        ("1,2,3\n", "line 2: 3 fields where the header has 4"),
    ];
    for (rows, expected) in cases {
        let err = load_error(&files, &format!("{header}{rows}"));
        assert!(err.contains(expected), "{err} should say {expected}");
    }
    files.write("Alarm.csv", ALARMS);
    let links = files.write("topology_edges.csv", "device_a,device_b\n0,1\n1\n");
    let err = ReplayLog::load(&files.path("Alarm.csv"), Some(&links))
        .expect_err("a short link row is refused")
        .to_string();
    assert!(err.contains("topology_edges.csv line 3"), "{err}");
}

#[test]
fn replay_accepts_columns_in_another_order_and_fractional_seconds() {
    let files = Files::new();
    let path = files.write(
        "Alarm.csv",
        "device_id,alarm_id,end_timestamp,start_timestamp\n4,7,2.5,1.25\n",
    );
    let log = ReplayLog::load(&path, None).expect("loads");
    assert_eq!(log.rows[0].alarm_type, 7);
    assert_eq!(log.rows[0].device, 4);
    assert_eq!((log.rows[0].start_ms, log.rows[0].end_ms), (1_250, 2_500));
}
