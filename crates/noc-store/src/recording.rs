//! The portable recording of the offline review (复盘): one SQLite file (`.nocrec`)
//! holding a drill or a time range of the production log, replayable on a machine
//! without a hub or a network.
//!
//! The file keeps the log's events with their original seqs, the state just before
//! the first of them (the base), dense snapshots of the folded state so that a seek
//! folds a bounded number of events, and the reviewers' annotations. A SHA-256 over
//! the events tells a damaged copy from a good one; every snapshot carries its own.
//! The file is written in rollback-journal mode, so it is always one file that can be
//! mailed, never a database with `-wal` side files.

mod error;
mod file;
mod format;
mod write;

#[cfg(test)]
mod tests;

pub use error::RecordingError;
pub use file::Recording;
pub use write::{write_recording, write_recording_with, RecordingOptions, RecordingRequest};

/// The file name extension of a recording.
pub const RECORDING_EXTENSION: &str = "nocrec";

/// The newest format this console writes and reads.
pub const RECORDING_FORMAT: u32 = 1;

/// Actors that are not people: events they caused are not operators' actions.
/// `source:*` (an alarm source) is matched by prefix.
pub const SYSTEM_ACTORS: [&str; 6] = ["engine", "drill", "demo", "layout", "notifier", "noc.toml"];

/// The console version that wrote a recording, kept in its header.
pub(crate) const WRITTEN_BY: &str = env!("CARGO_PKG_VERSION");
