//! Evaluation of alarm grouping on a recorded network log (the Huawei PCIC 2021 data
//! sets): the real engine replays the whole log at maximum speed on simulated time,
//! and its incidents are scored against the labelled causal graph and the topology,
//! next to a naive per-device time window.
//!
//! ```sh
//! cargo run --release -p noc-bench --bin replay_eval -- \
//!     ../shared/datasets/huawei-pcic2021/24V_439N_Microwave --window-mins 1,5,10 --k-hops 2
//! ```
//!
//! With `--causal-rules` the engine also runs with the data set's causal graph as the
//! team's causal rules (`DutyPolicy.causal`), type N named as the replay source names it.

mod grouping;
mod metrics;
mod truth;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Parser;
use noc_engine::EngineConfig;
use noc_model::{CausalRule, DutyPolicy};
use noc_sources::replay::{alarm_type_name, read_pairs, timeline, Cue, ReplayLog};

use metrics::Scores;
use truth::Truth;

#[derive(Parser)]
#[command(about = "Scores the engine's alarm grouping on a PCIC 2021 data set folder")]
struct Args {
    /// Folder with Alarm.csv, causal_edges.csv and (optionally) topology_edges.csv.
    dataset: PathBuf,
    /// Engine correlation windows to try, in minutes.
    #[arg(long, value_delimiter = ',', default_value = "1,5,10")]
    window_mins: Vec<u32>,
    /// A grouped alarm is consistent only if its device is within this many links of
    /// the root's device.
    #[arg(long, default_value_t = 2)]
    k_hops: u16,
    /// The engine's resolve hold (how long an incident's alarms stay cleared before
    /// it resolves); 30 s is the engine's default.
    #[arg(long, default_value_t = 30)]
    resolve_hold_secs: u32,
    /// How long a row without a duration (end = start) stays active, as the replay
    /// source's `transient_secs`.
    #[arg(long, default_value_t = 0)]
    transient_secs: u64,
    /// The naive baseline's per-device window.
    #[arg(long, default_value_t = 60)]
    baseline_secs: u32,
    /// Also run the engine with causal_edges.csv as its causal rules (cause → effect
    /// between alarm types), as a team's expert rules would be given in `[[duty.causal]]`.
    #[arg(long)]
    causal_rules: bool,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let (log, truth, causal) = load(&args)?;
    describe_data(&args, &log, &truth, causal.len());
    print_header();

    let started = Instant::now();
    let baseline = grouping::per_device_window(&log, i64::from(args.baseline_secs) * 1000);
    let took = started.elapsed();
    let label = format!("naive: {} s per-device window", args.baseline_secs);
    print_row(
        &label,
        &metrics::score(&log, &baseline, &truth),
        None,
        took,
        None,
    );

    for &mins in &args.window_mins {
        let started = Instant::now();
        let proposal = grouping::type_aware(&log, &truth, i64::from(mins) * 60_000);
        let took = started.elapsed();
        let label = format!("proposal: type-aware rule, window {mins} min");
        print_row(
            &label,
            &metrics::score(&log, &proposal, &truth),
            None,
            took,
            None,
        );
    }

    let cues = timeline(&log, 0, args.transient_secs as i64 * 1000);
    for &mins in &args.window_mins {
        let label = format!("engine: window {mins} min");
        run_engine_row(
            &args,
            &log,
            &cues,
            &truth,
            mins,
            DutyPolicy::default(),
            &label,
        );
    }
    if args.causal_rules {
        let policy = DutyPolicy {
            causal: expert_rules(&causal),
            ..DutyPolicy::default()
        };
        for &mins in &args.window_mins {
            let label = format!("engine + expert causal rules: window {mins} min");
            run_engine_row(&args, &log, &cues, &truth, mins, policy.clone(), &label);
        }
    }
    Ok(())
}

/// One engine run on the whole log, printed as a row of the table.
fn run_engine_row(
    args: &Args,
    log: &ReplayLog,
    cues: &[Cue],
    truth: &Truth,
    mins: u32,
    policy: DutyPolicy,
    label: &str,
) {
    let config = EngineConfig {
        correlation_window_ms: i64::from(mins) * 60_000,
        resolve_hold_ms: i64::from(args.resolve_hold_secs) * 1000,
        policy,
    };
    let run = grouping::run_engine(log, cues, config);
    let scores = metrics::score(log, &run.grouping, truth);
    let rate = run.signals as f64 / run.wall.as_secs_f64();
    print_row(
        label,
        &scores,
        Some(run.alarms_raised),
        run.wall,
        Some(rate),
    );
    let (devices, types) = metrics::largest_group(log, &run.grouping);
    println!("  (largest incident: {devices} devices, {types} alarm types)");
    if scores.unplaced > 0 {
        println!("  ({} rows were placed in no incident)", scores.unplaced);
    }
    eprintln!(
        "{label}: {} signals in, {} events out",
        run.signals, run.events
    );
}

/// The data set's causal graph as a team's rules, each type named as the replay
/// source's alarms name it, so the engine matches them to the replayed alarms.
fn expert_rules(edges: &[(u32, u32)]) -> Vec<CausalRule> {
    edges
        .iter()
        .map(|&(cause, effect)| CausalRule {
            cause: alarm_type_name(cause),
            effect: alarm_type_name(effect),
        })
        .collect()
}

/// Cause → effect pairs of alarm type numbers, as `causal_edges.csv` lists them.
type CausalEdges = Vec<(u32, u32)>;

fn load(args: &Args) -> anyhow::Result<(ReplayLog, Truth, CausalEdges)> {
    let dir = &args.dataset;
    let topology = dir.join("topology_edges.csv");
    let topology = topology.exists().then_some(topology);
    let log = ReplayLog::load(&dir.join("Alarm.csv"), topology.as_deref())
        .with_context(|| format!("cannot load the data set in {}", dir.display()))?;
    let causal = read_pairs(
        &dir.join("causal_edges.csv"),
        ["cause_alarm_id", "effect_alarm_id"],
    )?;
    let truth = Truth::new(&log, &causal, args.k_hops);
    Ok((log, truth, causal))
}

fn describe_data(args: &Args, log: &ReplayLog, truth: &Truth, causal_edges: usize) {
    let name = args.dataset.file_name().map_or_else(
        || args.dataset.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let topology = log.topology();
    let span = log.rows.last().map_or(0, |r| r.start_ms) / 1000;
    println!(
        "{name}: {} alarm rows over {span} s, {} devices, {} links, {causal_edges} causal edges; \
         {:.1} devices within {} hops of a device on average",
        log.rows.len(),
        topology.nodes.len(),
        log.links.len(),
        truth.mean_neighbourhood(),
        args.k_hops,
    );
    println!(
        "engine resolve hold {} s; rows without a duration clear after {} s; k = {}\n",
        args.resolve_hold_secs, args.transient_secs, args.k_hops
    );
}

fn print_header() {
    println!(
        "| setting | rows in | alarms raised | incidents out | compression | causal consistency \
         | cross-alarm consistency | pair purity | median / p90 / largest incident | time | signals/s |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
}

fn print_row(
    label: &str,
    scores: &Scores,
    alarms_raised: Option<usize>,
    took: Duration,
    rate: Option<f64>,
) {
    println!(
        "| {label} | {} | {} | {} | {:.1} % | {:.1} % | {:.1} % | {:.1} % | {} / {} / {} | {:.2} s | {} |",
        scores.rows,
        alarms_raised.map_or("–".to_string(), |n| n.to_string()),
        scores.groups,
        100.0 * scores.compression,
        100.0 * scores.consistency,
        100.0 * scores.cross_consistency,
        100.0 * scores.pair_purity,
        scores.median_size,
        scores.p90_size,
        scores.largest,
        took.as_secs_f64(),
        rate.map_or("–".to_string(), |r| format!("{r:.0}")),
    );
}
