//! Event-log append throughput of the store, with projections and snapshots, into a
//! file-backed database: batches of 1,000 events of an alarm storm as sources and the
//! engine produce them (raised, repeated, grouped into incidents, cleared, resolved).

use std::collections::VecDeque;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use noc_model::{
    Alarm, AlarmId, AlarmStatus, EventBody, IncidentId, Labels, Layer, Millis, NewEvent, Severity,
};
use noc_store::Store;

const BATCH: usize = 1_000;
const START: Millis = 1_767_225_600_000;
const NODES: [&str; 6] = [
    "core-sw-01",
    "host-bj-101",
    "mysql-orders-03",
    "redis-cluster-a",
    "nginx-edge-01",
    "app-payment-02",
];
const CHECKS: [&str; 4] = ["HostDown", "HighLatency", "ReplicationLag", "LinkDown"];
/// Incidents stay open this many storms before being resolved, so the live state
/// reaches a steady size instead of growing for the whole run.
const STORMS_OPEN: usize = 100;

/// Twenty events per storm: five alarms raised, five repeats, an incident opened with
/// the five grouped in, two alarms of an older storm cleared, one incident
/// acknowledged and the oldest one resolved.
struct AlarmStorm {
    at: Millis,
    last_alarm: AlarmId,
    last_incident: IncidentId,
    open: VecDeque<(IncidentId, Vec<AlarmId>)>,
}

impl AlarmStorm {
    fn new() -> Self {
        Self {
            at: START,
            last_alarm: 0,
            last_incident: 0,
            open: VecDeque::new(),
        }
    }

    fn batch(&mut self) -> Vec<NewEvent> {
        let mut events = Vec::with_capacity(BATCH);
        while events.len() < BATCH {
            self.storm(&mut events);
        }
        events
    }

    fn storm(&mut self, out: &mut Vec<NewEvent>) {
        self.at += 1_000;
        let alarms: Vec<AlarmId> = (0..5).map(|_| self.raise(out)).collect();
        for (i, alarm) in alarms.iter().enumerate() {
            out.push(self.event(
                "source:alertmanager-prod",
                EventBody::AlarmUpdated {
                    alarm: *alarm,
                    severity: Severity::Critical,
                    title: format!("{} still firing", CHECKS[i % CHECKS.len()]),
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
                root_node: Some(NODES[0].into()),
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
        let node = NODES[id as usize % NODES.len()];
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
            node: Some(node.into()),
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

fn store_append(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let dir = tempfile::TempDir::new().expect("temp dir");
    let store = runtime
        .block_on(Store::open(&dir.path().join("bench.db")))
        .expect("open the store");
    let mut storm = AlarmStorm::new();
    // Reach the steady live-state size before measuring.
    runtime.block_on(async {
        for _ in 0..20 {
            store.append(storm.batch()).await.expect("append");
        }
    });

    let mut group = c.benchmark_group("store_append");
    group.throughput(Throughput::Elements(BATCH as u64));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(15));
    group.bench_function("alarm_storm_batches_of_1000", |b| {
        b.to_async(&runtime).iter_batched(
            || storm.batch(),
            |events| {
                let store = store.clone();
                async move { store.append(events).await.expect("append") }
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
    runtime.block_on(store.close());
}

criterion_group!(benches, store_append);
criterion_main!(benches);
