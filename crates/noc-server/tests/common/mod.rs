//! Shared by the tests that run real monitoring systems next to the hub.

use std::future::Future;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use noc_model::{HealthStatus, Snapshot};

/// A monitoring system's process, killed however the test ends.
pub struct Daemon {
    pub child: Child,
}

impl Daemon {
    /// Starts `command` with its log in `log`; `package` is named if it is not installed.
    pub fn spawn(mut command: Command, log: &Path, package: &str) -> Daemon {
        let log = std::fs::File::create(log).expect("log file");
        let child = command
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run {} ({e}); install {package} (make deps-test)",
                    command.get_program().to_string_lossy()
                )
            });
        Daemon { child }
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        self.kill();
    }
}

pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Polls `check` until it returns `Some`, for at most `limit`.
pub async fn wait_for<T, F, Fut>(what: &str, limit: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "gave up waiting: {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The health the console shows for `source`, once it has reported.
pub fn source_status(snapshot: &Snapshot, source: &str) -> Option<HealthStatus> {
    snapshot
        .sources
        .iter()
        .find(|s| s.source == source)
        .map(|s| s.status)
}
