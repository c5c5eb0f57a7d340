//! Alarm signals through dedup + topology correlation, in memory (no store), on the
//! demo network: how many events per second the engine produces.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use noc_engine::{Engine, EngineConfig};
use noc_model::{Millis, Signal};
use noc_sources::demo::{DemoConfig, Simulator};

const START: Millis = 1_700_000_000_000;

/// A day of the demo network, with the time each signal falls due.
fn day_of_signals() -> Vec<(Millis, Signal)> {
    let mut sim = Simulator::new(
        DemoConfig {
            seed: 7,
            speed: 1.0,
        },
        START,
    );
    let mut out = Vec::new();
    let mut now = START;
    while now <= START + 24 * 3_600_000 {
        out.extend(sim.due(now).into_iter().map(|s| (now, s)));
        now += 1_000;
    }
    out
}

fn replay(signals: Vec<(Millis, Signal)>) -> usize {
    let mut engine = Engine::new(EngineConfig::default());
    let mut events = 0;
    let mut last_tick = START;
    for (now, signal) in signals {
        events += engine.on_signal(signal, now).len();
        if now - last_tick >= 1_000 {
            events += engine.on_tick(now).len();
            last_tick = now;
        }
    }
    events
}

fn engine_throughput(c: &mut Criterion) {
    let signals = day_of_signals();
    let events = replay(signals.clone());
    println!("demo day: {} signals -> {events} events", signals.len());
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(events as u64));
    group.bench_function("demo_day_events", |b| {
        b.iter_batched(|| signals.clone(), replay, BatchSize::LargeInput)
    });
    group.finish();
}

criterion_group!(benches, engine_throughput);
criterion_main!(benches);
