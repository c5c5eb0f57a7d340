//! Replay of a recorded alarm log (the Huawei PCIC 2021 `Alarm.csv` format, with its
//! `topology_edges.csv`) through the same source → engine → store path as live data,
//! on simulated time: the log's first second is the moment the replay starts, and
//! `speed` log seconds pass per clock second.

mod log;
mod player;
#[cfg(test)]
mod tests;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use noc_model::{Clock, Signal};
use tokio::sync::mpsc::Sender;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub use log::{
    device_node, read_pairs, AlarmRow, ReplayError, ReplayLog, ALARM_COLUMNS, LINK_COLUMNS,
};
pub use player::{alarm_signal, alarm_type_name, timeline, Cue, Player};

/// How fast log time passes on the clock.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Speed {
    /// This many log seconds per clock second (60 = one hour of log per minute).
    Times(f64),
    /// Every row as fast as the hub takes them, stamped with the moment it is sent.
    Max,
}

/// One `[[replay]]` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplaySettings {
    /// The source name of every replayed alarm.
    pub name: String,
    pub alarms: PathBuf,
    pub topology: Option<PathBuf>,
    pub speed: Speed,
    /// Log time at which the replay starts; earlier rows are skipped.
    pub start_offset_secs: u64,
    /// Start again from the offset after the last row.
    pub looping: bool,
    /// How long a row without a recorded duration (end = start) stays active.
    pub transient_secs: u64,
}

/// A replay whose files have been read and checked, ready to run.
#[derive(Debug, Clone)]
pub struct ReplaySource {
    pub settings: ReplaySettings,
    pub log: Arc<ReplayLog>,
}

impl ReplaySource {
    /// Reads the files now, so that a bad file stops the hub at start-up with the file
    /// and line named, instead of a source that fails later.
    pub fn load(settings: ReplaySettings) -> Result<Self, ReplayError> {
        let log = ReplayLog::load(&settings.alarms, settings.topology.as_deref())?;
        Ok(Self {
            settings,
            log: Arc::new(log),
        })
    }
}

/// How often the running replay looks at the clock. Rows due between two looks go
/// out together, each stamped with its own time.
const POLL: Duration = Duration::from_millis(200);

/// Plays the log against `clock` until it ends (or forever with `looping`), until
/// `shutdown`, or until nobody listens any more.
pub fn spawn(
    source: ReplaySource,
    clock: Arc<dyn Clock>,
    out: Sender<Signal>,
    shutdown: CancellationToken,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut player = Player::new(source.settings, source.log, clock.now());
        loop {
            for signal in player.due(clock.now()) {
                tokio::select! {
                    _ = shutdown.cancelled() => return,
                    sent = out.send(signal) => if sent.is_err() { return },
                }
            }
            if player.is_finished() {
                return;
            }
            if player.has_more_now() {
                tokio::task::yield_now().await;
                continue;
            }
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tokio::time::sleep(POLL) => {}
            }
        }
    })
}
