//! Follows the hub's committed batches to keep the tray count current.

use noc_api::Console;
use tauri::{AppHandle, Manager};
use tokio::sync::broadcast::error::RecvError;

use crate::critical::CriticalWatch;
use crate::tray::Tray;

/// Ends when the hub stops (quitting, or the console switching to a team hub).
pub async fn follow(console: Console, app: AppHandle) {
    let tray = app.state::<Tray>();
    let tray = tray.inner();
    // Subscribing before taking the snapshot means no batch can fall between the two;
    // batches the snapshot already contains are skipped by their sequence number.
    let mut feed = console.subscribe();
    let snapshot = console.snapshot().await;
    let mut applied = snapshot.seq;
    let mut watch = CriticalWatch::from_snapshot(&snapshot);
    let mut shown = None;
    show(tray, &watch, &mut shown);
    loop {
        match feed.recv().await {
            Ok(batch) if batch.last_seq <= applied => {}
            Ok(batch) => {
                applied = batch.last_seq;
                watch.apply(&batch.changes);
                show(tray, &watch, &mut shown);
            }
            Err(RecvError::Lagged(missed)) => {
                tracing::debug!(missed, "tray fell behind the hub; taking a fresh snapshot");
                let snapshot = console.snapshot().await;
                applied = snapshot.seq;
                watch.resync(&snapshot);
                show(tray, &watch, &mut shown);
            }
            Err(RecvError::Closed) => break,
        }
    }
}

/// Touches the tray only when the count changed: each update is a round trip to the
/// main thread and the desktop's tray host.
fn show(tray: &Tray, watch: &CriticalWatch, shown: &mut Option<usize>) {
    let count = watch.count();
    if *shown == Some(count) {
        return;
    }
    match tray.show_count(count) {
        Ok(()) => *shown = Some(count),
        Err(error) => tracing::warn!(%error, "tray count not updated"),
    }
}
