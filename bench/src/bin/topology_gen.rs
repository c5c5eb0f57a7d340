//! Writes a generated estate as JSON to stdout: the topology's own serde shape, which
//! `POST /api/topology/import?format=json` accepts as a file.
//!
//! `topology_gen --nodes 5000 --relations 10000 --seed 1 > estate.json`

use std::io::Write;

use clap::Parser;
use noc_bench::topology_gen::{estate, MIN_NODES};

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 5_000)]
    nodes: usize,
    #[arg(long, default_value_t = 10_000)]
    relations: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(
        args.nodes >= MIN_NODES,
        "--nodes must be at least {MIN_NODES}"
    );
    let topology = estate(args.nodes, args.relations, args.seed);
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, &topology)?;
    writeln!(out)?;
    Ok(())
}
