//! Duty statistics of the NOC console: what a shift saw and how fast it answered,
//! computed from the event log (the live state forgets old resolved incidents).

mod stats;

pub use stats::{
    typescript_bindings, Compliance, DutyStats, ReportError, SeverityCounts, SourceCounts,
    StatsCache, StatsFold, Tally,
};
