//! The built-in demo: a simulated network whose faults go through the same
//! source → engine → store path as real data. Deterministic for a given seed.

mod catalogue;
mod network;
mod roster;
mod schedule;

use std::sync::Arc;
use std::time::Duration;

use noc_model::{Clock, Signal};
use tokio::sync::mpsc::Sender;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub use network::demo_topology;
pub use roster::{demo_roster, DEMO_ON_DUTY};
pub use schedule::Simulator;

/// The source name of every demo signal.
pub const DEMO_SOURCE: &str = "demo";

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DemoConfig {
    pub seed: u64,
    /// How much faster than real time the network lives (10.0 = ten times faster).
    pub speed: f64,
}

impl Default for DemoConfig {
    fn default() -> Self {
        Self {
            seed: 1,
            speed: 1.0,
        }
    }
}

/// How often the running demo looks at its schedule.
const POLL: Duration = Duration::from_millis(250);

/// Runs the simulator against `clock` and sends what falls due, until `shutdown` or
/// until nobody listens any more.
pub fn spawn(
    config: DemoConfig,
    clock: Arc<dyn Clock>,
    out: Sender<Signal>,
    shutdown: CancellationToken,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut simulator = Simulator::new(config, clock.now());
        loop {
            for signal in simulator.due(clock.now()) {
                tokio::select! {
                    _ = shutdown.cancelled() => return,
                    sent = out.send(signal) => if sent.is_err() { return },
                }
            }
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tokio::time::sleep(POLL) => {}
            }
        }
    })
}
