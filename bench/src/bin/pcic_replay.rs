//! Records a real network log (a Huawei PCIC 2021 data set, ~6 days) through the
//! engine into a hub's event log, exports it as a review recording, and replays the
//! recording at maximum speed: the whole log folded from its first to its last event,
//! then a sweep of the review player's frames (the board as it was) across the 6 days.
//!
//! ```sh
//! cargo run --release -p noc-bench --bin pcic_replay -- \
//!     ../shared/datasets/huawei-pcic2021/24V_439N_Microwave --frame-secs 60
//! ```

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Parser;
use noc_engine::{Engine, EngineConfig};
use noc_model::{Millis, NewEvent, RecordingKind, Signal, State};
use noc_sources::replay::{alarm_signal, timeline, ReplayLog};
use noc_store::recording::{write_recording, Recording, RecordingRequest};
use noc_store::Store;

/// The simulated moment the log's first second is played at.
const BASE: Millis = 1_700_000_000_000;
/// Events appended per transaction while recording (the hub's ingest batches too).
const APPEND_BATCH: usize = 2_000;
/// Events read per round trip while folding the recording.
const FOLD_CHUNK: u32 = 5_000;

#[derive(Parser)]
#[command(about = "Records a PCIC 2021 data set through the engine and replays the recording")]
struct Args {
    /// Folder with Alarm.csv and (optionally) topology_edges.csv.
    dataset: PathBuf,
    /// The review player's step when sweeping the recording: one frame per this many
    /// seconds of log time.
    #[arg(long, default_value_t = 60)]
    frame_secs: u32,
    /// How long a row without a duration stays active (the replay source's
    /// `transient_secs`).
    #[arg(long, default_value_t = 0)]
    transient_secs: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let dir = &args.dataset;
    let topology = dir.join("topology_edges.csv");
    let topology = topology.exists().then_some(topology);
    let log = ReplayLog::load(&dir.join("Alarm.csv"), topology.as_deref())
        .with_context(|| format!("cannot load the data set in {}", dir.display()))?;
    let work = tempfile::tempdir()?;

    let (store, recorded) = record(&log, args.transient_secs, work.path()).await?;
    println!(
        "recorded {} signals into {} events over {:.1} days in {:.2} s ({:.0} events/s)",
        recorded.signals,
        store.last_seq(),
        (recorded.to_at - BASE) as f64 / 86_400_000.0,
        recorded.took.as_secs_f64(),
        store.last_seq() as f64 / recorded.took.as_secs_f64()
    );

    let file = work.path().join("pcic.nocrec");
    let started = Instant::now();
    let info = write_recording(&store, request(recorded.to_at), &file).await?;
    println!(
        "exported the recording: {} events, {:.1} MB, in {:.2} s",
        info.events,
        info.bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    store.close().await;

    let started = Instant::now();
    let recording = Recording::open(&file).await?;
    println!(
        "opened (and verified) in {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
    let (state, took) = fold_all(&recording).await?;
    println!(
        "replayed the whole log at maximum speed: {} events folded in {:.2} s ({:.0} events/s); \
         at the end {} alarms and {} incidents live",
        info.events,
        took.as_secs_f64(),
        info.events as f64 / took.as_secs_f64(),
        state.alarms.len(),
        state.incidents.len()
    );
    sweep(&recording, args.frame_secs).await?;
    recording.close().await;
    Ok(())
}

struct Recorded {
    signals: usize,
    to_at: Millis,
    took: Duration,
}

/// The log through a fresh engine on simulated time, every event into a real store,
/// as a hub replaying the data set at full speed would write it.
async fn record(
    log: &ReplayLog,
    transient_secs: u64,
    dir: &Path,
) -> anyhow::Result<(Store, Recorded)> {
    let store = Store::open(&dir.join("noc.db")).await?;
    let cues = timeline(log, 0, (transient_secs * 1000) as Millis);
    let started = Instant::now();
    let mut engine = Engine::new(EngineConfig::default());
    let mut pending: Vec<NewEvent> = engine.on_signal(
        Signal::Topology {
            origin: "source:pcic".into(),
            topology: log.topology(),
        },
        BASE,
    );
    let mut last_tick = None;
    let mut now = BASE;
    for &cue in &cues {
        now = BASE + cue.log_ms;
        if last_tick != Some(now) {
            pending.extend(engine.on_tick(now));
            last_tick = Some(now);
        }
        let signal = alarm_signal(log, "pcic", cue, now);
        pending.extend(engine.on_signal(Signal::Alarm(signal), now));
        if pending.len() >= APPEND_BATCH {
            store.append(std::mem::take(&mut pending)).await?;
        }
    }
    if !pending.is_empty() {
        store.append(pending).await?;
    }
    let recorded = Recorded {
        signals: cues.len(),
        to_at: now,
        took: started.elapsed(),
    };
    Ok((store, recorded))
}

fn request(to_at: Millis) -> RecordingRequest {
    RecordingRequest {
        id: "pcic".into(),
        title: "PCIC 2021 microwave network".into(),
        kind: RecordingKind::Production,
        from_at: BASE,
        to_at,
        created_by: "bench".into(),
        created_at: to_at,
        scenario: None,
    }
}

/// Every event of the recording folded in order from its base: the replay at maximum
/// speed, from the first moment to the last.
async fn fold_all(recording: &Recording) -> anyhow::Result<(State, Duration)> {
    let started = Instant::now();
    let info = recording.info();
    let mut state = recording.state_at(info.from_at - 1).await?;
    loop {
        let events = recording.events(state.seq, FOLD_CHUNK).await?;
        if events.is_empty() {
            break;
        }
        for event in &events {
            state.apply(event);
        }
    }
    Ok((state, started.elapsed()))
}

/// The review player playing as fast as frames come: one frame (the board as it was,
/// as the screen receives it) per `frame_secs` of log time, first to last.
async fn sweep(recording: &Recording, frame_secs: u32) -> anyhow::Result<()> {
    let info = recording.info();
    let step = Millis::from(frame_secs.max(1)) * 1000;
    let mut frames = Vec::new();
    let started = Instant::now();
    let mut at = info.from_at;
    while at <= info.to_at {
        let begun = Instant::now();
        let snapshot = recording.state_at(at).await?.snapshot();
        let bytes = serde_json::to_vec(&snapshot)?.len();
        frames.push((begun.elapsed(), bytes));
        at += step;
    }
    let total = started.elapsed();
    let mut times: Vec<Duration> = frames.iter().map(|f| f.0).collect();
    times.sort();
    let pick = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    println!(
        "swept {} frames ({} s apart) in {:.1} s: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms per frame; \
         frames of {:.0}–{:.0} KB JSON",
        frames.len(),
        frame_secs,
        total.as_secs_f64(),
        pick(0.5).as_secs_f64() * 1000.0,
        pick(0.95).as_secs_f64() * 1000.0,
        pick(1.0).as_secs_f64() * 1000.0,
        frames.iter().map(|f| f.1).min().unwrap_or(0) as f64 / 1000.0,
        frames.iter().map(|f| f.1).max().unwrap_or(0) as f64 / 1000.0,
    );
    Ok(())
}
