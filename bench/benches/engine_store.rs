//! End to end as the hub's ingest does it: alarm signals → Engine (dedup, flapping,
//! maintenance, topology correlation, timers) → Store::append into a file-backed SQLite
//! store, in commits of up to 2,048 events, with a tick every simulated second.
//!
//! The storm: 10,000 alarms on a 6,074-node topology (2,000 host/database/service
//! groups behind 50 access switches), five per group, arriving interleaved over 100
//! simulated seconds, each repeated twice, a fifth of them cleared (every alarm of one
//! group in ten, so those incidents resolve after the hold); an escalation step at one
//! minute for unacknowledged incidents. About 2,000 incidents are open at the end.
//! Measured: events per second, and the same storm through the engine alone.

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use noc_engine::{Engine, EngineConfig};
use noc_model::{
    AlarmSignal, DutyPolicy, EscalationStep, Labels, Layer, Millis, NewEvent, Node, NodeKind,
    Relation, RelationKind, Severity, Signal, Topology,
};
use noc_store::Store;

const START: Millis = 1_767_225_600_000;
const GROUPS: usize = 2_000;
const SWITCHES: usize = 50;
const SYSTEMS: usize = 20;
const STORM_MS: Millis = 100_000;
/// The hub's MAX_INPUTS_PER_COMMIT.
const COMMIT: usize = 2_048;

fn node(id: String, kind: NodeKind) -> Node {
    Node::new(id.clone(), id, kind)
}

fn rel(from: &str, to: &str, kind: RelationKind) -> Relation {
    Relation::new(from, to, kind)
}

/// Two sites with a core switch each, 50 access switches, and per group a host, a
/// database on it and a service on it needing the database; 20 business systems each
/// needing 100 of the services.
fn topology() -> Topology {
    use NodeKind::*;
    use RelationKind::*;
    let mut nodes = Vec::new();
    let mut relations = Vec::new();
    for s in 0..2 {
        nodes.push(node(format!("dc-{s}"), Site));
        nodes.push(node(format!("core-{s}"), NetworkDevice));
        relations.push(rel(&format!("core-{s}"), &format!("dc-{s}"), LocatedIn));
    }
    relations.push(rel("core-0", "core-1", ConnectsTo));
    for w in 0..SWITCHES {
        let sw = format!("sw-{w}");
        nodes.push(node(sw.clone(), NetworkDevice));
        relations.push(rel(&sw, &format!("core-{}", w % 2), ConnectsTo));
        relations.push(rel(&sw, &format!("dc-{}", w % 2), LocatedIn));
    }
    for k in 0..SYSTEMS {
        nodes.push(node(format!("sys-{k}"), BusinessSystem));
    }
    for g in 0..GROUPS {
        let (host, db, svc) = (format!("host-{g}"), format!("db-{g}"), format!("svc-{g}"));
        nodes.push(node(host.clone(), Host));
        nodes.push(node(db.clone(), Database));
        nodes.push(node(svc.clone(), Service));
        relations.push(rel(&host, &format!("sw-{}", g % SWITCHES), ConnectsTo));
        relations.push(rel(&host, &format!("dc-{}", g % SWITCHES % 2), LocatedIn));
        relations.push(rel(&db, &host, RunsOn));
        relations.push(rel(&svc, &host, RunsOn));
        relations.push(rel(&svc, &db, DependsOn));
        relations.push(rel(&format!("sys-{}", g % SYSTEMS), &svc, DependsOn));
    }
    let _ = Layer::Iaas;
    Topology { nodes, relations }
}

/// xorshift64*: a fixed, dependency-free sequence for the interleaving.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
    }
}

fn signal(g: usize, check: usize, firing: bool) -> AlarmSignal {
    const CHECKS: [(&str, &str, Severity); 5] = [
        ("host", "HostDown", Severity::Critical),
        ("host", "HighCpu", Severity::Major),
        ("db", "ReplicationLag", Severity::Major),
        ("svc", "ErrorRate", Severity::Major),
        ("svc", "Latency", Severity::Warning),
    ];
    let (kind, name, severity) = CHECKS[check];
    let node = format!("{kind}-{g}");
    let labels: Labels = [
        ("alertname", name.to_string()),
        ("instance", format!("{node}:9100")),
        ("service", format!("svc-{g}")),
        ("dc", format!("dc-{}", g % SWITCHES % 2)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    AlarmSignal {
        source: "alertmanager-prod".into(),
        key: format!("{name}/{node}"),
        node: Some(node.clone()),
        severity,
        title: format!("{name} on {node}"),
        text: "probe failed 3 times in a row".into(),
        labels,
        at: 0,
        firing,
    }
}

/// The storm's signals in arrival order, each with its time.
fn storm() -> Vec<(Millis, Signal)> {
    // Per group, in order: five alarms, two repeats of each, then (a fifth of the
    // alarms) clears: every alarm of each tenth group, else none.
    let mut per_group: Vec<Vec<AlarmSignal>> = (0..GROUPS)
        .map(|g| {
            let mut seq: Vec<AlarmSignal> = (0..5).map(|c| signal(g, c, true)).collect();
            for _ in 0..2 {
                seq.extend((0..5).map(|c| signal(g, c, true)));
            }
            if g % 10 == 0 {
                seq.extend((0..5).map(|c| signal(g, c, false)));
            } else if g % 10 == 1 {
                seq.push(signal(g, 4, false));
            }
            seq.reverse();
            seq
        })
        .collect();
    let total: usize = per_group.iter().map(Vec::len).sum();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut live: Vec<usize> = (0..GROUPS).collect();
    let mut out = Vec::with_capacity(total);
    while !live.is_empty() {
        let pick = rng.below(live.len());
        let g = live[pick];
        let mut s = per_group[g].pop().expect("a signal left");
        if per_group[g].is_empty() {
            live.swap_remove(pick);
        }
        let now = START + (out.len() as Millis * STORM_MS) / total as Millis;
        s.at = now;
        out.push((now, Signal::Alarm(s)));
    }
    out
}

fn config() -> EngineConfig {
    EngineConfig {
        policy: DutyPolicy {
            escalation: vec![EscalationStep {
                level: 1,
                after_ms: 60_000,
                min_severity: Severity::Warning,
                notify: vec!["wecom-noc".into()],
            }],
            ..DutyPolicy::default()
        },
        ..EngineConfig::default()
    }
}

/// Feeds the storm through the engine, ticking every simulated second, and hands the
/// events on in commits of up to 2,048. Returns the number of events.
async fn ingest(engine: &mut Engine, signals: &[(Millis, Signal)], store: Option<&Store>) -> usize {
    let mut pending: Vec<NewEvent> = Vec::with_capacity(COMMIT + 64);
    let mut total = 0;
    let mut next_tick = START + 1_000;
    let mut flush = |pending: &mut Vec<NewEvent>| {
        total += pending.len();
        std::mem::take(pending)
    };
    for (now, signal) in signals {
        while *now >= next_tick {
            pending.extend(engine.on_tick(next_tick));
            next_tick += 1_000;
        }
        pending.extend(engine.on_signal(signal.clone(), *now));
        if pending.len() >= COMMIT {
            let batch = flush(&mut pending);
            if let Some(store) = store {
                store.append(batch).await.expect("append");
            }
        }
    }
    // The storm's tail: holds end, escalations fall due.
    let end = START + STORM_MS + 60_000;
    while next_tick <= end {
        pending.extend(engine.on_tick(next_tick));
        next_tick += 1_000;
        if pending.len() >= COMMIT {
            let batch = flush(&mut pending);
            if let Some(store) = store {
                store.append(batch).await.expect("append");
            }
        }
    }
    let batch = flush(&mut pending);
    if let (Some(store), false) = (store, batch.is_empty()) {
        store.append(batch).await.expect("append");
    }
    total
}

fn fresh_engine(topology: &Topology) -> (Engine, Vec<NewEvent>) {
    let mut engine = Engine::new(config());
    let loaded = engine.on_signal(
        Signal::Topology {
            origin: "source:test".into(),
            topology: topology.clone(),
        },
        START,
    );
    (engine, loaded)
}

fn engine_store(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let topology = topology();
    let signals = storm();

    // One run to count and describe what the storm gives.
    let (mut engine, _) = fresh_engine(&topology);
    let events = runtime.block_on(ingest(&mut engine, &signals, None));
    let state = engine.state();
    let open = state
        .incidents
        .values()
        .filter(|i| !i.status.is_closed())
        .count();
    println!(
        "storm: {} nodes, {} signals -> {events} events; {} live alarms, {open} open incidents",
        topology.nodes.len(),
        signals.len(),
        state.alarms.len(),
    );

    let mut group = c.benchmark_group("engine_store");
    group.throughput(Throughput::Elements(events as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(60));
    group.bench_function("storm_10k_alarms_2k_incidents", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                let dir = tempfile::TempDir::new().expect("temp dir");
                let (mut engine, loaded) = fresh_engine(&topology);
                let store = runtime.block_on(async {
                    let store = Store::open(&dir.path().join("bench.db"))
                        .await
                        .expect("open the store");
                    store.append(loaded).await.expect("topology");
                    store
                });
                let started = Instant::now();
                runtime.block_on(ingest(&mut engine, &signals, Some(&store)));
                spent += started.elapsed();
                runtime.block_on(store.close());
            }
            spent
        })
    });
    group.bench_function("storm_engine_only", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                let (mut engine, _) = fresh_engine(&topology);
                let started = Instant::now();
                runtime.block_on(ingest(&mut engine, &signals, None));
                spent += started.elapsed();
            }
            spent
        })
    });
    group.finish();
}

criterion_group!(benches, engine_store);
criterion_main!(benches);
