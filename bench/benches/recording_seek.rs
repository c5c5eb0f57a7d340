//! Seeking in a recording of 1,000,000 events (the offline review's timeline scrubber):
//! `Recording::state_at` at random moments, and `Recording::open` (which verifies the
//! whole file). The recording is built once from a file-backed store (alarm storms on a
//! topology of 300 nodes) and cached in the temp folder; delete it to rebuild.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use noc_model::{
    Alarm, AlarmId, AlarmStatus, EventBody, IncidentId, Labels, Layer, Millis, NewEvent, Node,
    NodeKind, RecordingKind, Relation, RelationKind, Severity, Topology,
};
use noc_store::recording::{write_recording, Recording, RecordingRequest};
use noc_store::Store;

const EVENTS: usize = 1_000_000;
const BATCH: usize = 5_000;
const NODES: usize = 300;
const START: Millis = 1_767_225_600_000;
const CHECKS: [&str; 5] = [
    "HostDown",
    "HighLatency",
    "ReplicationLag",
    "LinkDown",
    "DiskFull",
];
/// Incidents stay open this many storms, so the board holds ~500 alarms throughout.
const STORMS_OPEN: usize = 100;
/// Random seeks timed one by one for the percentiles.
const SEEKS: usize = 200;

fn recording_path() -> PathBuf {
    std::env::temp_dir()
        .join("noc-bench-recording-seek")
        .join("one-million.nocrec")
}

/// Alarm storms as sources and the engine produce them: five alarms raised on nodes of
/// one path, repeated, grouped into an incident; older alarms cleared, incidents
/// acknowledged and resolved by operators.
struct Storms {
    at: Millis,
    last_alarm: AlarmId,
    last_incident: IncidentId,
    open: VecDeque<(IncidentId, Vec<AlarmId>)>,
}

impl Storms {
    fn opening(&mut self) -> Vec<NewEvent> {
        vec![NewEvent::new(
            self.at,
            "engine",
            EventBody::TopologyLoaded {
                origin: "source:cmdb".into(),
                topology: topology(),
            },
        )]
    }

    fn batch(&mut self) -> Vec<NewEvent> {
        let mut events = Vec::with_capacity(BATCH + 20);
        while events.len() < BATCH {
            self.storm(&mut events);
        }
        events
    }

    fn storm(&mut self, out: &mut Vec<NewEvent>) {
        self.at += 1_500;
        let alarms: Vec<AlarmId> = (0..5).map(|_| self.raise(out)).collect();
        for alarm in &alarms {
            out.push(self.event(
                "source:alertmanager-prod",
                EventBody::AlarmUpdated {
                    alarm: *alarm,
                    severity: Severity::Critical,
                    title: "still firing".into(),
                    text: "no answer for 120 s".into(),
                    count: 2,
                    labels: None,
                },
            ));
        }
        self.last_incident += 1;
        let incident = self.last_incident;
        out.push(self.event(
            "engine",
            EventBody::IncidentOpened {
                incident,
                title: format!("Payment path degraded #{incident}"),
                severity: Severity::Critical,
                root_node: Some(node_id(alarms[0] as usize)),
                system: Some("pay-gateway".into()),
                layer: Some(Layer::Iaas),
                reason: "five alarms on one dependency path within 60 s".into(),
            },
        ));
        for (i, alarm) in alarms.iter().enumerate() {
            out.push(self.event(
                "engine",
                EventBody::AlarmGrouped {
                    incident,
                    alarm: *alarm,
                    root: i == 0,
                    reason: "depends on the root node".into(),
                },
            ));
        }
        if let Some((older, members)) = self.open.back().cloned() {
            for alarm in &members[..2] {
                out.push(self.event(
                    "source:zabbix-dc1",
                    EventBody::AlarmCleared { alarm: *alarm },
                ));
            }
            out.push(self.event("li.na", EventBody::IncidentAcknowledged { incident: older }));
        }
        self.open.push_back((incident, alarms));
        if self.open.len() > STORMS_OPEN {
            if let Some((oldest, _)) = self.open.pop_front() {
                out.push(self.event(
                    "wang.fang",
                    EventBody::IncidentResolved { incident: oldest },
                ));
            }
        }
    }

    fn raise(&mut self, out: &mut Vec<NewEvent>) -> AlarmId {
        self.last_alarm += 1;
        let id = self.last_alarm;
        let node = node_id(id as usize);
        let check = CHECKS[id as usize % CHECKS.len()];
        let labels: Labels = [
            ("alertname", check.to_string()),
            ("instance", format!("{node}:9100")),
            ("dc", "bj1".to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let alarm = Alarm {
            id,
            fingerprint: format!("alertmanager-prod/{check}/{node}/{id}"),
            source: "alertmanager-prod".into(),
            node: Some(node.clone()),
            severity: Severity::Major,
            title: format!("{check} on {node}"),
            text: "probe failed 3 times in a row".into(),
            labels,
            status: AlarmStatus::Active,
            first_seen: self.at,
            last_seen: self.at,
            cleared_at: None,
            count: 1,
            incident: None,
            reason: None,
            flapping: false,
            suppressed_by: None,
            unseen: true,
        };
        out.push(self.event("source:alertmanager-prod", EventBody::AlarmRaised { alarm }));
        id
    }

    fn event(&self, actor: &str, body: EventBody) -> NewEvent {
        NewEvent::new(self.at, actor, body)
    }
}

fn node_id(i: usize) -> String {
    format!("node-{:03}", i % NODES)
}

/// Ten systems, each a service on middleware, a database, hosts and a switch.
fn topology() -> Topology {
    const KINDS: [NodeKind; 6] = [
        NodeKind::Service,
        NodeKind::Middleware,
        NodeKind::Database,
        NodeKind::Host,
        NodeKind::Host,
        NodeKind::NetworkDevice,
    ];
    let nodes = (0..NODES)
        .map(|i| Node::new(node_id(i), format!("Node {i}"), KINDS[i % KINDS.len()]))
        .collect();
    let relations = (1..NODES)
        .map(|i| {
            let kind = if i % KINDS.len() == 0 {
                RelationKind::ConnectsTo
            } else {
                RelationKind::DependsOn
            };
            Relation::new(node_id(i - 1), node_id(i), kind)
        })
        .collect();
    Topology { nodes, relations }
}

struct Built {
    events: usize,
    write: Duration,
}

/// The recorded range is the whole log but its first batch, so the base state is a
/// busy board, not an empty one.
async fn build(path: &Path) -> Built {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let store = Store::open(&dir.path().join("log.db"))
        .await
        .expect("open the store");
    let mut storms = Storms {
        at: START,
        last_alarm: 0,
        last_incident: 0,
        open: VecDeque::new(),
    };
    store.append(storms.opening()).await.expect("topology");
    let first = store.append(storms.batch()).await.expect("append");
    let from_at = first.events.last().expect("events").at + 1;
    while (store.last_seq() as usize) < EVENTS + BATCH {
        store.append(storms.batch()).await.expect("append");
    }
    let to_at = storms.at;
    let started = Instant::now();
    let info = write_recording(
        &store,
        RecordingRequest {
            id: "one-million".into(),
            title: "1,000,000 events of alarm storms".into(),
            kind: RecordingKind::Production,
            from_at,
            to_at,
            created_by: "bench".into(),
            created_at: to_at,
            scenario: None,
        },
        path,
    )
    .await
    .expect("write the recording");
    let write = started.elapsed();
    store.close().await;
    Built {
        events: info.events as usize,
        write,
    }
}

/// xorshift64: reproducible moments.
fn moments(from_at: Millis, to_at: Millis, n: usize) -> Vec<Millis> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            from_at + (x % (to_at - from_at + 1) as u64) as Millis
        })
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn recording_seek(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let path = recording_path();
    if !path.exists() {
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("folder");
        let built = runtime.block_on(build(&path));
        eprintln!(
            "built the recording: {} events written in {:.1} s",
            built.events,
            built.write.as_secs_f64()
        );
    }
    let started = Instant::now();
    let recording = runtime.block_on(Recording::open(&path)).expect("open");
    let info = recording.info();
    eprintln!(
        "recording: {} events, {:.1} MiB, first open {} ms",
        info.events,
        info.bytes as f64 / 1_048_576.0,
        started.elapsed().as_millis()
    );

    let mut seeks: Vec<Duration> = moments(info.from_at, info.to_at, SEEKS)
        .into_iter()
        .map(|at| {
            let started = Instant::now();
            runtime.block_on(recording.state_at(at)).expect("seek");
            started.elapsed()
        })
        .collect();
    seeks.sort();
    eprintln!(
        "state_at over {SEEKS} random moments: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        percentile(&seeks, 0.5).as_secs_f64() * 1e3,
        percentile(&seeks, 0.95).as_secs_f64() * 1e3,
        seeks.last().expect("seeks").as_secs_f64() * 1e3
    );

    let mut group = c.benchmark_group("recording_seek");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(20));
    let mut random = moments(info.from_at, info.to_at, 10_000)
        .into_iter()
        .cycle();
    group.bench_function("state_at_random_moment", |b| {
        b.to_async(&runtime).iter(|| {
            let recording = recording.clone();
            let at = random.next().expect("a moment");
            async move { recording.state_at(at).await.expect("seek") }
        })
    });
    group.sample_size(10);
    let path = path.as_path();
    group.bench_function("open_and_verify", |b| {
        b.to_async(&runtime)
            .iter(move || async move { Recording::open(path).await.expect("open").close().await })
    });
    group.finish();
    runtime.block_on(recording.close());
}

criterion_group!(benches, recording_seek);
criterion_main!(benches);
