use std::time::{SystemTime, UNIX_EPOCH};

use noc_model::{Clock, Millis};

/// The real time, for binaries. Everything else takes a [`Clock`] so that tests,
/// drills and replay can run on simulated time.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Millis {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as Millis)
    }
}
